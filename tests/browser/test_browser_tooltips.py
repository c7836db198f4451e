"""Citation previews fit: never clipped by a table, inside the viewport at phone and
desktop widths; on touch screens a tap opens a popover (closed by Escape or a tap
elsewhere) instead of jumping to the References."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

TABLE_MARKERS = "table .cite-link"

# The preview's box, and whether the browser shows the preview itself at points just
# inside each of its corners and its centre (a clipped or covered preview fails that).
_TIP_FITS = """(link) => {
  const tip = document.getElementById(link.getAttribute("aria-describedby"));
  const box = tip.getBoundingClientRect();
  const width = document.documentElement.clientWidth, height = window.innerHeight;
  const inset = 3;
  const points = [[box.left + inset, box.top + inset], [box.right - inset, box.top + inset],
                  [box.left + inset, box.bottom - inset], [box.right - inset, box.bottom - inset],
                  [(box.left + box.right) / 2, (box.top + box.bottom) / 2]];
  const hidden = points.filter(([x, y]) => { const e = document.elementFromPoint(x, y); return !e || !tip.contains(e); });
  return {left: box.left, top: box.top, right: box.right, bottom: box.bottom, width, height,
          shown: getComputedStyle(tip).display !== "none", hidden};
}"""


def _pages_with_table_markers(site):
    found = [u for u in site.pages if re.search(r"<table[^>]*>(?:(?!</table>).)*cite-link", site.facts(u).file.read_text(encoding="utf-8"), re.S)]
    assert found, "no built page has a citation marker inside a table"
    return found


def _assert_fits(link, where):
    fit = link.evaluate(_TIP_FITS)
    assert fit["shown"], f"{where}: the preview did not open"
    assert fit["left"] >= 0 and fit["top"] >= 0 and fit["right"] <= fit["width"] and fit["bottom"] <= fit["height"], (
        f"{where}: preview {fit} is not inside the {fit['width']}x{fit['height']} viewport")
    assert not fit["hidden"], f"{where}: preview clipped or covered at {fit['hidden']}"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_preview_opened_in_a_table_lies_inside_the_viewport(open_page, site, viewport):
    checked = 0
    for url in _pages_with_table_markers(site):
        page = open_page(viewport, url)
        links = page.locator(TABLE_MARKERS)
        for index in range(links.count()):
            link = links.nth(index)
            link.scroll_into_view_if_needed()
            link.hover()
            _assert_fits(link, f"/{url} {viewport}, table marker {index + 1} ({link.text_content()})")
            checked += 1
        page.close()
    assert checked > 0


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_screenshot_of_a_table_preview(open_page, site, artifacts_dir, viewport):
    page = open_page(viewport, _pages_with_table_markers(site)[0])
    link = page.locator(TABLE_MARKERS).first
    link.scroll_into_view_if_needed()
    link.hover()
    _assert_fits(link, viewport)
    path = artifacts_dir / f"table-tooltip-{viewport}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000


def test_a_tap_opens_a_popover_that_escape_and_a_tap_elsewhere_close(open_page, site):
    url = _pages_with_table_markers(site)[0]
    page = open_page("phone", url, has_touch=True, is_mobile=True)
    link = page.locator(TABLE_MARKERS).first
    link.scroll_into_view_if_needed()
    tip = page.locator(f"[id='{link.get_attribute('aria-describedby')}']")
    before = page.url

    link.tap()
    expect(tip).to_be_visible()
    _assert_fits(link, "tapped marker")
    assert page.url == before, "tapping a marker jumped instead of opening its preview"
    more = tip.locator("a.cite-tip-more")
    expect(more).to_have_attribute("href", link.get_attribute("href"))
    expect(more).to_have_text("Full reference")

    page.locator("article h1").tap()
    expect(tip).to_be_hidden()

    link.tap()
    expect(tip).to_be_visible()
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()

    link.tap()
    expect(tip).to_be_visible()
    more.tap()
    expect(page).to_have_url(re.compile(re.escape(link.get_attribute("href")) + "$"))
    expect(tip).to_be_hidden()


def test_escape_closes_a_preview_opened_by_keyboard_focus(open_page, citing_page):
    page = open_page("desktop", citing_page)
    link = page.locator("article .cite-link").first
    link.focus()
    tip = page.locator(f"[id='{link.get_attribute('aria-describedby')}']")
    expect(tip).to_be_visible()
    page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    page.keyboard.press("Tab")
    page.keyboard.press("Shift+Tab")
    expect(tip).to_be_visible()  # focus coming back opens it again
