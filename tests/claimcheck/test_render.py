"""Rendering: the search view says what the full HTML says to a search indexer,
less each page's References."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser

from claimcheck.bibliography import parse_bibliography
from claimcheck.markdown_ext import page_url
from claimcheck.render import fill_placeholders, relative_url, render_markdown
from conftest import ROOT

EXTENSIONS = ["meta", "admonition", "attr_list", "footnotes", "tables", "toc", "md_in_html", "pymdownx.details", "pymdownx.superfences"]
GUIDE = sorted((ROOT / "docs").rglob("*.md"))
BIBLIOGRAPHY = parse_bibliography((ROOT / "references.bib").read_text(encoding="utf-8"))

EDGE_CASES = """# Edge cases

A narrative citation: @fekadu2009outcome found it, and so did [-@fekadu2009outcome, p. 3].
Several at once [see @fekadu2009outcome, pp. 3-4; @nosuchkey; @gaynes2020] & others.

!!! note "In an admonition"
    About a third [@rush2006stard] of people.

| Outcome | Figure |
|---|---|
| Remission | 30.6% [@rush2006stard, table 2] |

## References

An editor's own section of this name stays searchable.
"""


def indexed(content: str) -> list[tuple[str, str]]:
    """(title, text) of each section as Material's search plugin indexes it."""
    parser = Parser()
    parser.feed(content)
    parser.close()
    return [("".join(s.title).strip(), "".join(s.text).strip()) for s in parser.data if not s.is_excluded()]


def both_views(source: str, style: str, bibliography=BIBLIOGRAPHY) -> tuple[str, str]:
    rendered = render_markdown(source, bibliography, style)
    converted = markdown.markdown(rendered.markdown, extensions=EXTENSIONS)
    return fill_placeholders(converted, rendered), fill_placeholders(converted, rendered, search_view=True)


@pytest.mark.parametrize("style", ["numeric", "author-year"])
@pytest.mark.parametrize("source", [EDGE_CASES, *GUIDE], ids=["edge-cases", *(p.stem for p in GUIDE)])
def test_search_view_indexes_exactly_like_the_full_html(source, style):
    text = source if isinstance(source, str) else source.read_text(encoding="utf-8")
    full, search = both_views(text, style)
    assert len(search) < len(full) or "CLAIMCHECK" not in markdown.markdown(text)
    appended = [section for section in indexed(full) if section[0] == "References"][-1:]
    assert indexed(search) == [section for section in indexed(full) if section not in appended]


def test_search_view_keeps_markers_but_not_tooltips_or_references():
    full, search = both_views(EDGE_CASES, "numeric")
    sections = dict(indexed(search))
    assert "About a third [3] of people." in sections["Edge cases"]
    assert "[see 1, pp. 3-4, @nosuchkey?, 2] &amp; others." in sections["Edge cases"]
    assert sections["References"] == "<p>An editor's own section of this name stays searchable.</p>"
    assert "Rush" in full and "Rush" not in search
    assert 'role="tooltip"' in full and 'role="tooltip"' not in search and "cite-back" not in search


def test_markers_inside_links_and_alt_text_are_plain_text():
    full, search = both_views("See [the work of @rush2006stard](https://example.org) and ![chart from @rush2006stard](c.png).\n", "numeric")
    link = full[full.index('<a href="https://example.org">'):full.index("</a>", full.index('<a href="https://example.org">')) + 4]
    assert "Rush" in link and "cite-link" not in link and "<span" not in link
    alt = re.search(r'alt="([^"]*)"', full).group(1)
    assert "<" not in alt and "[1]" in alt


def test_prefixes_and_suffixes_render_as_markdown_and_lose_nothing():
    full, _ = both_views("Text [see `@x` and [the trial](https://example.org) @rush2006stard, p. **3**].\n", "numeric")
    assert "<code>@x</code>" in full and '<a href="https://example.org">the trial</a>' in full and "<strong>3</strong>" in full


