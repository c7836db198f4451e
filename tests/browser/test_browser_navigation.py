"""Every page in the nav opens from the menu, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_nav_page_opens_from_the_menu(open_page, site, ui, viewport):
    nav = site.nav
    assert nav, "mkdocs.yml lists no page in its nav"
    not_built = [entry.doc for entry in nav if entry.url not in site.pages]
    assert not not_built, f"nav pages missing from the built site: {not_built}"

    phone = viewport == "phone"
    # Start on the last nav page, so that every click (the first one too) changes page.
    page = open_page(viewport, nav[-1].url)
    for entry in nav:
        target = site.url(entry.url)
        expected_h1 = site.facts(entry.url).h1
        assert expected_h1, f"{entry.doc} has no h1 in the built HTML"

        ui.click_nav_link(page, target, phone=phone)

        expect(page).to_have_url(target)
        ui.expect_h1(page, expected_h1)
        if phone:
            # Choosing a page closes the drawer again.
            expect(page.locator("#__drawer")).not_to_be_checked()
            expect(page.locator(".md-sidebar--primary")).not_to_be_in_viewport()
