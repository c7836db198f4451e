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


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_crisis_notice_links_to_the_help_now_page_on_every_page(request, site, viewport):
    """Everywhere, the notice links to Help now; on phones it is that one line, with the
    numbers themselves left to the Help now page."""
    tour = request.getfixturevalue(f"{viewport}_tour")
    help_now = site.url("help-now/")
    assert "help-now/" in site.pages, "the Help now page was not built"
    problems = []
    for url, facts in tour["pages"].items():
        crisis = facts["crisis"]
        if crisis is None:
            problems.append(f"/{url}: no crisis notice")
            continue
        links = [link for link in crisis["links"] if link["href"] == help_now]
        if not links:
            shown = [link["href"] for link in crisis["links"]]
            problems.append(f"/{url}: the crisis notice shows no link to {help_now} (links shown: {shown})")
        elif not links[0]["inside"]:
            problems.append(f"/{url}: the Help now link «{links[0]['text']}» is cut off at the notice's edge")
        if viewport == "phone" and crisis["lines"] > 1.5:
            problems.append(f"/{url}: the crisis notice is {crisis['lines']:.1f} lines tall on a phone, not one")
        text = facts["notes"]["p.crisis-help"]["text"]
        if viewport == "desktop" and "988 (call or text, US and Canada)" not in " ".join(text.split()):
            problems.append(f"/{url}: the desktop crisis notice does not give 988 for the US and Canada: «{text}»")
    assert not problems, f"{viewport}:\n" + "\n".join(problems)
