"""Markdown → prose: which characters of a page are running text, and in which unit.

The checker must never read a number in a code block, a URL or a list marker
as a claim, and must know which citation covers which number. markdown-it-py
(with source line maps) gives the block structure; this module turns it into a
`Document`: the page's text with every non-prose character blanked to a space
(so offsets and line numbers stay those of the file) and the `Unit`s a citation
covers — a sentence of a paragraph, a whole list item, or a table row.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Any

import yaml

from .keys import KEY_IN_TEXT
from .text import LineIndex

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
ADMONITION = re.compile(r"^( *)(?:!!!|\?\?\?\+?|===)[ \t]")
#: The quoted title of an admonition, a collapsible `???` block or a content tab.
BLOCK_TITLE = re.compile(r'^( *)(?:!!!|\?\?\?\+?|===)[ \t]+(?:[\w-]+(?:[ \t]+[\w-]+)*[ \t]+)?"(?P<title>[^"\n]*)"')
#: An abbreviation definition (`*[TRD]: Treatment-resistant depression`): its
#: expansion is shown to readers, so it is prose; the `*[TRD]:` is not.
ABBREVIATION = re.compile(r"^ *\*\[[^\]\n]*\]:[ \t]*")
#: Lines that are Material/pymdownx syntax, not prose: abbreviations, snippets.
NOT_PROSE_LINE = re.compile(r"^ *(?:\*\[[^\]]*\]:|-{2,}8<-{2,}|;;;)")
#: A line that only opens or closes an HTML block whose content is Markdown
#: (`<div markdown>`, `</div>`): blanked, so what is inside is read as Markdown.
MARKDOWN_HTML_LINE = re.compile(r"^ *(?:<[A-Za-z][\w-]*\b[^<>]*\bmarkdown\b[^<>]*>|</[A-Za-z][\w-]*\s*>) *$")
#: The page title and summary readers see first, in the front matter.
FRONT_MATTER_TEXT = re.compile(r"^(?:title|description):[ \t]*", re.MULTILINE)
#: An ATX heading as written: its marks, then its text.
HEADING = re.compile(r"\s*(#{1,6})\s+(.*?)\s*#*\s*(?:\{[^}]*\})?\s*$")
HEADING_MARKS = re.compile(r"^ {0,3}#{1,6}(?=[ \t]|$)|[ \t]+#+[ \t]*$", re.MULTILINE)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
LINE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)(?:[ \t]*\[[ xX]\](?=[ \t]))?)?")
WAIVER = re.compile(r"<!--\s*claimcheck:\s*ignore\b(?P<reason>[^>]*?)-->", re.IGNORECASE)
#: Inline things that are not prose, blanked in this order. Each comes with
#: texts one of which any match contains (in the block lower-cased, and never
#: made by blanking), so a block without them skips its scan: scanning every
#: block for URLs, DOIs, PMIDs, ISBNs and e-mail addresses took 0.3 ms a page.
INLINE_NOT_PROSE: list[tuple[re.Pattern[str], tuple[str, ...]]] = [
    (re.compile(r"<!--.*?-->", re.DOTALL), ("<!--",)),
    (re.compile(r"<[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|</[A-Za-z][A-Za-z0-9-]*\s*>|<(?:https?|mailto|ftp):[^<>\s]*>"), ("<",)),
    (re.compile(r"\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"), ("](",)),
    (re.compile(r"\[\^[^\]\s]+\]:?"), ("[^",)),
    # Masks from here on leave citation keys alone (see _mask_inline).
    (re.compile(r"(?:https?://|www\.)[^\s<>\[\]()]+", re.IGNORECASE), ("://", "www.")),
    (re.compile(r"\b(?:doi:\s?)?10\.\d{4,9}/[^\s<>\[\]]+", re.IGNORECASE), ("10.",)),
    (re.compile(r"\b(?:PMID|PMCID):?\s?(?:PMC)?\d+|\bPMC\d+", re.IGNORECASE), ("pm",)),
    (re.compile(r"\bISBN(?:-1[03])?:?\s?[\d\- ]{9,16}[\dXx]"), ("isbn",)),
    (re.compile(r"\{[:.#][^{}\n]*\}"), ("{",)),
    (re.compile(r"\\[\\`*_{}\[\]()#+\-.!@|]"), ("\\",)),
    (re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), ("@",)),
]
#: Citation keys stay readable through the masks after the first this many.
KEYS_KEPT_FROM = 4
KEY_FILLER = "\x00"
ABBREVIATIONS = {
    "e.g", "i.e", "al", "vs", "dr", "prof", "approx", "fig", "figs", "p", "pp", "no", "nos",
    "ca", "cf", "incl", "st", "mr", "mrs", "ms", "etc", "vol", "ed", "eds", "eq", "u.s", "u.k",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "resp",
}
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]*_]*\s+(?=[A-Z0-9\"“‘'(\[*_<@])")
CITATION_START = re.compile(r"\[(?:[^\[\]@\n]{0,40}?)?@[\w{]")

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.cache
def _markdown_parser() -> Any:
    """markdown-it, imported on first use: a build whose pages all come from the
    cache never parses Markdown. Only blocks are read (where each paragraph,
    item, row and heading lies), so inline parsing is off, and with it the
    footnote rule that would move definitions (and drop unreferenced ones)
    to the end. Lists nest deeper than commonmark's default limit of 20
    tokens (about 9 levels) on real pages."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.footnote import footnote_plugin

    parser = MarkdownIt("commonmark", {"maxNesting": 100}).enable("table").use(footnote_plugin)
    return parser.disable(["inline", "footnote_tail"])


