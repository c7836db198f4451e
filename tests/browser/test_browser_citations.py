"""Citation markers: tooltips on hover and focus, jumps to the References and back."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

# The formatted reference of a References entry: its text without the back-links and
# the evidence-type badge (the tooltip carries the same text, then the badge).
_REFERENCE_TEXT = """(li) => {
  const copy = li.cloneNode(true);
  copy.querySelectorAll('.cite-backs, .cite-back, .evidence-type').forEach((e) => e.remove());
  return copy.textContent;
}"""


def _first_marker(page):
    link = page.locator("article .cite-link").filter(visible=True).first
    expect(link).to_be_attached()
    return link


def _tip(page, link):
    tip_id = link.get_attribute("aria-describedby")
    assert tip_id, "a .cite-link has no aria-describedby pointing to its tooltip"
    tip = page.locator(f"[id='{tip_id}']")
    expect(tip).to_have_count(1)
    expect(tip).to_have_class(re.compile(r"\bcite-tip\b"))
    expect(tip).to_have_attribute("role", "tooltip")
    return tip


def _reference_entry(page, link):
    fragment = urlsplit(link.get_attribute("href") or "").fragment
    assert re.fullmatch(r"ref-\d+", fragment), f"marker links to #{fragment}, not to #ref-M"
    entry = page.locator(f"ol.references > li[id='{fragment}']")
    expect(entry).to_have_count(1)
    return fragment, entry


def _assert_tip_shows_reference(page, ui, link):
    tip = _tip(page, link)
    expect(tip).to_be_visible()
    _, entry = _reference_entry(page, link)
    reference = ui.norm(entry.evaluate(_REFERENCE_TEXT))
    assert len(reference) > 10, f"References entry is nearly empty: {reference!r}"
    shown = ui.norm(tip.text_content())
    assert reference in shown, f"tooltip {shown!r} does not contain the reference {reference!r}"


@pytest.mark.browser
def test_hovering_a_marker_shows_its_reference(open_page, citing_page, ui):
    page = open_page("desktop", citing_page)
    link = _first_marker(page)
    tip = _tip(page, link)
    expect(tip).to_be_hidden()

    link.hover()
    _assert_tip_shows_reference(page, ui, link)

    page.mouse.move(1, page.viewport_size["height"] - 1)
    expect(tip).to_be_hidden()


@pytest.mark.browser
def test_keyboard_focus_on_a_marker_shows_its_reference(open_page, citing_page, ui):
    page = open_page("desktop", citing_page)
    presses = ui.tab_until(page, "(e) => e && e.classList.contains('cite-link')")
    assert presses, f"Tab never reached a citation marker on /{citing_page}"
    focused = page.locator(".cite-link:focus")
    expect(focused).to_have_count(1)
    tip = _tip(page, focused)
    _assert_tip_shows_reference(page, ui, focused)

    page.evaluate("() => document.activeElement.blur()")
    expect(tip).to_be_hidden()


@pytest.mark.browser
def test_marker_jumps_to_reference_and_back_link_returns(open_page, citing_page):
    page = open_page("desktop", citing_page)
    link = _first_marker(page)
    cite_id = link.evaluate("(a) => a.closest('.citation') && a.closest('.citation').id")
    assert cite_id and re.fullmatch(r"cite-\d+", cite_id), f"marker is not inside span.citation#cite-N: {cite_id!r}"
    ref_id, entry = _reference_entry(page, link)
    expect(page.locator("h2#references")).to_have_count(1)

    link.click()
    expect(page).to_have_url(re.compile(f"#{ref_id}$"))
    expect(entry).to_be_in_viewport()

    back = entry.locator(f"a.cite-back[href$='#{cite_id}']")
    expect(back).to_have_count(1)
    back.click()
    expect(page).to_have_url(re.compile(f"#{cite_id}$"))
    expect(page.locator(f"[id='{cite_id}']")).to_be_in_viewport()


DOI_LINK = re.compile(r"^https://doi\.org/10\.\d{4,9}(?:\.\d+)*/\S+$")


def test_every_doi_link_is_https_doi_org_10_with_a_suffix(site):
    checked, bad = 0, []
    for url in site.pages:
        for href in site.facts(url).links:
            host = (urlsplit(href).hostname or "").lower()
            if host == "doi.org" or host.endswith(".doi.org"):
                checked += 1
                if not DOI_LINK.match(href):
                    bad.append(f"/{url}: {href}")
    assert checked, "the built site has no DOI link at all"
    assert not bad, "malformed DOI links:\n" + "\n".join(bad)
