"""Pandoc citation syntax: the one parser that rendering and checking share.

It reads the prose view of a `Document` (code, comments, URLs, e-mail
addresses and `\\@` already blanked) the way Pandoc's Markdown reader does,
checked against Pandoc itself in `tests/claimcheck/test_pandoc_parity.py`:

- a key is `@` then a letter, digit or `_` (any script), then letters, digits,
  `_`, and single punctuation characters `:.#$%&-+?<>~/` each followed by a
  letter or digit (`://` too); `@{...}` takes any non-space text with balanced
  braces. An `@` right after a letter, digit or `.` (an e-mail address) is text.
- `[see @a, p. 3; -@b]`: a bracket of `;`-separated parts, each a prefix, one
  key (`-@` suppresses the author) and a suffix; brackets in a suffix must
  balance. A part without a key, an emphasis opened in a prefix, or a `(` or
  `[` right after the closing `]` (a link) make the bracket text.
- `@a`, `-@a` in running text are narrative; `@a [p. 33]` and `@a [p. 33; @b]`
  give the narrative citation a locator (and more citations).
- `[@a, @b]`: Pandoc reads `, @b` as the locator of `a`, with a narrative
  citation of `b` inside it; both are returned (b with `in_suffix`), and a
  note suggests `;`.

A bracket never crosses a block: `document_citations` reads each paragraph,
list item, table cell and heading on its own. Brackets that look meant as
citations but are not read as one carry a `Note` for a warning.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field
from itertools import pairwise

from .document import Document, UnitKind
from .keys import SIMPLE_KEY

SPACES = " \t"
LINK_CLOSE = re.compile(r"\]\(")
EMPHASIS_OPENER = re.compile(r"(?:\*+|(?<!\w)_+)(?=\S)")
EMPHASIS_RUN = re.compile(r"\*+|_+")
BRACKET = re.compile(r"[\[\]]")
#: What `_Block.groups` acts on: every other character is skipped at once.
GROUP_START = re.compile(r"[\[@-]")
BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")
CELL_BAR = re.compile(r"\|")


@dataclass(frozen=True)
class Citation:
    """One cited key, as written. `prefix` and `locator` are the prose text;
    the spans (offsets in the page) point at what the editor wrote, for
    rendering it as Markdown."""

    key: str
    prefix: str = ""
    locator: str = ""
    suppress_author: bool = False
    author_in_text: bool = False
    in_suffix: bool = field(default=False, compare=False)  # written inside the suffix of the citation before it
    prefix_span: tuple[int, int] = field(default=(0, 0), compare=False)
    key_span: tuple[int, int] = field(default=(0, 0), compare=False)
    suffix_span: tuple[int, int] = field(default=(0, 0), compare=False)

    @property
    def mode(self) -> str:
        """Pandoc's citation mode."""
        if self.suppress_author:
            return "suppress-author"
        return "author-in-text" if self.author_in_text else "normal"


@dataclass(frozen=True)
class Note:
    """Something an editor probably did not mean, at `start:end`: a warning."""

    start: int
    end: int
    message: str


@dataclass(frozen=True)
class CitationGroup:
    """A bracket of citations (or one narrative citation, with its own bracket
    if it has one) at `start:end` of the text."""

    start: int
    end: int
    citations: tuple[Citation, ...]
    narrative: bool = False
    notes: tuple[Note, ...] = field(default=(), compare=False)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.citations)


def _squash(text: str) -> str:
    return " ".join(text.split())