class UnitKind(StrEnum):
    """What prose a `Unit` is, which decides how a citation covers it."""

    SENTENCE = "sentence"  # a sentence of a paragraph or of a raw HTML block
    ITEM = "item"  # a whole list item
    ROW = "row"  # a whole table row
    HEADING = "heading"
    TITLE = "title"  # of an admonition, a collapsible block or a content tab
    META = "meta"  # the page title or description in the front matter
    DEFINITION = "definition"  # an abbreviation's expansion


@dataclass(frozen=True)
class Unit:
    """Prose that one citation covers: `regions` are (start, end) offsets.

    A heading, title or meta unit also has a `scope`: the offsets of the text
    it heads, where a number it states must be stated and cited. A table row
    has the `header` row of its table, whose cells say what each column's
    numbers are."""

    kind: UnitKind
    regions: tuple[tuple[int, int], ...]
    scope: tuple[int, int] | None = None
    header: tuple[int, int] | None = None

    def contains(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.regions)


@dataclass
class Document:
    """A Markdown page reduced to what the checker reads."""

    path: str
    source: str
    prose: str
    units: list[Unit]
    meta: dict[str, Any] = field(default_factory=dict)
    waivers: list[tuple[int, str]] = field(default_factory=list)
    meta_error: str | None = None
    _lines: LineIndex | None = field(default=None, repr=False, compare=False)

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        if self._lines is None:
            self._lines = LineIndex(self.source)
        return self._lines(offset)

    def headings(self) -> list[tuple[int, int, str]]:
        """(level, line, text) of every heading outside code, the text without
        its closing `#`s or `{ attribute list }`."""
        found = []
        for unit in self.units:
            if unit.kind != UnitKind.HEADING:
                continue
            start, end = unit.regions[0]
            m = HEADING.match(self.text(start, end))
            if m:
                found.append((len(m.group(1)), self.line_of(start), m.group(2)))
        return found

    def text(self, start: int, end: int) -> str:
        return self.source[start:end]


