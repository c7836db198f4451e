"""The home page's "Start here" panel: three large links in the first screen of a
phone, before anything else on the page; and the review date under each title (issue 15)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

START_HERE = {
    "My depression has not improved after two antidepressants: what now?": "treatments/#where-to-start",
    "Questions for my doctor": "questions-for-your-doctor/",
    "Help now": "help-now/",
}
#: WCAG 2.5.5 asks for targets of at least 44 by 44 CSS pixels.
TARGET = 44


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_start_here_links_are_large_and_in_the_first_screen(open_page, site, viewport):
    page = open_page(viewport, "")
    links = page.locator("article nav.start-here a")
    assert [a.inner_text().strip() for a in links.all()] == list(START_HERE)
    height = page.viewport_size["height"]
    for link in links.all():
        box = link.bounding_box()
        assert box["height"] >= TARGET and box["width"] >= TARGET, (link.inner_text(), box)
        assert box["y"] + box["height"] <= height, f"{link.inner_text()!r} is below the first screen: {box}"
    # The panel comes before the "In short" box and the rest of the page.
    panel_top = page.locator("article nav.start-here").bounding_box()["y"]
    assert panel_top < page.locator("article .admonition.abstract").first.bounding_box()["y"]


@pytest.mark.parametrize("text, target", START_HERE.items())
def test_start_here_links_go_where_they_say(open_page, site, text, target):
    page = open_page("phone", "")
    page.locator("article nav.start-here a", has_text=text).click()
    expect(page).to_have_url(site.url(target))


def test_every_reviewed_page_shows_its_review_date_in_words_under_its_title(open_page):
    page = open_page("phone", "what-is-trd/")
    dateline = page.locator("article h1 + p.reviewed-on")
    expect(dateline).to_have_text(re.compile(r"^Reviewed \d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}$"))
    box = dateline.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]
