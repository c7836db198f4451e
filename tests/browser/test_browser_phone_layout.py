"""At phone width (390 px) every part of every page can be reached: nothing sticks out
past the screen's edge unless it sits in a container the reader can scroll sideways."""

import pytest

pytestmark = pytest.mark.browser

# Visible elements of the article past the viewport's left or right edge that no
# sideways-scrollable ancestor holds: [tag.class, text, left, right].
_UNREACHABLE = """() => {
  const width = document.documentElement.clientWidth;
  const held = (e) => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  const out = [];
  for (const e of document.querySelectorAll("article.md-content__inner *")) {
    if (e.closest(".cite-tip")) continue;  // previews are placed when opened (test_browser_tooltips)
    const box = e.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if ((box.left < -1 || box.right > width + 1) && !held(e)) {
      out.push([`${e.tagName.toLowerCase()}.${e.className}`, (e.textContent || "").trim().slice(0, 50), Math.round(box.left), Math.round(box.right)]);
    }
  }
  return {page: document.documentElement.scrollWidth - width, out: out.slice(0, 5)};
}"""


def test_no_page_has_content_that_cannot_be_reached_at_390_px(browser, site, open_page):
    page = open_page("phone")
    problems = {}
    for url in site.pages:
        page.goto(site.url(url))
        found = page.evaluate(_UNREACHABLE)
        if found["page"] > 1 or found["out"]:
            problems[url] = found
    assert not problems, f"content off-screen and not scrollable at 390 px: {problems}"
