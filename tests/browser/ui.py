"""Helpers that drive Material for MkDocs' UI with Playwright (sync API)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

# Material's instant navigation rewrites links to absolute URLs, so nav links are found
# by their resolved .href, never by the attribute text. The TOC (.md-nav--secondary)
# nested inside the primary nav is left out.
_NAV_LINK_INDEX = """(target) => {
  const links = [...document.querySelectorAll('nav.md-nav--primary a.md-nav__link')]
    .filter((a) => !a.closest('.md-nav--secondary'));
  return links.findIndex((a) => a.href.split('#')[0] === target);
}"""
_NAV_LINKS = "nav.md-nav--primary a.md-nav__link:not(.md-nav--secondary a)"

# Ids of the nested-section toggles that contain a nav link, outermost first.
_ANCESTOR_TOGGLES = """(a) => {
  const ids = [];
  let li = a.closest('li.md-nav__item--nested');
  while (li) {
    const toggle = li.querySelector(':scope > input.md-nav__toggle');
    if (toggle) ids.unshift(toggle.id);
    li = li.parentElement.closest('li.md-nav__item--nested');
  }
  return ids;
}"""

_H1_TEXT = """() => {
  const h1 = document.querySelector('article.md-content__inner h1, .md-content h1');
  if (!h1) return null;
  const copy = h1.cloneNode(true);
  copy.querySelectorAll('.headerlink').forEach((e) => e.remove());
  return copy.textContent;
}"""


def norm(text: str | None) -> str:
    return " ".join((text or "").replace("\u00b6", " ").split())


def h1_text(page: Page) -> str:
    return norm(page.evaluate(_H1_TEXT))


def open_drawer(page: Page) -> None:
    """Phone layout: open the navigation drawer with the header's hamburger button."""
    page.locator("header label.md-header__button[for='__drawer']").click()
    expect(page.locator("#__drawer")).to_be_checked()
    expect(page.locator(".md-sidebar--primary")).to_be_in_viewport()


def _back_to_top_level(page: Page) -> None:
    """Phone layout: leave any nested nav panel with its back title ("< Section")."""
    for _ in range(10):
        checked = page.evaluate(
            "[...document.querySelectorAll('nav.md-nav--primary input.md-nav__toggle[id^=__nav_]')]"
            ".filter((e) => e.checked).map((e) => e.id)"
        )
        if not checked:
            return
        page.locator(f"nav.md-nav--primary label.md-nav__title[for='{checked[-1]}']").click()
    raise AssertionError("could not get back to the top level of the navigation drawer")


def click_nav_link(page: Page, target_url: str, phone: bool) -> None:
    """Click the primary-nav link to `target_url` (absolute, no fragment) like a reader.

    Phone: open the drawer, go back to the top level, open each section the link sits
    in, click it. Desktop: open collapsed sections only if the link is not visible.
    """
    if phone:
        open_drawer(page)
        _back_to_top_level(page)
    index = page.evaluate(_NAV_LINK_INDEX, target_url)
    assert index >= 0, f"no link to {target_url} in the primary navigation of {page.url}"
    link = page.locator(_NAV_LINKS).nth(index)
    for toggle in link.evaluate(_ANCESTOR_TOGGLES):
        if not phone and link.is_visible():
            break
        label = page.locator(f"nav.md-nav--primary label.md-nav__link[for='{toggle}']")
        if phone or not page.locator(f"#{toggle}").is_checked():
            label.click()
    if phone:
        expect(link).to_be_in_viewport()
    else:
        expect(link).to_be_visible()
    link.click()


def search(page: Page, query: str, phone: bool = False) -> list[str]:
    """Type `query` into Material's search and return the result links (absolute URLs).

    Material searches on keyup in a web worker fed from the site's own
    search/search_index.json; wait for the result list to fill.
    """
    if phone:
        page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material listens for keyup: send one with the whole query
    meta = page.locator(".md-search-result__meta")
    # "Initializing search" / "Type to start searching" until the worker has answered,
    # then "1 matching document" or "N matching documents"; "No matching documents" can
    # show for a moment before the worker has the whole query (CI once read it so), so
    # wait for a count rather than read the first answer.
    try:
        expect(meta).to_have_text(re.compile(r"\d+ matching document", re.IGNORECASE), timeout=15_000)
    except AssertionError:
        raise AssertionError(f"search for {query!r} found nothing: {meta.inner_text()!r}") from None
    links = page.locator(".md-search-result__list a.md-search-result__link")
    expect(links.first).to_be_visible()
    return [a.get_attribute("href") or "" for a in links.all()]


