"""The crisis line and the not-medical-advice note are on screen on arrival, everywhere."""

import pytest

pytestmark = pytest.mark.browser

NOTES = ("p.crisis-help", "p.not-medical-advice")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_safety_notes_are_visible_in_the_first_viewport_on_every_page(open_page, site, viewport):
    page = open_page(viewport)
    height = page.viewport_size["height"]
    problems = []
    for url in site.pages:
        # Layout is final once the DOM and the (render-blocking) stylesheets are in.
        page.goto(site.url(url), wait_until="domcontentloaded")
        scroll = page.evaluate("() => window.scrollY")
        if scroll:
            problems.append(f"/{url}: opened scrolled down by {scroll}px")
        for selector in NOTES:
            note = page.locator(selector)
            if note.count() != 1:
                problems.append(f"/{url}: {note.count()} × {selector}")
                continue
            if not note.is_visible():
                problems.append(f"/{url}: {selector} is not visible")
                continue
            box = note.bounding_box()
            if not (box["y"] >= 0 and box["y"] < height and box["y"] + box["height"] <= height):
                problems.append(f"/{url}: {selector} is at y={box['y']:.0f}..{box['y'] + box['height']:.0f}, "
                                f"not inside the first {height}px")
            if not note.inner_text().strip():
                problems.append(f"/{url}: {selector} is empty")
    assert len(site.pages) > 0
    assert not problems, f"{viewport}:\n" + "\n".join(problems)
