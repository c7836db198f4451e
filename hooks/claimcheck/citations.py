"""Pandoc citation syntax: the one parser that rendering and checking share.

Forms: `[@key]`, `[@a; @b]`, `[@key, p. 12]`, `[see @key, pp. 3-4]`,
`[-@key]` (suppress author) and narrative `@key` in running text. It reads the
prose view of a `Document`, so code, URLs, e-mail addresses and `\\@` never
yield citations. Keys follow Pandoc: they may contain `:.#$%&-+?<>~/` inside,
and `@{any key}` takes anything up to the closing brace.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass

KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&\-+?<>~/](?=[A-Za-z0-9_]))*"
KEY_PART = re.compile(rf"(?P<prefix>[^@;]*?)(?P<suppress>-?)@(?:\{{(?P<braced>[^{{}}\n]+)\}}|(?P<key>{KEY}))(?P<locator>[^;]*)$", re.DOTALL)
BRACKET = re.compile(r"\[(?P<body>[^\[\]@]*@[^\[\]]*)\](?![(\[:])")
NARRATIVE = re.compile(rf"(?<![\w@\\\[;-])@(?:\{{(?P<braced>[^{{}}\n]+)\}}|(?P<key>{KEY}))")


@dataclass(frozen=True)
class Citation:
    """One cited key, as written."""

    key: str
    prefix: str = ""
    locator: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class CitationGroup:
    """A bracket of citations (or one narrative citation) at `start:end` of the text."""

    start: int
    end: int
    citations: tuple[Citation, ...]
    narrative: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.citations)


def _bracket(body: str) -> tuple[Citation, ...] | None:
    """The citations of a bracket body, or None if it is not a citation bracket
    (Pandoc: every `;`-separated part must name exactly one key)."""
    citations = []
    for part in body.split(";"):
        m = KEY_PART.match(part.strip())
        if not m or (m.group("prefix") and not re.search(r"\s$", m.group("prefix"))):
            return None
        key = m.group("braced") or m.group("key")
        locator = m.group("locator").strip().lstrip(",").strip()
        citations.append(Citation(key, m.group("prefix").strip(), locator, bool(m.group("suppress"))))
    return tuple(citations)


def find_citations(prose: str, start: int = 0, end: int | None = None) -> list[CitationGroup]:
    """Every citation group in `prose[start:end]`, in order of position."""
    end = len(prose) if end is None else end
    brackets: list[CitationGroup] = []
    for m in BRACKET.finditer(prose, start, end):
        citations = _bracket(m.group("body"))
        if citations:
            brackets.append(CitationGroup(m.start(), m.end(), citations))
    narratives: list[CitationGroup] = []
    index = 0
    for m in NARRATIVE.finditer(prose, start, end):
        while index < len(brackets) and brackets[index].end <= m.start():
            index += 1
        if index < len(brackets) and brackets[index].start <= m.start():
            continue
        key = m.group("braced") or m.group("key")
        narratives.append(CitationGroup(m.start(), m.end(), (Citation(key),), narrative=True))
    return list(heapq.merge(brackets, narratives, key=lambda g: g.start))  # both in order: linear