def test_an_unclosed_bracket_keeps_everything_after_it():
    full, _ = both_views("A [@rush2006stard opened.\n\n```\nkept code\n```\n\nclosed] later.\n", "numeric")
    assert "kept code" in full and "closed] later." in full and "A [" in full


def test_a_prefix_is_inline_markdown_never_a_block():
    full, _ = both_views("Text [1. see @rush2006stard, - p. 3] here.\n", "numeric")
    assert "<ol>" not in full and "<ul>" not in full and "[1. see " in full and "- p. 3]" in full


LABELLED = parse_bibliography("""
@article{meta2016, author = {Ann Smith}, title = {Pooled trials}, journal = {J}, year = {2016}, evidence = {meta-analysis}}
@online{label2025, author = {{Food and Drug Administration}}, title = {Drug label}, url = {https://example.org/l}, year = {2025}}
@article{copy2019, author = {Bo Lee}, title = {A report}, journal = {K}, year = {2019}, evidence = {rct}, provenance = {secondary}}
""")


def test_each_preview_leads_with_a_plain_label_from_the_entry_alone():
    full, search = both_views("A [@meta2016]. B [@label2025]. C [@copy2019].\n", "numeric", LABELLED)
    labels = re.findall(r'<strong class="cite-tip-label">([^<]*)</strong>', full)
    assert labels == ["2016 meta-analysis.", "2025 web page.",
                      "2019 randomised trial. Secondary source: a copy or report, not the original."]
    assert "cite-tip-label" not in search


def test_numbers_in_a_bare_multi_citation_marker_are_sorted_but_decorated_ones_keep_their_order():
    _, search = both_views("First [@copy2019]. Then [@label2025; @meta2016; @copy2019]. "
                           "And [see @label2025; @copy2019].\n", "numeric", LABELLED)
    text = indexed(search)[0][1]
    assert "Then [1, 2, 3]." in text, text
    assert "And [see 2, 1]." in text, text


def test_where_sources_disagree_names_each_source_as_author_and_year():
    from claimcheck.check import SiteReport
    from claimcheck.render import disagreements_html

    bibliography = parse_bibliography("""
@article{one2016, author = {Ann Smith}, title = {One}, journal = {J}, year = {2016}, findings = {relapse-12m: 40%}}
@article{two2019, author = {Bo Lee and Cy Wu and Di Ho}, title = {Two}, journal = {K}, year = {2019}, findings = {relapse-12m: 55% (routine care)}}
""")
    findings = [f for key in ("one2016", "two2019") for f in bibliography.get(key).findings]
    html = disagreements_html(SiteReport([], bibliography, [], {"relapse-12m": findings}), "../bibliography/")
    assert '40% — <a href="../bibliography/#bib-one2016">Smith (2016)</a>' in html
    assert '55% — <a href="../bibliography/#bib-two2019">Lee et al. (2019)</a> (routine care)' in html
    assert "— one2016" not in html and "— two2019" not in html


@pytest.mark.parametrize(
    "from_url, to_url, expected",
    [
        # use_directory_urls: true (MkDocs' default): every page is a folder
        ("", "bibliography/", "bibliography/"),
        ("about/", "", "../"),
        ("treatments/ect/", "bibliography/", "../../bibliography/"),
        ("treatments/ect/", "treatments/", "../"),
        ("about/", "about/", "./"),
        ("", "", "./"),
        # use_directory_urls: false: every page is a file
        ("index.html", "bibliography.html", "bibliography.html"),
        ("about.html", "index.html", "index.html"),
        ("treatments/ect.html", "bibliography.html", "../bibliography.html"),
        ("treatments/ect.html", "treatments/index.html", "index.html"),
        ("index.html", "treatments/ect.html", "treatments/ect.html"),
        ("about.html", "about.html", "about.html"),
    ],
)
def test_relative_url_links_one_page_to_another(from_url, to_url, expected):
    assert relative_url(from_url, to_url) == expected


