"""While an editor serves the site, a claim with a problem is marked in the page (its
message on hover and keyboard focus) and the page counts its problems; the published
site has no such marks."""

import sys

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

builtsite = sys.modules["trd_builtsite"]  # loaded by conftest.py


def test_serve_marks_a_planted_problem_with_its_message_on_hover_and_focus(browser, tmp_path):
    site = builtsite.fixture_site("serve_planted", tmp_path)  # an uncited 12% and an unsupported 55% on other.md
    with builtsite.mkdocs_serve(site / "mkdocs.yml", tmp_path / "serve.log") as served:
        assert builtsite.wait_for(lambda: "claimcheck-problem" in served.fetch("other/")), served.output()
        context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
        context.route(lambda url: not url.startswith(served.base_url), lambda route: route.abort())
        page = context.new_page()
        page.goto(served.base_url + "other/")
        marks = page.locator("article mark.claimcheck-problem")
        expect(marks).to_have_count(2)
        expect(page.locator(".claimcheck-problems summary")).to_contain_text("2 problems on this page")
        unsupported = marks.filter(has_text="55%")
        message = unsupported.locator(".claimcheck-message")
        expect(message).to_be_hidden()
        assert page.evaluate("(e) => getComputedStyle(e).textDecorationLine", unsupported.element_handle()) == "underline"
        unsupported.hover()
        expect(message).to_be_visible()
        expect(message).to_contain_text("unsupported: matches no finding of the cited source")
        page.mouse.move(1, 799)
        expect(message).to_be_hidden()
        unsupported.focus()
        expect(message).to_be_visible()
        context.close()


def test_the_published_site_has_no_problem_marks(site):
    marked = [url for url in site.pages if {"claimcheck-problem", "claimcheck-problems"} & site.facts(url).classes]
    assert not marked, f"published pages with serve-mode problem marks: {marked}"
