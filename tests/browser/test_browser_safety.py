"""The crisis line and the not-medical-advice note are on screen on arrival, everywhere."""

import pytest

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_safety_notes_are_visible_in_the_first_viewport_on_every_page(request, site, ui, viewport):
    tour = request.getfixturevalue(f"{viewport}_tour")
    height = tour["viewport"]["height"]
    assert set(tour["pages"]) == set(site.pages) and site.pages
    problems = []
    for url, facts in tour["pages"].items():
        if facts["scroll_y"]:
            problems.append(f"/{url}: opened scrolled down by {facts['scroll_y']}px")
        for selector in ui.SAFETY_NOTES:
            note = facts["notes"][selector]
            if note["count"] != 1:
                problems.append(f"/{url}: {note['count']} × {selector}")
            elif not note["visible"]:
                problems.append(f"/{url}: {selector} is not visible")
            else:
                top, bottom = note["box"]["y"], note["box"]["y"] + note["box"]["height"]
                # Wholly inside the first screen: top within it, and not cut off below.
                if not (0 <= top < height and bottom <= height):
                    problems.append(f"/{url}: {selector} spans y={top:.0f}..{bottom:.0f}, "
                                    f"not inside the first {height}px")
                if not note["text"]:
                    problems.append(f"/{url}: {selector} is empty")
    assert not problems, f"{viewport}:\n" + "\n".join(problems)
