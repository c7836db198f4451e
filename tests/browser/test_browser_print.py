"""Printing keeps the article, its References and the safety notes; drops the navigation."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

# The content of each page-margin box of the print stylesheet's @page rules, as the
# browser parsed them (CSSOM): {"top-center": "...", "bottom-center": "..."}.
_MARGIN_BOXES = """() => {
  const boxes = {};
  for (const sheet of document.styleSheets) {
    let rules;
    try { rules = sheet.cssRules; } catch (e) { continue; }
    for (const rule of rules) {
      if (!(rule instanceof CSSPageRule) || rule.selectorText) continue;
      for (const inner of rule.cssRules || []) {
        if (inner instanceof CSSMarginRule) boxes[inner.name] = inner.style.getPropertyValue("content");
      }
    }
  }
  return boxes;
}"""


def _css_string(value: str) -> str:
    assert value.startswith('"') and value.endswith('"'), f"margin box content is not a string: {value!r}"
    return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")


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


@pytest.mark.parametrize("path", ["", "treatments/"])
def test_print_repeats_the_safety_notes_on_every_sheet(open_page, ui, path):
    """The crisis numbers and the not-medical-advice line head and foot every printed
    sheet (page-margin boxes of an unnamed @page rule apply to every sheet), with the
    same words as the banner on screen; the banner itself, a control, is not printed."""
    page = open_page("desktop", path)
    on_screen = {
        "crisis": ui.norm(page.locator("p.crisis-help").evaluate(
            "(p) => { const c = p.cloneNode(true); c.querySelectorAll('a').forEach((a) => a.remove()); return c.textContent; }")),
        "advice": ui.norm(page.locator("p.not-medical-advice").text_content()),
    }
    assert "116" in on_screen["crisis"] and "988" in on_screen["crisis"], on_screen
    assert "not medical advice" in on_screen["advice"], on_screen

    page.emulate_media(media="print")
    expect(page.locator(".md-banner")).to_be_hidden()
    boxes = page.evaluate(_MARGIN_BOXES)
    assert set(boxes) >= {"top-center", "bottom-center"}, f"print margin boxes: {boxes}"
    assert ui.norm(_css_string(boxes["top-center"])) == on_screen["crisis"]
    assert ui.norm(_css_string(boxes["bottom-center"])) == on_screen["advice"]

    pdf = page.pdf()  # a real print: several sheets, each with the margin boxes above
    sheets = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert sheets >= 2, f"/{path} printed on {sheets} sheet(s): the test needs a multi-sheet print"
