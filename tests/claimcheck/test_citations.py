"""Pandoc citation syntax, including the places mkdocs-bibtex got wrong."""

from __future__ import annotations

import pytest

from claimcheck.citations import Citation, document_citations, find_citations
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
        ("Braced [@{weird.key.}] keys.", [("weird.key.",)]),
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


def citations(markdown: str) -> list[tuple[str, str, str]]:
    """(key, mode, locator) of every citation, as Pandoc 3.9 reads them (see test_pandoc_parity)."""
    return [(c.key, c.mode, c.locator) for g in document_citations(parse_document(markdown)) for c in g.citations]


@pytest.mark.parametrize(
    "markdown, expected",
    [
        # keys in any script, braced and URL-like keys
        ("Wie @müller2019 zeigt [@Иванов2020; @王2020].", [("müller2019", "author-in-text", ""), ("Иванов2020", "normal", ""), ("王2020", "normal", "")]),
        ("[@{https://example.org/a?b=c&d=e}, p. 33]", [("https://example.org/a?b=c&d=e", "normal", "p. 33")]),
        ("[@doi:10.1016/j.jad.2018.12.012; @pmid:31234567; @url:https://x.org/a]", [("doi:10.1016/j.jad.2018.12.012", "normal", ""), ("pmid:31234567", "normal", ""), ("url:https://x.org/a", "normal", "")]),
        ("[@{a{b}c}]", [("a{b}c", "normal", "")]),
        ("In @Foo_bar.baz. and @Foo_bar--baz.", [("Foo_bar.baz", "author-in-text", ""), ("Foo_bar", "author-in-text", "")]),
        # the colon case, -@key, narrative locators
        ("See [@smith2020]: it says so.", [("smith2020", "normal", "")]),
        ("As -@smith2020 says.", [("smith2020", "suppress-author", "")]),
        ("@a [p. 33] says.", [("a", "author-in-text", "p. 33")]),
        ("@a [p. 33; @b] say.", [("a", "author-in-text", "p. 33"), ("b", "normal", "")]),
        # Pandoc's readings of the near-misses
        ("[@a; and others]", [("a", "author-in-text", "")]),
        ("[@a, @b]", [("a", "normal", "@b"), ("b", "author-in-text", "")]),
        ("[see @a, p. 3 [fig]]", [("a", "normal", "p. 3 [fig]")]),
        ("Follow @nhsuk. We met @3pm.", [("nhsuk", "author-in-text", ""), ("3pm", "author-in-text", "")]),
        ("[see @a](https://example.org) is a link.", [("a", "author-in-text", "")]),
        ("See https://example.org/@someone and a@b.org.", []),
    ],
)
def test_pandoc_readings(markdown, expected):
    assert citations(markdown) == expected


def test_a_bracket_never_crosses_a_block():
    source = "A [@a opened\n\n```\ncode 30%\n```\n\nand closed] later.\n\n- item [@b\n- other] item\n"
    document = parse_document(source)
    groups = document_citations(document)
    assert [(g.keys, source[g.start:g.end]) for g in groups] == [(("a",), "@a"), (("b",), "@b")]
    assert all("never closed" in g.notes[0].message for g in groups)


def test_table_cells_are_blocks():
    groups = document_citations(parse_document("| A | B |\n|---|---|\n| x [@a | y] |\n"))
    assert [(g.keys, g.narrative) for g in groups] == [(("a",), True)]


def test_citations_in_headings_are_read():
    groups = document_citations(parse_document("# Results of @smith2020\n\n## Other [@a; @b]\n"))
    assert [g.keys for g in groups] == [("smith2020",), ("a", "b")]


def test_notes_for_probable_mistakes():
    (comma,) = document_citations(parse_document("Text [@a, @b]."))
    assert "separate them with `;`" in comma.notes[0].message
    (part,) = document_citations(parse_document("Text [@a; and others]."))
    assert "needs exactly one @key" in part.notes[0].message
    (fine,) = document_citations(parse_document("Text [see @a, p. 3; @b]."))
    assert fine.notes == ()