class _Block:
    """One block of prose: the citation grammar over `text[start:end]`."""

    def __init__(self, text: str, start: int, end: int, source: str | None = None) -> None:
        self.text, self.start, self.end = text, start, end
        self.source = source if source is not None else text  # what was written, where `text` blanks code
        self.key_ends: set[int] = set()
        self.closing: dict[int, int] = {}  # `[` offset -> its `]`, brackets balanced as written
        opened: list[int] = []
        brackets = [m.start() for m in BRACKET.finditer(text, start, end)]
        # A link's `](url)` is blanked in the prose view; its `]` still closes a bracket.
        links = [m.start() for m in LINK_CLOSE.finditer(self.source, start, end) if text[m.start()] != "]"]
        for at in heapq.merge(brackets, links):
            if text[at] == "[":
                opened.append(at)
            elif opened:
                self.closing[opened.pop()] = at

    def key_at(self, at: int) -> tuple[str, bool, int] | None:
        """(key, suppress author, end) of a key starting at `at` (`@` or `-@`)."""
        text = self.text
        after_text = at > self.start and (text[at - 1].isalnum() or text[at - 1] == ".") and at not in self.key_ends
        if after_text:
            return None
        suppress = text.startswith("-@", at)
        if not suppress and text[at] != "@" or suppress and at > self.start and text[at - 1] == "-":
            return None  # `--` is a dash: `--@a` cites `a` with the dash as text
        at += 2 if suppress else 1
        if at >= self.end:
            return None
        if text[at] == "{":
            depth = 0
            for position in range(at, self.end):
                char = text[position]
                if char.isspace():
                    return None
                depth += (char == "{") - (char == "}")
                if depth == 0:
                    self.key_ends.add(position + 1)
                    return text[at + 1:position], suppress, position + 1
            return None
        m = SIMPLE_KEY.match(text, at, self.end)
        if not m:
            return None
        self.key_ends.add(m.end())  # a key is not a word: `@a@b` cites both
        return m.group(), suppress, m.end()

    def skip_spnl(self, at: int) -> int:
        """Past spaces and at most one line break (Pandoc's `spnl`)."""
        text = self.text
        while at < self.end and self.source[at] in SPACES:  # a code span between is not space
            at += 1
        if at < self.end and text[at] == "\n":
            at += 1
            while at < self.end and text[at] in SPACES:
                at += 1
        return at

    def link_follows(self, close: int) -> bool:
        """Whether a `]` is a link's: `(` (blanked in the prose view) or `[` follows."""
        return close + 1 < self.end and self.source[close + 1] in "(["

    def suffix(self, at: int, close: int) -> tuple[int, list[Citation]]:
        """End of a suffix starting at `at` (a `;` or the closing `]`), and the
        narrative citations written inside it."""
        inner: list[Citation] = []
        while at < close:
            char = self.text[at]
            if char == ";":
                break
            if char == "[" and at in self.closing:
                at = self.closing[at] + 1
                continue
            if char in "-@":
                found = self.key_at(at)
                if found:
                    key, suppress, key_end = found
                    inner.append(Citation(key, "", "", suppress, not suppress, True, (at, at), (at, key_end), (key_end, key_end)))
                    at = key_end
                    continue
            at += 1
        return at, inner

    def part(self, at: int, close: int, need_key: bool = True) -> tuple[list[Citation], int] | None:
        """One `;`-separated part of a bracket from `at`: its citation (and any
        in its suffix) and where it ends, or None if it is not a citation."""
        text = self.text
        position = at
        found = None
        while position < close:
            char = text[position]
            if char == ";":
                return None
            if char == "[" and position in self.closing:
                position = self.closing[position] + 1
                continue
            if char in "-@":
                found = self.key_at(position)
                if found:
                    break
            position += 1
        if not found:
            return None
        prefix = text[at:position]
        if _opens_emphasis(prefix):
            return None
        key, suppress, key_end = found
        suffix_end, inner = self.suffix(key_end, close)
        locator = _squash(text[key_end:suffix_end]).lstrip(",").strip()
        citation = Citation(key, _squash(prefix), locator, suppress, False, False, (at, position), (position, key_end), (key_end, suffix_end))
        return [citation, *inner], suffix_end

    def parts(self, at: int, close: int) -> list[Citation] | None:
        """The `;`-separated citations from `at` up to the bracket's `]` at `close`."""
        citations: list[Citation] = []
        while True:
            parsed = self.part(at, close)
            if parsed is None:
                return None
            found, at = parsed
            citations.extend(found)
            if at >= close:
                return citations
            at += 1

    def bracket(self, at: int) -> CitationGroup | None:
        """A normal citation bracket `[...]` at `at`, or None."""
        close = self.closing.get(at)
        if close is None or self.link_follows(close):
            return None
        citations = self.parts(at + 1, close)
        if citations is None:
            return None
        return CitationGroup(at, close + 1, tuple(citations), notes=self.comma_notes(citations))

    def narrative(self, at: int, found: tuple[str, bool, int]) -> CitationGroup:
        """A narrative citation at `at`, with a bracket after it if it has one."""
        key, suppress, key_end = found
        first = Citation(key, "", "", suppress, not suppress, False, (at, at), (at, key_end), (key_end, key_end))
        opening = self.skip_spnl(key_end)
        if opening < self.end and self.text[opening] == "[":
            rest = self.bracket(opening)
            if rest is not None:
                return CitationGroup(at, rest.end, (first, *rest.citations), True, rest.notes)
            close = self.closing.get(opening)
            if close is not None and not self.link_follows(close):
                suffix_end, inner = self.suffix(opening + 1, close)
                more: list[Citation] | None = []
                if suffix_end < close:
                    more = self.parts(suffix_end + 1, close)
                if more is not None:
                    locator = _squash(self.text[opening + 1:suffix_end])
                    first = Citation(key, "", locator, suppress, not suppress, False, (at, at), (at, key_end), (opening + 1, suffix_end))
                    citations = [first, *inner, *more]
                    return CitationGroup(at, close + 1, tuple(citations), True, self.comma_notes(citations))
        return CitationGroup(at, key_end, (first,), True)

    def comma_notes(self, citations: list[Citation]) -> tuple[Note, ...]:
        notes = []
        for before, citation in pairwise(citations):
            if citation.in_suffix:
                where = citation.key_span
                notes.append(Note(where[0], where[1], f"`@{citation.key}` stands in the locator of `@{before.key}` "
                                                      f"(a comma does not separate citations, so Pandoc reads it this way): "
                                                      f"to cite both, separate them with `;`, as in `[@{before.key}; @{citation.key}]`"))
        return tuple(notes)

    def failed_bracket_note(self, at: int, inside: CitationGroup) -> Note:
        """Why a `[` before a citation is not a citation bracket."""
        close = self.closing.get(at)
        key = inside.citations[0].key
        if close is None:
            line_end = self.text.find("\n", at, self.end)
            return Note(at, line_end if line_end != -1 else self.end,
                        f"this `[` is never closed in its paragraph (or list item, table cell, heading), so `@{key}` "
                        "is read as a narrative citation and the `[` as text: close the bracket with `]`, or write `\\[` for a literal bracket")
        return Note(at, close + 1,
                    f"not a citation bracket (every `;`-separated part needs exactly one @key, and no emphasis may be left "
                    f"open before it), so `@{key}` is read as a narrative citation and the brackets as text: "
                    "give each part its key, or write `\\[` for literal brackets")

    def groups(self) -> list[CitationGroup]:
        """Every citation group of the block, in order of position."""
        text = self.text
        found_groups: list[CitationGroup] = []
        failed: list[int] = []  # `[`s that are not citations, awaiting a citation inside them
        at = self.start
        while at < self.end:
            next_start = GROUP_START.search(text, at, self.end)
            if next_start is None:
                break
            at = next_start.start()
            char = text[at]
            if char == "[":
                group = self.bracket(at)
                if group is not None:
                    found_groups.append(group)
                    at = group.end
                    continue
                close = self.closing.get(at)
                if close is None or not self.link_follows(close):
                    failed.append(at)
            elif char in "-@":
                found = self.key_at(at)
                if found is not None:
                    group = self.narrative(at, found)
                    line_start = text.rfind("\n", self.start, at)
                    around = [f for f in failed if self.closing.get(f, self.end) > at and (f in self.closing or f > line_start)]
                    notes = [self.failed_bracket_note(around[-1], group)] if around else []  # the innermost
                    failed = []
                    if notes:
                        group = CitationGroup(group.start, group.end, group.citations, True, (*notes, *group.notes))
                    found_groups.append(group)
                    at = group.end
                    continue
            at += 1
        return found_groups


