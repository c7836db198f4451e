"""Citation syntax at Pandoc parity, proved against Pandoc itself.

Every snippet of `tests/fixtures/pandoc_citations/snippets.md` (and every
snippet a hypothesis strategy writes) goes through real Pandoc (the binary
that `pypandoc-binary` ships) and through claimcheck's parser; the citations
both find (key, mode, prefix and suffix words) must agree, except in the
snippets tagged with a deliberate divergence from `divergences.yml`, which
must disagree (else the tag is stale) and must be in the README's table.
Snippets are batched into few Pandoc runs, separated by marker headings.
"""

from __future__ import annotations

import functools
import html
import json
import os
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import markdown
import pypandoc
import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from claimcheck.bibliography import parse_bibliography
from claimcheck.citations import document_citations
from claimcheck.document import parse_document
from claimcheck.render import fill_placeholders, render_markdown
from conftest import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "pandoc_citations"
#: Pandoc's Markdown, less implicit figures (which repeat an image's alt text, citations and all, as its caption).
PANDOC_FORMAT = "markdown-implicit_figures"
SEPARATOR = "SNIPPETSEPARATOR"
#: Link, footnote and example-list definitions hold for the whole document: such texts run alone.
DEFINITION = re.compile(r"^ {0,3}(?:\[[^\]]+\]:|\(@[\w-]*\)|@[\w-]*[.)](?!\S))", re.MULTILINE)

PARITY_EXAMPLES = int(os.environ.get("CLAIMCHECK_PARITY_EXAMPLES", "20"))
CitationView = tuple[str, str, tuple[str, ...], tuple[str, ...]]  # key, mode, prefix words, suffix words


@dataclass(frozen=True)
class Snippet:
    text: str
    group: str
    divergence: str | None


def read_corpus() -> list[Snippet]:
    """The snippets, each with its group's source note and its divergence tag."""
    snippets: list[Snippet] = []
    group, divergence, lines = "", None, None

    def flush() -> None:
        if lines is not None and "".join(lines).strip():
            snippets.append(Snippet("\n".join(lines).strip("\n") + "\n", group, divergence))

    for line in (CORPUS / "snippets.md").read_text(encoding="utf-8").split("\n"):
        if line.startswith("%% group:"):
            flush()
            group, divergence, lines = line[len("%% group:"):].strip(), None, []
        elif line == "%%" or line.startswith("%% divergence:"):
            flush()
            divergence, lines = (line.split(":", 1)[1].strip() if ":" in line else None), []
        elif line.startswith("%%"):
            continue
        elif lines is not None:
            lines.append(line)
    flush()
    return snippets


SNIPPETS = read_corpus()
DIVERGENCES = yaml.safe_load((CORPUS / "divergences.yml").read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- Pandoc's side


def words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in re.findall(r"\w+", text))


def _plain(inlines: list) -> str:
    """The visible text of Pandoc inlines (a citation inside shows as written)."""
    out = []
    for node in inlines:
        kind, content = node["t"], node.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Code", "Math"):
            out.append(content[-1])
        elif kind == "RawInline":  # HTML tags: not visible
            continue
        elif kind in ("Link", "Image", "Span", "Quoted", "Cite"):
            out.append(_plain(content[1]))
        elif kind == "Note":
            continue
        elif isinstance(content, list):
            out.append(_plain(content))
    return "".join(out)


MODES = {"NormalCitation": "normal", "AuthorInText": "author-in-text", "SuppressAuthor": "suppress-author"}


def _cites(node: object, found: list[CitationView]) -> list[CitationView]:
    """Every citation in Pandoc's JSON, those in prefixes and suffixes included."""
    if isinstance(node, dict):
        if node.get("t") == "Cite":
            for c in node["c"][0]:
                found.append((c["citationId"], MODES[c["citationMode"]["t"]], words(_plain(c["citationPrefix"])), words(_plain(c["citationSuffix"]))))
                _cites(c["citationPrefix"], found)
                _cites(c["citationSuffix"], found)
            return found
        for value in node.values():
            _cites(value, found)
    elif isinstance(node, list):
        for value in node:
            _cites(value, found)
    return found


