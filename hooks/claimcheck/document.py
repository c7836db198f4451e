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
from typing import Any

import yaml

from .citations import KEY_IN_TEXT

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
ADMONITION = re.compile(r"^( *)(?:!!!|\?\?\?\+?|===)[ \t]")
#: Lines that are Material/pymdownx syntax, not prose: abbreviations, snippets.
NOT_PROSE_LINE = re.compile(r"^ *(?:\*\[[^\]]*\]:|-{2,}8<-{2,}|;;;)")
LINE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])(?=[ \t]|$)(?:[ \t]*\[[ xX]\](?=[ \t]))?)?")
WAIVER = re.compile(r"<!--\s*claimcheck:\s*ignore\b(?P<reason>[^>]*?)-->", re.IGNORECASE)
#: Inline things that are not prose, blanked in this order.
INLINE_NOT_PROSE = [
    re.compile(r"<!--.*?-->", re.DOTALL),
    re.compile(r"<[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|</[A-Za-z][A-Za-z0-9-]*\s*>|<(?:https?|mailto|ftp):[^<>\s]*>"),
    re.compile(r"\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'))?\s*\)"),
    re.compile(r"\[\^[^\]\s]+\]:?"),
    # Masks from here on leave citation keys alone (see _mask_inline).
    re.compile(r"(?:https?://|www\.)[^\s<>\[\]()]+", re.IGNORECASE),
    re.compile(r"\b(?:doi:\s?)?10\.\d{4,9}/[^\s<>\[\]]+", re.IGNORECASE),
    re.compile(r"\b(?:PMID|PMCID):?\s?(?:PMC)?\d+|\bPMC\d+", re.IGNORECASE),
    re.compile(r"\bISBN(?:-1[03])?:?\s?[\d\- ]{9,16}[\dXx]"),
    re.compile(r"\{[:.#][^{}\n]*\}"),
    re.compile(r"\\[\\`*_{}\[\]()#+\-.!@|]"),
    re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
]
#: Citation keys stay readable through the masks after the first this many.
KEYS_KEPT_FROM = 4
KEY_FILLER = "\x00"
ABBREVIATIONS = {
    "e.g", "i.e", "al", "vs", "dr", "prof", "approx", "fig", "figs", "p", "pp", "no", "nos",
    "ca", "cf", "incl", "st", "mr", "mrs", "ms", "etc", "vol", "ed", "eds", "eq", "u.s", "u.k",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "resp",
}
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]*_]*\s+(?=[A-Z0-9\"“‘'(\[*_<])")
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


@dataclass(frozen=True)
class Unit:
    """Prose that one citation covers: `regions` are (start, end) offsets."""

    kind: str  # "sentence", "item", "row", "heading"
    regions: tuple[tuple[int, int], ...]

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
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        if not self._line_starts:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.source)]
        return bisect.bisect_right(self._line_starts, offset)

    def text(self, start: int, end: int) -> str:
        return self.source[start:end]


def normalise(text: str) -> str:
    """The text as MkDocs reads it: no BOM, Unix line endings."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


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
    de-indented (markdown-it would take their bodies for code), front matter and
    abbreviation lines blanked. Line numbers stay those of the file."""
    out: list[str] = []
    bodies: list[int] = []
    for number, raw in enumerate(lines):
        line = raw.expandtabs(4)
        if number < front_lines or NOT_PROSE_LINE.match(line):
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


def _blocks(view: str) -> list[tuple[str, int, int, int]]:
    """(kind, first line, end line, unit id) for every block of prose."""
    blocks: list[tuple[str, int, int, int]] = []
    containers: list[tuple[str, int]] = []
    tokens = _markdown_parser().parse(view)
    for index, token in enumerate(tokens):
        if token.type in ("list_item_open", "tr_open"):
            containers.append(("item" if token.type == "list_item_open" else "row", index))
        elif token.type in ("list_item_close", "tr_close"):
            containers.pop()
        elif token.type == "inline" and token.map:
            parent = tokens[index - 1].type if index else ""
            first, end = token.map
            if parent == "heading_open":
                blocks.append(("heading", first, end, index))
            elif containers and (parent in ("th_open", "td_open") or containers[-1][0] == "item"):
                kind, owner = containers[-1]
                blocks.append((kind, first, end, owner))
            else:
                blocks.append(("sentence", first, end, index))
    return blocks


def _mask_inline(region: str) -> str:
    """Blank the parts of a block of prose that are not running text."""
    lines = region.split("\n")
    region = "\n".join(" " * len(m.group(0)) + line[m.end():] for line in lines for m in [LINE_PREFIX.match(line)])
    region = _mask_code_spans(region)
    for pattern in INLINE_NOT_PROSE[:KEYS_KEPT_FROM]:
        region = pattern.sub(lambda m: _blank(m.group(0)), region)
    # Citation keys (`@{https://...}`, `@doi:10...`) are held out of the masks
    # below as a filler no mask starts on; a key a mask runs over (a URL's
    # `https://x.org/@name`) loses its filler and stays blank.
    keys = [(m.start(), m.group(0)) for m in KEY_IN_TEXT.finditer(region)]
    if keys:
        region = KEY_IN_TEXT.sub(lambda m: KEY_FILLER * len(m.group(0)), region)
    for pattern in INLINE_NOT_PROSE[KEYS_KEPT_FROM:]:
        region = pattern.sub(lambda m: _blank(m.group(0)), region)
    if keys:
        chars = list(region)
        for at, key in keys:
            if region.startswith(KEY_FILLER * len(key), at):
                chars[at:at + len(key)] = key
        region = "".join(chars)
    return region


def _mask_code_spans(text: str) -> str:
    """Blank `code spans`, pairing backtick runs of equal length as CommonMark does."""
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


def _sentences(prose: str, start: int, end: int) -> list[tuple[int, int]]:
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
    spans = []
    for a, b in zip(cuts, cuts[1:]):
        if spans and not re.search(r"\w", prose[a:b]):
            spans[-1] = (spans[-1][0], b)
        else:
            spans.append((a, b))
    return spans


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
    groups: dict[tuple[str, int], list[tuple[int, int]]] = {}
    order: list[tuple[str, int]] = []
    for kind, first, end, owner in _blocks(view):
        a, b = starts[first], min(starts[end] - 1, len(source))
        prose[a:b] = _mask_inline(source[a:b])
        key = (kind, owner)
        if key not in groups:
            groups[key] = []
            order.append(key)
        if (a, b) not in groups[key]:
            groups[key].append((a, b))
    text = "".join(prose)
    units: list[Unit] = []
    for key in order:
        kind = key[0]
        if kind == "sentence":
            for region in groups[key]:
                units.extend(Unit("sentence", (span,)) for span in _sentences(text, *region))
        else:
            units.append(Unit(kind, tuple(groups[key])))
    waivers = [
        (m.start(), m.group("reason").strip())
        for m in WAIVER.finditer(source)
        if any(unit.contains(m.start()) for unit in units)
    ]
    return Document(path, source, text, units, meta, waivers, meta_error)