@pytest.mark.parametrize("use_directory_urls", [True, False])
def test_relative_url_leads_from_every_page_to_every_page(use_directory_urls):
    """However pages nest, the link, resolved from the page it is on, is the target's URL."""
    pages = ["index.md", "about.md", "bibliography.md", "treatments/index.md", "treatments/ect.md", "treatments/ket/esketamine.md"]
    urls = [page_url(path, use_directory_urls) for path in pages]
    site = "https://guide.example/base/"
    for here in urls:
        for there in urls:
            link = relative_url(here, there)
            assert not link.startswith("/") and "//" not in link, (here, there, link)
            assert urljoin(site + here, link) == site + there, (here, there, link)


@pytest.mark.parametrize("style", ["numeric", "author-year"])
def test_author_names_are_escaped_once(style):
    """author_year is HTML already: "O'Brien & Co" shows as written, not as "O&#x27;Brien"."""
    bibliography = parse_bibliography("@article{ob, author = {O'Brien, Ann and {Smith \\& Co}}, title = {T}, journal = {J}, year = {2020}}")
    rendered = render_markdown("As @ob found [@ob].\n", bibliography, style)
    shown = fill_placeholders(markdown.markdown(rendered.markdown), rendered)
    assert "O&#x27;Brien and Smith &amp; Co" in shown
    assert "&amp;#x27;" not in shown and "&amp;amp;" not in shown


def test_a_preview_label_reads_the_year_as_every_check_does():
    """From `date` when the entry has no `year` (Entry.year, the one year helper); none from "n.d."."""
    bibliography = parse_bibliography("@online{dated, title = {T}, date = {2023-12-06}}\n@online{undated, title = {U}, year = {n.d.}}")
    rendered = render_markdown("A [@dated]. B [@undated].\n", bibliography)
    full = fill_placeholders(markdown.markdown(rendered.markdown), rendered)
    assert re.findall(r'<strong class="cite-tip-label">([^<]*)</strong>', full) == ["2023 web page.", "Web page."]


# The pattern fill_placeholders read every tag with before it skipped tags that hold
# neither a link, a placeholder nor a `<`: the oracle for the faster scan.
EVERY_TAG = re.compile(r"(?P<tag><(?P<close>/?)(?P<link>a(?=[\s>]))?[^>]*>)|CLAIMCHECK\d{5}X")

HTML_PIECES = st.sampled_from([
    "<p>", "</p>", "<a href=\"x\">", "<a>", "</a>", "<abbr title=\"t\">", "</abbr>", "<img alt=\"CLAIMCHECK00001X\">",
    "<span title=\"a <a b\">", "<!-- <a href=x> -->", "<", ">", "a", " ", "text", "CLAIMCHECK00001X", "CLAIMCHECK00002X",
    "CLAIMCHECK99999X", "<a\n href=\"y\">", "<area>", "<div data-x=\"CLAIMCHECK00002X\" id=\"<\">", "&lt;",
])


@given(st.lists(HTML_PIECES, max_size=30).map("".join))
def test_skipping_plain_tags_fills_exactly_as_reading_every_tag(content):
    import claimcheck.render as render_module

    rendered = render_module.RenderedPage("", {
        "CLAIMCHECK00001X": render_module.Markup('<span class="citation"><a href="#ref-1">1</a></span>', "[1]"),
        "CLAIMCHECK00002X": render_module.Markup('<span class="citation">B &amp; C</span>', "B &amp; C"),
    }, "")
    for search_view in (False, True):
        faster = fill_placeholders(content, rendered, search_view)
        original = render_module.TAG_OR_PLACEHOLDER
        try:
            render_module.TAG_OR_PLACEHOLDER = EVERY_TAG
            assert faster == fill_placeholders(content, rendered, search_view)
        finally:
            render_module.TAG_OR_PLACEHOLDER = original
