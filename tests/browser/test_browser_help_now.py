"""The Help now page: reached from the crisis notice in one tap, and every number on it
can be called or texted with one tap, dialling exactly the number shown."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

#: Numbers the page must offer (issue 15), as the digits a phone dials.
CALL = {"999", "111", "116123", "112", "911", "988", "000", "131114"}
TEXT = {"85258"}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_help_now_opens_from_the_crisis_notice_on_a_phone(open_page, site, ui):
    page = open_page("phone", "")
    page.locator("p.crisis-help a.crisis-link").click()
    expect(page).to_have_url(site.url("help-now/"))
    ui.expect_h1(page, "Help now")


def test_every_number_on_help_now_is_a_call_or_text_link_that_dials_what_it_shows(open_page):
    page = open_page("phone", "help-now/")
    links = page.locator("article a[href^='tel:'], article a[href^='sms:']")
    found = [(a.get_attribute("href"), a.inner_text()) for a in links.all()]
    assert found, "Help now has no tel: or sms: link"
    problems = [
        f"«{text}» dials {href}"
        for href, text in found
        if _digits(href.split(":", 1)[1].split("?", 1)[0]) != _digits(text)
    ]
    assert not problems, "links that dial another number than they show:\n" + "\n".join(problems)
    calls = {_digits(href) for href, _ in found if href.startswith("tel:")}
    texts = {_digits(href) for href, _ in found if href.startswith("sms:")}
    assert calls >= CALL, f"no tel: link for {sorted(CALL - calls)}"
    assert texts >= TEXT, f"no sms: link for {sorted(TEXT - texts)}"
