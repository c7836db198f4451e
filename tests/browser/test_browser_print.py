"""Printing keeps the article and its References and drops the navigation."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_print_shows_article_and_references_but_not_the_sidebar(open_page, citing_page):
    page = open_page("desktop", citing_page)
    sidebar = page.locator(".md-sidebar--primary")
    expect(sidebar).to_be_visible()  # on screen it is there ...

    page.emulate_media(media="print")
    expect(page.locator("article.md-content__inner")).to_be_visible()
    expect(page.locator("article.md-content__inner h1")).to_be_visible()
    expect(page.locator("ol.references")).to_be_visible()
    expect(page.locator("ol.references > li").first).to_be_visible()
    expect(sidebar).to_be_hidden()  # ... in print it is not
