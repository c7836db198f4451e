"""Material's search (a web worker fed from the site's own index) finds the pages."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# Query -> what a page must contain to count as relevant to it.
QUERIES = {
    "ketamine": re.compile(r"\bketamine\b", re.IGNORECASE),
    "ECT": re.compile(r"\bECT\b"),
    "six weeks": re.compile(r"\bsix\s+weeks\b", re.IGNORECASE),
}


@pytest.mark.parametrize("query", list(QUERIES))
def test_search_finds_the_relevant_pages(open_page, site, ui, query):
    relevant = {url for url in site.pages if QUERIES[query].search(site.facts(url).text)}
    assert relevant, f"no page of the built site mentions {query!r}, so search cannot find it"

    page = open_page("desktop", "")
    results = ui.search(page, query)
    found = [site.path_of(href) for href in results]
    assert set(found) & relevant, (
        f"search for {query!r} listed {found}, none of the pages that mention it: {sorted(relevant)}"
    )

    # The first result opens a page that mentions (a word of) the query.
    first = found[0]
    page.locator(".md-search-result__list a.md-search-result__link").first.click()
    expect(page).to_have_url(re.compile("^" + re.escape(site.url(first)) + r"(\?[^#]*)?(#.*)?$"))
    text = page.locator("article.md-content__inner").inner_text()
    words = [re.escape(word) for word in query.split()]
    assert re.search(r"\b(" + "|".join(words) + ")", text, re.IGNORECASE), (
        f"the first result for {query!r}, {first}, does not mention it"
    )
    if query == "ketamine":
        assert QUERIES["ketamine"].search(text), f"first result for ketamine, {first}, never says ketamine"


def test_a_source_is_found_once_on_the_bibliography_page_not_on_every_citing_page(open_page, site, ui):
    """Reference lists are left out of the index (every title says "depression");
    the bibliography lists each source once, and search finds it there."""
    page = open_page("desktop", "")
    found = [site.path_of(href) for href in ui.search(page, "Zhdanava")]
    assert found, "search for an author of a cited source found nothing"
    assert set(found) == {"bibliography/"}, found
