"""Pandoc citation syntax, including the places mkdocs-bibtex got wrong."""

from __future__ import annotations

import pytest

from claimcheck.citations import Citation, find_citations
from claimcheck.document import parse_document


def cited(markdown: str) -> list[tuple[tuple[str, ...], bool]]:
    document = parse_document(markdown)
    return [(g.keys, g.narrative) for g in find_citations(document.prose)]


@pytest.mark.parametrize(
    "markdown, keys",
    [
        ("Text [@smith2020].", [("smith2020",)]),
        ("Text [@a; @b].", [("a", "b")]),
        ("Text [@key, p. 12].", [("key",)]),
        ("Text [see @key, pp. 3-4].", [("key",)]),
        ("Text [-@key].", [("key",)]),
        ("Dotted [@fekadu.2018:msm] and colon keys.", [("fekadu.2018:msm",)]),
        ("Braced [@{weird key}] keys.", [("weird key",)]),
    ],
)
def test_bracketed_citations(markdown, keys):
    assert [k for k, _ in cited(markdown)] == keys


def test_prefix_locator_and_suppression_are_kept():
    (group,) = find_citations(parse_document("Text [see @key, pp. 3-4; -@other].").prose)
    assert group.citations == (Citation("key", "see", "pp. 3-4"), Citation("other", "", "", True))


def test_narrative_citation():
    assert cited("As @smith2020 says, and @jones.2019 agrees.") == [(("smith2020",), True), (("jones.2019",), True)]


@pytest.mark.parametrize(
    "markdown",
    [
        "Mail editor@example.org today.",
        "Escaped \\@smith2020 is text.",
        "Inline `[@smith2020]` code.",
        "```\n[@smith2020]\n```",
        "    [@smith2020] indented code",
        "A [link @here](https://example.org) is a link.",
        "A [ref @here][label] is a reference link.",
        "<!-- [@smith2020] in a comment -->",
        "Footnote[^1] marker.\n\n[^1]: plain note",
        "[@unclosed bracket and more text",
    ],
)
def test_things_that_are_not_citations(markdown):
    assert [k for k, narrative in cited(markdown) if not narrative] == []
    assert all(key != ("smith2020",) for key, _ in cited(markdown))


def test_offsets_point_at_the_source():
    source = "---\ntitle: x\n---\n\nA claim [@a; @b] here.\n"
    document = parse_document(source)
    (group,) = find_citations(document.prose)
    assert source[group.start:group.end] == "[@a; @b]"


def test_nested_brackets_and_very_long_lines():
    assert cited("[outer [@a] text] and [[@b]]") == [(("a",), False), (("b",), False)]
    long_line = "word 31% " * 20000 + "[@a]."
    document = parse_document(long_line)
    assert [g.keys for g in find_citations(document.prose)] == [("a",)]