def normalise(text: str) -> str:
    """The text as MkDocs reads it: no BOM, Unix line endings."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blank(text: str) -> str:
    """Every character but line breaks as a space (line by line: a regex
    replacing each character took 0.15 ms a page)."""
    return "\n".join(" " * len(line) for line in text.split("\n"))


def _split_front_matter(source: str) -> tuple[int, dict[str, Any], str | None]:
    """Length of the front matter block, its data, and a parse error if any."""
    m = FRONT_MATTER.match(source)
    if not m:
        return 0, {}, None
    try:
        data = yaml.load(m.group(1) or "", Loader=SAFE_LOADER) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        return m.end(), {}, f"front matter is not valid YAML{where}"
    if not isinstance(data, dict):
        return m.end(), {}, "front matter must be a mapping of keys to values"
    return m.end(), data, None


def _markdown_view(lines: list[str], front_lines: int) -> str:
    """The page as markdown-it should see it: Material's admonitions and tabs
    de-indented (markdown-it would take their bodies for code), front matter,
    abbreviation lines and the tags around `markdown` HTML blocks blanked.
    Line numbers stay those of the file."""
    out: list[str] = []
    bodies: list[int] = []
    for number, raw in enumerate(lines):
        line = raw.expandtabs(4)
        if number < front_lines or NOT_PROSE_LINE.match(line) or MARKDOWN_HTML_LINE.match(line):
            out.append("")
            continue
        indent = len(line) - len(line.lstrip(" "))
        if line.strip():
            while bodies and indent < bodies[-1]:
                bodies.pop()
        marker = ADMONITION.match(line)
        if marker:
            bodies.append(len(marker.group(1)) + 4)
            out.append("")
            continue
        strip = 4 * len(bodies)
        out.append(line[min(strip, indent):] if line.strip() else "")
    return "\n".join(out)


@dataclass(frozen=True)
class _Block:
    """A block of prose markdown-it found: lines `first` to `end`, the unit it
    belongs to (`owner`), a heading's level, a table row's header line."""

    kind: UnitKind
    first: int
    end: int
    owner: int
    level: int = 0
    header_line: int | None = None


def _blocks(view: str, code: list[tuple[int, int]]) -> list[_Block]:
    """Every block of prose, in order: paragraphs, list items, table rows,
    headings and raw HTML blocks (whose text readers see too). The line
    ranges of code blocks are added to `code`."""
    blocks: list[_Block] = []
    containers: list[tuple[UnitKind, int]] = []
    header_line: int | None = None
    tokens = _markdown_parser().parse(view)
    for index, token in enumerate(tokens):
        if token.type == "thead_open" and tokens[index + 1].map:
            header_line = tokens[index + 1].map[0]
        elif token.type == "table_close":
            header_line = None
        if token.type in ("fence", "code_block") and token.map:
            code.append((token.map[0], token.map[1]))
        if token.type in ("list_item_open", "tr_open"):
            containers.append((UnitKind.ITEM if token.type == "list_item_open" else UnitKind.ROW, index))
        elif token.type in ("list_item_close", "tr_close"):
            containers.pop()
        elif token.type == "html_block" and token.map:
            blocks.append(_Block(UnitKind.SENTENCE, token.map[0], token.map[1], -1 - index))
        elif token.type == "inline" and token.map:
            parent = tokens[index - 1].type if index else ""
            first, end = token.map
            if parent == "heading_open":
                blocks.append(_Block(UnitKind.HEADING, first, end, index, level=int(tokens[index - 1].tag[1:])))
            elif containers and (parent in ("th_open", "td_open") or containers[-1][0] == UnitKind.ITEM):
                kind, owner = containers[-1]
                header = header_line if kind == UnitKind.ROW and header_line != first else None
                blocks.append(_Block(kind, first, end, owner, header_line=header))
            else:
                blocks.append(_Block(UnitKind.SENTENCE, first, end, index))
    return blocks


def _prefix_end(line: str) -> int:
    """Where a line's quote and list markers end (`LINE_PREFIX` matches every line)."""
    found = LINE_PREFIX.match(line)
    return found.end() if found else 0


def _mask_inline(region: str) -> str:
    """Blank the parts of a block of prose that are not running text."""
    lines = region.split("\n")
    region = "\n".join(" " * (end := _prefix_end(line)) + line[end:] for line in lines)
    region = _blanked(_mask_code_spans(region), INLINE_NOT_PROSE[:KEYS_KEPT_FROM])
    # Citation keys (`@{https://...}`, `@doi:10...`) are held out of the masks
    # below as a filler no mask starts on; a key a mask runs over (a URL's
    # `https://x.org/@name`) loses its filler and stays blank.
    keys = [(m.start(), m.group(0)) for m in KEY_IN_TEXT.finditer(region)] if "@" in region else []
    if keys:
        region = KEY_IN_TEXT.sub(lambda m: KEY_FILLER * len(m.group(0)), region)
    region = _blanked(region, INLINE_NOT_PROSE[KEYS_KEPT_FROM:])
    if keys:
        chars = list(region)
        for at, key in keys:
            if region.startswith(KEY_FILLER * len(key), at):
                chars[at:at + len(key)] = key
        region = "".join(chars)
    return region