def _run_pandoc(text: str) -> list:
    done = subprocess.run([pypandoc.get_pandoc_path(), "-f", PANDOC_FORMAT, "-t", "json"], input=text, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["blocks"]


def pandoc_citations(texts: list[str]) -> list[list[CitationView]]:
    """Pandoc's citations of each text, in few runs: texts without link or
    footnote definitions (which are document-wide) share one run, split at
    marker headings; if a text swallows a marker, each runs alone."""
    results: dict[int, list[CitationView]] = {}
    batched = [i for i, t in enumerate(texts) if not DEFINITION.search(t)]
    joined = "".join(f"{texts[i]}\n\n# {SEPARATOR}{n}\n\n" for n, i in enumerate(batched))
    pieces: list[list] = [[]]
    for block in _run_pandoc(joined):
        if block["t"] == "Header" and _plain(block["c"][2]).startswith(SEPARATOR):
            pieces.append([])
        else:
            pieces[-1].append(block)
    if len(pieces) == len(batched) + 1:
        results.update((i, _cites(pieces[n], [])) for n, i in enumerate(batched))
    for i, text in enumerate(texts):
        if i not in results:
            results[i] = _cites(_run_pandoc(text), [])
    return [sorted(results[i]) for i in range(len(texts))]


# ----------------------------------------------------------------------------- claimcheck's side


@functools.cache
def _inline_markdown() -> markdown.Markdown:
    return markdown.Markdown()


def _visible(source: str) -> str:
    """The visible text of Markdown source, as Python-Markdown renders it."""
    converter = _inline_markdown()
    converter.reset()
    return html.unescape(re.sub(r"<[^>]*>", " ", converter.convert(source)))


def our_citations(text: str) -> list[CitationView]:
    document = parse_document(text)
    found = []
    for group in document_citations(document):
        for c in group.citations:
            prefix = document.source[slice(*c.prefix_span)]
            suffix = document.source[slice(*c.suffix_span)]
            found.append((c.key, c.mode, words(_visible(prefix)), words(_visible(suffix))))
    return sorted(found)


# ----------------------------------------------------------------------------- the tests


@functools.cache
def corpus_results() -> tuple[list[list[CitationView]], list[list[CitationView]]]:
    return pandoc_citations([s.text for s in SNIPPETS]), [our_citations(s.text) for s in SNIPPETS]


def test_the_corpus_is_large_and_sourced():
    assert len(SNIPPETS) >= 200
    assert all(s.group for s in SNIPPETS)
    assert sum(1 for s in SNIPPETS if "[@" in s.text or re.search(r"(?<!\w)@\w", s.text)) >= 200


def test_every_snippet_agrees_with_pandoc_unless_a_listed_divergence():
    theirs, ours = corpus_results()
    known = {d["id"] for d in DIVERGENCES}
    unexplained, stale = [], []
    for snippet, pandoc, here in zip(SNIPPETS, theirs, ours):
        if snippet.divergence is not None:
            assert snippet.divergence in known, f"unknown divergence tag {snippet.divergence!r}"
            if pandoc == here:
                stale.append(snippet.text)
        elif pandoc != here:
            unexplained.append(f"{snippet.text!r}\n    pandoc: {pandoc}\n    here:   {here}")
    assert not unexplained, f"{len(unexplained)} snippets disagree with Pandoc:\n" + "\n".join(unexplained)
    assert not stale, f"tagged as divergences but agreeing with Pandoc: {stale}"


def test_every_divergence_is_shown_by_a_snippet_and_listed_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tagged = {s.divergence for s in SNIPPETS}
    for divergence in DIVERGENCES:
        assert divergence["id"] in tagged, f"no corpus snippet shows divergence {divergence['id']}"
        row = f"| {divergence['syntax']} | {divergence['pandoc']} | {divergence['here']} |"
        assert row in readme, f"README.md lacks the divergence row:\n{row}"


# ----------------------------------------------------------------------------- generated Markdown

WORD = st.sampled_from([
    "see", "also", "p.", "pp. 3-4", "chap. 2", "table", "*passim*", "`code`", "and", "e.g.,", "30%", "**bold**", "fig. 1",
    "Müller", "x", "[fig]", "[a link](https://example.org)", "`a; b`", "<em>html</em>", "a@b.org", "--", "\\[", "x:",
])
KEY = st.one_of(
    st.from_regex(r"[a-z][a-z0-9]{0,6}([.:_/-][a-z0-9]{1,4})?", fullmatch=True),
    st.sampled_from(["müller2019", "Иванов2020", "王2020", "_x", "9lives", "a.b", "{a b}", "{https://x.org/a?b=c}", "doi:10.1000/x1", "url:https://x.org/a", "Foo--bar", "a.", "{a{b}c}"]),
)


@st.composite
def citation_markdown(draw) -> str:
    """Prose with citations in every shape the syntax has, and near-misses."""
    def part() -> str:
        prefix = " ".join(draw(st.lists(WORD, max_size=2)))
        suffix = " ".join(draw(st.lists(WORD, max_size=2)))
        comma = draw(st.sampled_from(["", ",", ", "]))
        dash = draw(st.sampled_from(["", "", "-"]))
        return f"{prefix + ' ' if prefix else ''}{dash}@{draw(KEY)}{comma}{' ' + suffix if suffix else ''}"

    pieces = []
    for _ in range(draw(st.integers(1, 4))):
        shape = draw(st.sampled_from(["bracket", "narrative", "narrative-locator", "words", "broken"]))
        if shape == "bracket":
            pieces.append("[" + draw(st.sampled_from(["; ", ";", " ; "])).join(part() for _ in range(draw(st.integers(1, 3)))) + "]")
        elif shape == "narrative":
            pieces.append(draw(st.sampled_from(["", "-"])) + "@" + draw(KEY))
        elif shape == "narrative-locator":
            pieces.append(f"@{draw(KEY)} [{' '.join(draw(st.lists(WORD, min_size=1, max_size=2)))}]")
        elif shape == "words":
            pieces.append(" ".join(draw(st.lists(WORD, min_size=1, max_size=3))))
        else:
            pieces.append(draw(st.sampled_from(["[", "]", "[see", "@", "a@b.org", "(", ")", "[x]", ";", "\\@x", "*", "_", "]:", "[x](u)", "[x][y]", "`"])))
        # A piece never starts a line: `@key.` there would be one of Pandoc's example lists.
        pieces.append(draw(st.sampled_from([" ", " ", ". ", ", ", "\nand ", "\n\nand "])))
    return "Text " + "".join(pieces).strip() + " end.\n"


# Each example is one Pandoc run of 10 texts; shrinking (a Pandoc run a step) is off to keep it fast.
@settings(max_examples=PARITY_EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(citation_markdown(), min_size=10, max_size=10))
def test_generated_markdown_agrees_with_pandoc(texts):
    theirs = pandoc_citations(texts)
    disagreements = [f"{text!r}\n    pandoc: {pandoc}\n    here:   {our_citations(text)}" for text, pandoc in zip(texts, theirs) if our_citations(text) != pandoc]
    assert not disagreements, "\n".join(disagreements)


# ----------------------------------------------------------------------------- rendering loses nothing

BIBLIOGRAPHY = parse_bibliography(
    "@article{a, author={Doe, Jane}, title={A}, journal={J}, year={2020}}\n"
    "@article{b, author={Roe, Rich}, title={B}, journal={J}, year={2019}}\n"
)
EXTENSIONS = ["abbr", "admonition", "attr_list", "md_in_html", "footnotes", "tables", "toc", "pymdownx.details", "pymdownx.superfences"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class NestingChecker(HTMLParser):
    """Collects nesting errors: unbalanced tags and a link inside a link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        if tag == "a" and "a" in self.open:
            self.errors.append("<a> inside <a>")
        self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1] if self.open else 'nothing'}")
            if tag in self.open:
                del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]
        else:
            self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


@functools.cache
def _page_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS)


def to_html(source: str) -> str:
    converter = _page_markdown()
    converter.reset()
    return converter.convert(source)


def visible_page(source: str) -> str:
    """The visible text of a page of Markdown, as the site renders it without citations."""
    return html.unescape(re.sub(r"<[^>]*>", " ", to_html(source)))


@pytest.mark.parametrize("style", ["numeric", "author-year"])
def test_rendering_keeps_every_word_and_nests_cleanly(style):
    failures = []
    for snippet in SNIPPETS:
        document = parse_document(snippet.text)
        groups = document_citations(document)
        rendered = render_markdown(snippet.text, BIBLIOGRAPHY, style)
        page = fill_placeholders(to_html(rendered.markdown), rendered)
        checker = NestingChecker()
        checker.feed(page)
        checker.close()
        if checker.errors or checker.open:
            failures.append(f"{snippet.text!r}: {checker.errors or ['unclosed ' + ', '.join(checker.open)]}")
            continue
        shown = Counter(words(html.unescape(" ".join(checker.text) + " " + " ".join(re.findall(r'alt="([^"]*)"', page)))))
        outside, inside, last = [], [], 0
        for group in groups:
            outside.append(snippet.text[last:group.start] + " x ")
            inside.extend(snippet.text[slice(*c.prefix_span)] + " " + snippet.text[slice(*c.suffix_span)] for c in group.citations)
            last = group.end
        outside.append(snippet.text[last:])
        expected = Counter(words(visible_page("".join(outside)) + " " + visible_page("\n\n".join(inside)))) - Counter(x=len(groups))
        missing = expected - shown
        if missing:
            failures.append(f"{snippet.text!r}: lost {sorted(missing)}")
    assert not failures, "\n".join(failures)
