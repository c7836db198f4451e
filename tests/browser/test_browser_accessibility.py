"""axe-core finds nothing serious or critical; keyboard users reach search and citations."""

import pytest

pytestmark = pytest.mark.browser


def test_axe_finds_no_serious_or_critical_violation_on_any_page(desktop_tour, site):
    assert set(desktop_tour["pages"]) == set(site.pages) and site.pages
    by_rule: dict[str, dict] = {}
    for url, facts in desktop_tour["pages"].items():
        for violation in facts["axe"]:
            rule = by_rule.setdefault(violation["id"], {
                "impact": violation["impact"],
                "help": violation["help"],
                "pages": [],
                "example": violation["nodes"][0],
            })
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
            rule["pages"].append(f"/{url} ({len(targets)}: {', '.join(targets[:3])})")
    report = []
    for rule_id, rule in by_rule.items():
        example = rule["example"]
        summary = " ".join((example.get("failureSummary") or "").split())
        report.append(
            f"{rule_id} ({rule['impact']}): {rule['help']}\n"
            f"  e.g. {example.get('html', '')[:160]}\n  {summary[:400]}\n"
            f"  on {len(rule['pages'])} page(s): " + "; ".join(rule["pages"])
        )
    assert not report, "axe-core violations:\n" + "\n".join(report)


def test_keyboard_reaches_the_search_box_and_a_citation_marker(open_page, citing_page, ui):
    page = open_page("desktop", citing_page)
    assert ui.tab_until(page, "(e) => e && e.matches('input.md-search__input')"), (
        "Tab never reached the search box"
    )
    page.reload()
    assert ui.tab_until(page, "(e) => e && e.classList.contains('cite-link')"), (
        f"Tab never reached a citation marker on /{citing_page}"
    )
