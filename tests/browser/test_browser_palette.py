"""The light/dark toggle switches Material's colour scheme and the choice persists."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _toggle(page):
    # Material shows one label per palette: the one for switching to the other scheme.
    label = page.locator("form[data-md-component='palette'] label:visible")
    expect(label).to_have_count(1)
    return label


def test_palette_toggle_switches_scheme_and_persists_across_pages(open_page, site, ui):
    others = [entry.url for entry in site.nav if entry.url != ""]
    assert len(others) >= 2, "need two pages besides the home page to test persistence"
    body = lambda page: page.locator("body")  # noqa: E731

    page = open_page("desktop", "", color_scheme="light")
    expect(body(page)).to_have_attribute("data-md-color-scheme", "default")

    _toggle(page).click()
    expect(body(page)).to_have_attribute("data-md-color-scheme", "slate")
    stored = page.evaluate("() => __md_get('__palette')")
    assert stored and stored["color"]["scheme"] == "slate", f"palette choice not stored: {stored}"

    # Another page through the menu (instant navigation) ...
    ui.click_nav_link(page, site.url(others[0]), phone=False)
    expect(page).to_have_url(site.url(others[0]))
    expect(body(page)).to_have_attribute("data-md-color-scheme", "slate")
    # ... and a full page load of a third one.
    page.goto(site.url(others[1]))
    expect(body(page)).to_have_attribute("data-md-color-scheme", "slate")

    # Back to light, which persists too.
    _toggle(page).click()
    expect(body(page)).to_have_attribute("data-md-color-scheme", "default")
    page.goto(site.url(""))
    expect(body(page)).to_have_attribute("data-md-color-scheme", "default")