def _opens_emphasis(prefix: str) -> bool:
    """Whether a prefix leaves `*` or `_` emphasis open: Pandoc's emphasis
    would then run over the key, and the bracket is not a citation."""
    if not EMPHASIS_OPENER.search(prefix):
        return False
    counts = {"*": 0, "_": 0}
    for m in EMPHASIS_RUN.finditer(prefix):
        counts[m.group()[0]] += len(m.group())
    return any(count % 2 for count in counts.values())


def find_citations(prose: str, start: int = 0, end: int | None = None, source: str | None = None) -> list[CitationGroup]:
    """Every citation group in `prose[start:end]`, in order of position; a
    blank line ends a block (use `document_citations` for a whole page).
    `source`, the page as written, tells blanked code from spaces."""
    end = len(prose) if end is None else end
    groups: list[CitationGroup] = []
    block_start = start
    for m in BLANK_LINE.finditer(prose[start:end]):
        groups.extend(_Block(prose, block_start, start + m.start(), source).groups())
        block_start = start + m.end()
    groups.extend(_Block(prose, block_start, end, source).groups())
    return groups


def _cells(prose: str, start: int, end: int) -> list[tuple[int, int]]:
    """A table row's cells (escaped and code `|` are already blanked)."""
    cuts = [start] + [m.start() for m in CELL_BAR.finditer(prose, start, end)] + [end]
    return list(pairwise(cuts))


def document_citations(document: Document) -> list[CitationGroup]:
    """Every citation group of a page, each block (paragraph, list item's
    paragraph, table cell, heading) read on its own, in order of position."""
    # Front matter is not Markdown, and an abbreviation's expansion becomes a
    # title attribute: neither can hold a citation marker.
    regions: list[tuple[int, int, UnitKind]] = sorted((start, end, unit.kind) for unit in document.units if unit.kind not in (UnitKind.META, UnitKind.DEFINITION) for start, end in unit.regions)
    blocks: list[tuple[int, int, UnitKind]] = []
    for start, end, kind in regions:
        if blocks and start <= blocks[-1][1] and kind != UnitKind.ROW:
            blocks[-1] = (blocks[-1][0], max(end, blocks[-1][1]), kind)
        else:
            blocks.append((start, end, kind))
    per_block = []
    for start, end, kind in blocks:
        spans = _cells(document.prose, start, end) if kind == UnitKind.ROW else [(start, end)]
        per_block.append([g for a, b in spans for g in find_citations(document.prose, a, b, document.source)])
    return list(heapq.merge(*per_block, key=lambda g: g.start))
