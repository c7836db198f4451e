"""A page past its `next_review` tells readers so, and the site still builds (strictly)."""

import sys

import pytest
from playwright.sync_api import expect

from .conftest import VIEWPORTS

pytestmark = pytest.mark.browser

builtsite = sys.modules["trd_builtsite"]  # loaded by conftest.py
NOTICE = "This page is due for review; some information may be out of date."


@pytest.fixture(scope="module")
def overdue_site(tmp_path_factory):
    """The fixture site `review_overdue`: other.md's review was due 2020-03-01."""
    site = builtsite.fixture_site("review_overdue", tmp_path_factory.mktemp("overdue"))
    try:
        return builtsite.built_site(site / "mkdocs.yml")
    except builtsite.BuildError as error:
        pytest.fail(f"a page past its review date must not fail the strict build: {error}", pytrace=False)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_overdue_page_shows_the_notice_and_a_current_one_does_not(browser, overdue_site, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], reduced_motion="reduce")
    context.route(lambda url: not url.startswith(overdue_site.base_url), lambda route: route.abort())
    page = context.new_page()
    page.goto(overdue_site.url("other/"))
    notice = page.locator("article .review-overdue")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(NOTICE)
    expect(notice).to_be_in_viewport()  # readers see it before the text it qualifies
    page.goto(overdue_site.url(""))
    expect(page.locator("article h1")).to_be_visible()
    expect(page.locator(".review-overdue")).to_have_count(0)
    context.close()