def tab_until(page: Page, js_predicate: str, max_presses: int = 400) -> int | None:
    """On a freshly loaded page, press Tab until `js_predicate(document.activeElement)`.

    Returns the number of presses, or None if focus never got there.
    """
    for presses in range(1, max_presses + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"(({js_predicate}))(document.activeElement)"):
            return presses
    return None


def expect_h1(page: Page, expected: str, timeout: float = 10_000) -> None:
    """Wait until the article's h1 (without its ¶ permalink) reads `expected`."""
    try:
        page.wait_for_function(
            """(expected) => {
              const h1 = document.querySelector('article.md-content__inner h1, .md-content h1');
              if (!h1) return false;
              const copy = h1.cloneNode(true);
              copy.querySelectorAll('.headerlink').forEach((e) => e.remove());
              return copy.textContent.replace(/\\u00b6/g, ' ').split(/\\s+/).filter(Boolean).join(' ') === expected;
            }""",
            arg=expected,
            timeout=timeout,
        )
    except Exception as error:  # playwright TimeoutError: say what was there instead
        raise AssertionError(
            f"h1 on {page.url} is {h1_text(page)!r}, expected {expected!r}"
        ) from error


SAFETY_NOTES = ("p.crisis-help", "p.not-medical-advice")
#: The crisis notice as shown: how many lines tall it is, and each link in it that is
#: displayed, with its resolved address and whether it ends inside the notice (a link
#: cut off by the one-line layout on phones would fail that).
CRISIS_NOTICE_JS = """() => {
  const note = document.querySelector("p.crisis-help");
  if (!note) return null;
  const box = note.getBoundingClientRect();
  const lineHeight = parseFloat(getComputedStyle(note).lineHeight);
  const links = [...note.querySelectorAll("a[href]")].filter((a) => a.getClientRects().length > 0);
  return {
    lines: box.height / lineHeight,
    links: links.map((a) => ({
      href: a.href,
      text: a.innerText.trim(),
      inside: a.getBoundingClientRect().right <= box.left + note.clientWidth + 0.5,
    })),
  };
}"""
AXE_BLOCKING = ("serious", "critical")


def tour(context, site, with_axe: bool, blocked: list) -> dict:
    """Open every page of `site` in `context`, in one tab, and record per page:

    - "notes": for each safety note, its count, visibility, box and text, as the page
      first appears (no scrolling);
    - "scroll_y": how far down the page opened;
    - "crisis": the crisis notice's height in lines and its displayed links;
    - "axe": axe-core violations of impact serious or critical (if `with_axe`).
    Also "requests": every (page, requested URL) seen, including a search at the end
    (its web worker and index), and "blocked": requests aborted for leaving 127.0.0.1.
    """
    record = {"pages": {}, "requests": [], "blocked": blocked, "viewport": None}
    page = context.new_page()
    record["viewport"] = page.viewport_size
    context.on("request", lambda request: record["requests"].append((page.url, request.url)))
    axe = None
    if with_axe:
        from axe_playwright_python.sync_playwright import Axe

        axe = Axe()
    for url in site.pages:
        page.goto(site.url(url))
        facts = {"scroll_y": page.evaluate("() => window.scrollY"), "notes": {}}
        for selector in SAFETY_NOTES:
            note = page.locator(selector)
            count = note.count()
            visible = count == 1 and note.is_visible()
            facts["notes"][selector] = {
                "count": count,
                "visible": visible,
                "box": note.bounding_box() if visible else None,
                "text": note.inner_text().strip() if count == 1 else "",
            }
        facts["crisis"] = page.evaluate(CRISIS_NOTICE_JS)
        if axe is not None:
            facts["axe"] = [
                violation
                for violation in axe.run(page).response["violations"]
                if violation["impact"] in AXE_BLOCKING
            ]
        record["pages"][url] = facts
    if with_axe:  # desktop: the search box is in the header
        search(page, "depression")
    page.wait_for_load_state("networkidle")
    return record
