"""One way each to read a file as text, to find the line of an offset, and to
tell a link target worth linking: every module that needs one of these uses these."""

from __future__ import annotations

import bisect
import re

from .problems import Problem

_HTTP_URL = re.compile(r"^https?://[^\s\"'<>]+$", re.IGNORECASE)


class LineIndex:
    """Line numbers (from 1) of offsets in a text or in bytes, in logarithmic
    time once built (building is linear: build one per text, not per offset)."""

    def __init__(self, text: str | bytes) -> None:
        newlines = re.finditer("\n", text) if isinstance(text, str) else re.finditer(b"\n", text)
        self.starts = [0] + [m.end() for m in newlines]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def decode_utf8(raw: bytes, shown: str, kind: str) -> str | Problem:
    """A file's bytes as text, the way MkDocs reads a page (UTF-8, a byte-order
    mark dropped), or the one `kind` problem naming the line of the first bad byte."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Problem(shown, LineIndex(raw)(exc.start), kind, "", f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8")


def is_http_url(text: str) -> bool:
    """An http(s) address with nothing that could break out of an attribute or a link."""
    return bool(_HTTP_URL.match(text))


def is_pmid(text: str) -> bool:
    """A PubMed ID: digits only."""
    return text.strip().isdigit()
