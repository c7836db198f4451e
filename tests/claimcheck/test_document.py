"""Markdown → prose: what is running text, and which unit a citation covers."""

from __future__ import annotations

from claimcheck.document import parse_document


def units(markdown: str) -> list[tuple[str, str]]:
    document = parse_document(markdown)
    return [(u.kind, " ".join(" ".join(document.text(a, b) for a, b in u.regions).split())) for u in document.units]


def test_paragraphs_split_into_sentences_but_not_at_abbreviations():
    assert units("One claim, e.g. this. Rush et al. found it. Two [@a].\nThree.") == [
        ("sentence", "One claim, e.g. this."),
        ("sentence", "Rush et al. found it."),
        ("sentence", "Two [@a]."),
        ("sentence", "Three."),
    ]


def test_citation_after_the_full_stop_stays_with_its_sentence():
    assert units("First 30%. [@a] Second.") == [("sentence", "First 30%. [@a]"), ("sentence", "Second.")]


def test_list_items_and_table_rows_are_single_units():
    assert [kind for kind, _ in units("- one. two.\n- three\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")] == ["item", "item", "row", "row"]


def test_admonition_bodies_are_prose_not_code_and_titles_are_titles():
    document = parse_document('!!! note "Title 60%"\n    Body with 55%.\n\n    ```\n    code 99%\n    ```\n')
    assert "55%" in document.prose and "60%" in document.prose and "99%" not in document.prose
    title = next(u for u in document.units if u.kind == "title")
    assert document.text(*title.regions[0]) == "Title 60%" and title.scope[1] == len(document.source)


def test_blanked_text_keeps_offsets_and_lines():
    source = "---\na: 1\n---\n`code 1%`\n\ntext 2% <!-- 3% -->\n"
    document = parse_document(source)
    assert len(document.prose) == len(source)
    assert document.prose.count("\n") == source.count("\n")
    assert "1%" not in document.prose and "3%" not in document.prose
    assert document.line_of(document.prose.index("2%")) == 6


def test_front_matter_is_read_and_errors_reported():
    assert parse_document("---\nreviewed: 2026-01-02\n---\nx\n").meta["reviewed"].year == 2026
    broken = parse_document("---\nreviewed: [unclosed\n---\nx\n")
    assert broken.meta == {} and "not valid YAML" in broken.meta_error


def test_bom_and_crlf_are_normalised():
    document = parse_document("\ufeffLine one 5%.\r\nLine two.\r\n")
    assert document.source.startswith("Line one") and "\r" not in document.source


def test_deeply_nested_list_items_are_all_prose():
    markdown = "".join("  " * depth + f"- level {depth} states {depth + 1}%\n" for depth in range(15))
    document = parse_document(markdown)
    assert all(f"{depth + 1}%" in document.prose for depth in range(15))


def test_masks_skipped_for_want_of_their_texts_change_nothing():
    """Each mask is run only where its needed texts stand (`_blanked`): the same
    result as running every mask, on every block of the guide and on blocks
    with each masked thing written in capitals."""
    from pathlib import Path

    from claimcheck.document import INLINE_NOT_PROSE, _blank, _blanked

    def every_mask(region: str) -> str:
        for pattern, _ in INLINE_NOT_PROSE:
            region = pattern.sub(lambda m: _blank(m.group(0)), region)
        return region

    written = ["HTTPS://EXAMPLE.ORG/X", "WWW.Example.org", "DOI:10.1000/XYZ", "PMID: 123", "PMCID PMC45", "pmc9", "ISBN 978-0-306-40615-7",
               "A.B@Example.COM", "<B>bold</B>", "<!-- note -->", "[link](HTTP://X.ORG)", "[^1]:", "{#id}", "\\*", "10.12345/abc", "47% of people [@key]"]
    blocks = [f"See {text} here." for text in written]
    blocks += [block for page in sorted((Path(__file__).resolve().parents[2] / "docs").rglob("*.md"))
               for block in page.read_text(encoding="utf-8").split("\n\n")]
    assert len(blocks) > 100
    for block in blocks:
        assert _blanked(block, INLINE_NOT_PROSE) == every_mask(block), block