def _blanked(region: str, masks: list[tuple[re.Pattern[str], tuple[str, ...]]]) -> str:
    """`region` with what each mask matches blanked, in order; a mask whose
    needed texts the region lacks is not run."""
    lowered = region.lower()
    for pattern, needs in masks:
        if any(need in lowered for need in needs):
            region = pattern.sub(lambda m: _blank(m.group(0)), region)
    return region


def _mask_code_spans(text: str) -> str:
    """Blank `code spans`, pairing backtick runs of equal length as CommonMark does."""
    if "`" not in text:
        return text
    runs = [(m.start(), m.end()) for m in re.finditer(r"`+", text)]
    by_size: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_size.setdefault(end - start, []).append(index)
    pieces: list[str] = []
    last = 0
    i = 0
    while i < len(runs):
        start, end = runs[i]
        same = by_size[end - start]
        position = bisect.bisect_right(same, i)
        if position == len(same):
            i += 1
            continue
        closing = same[position]
        pieces.append(text[last:start])
        pieces.append(_blank(text[start:runs[closing][1]]))
        last = runs[closing][1]
        i = closing + 1
    pieces.append(text[last:])
    return "".join(pieces)


def sentence_spans(prose: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split one paragraph into sentences; a citation after the full stop and a
    trailing comment stay with the sentence before them."""
    cuts: list[int] = [start]
    for m in SENTENCE_END.finditer(prose, start, end):
        word = re.search(r"([\w.]+)[.!?]*$", prose[max(start, m.start() - 12): m.start() + 1])
        if word and word.group(1).lower().rstrip(".") in ABBREVIATIONS:
            continue
        if word and re.fullmatch(r"(?:[A-Z]\.)+[A-Z]?", word.group(1)):
            continue
        cut = m.end()
        if CITATION_START.match(prose, cut):
            close = prose.find("]", cut, end)
            cut = close + 1 if close != -1 else cut
        cuts.append(cut)
    cuts.append(end)
    spans: list[tuple[int, int]] = []
    for a, b in pairwise(cuts):
        if spans and not re.search(r"\w", prose[a:b]):
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    return spans


def _front_matter_texts(lines: list[str], starts: list[int], front_lines: int) -> list[tuple[int, int]]:
    """Where the page `title` and `description` values stand in the front
    matter (a folded or literal block value spans its indented lines)."""
    regions = []
    for number in range(1, max(0, front_lines - 1)):
        m = FRONT_MATTER_TEXT.match(lines[number])
        if not m:
            continue
        value = lines[number][m.end():]
        if value.strip() not in ("", ">", ">-", "|", "|-"):
            regions.append((starts[number] + m.end(), starts[number] + len(lines[number])))
            continue
        last = number
        while last + 1 < front_lines - 1 and lines[last + 1].startswith((" ", "\t")):
            last += 1
        if last > number:
            regions.append((starts[number + 1], starts[last] + len(lines[last])))
    return regions


def _block_titles(lines: list[str], starts: list[int], front_lines: int, code: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(title region, body scope) of every admonition, `???` block and tab title."""
    found = []
    for number in range(front_lines, len(lines)):
        m = BLOCK_TITLE.match(lines[number])
        if not m or any(first <= number < end for first, end in code):
            continue
        indent = len(m.group(1))
        last = number
        for following in range(number + 1, len(lines)):
            text = lines[following].expandtabs(4)
            if text.strip() and len(text) - len(text.lstrip(" ")) <= indent:
                break
            last = following
        title = (starts[number] + m.start("title"), starts[number] + m.end("title"))
        found.append((title, (starts[number], starts[last] + len(lines[last]))))
    return found


def _heading_scopes(headings: list[tuple[int, int]], end: int) -> dict[int, int]:
    """Where each heading's section ends (offset -> offset): at the next heading of
    its level or higher, else at `end`. One pass, each heading kept until a heading
    closes it (looking ahead from every heading took a page of 5,000 headings 0.4 s)."""
    scopes: dict[int, int] = {}
    open_: list[tuple[int, int]] = []  # (offset, level) of headings not yet closed, levels rising
    for offset, level in sorted(headings):
        while open_ and open_[-1][1] >= level:
            scopes[open_.pop()[0]] = offset
        open_.append((offset, level))
    for offset, _ in open_:
        scopes[offset] = end
    return scopes


def _block_units(text: str, order: list[tuple[UnitKind, int]], groups: dict[tuple[UnitKind, int], list[tuple[int, int]]],
                 headings: list[tuple[int, int]], headers: dict[tuple[UnitKind, int], tuple[int, int]]) -> list[Unit]:
    """The units of the page's blocks, in `order`: each sentence of a paragraph,
    each heading with the text it heads, each list item, row or other block whole."""
    units: list[Unit] = []
    scopes = _heading_scopes(headings, len(text))
    for key in order:
        kind = key[0]
        if kind == UnitKind.SENTENCE:
            for start, end in groups[key]:
                units.extend(Unit(UnitKind.SENTENCE, (span,)) for span in sentence_spans(text, start, end))
        elif kind == UnitKind.HEADING:
            (a, b), = groups[key]
            units.append(Unit(UnitKind.HEADING, ((a, b),), scope=(a, scopes[a])))
        else:
            units.append(Unit(kind, tuple(groups[key]), header=headers.get(key)))
    return units


def parse_document(source: str, path: str = "<text>") -> Document:
    """Read a Markdown page (with or without front matter) into a `Document`."""
    source = normalise(source)
    front_end, meta, meta_error = _split_front_matter(source)
    lines = source.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    front_lines = source.count("\n", 0, front_end)
    view = _markdown_view(lines, front_lines)
    prose = list(_blank(source))
    groups: dict[tuple[UnitKind, int], list[tuple[int, int]]] = {}
    order: list[tuple[UnitKind, int]] = []
    headings: list[tuple[int, int]] = []  # (offset, level)
    headers: dict[tuple[UnitKind, int], tuple[int, int]] = {}
    code: list[tuple[int, int]] = []
    for block in _blocks(view, code):
        a, b = starts[block.first], min(starts[block.end] - 1, len(source))
        region = source[a:b]
        if block.kind == UnitKind.HEADING:
            region = HEADING_MARKS.sub(lambda m: _blank(m.group(0)), region)
            headings.append((a, block.level))
        elif block.owner < 0:  # a raw HTML block
            region = SCRIPT_OR_STYLE.sub(lambda m: _blank(m.group(0)), region)
        prose[a:b] = _mask_inline(region)
        key = (block.kind, block.owner)
        if key not in groups:
            groups[key] = []
            order.append(key)
        if (a, b) not in groups[key]:
            groups[key].append((a, b))
        if block.header_line is not None:
            headers[key] = (starts[block.header_line], starts[block.header_line + 1] - 1)
    units: list[Unit] = []
    for a, b in _front_matter_texts(lines, starts, front_lines):
        prose[a:b] = _mask_inline(source[a:b])
        units.append(Unit(UnitKind.META, ((a, b),), scope=(front_end, len(source))))
    for (a, b), scope in _block_titles(lines, starts, front_lines, code):
        prose[a:b] = _mask_inline(source[a:b])
        units.append(Unit(UnitKind.TITLE, ((a, b),), scope=scope))
    for number in range(front_lines, len(lines)):
        m = ABBREVIATION.match(lines[number])
        if m and not any(first <= number < end for first, end in code):
            a, b = starts[number] + m.end(), starts[number] + len(lines[number])
            prose[a:b] = _mask_inline(source[a:b])
            units.append(Unit(UnitKind.DEFINITION, ((a, b),)))
    text = "".join(prose)
    units.extend(_block_units(text, order, groups, headings, headers))
    units.sort(key=lambda unit: unit.regions[0][0])
    waivers = [
        (m.start(), m.group("reason").strip())
        for m in WAIVER.finditer(source)
        if any(unit.contains(m.start()) for unit in units)
    ]
    return Document(path, source, text, units, meta, waivers, meta_error)
