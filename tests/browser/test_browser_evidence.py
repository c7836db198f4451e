"""The evidence ledger and its filter; the bibliography and its cited-on links."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

CLICK_THROUGH_PAGES = 4

# Pick a filter word that matches some ledger rows but not all: the text of a cell
# (source key, number, ...) that is not shared by every row. Returns [needle, hits].
_PARTIAL_NEEDLE = """() => {
  const rows = [...document.querySelectorAll('tr.ledger-row')];
  const texts = rows.map((r) => r.textContent.toLowerCase());
  for (const cell of document.querySelectorAll('tr.ledger-row td')) {
    const needle = cell.textContent.trim().toLowerCase();
    if (needle.length < 3 || needle.length > 40) continue;
    const hits = texts.filter((t) => t.includes(needle)).length;
    if (hits > 0 && hits < rows.length) return [needle, hits];
  }
  return null;
}"""


def _ledger_url(site):
    url = site.first_page_with_id("ledger-filter")
    assert url is not None, "no built page has the evidence ledger filter (#ledger-filter)"
    return url


def test_ledger_lists_claims_and_the_filter_hides_non_matching_rows(open_page, site):
    page = open_page("desktop", _ledger_url(site))
    expect(page.locator("table.ledger").first).to_be_visible()
    rows = page.locator("tr.ledger-row")
    total = rows.count()
    assert total > 0, "the evidence ledger has no rows"
    expect(rows.filter(visible=True)).to_have_count(total)

    box = page.locator("input#ledger-filter")
    picked = page.evaluate(_PARTIAL_NEEDLE)
    if total > 1:
        assert picked, "every ledger row has the same text in every cell: cannot test a partial filter"
    if picked:
        needle, hits = picked
        box.fill(needle)
        expect(rows.filter(visible=True)).to_have_count(hits)
        for row in rows.filter(visible=True).all():
            assert needle in row.text_content().lower()
        for row in rows.filter(visible=False).all():
            assert needle not in row.text_content().lower()

    box.fill("zz-no-claim-has-this-text-zz")
    expect(rows.filter(visible=True)).to_have_count(0)

    box.fill("")
    expect(rows.filter(visible=True)).to_have_count(total)


def test_bibliography_lists_entries_whose_cited_on_links_open_the_pages(open_page, site, ui):
    bib_url = next((u for u in site.pages if "site-bibliography" in site.facts(u).classes), None)
    assert bib_url is not None, "no built page has the site bibliography (ul.site-bibliography)"
    page = open_page("desktop", bib_url)

    entries = page.locator("ul.site-bibliography > li[id^='bib-']")
    count = entries.count()
    assert count > 0, "the bibliography lists no entry"
    without = page.evaluate(
        "[...document.querySelectorAll(\"ul.site-bibliography > li[id^='bib-']\")]"
        ".filter((li) => !li.querySelector('ul.cited-on a[href]')).map((li) => li.id)"
    )
    assert not without, f"bibliography entries without a cited-on link: {without}"

    # Every cited-on link points at an existing page and, if it has one, an existing anchor.
    links = page.evaluate(
        "[...document.querySelectorAll('ul.site-bibliography ul.cited-on a[href]')].map((a) => a.href)"
    )
    dangling = []
    for href in links:
        path, fragment = site.path_of(href), urlsplit(href).fragment
        if path not in site.pages or fragment and fragment not in site.facts(path).ids:
            dangling.append(href)
    assert not dangling, f"cited-on links to missing pages or anchors: {dangling}"

    # Click through, as a reader would: links to a few different cited pages open them
    # (every link's target was checked above; the nav test opens every page), and a
    # link to a place lands on that citation marker.
    to_click = page.evaluate(
        """(pages) => {
          const seen = new Map();
          let place = null;
          for (const a of document.querySelectorAll('ul.site-bibliography ul.cited-on a[href]')) {
            const page = a.href.split('#')[0];
            if (!seen.has(page) && !a.hash) seen.set(page, a.href);
            if (!place && a.hash) place = a.href;
          }
          return [...seen.values()].slice(0, pages).concat(place ? [place] : []);
        }""",
        CLICK_THROUGH_PAGES,
    )
    assert any(urlsplit(href).fragment for href in to_click), "no cited-on link points at a place (#cite-N)"
    for href in to_click:
        if page.url != site.url(bib_url):
            page.go_back()  # instant navigation restores the bibliography
            expect(page).to_have_url(site.url(bib_url))
        # Wait for the bibliography's own DOM (not the previous page's) and find the link.
        index = page.wait_for_function(
            "(href) => 1 + [...document.querySelectorAll('ul.site-bibliography ul.cited-on a[href]')]"
            ".findIndex((a) => a.href === href)",
            arg=href,
        ).json_value() - 1
        page.locator("ul.site-bibliography ul.cited-on a[href]").nth(index).click()
        expect(page).to_have_url(href)
        path, fragment = site.path_of(href), urlsplit(href).fragment
        ui.expect_h1(page, site.facts(path).h1)
        if fragment:
            expect(page.locator(f"[id='{fragment}']")).to_be_in_viewport()


# Cells of ledger tables that lie outside the viewport's width and are not inside a
# container the reader can scroll sideways: [row text, cell label, left, right].
_UNREACHABLE_CELLS = """() => {
  const width = document.documentElement.clientWidth;
  const scrollable = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (/(auto|scroll)/.test(s.overflowX) && a.scrollWidth > a.clientWidth) return true;
    }
    return false;
  };
  const out = [];
  for (const cell of document.querySelectorAll("table.ledger td, table.ledger-status td")) {
    const box = cell.getBoundingClientRect();
    if (box.width === 0) continue;
    if ((box.left < -1 || box.right > width + 1) && !scrollable(cell)) {
      out.push([cell.parentElement.textContent.slice(0, 60), cell.dataset.label, box.left, box.right]);
    }
  }
  return out;
}"""


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_ledger_column_is_reachable_and_screenshots(open_page, site, artifacts_dir, viewport):
    page = open_page(viewport, _ledger_url(site))
    cells = page.locator("table.ledger td")
    assert cells.count() > 0
    assert page.evaluate(_UNREACHABLE_CELLS) == []
    labels = set(page.evaluate("[...document.querySelectorAll('table.ledger tr.ledger-row td')].map((td) => td.dataset.label)"))
    assert labels == {"Number", "Sentence", "Source", "Recorded figure", "Check"}
    if viewport == "phone":  # cards: every cell of a row shows its column's name
        label = page.locator("table.ledger tr.ledger-row td[data-label='Source']").first
        assert page.evaluate("(td) => getComputedStyle(td, '::before').content", label.element_handle()) == '"Source"'
    # Technical details stay folded until asked for.
    details = page.locator("tr.ledger-row details.ledger-technical").first
    expect(details.locator("li").first).to_be_hidden()
    details.locator("summary").click()
    expect(details.locator("li").first).to_be_visible()
    path = artifacts_dir / f"ledger-{viewport}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000


def test_a_page_mentioning_the_ledger_links_to_its_own_section(open_page, site):
    ledger = _ledger_url(site)
    for url in site.pages:
        if url == ledger:
            continue
        own = [href for href in site.facts(url).links if "#ledger-page-" in href]
        if own:
            break
    else:
        pytest.fail("no page links to its own section of the evidence ledger")
    page = open_page("phone", url)
    fragment = own[0].split("#", 1)[1]
    link = page.locator(f"article a[href$='#{fragment}']").first  # instant navigation makes hrefs absolute
    link.scroll_into_view_if_needed()
    link.click()
    expect(page).to_have_url(site.url(ledger) + "#" + fragment)
    section = page.locator(f"section.ledger-page[id='{fragment}']")
    expect(section).to_be_in_viewport()
    assert section.locator("h3 a").evaluate("(a) => a.href") == site.url(url)  # the section is that page's
