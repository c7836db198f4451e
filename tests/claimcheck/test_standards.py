"""Health-content standards: review dates, treatment sections, readability,
sources' age, evidence strength and the safety notes in built pages."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from claimcheck.bibliography import parse_bibliography
from claimcheck.check import check_page
from claimcheck.config import ConfigError, settings_from
from claimcheck.document import parse_document
from claimcheck.pages import markdown_files
from claimcheck.pipeline import Run, check_files, check_site
from claimcheck.standards import TREATMENT_SECTIONS, GradeLimits, check_built_page, check_reading_grades, check_standards, next_review, reading_grades

TODAY = datetime.date(2026, 11, 23)
HARD = "Pharmacokinetic heterogeneity substantially complicates individualised antidepressant optimisation strategies. " * 5


def kinds(markdown: str) -> list[tuple[str, str]]:
    """The page checks of the standards: review dates, sections, reading grades."""
    document = parse_document(markdown, "p.md")
    return [(p.kind, p.text) for p in check_standards(document, TODAY) + check_reading_grades(document)]


@pytest.mark.parametrize(
    "front, expected",
    [
        ("reviewed: 2026-01-01", []),
        ("title: x", [("review-date", "")]),
        ("reviewed: soon", [("review-date", "soon")]),
        ("reviewed: 2027-01-01", [("review-date", "2027-01-01")]),
        ("reviewed: 2022-01-01", [("review-overdue", "2025-01-01")]),
        ("reviewed: 2026-01-01\nnext_review: 2026-06-01", [("review-overdue", "2026-06-01")]),
        ("reviewed: 2020-01-01\nnext_review: 2027-01-01", []),
        ("type: generated", []),
    ],
)
def test_review_dates(front, expected):
    assert kinds(f"---\n{front}\naudience: clinicians\n---\n\nText.\n") == expected


def test_next_review_defaults_to_three_years():
    assert next_review(datetime.date(2024, 2, 29)) == datetime.date(2027, 2, 28)
    assert next_review(datetime.date(2026, 11, 23)) == datetime.date(2029, 11, 23)


def test_treatment_pages_need_every_section():
    sections = "".join(f"## {name}\n\nText.\n\n" for name in TREATMENT_SECTIONS)
    head = "---\nreviewed: 2026-01-01\naudience: clinicians\ntype: treatment\n---\n\n# T\n\n"
    assert kinds(head + sections) == []
    missing = sections.replace("## Who it suits", "## Who it is for")
    assert kinds(head + missing) == [("missing-section", "Who it suits")]
    assert kinds(head + "```\n## Benefits\n```\n" + sections.replace("## Benefits", "### Benefits")) == [("missing-section", "Benefits")]


@pytest.mark.parametrize("section", ["What it is like", "Access and cost"])
def test_treatment_pages_say_what_it_is_like_and_what_it_costs(section):
    """Readers asked what going through a treatment is like and how to get it (issue 15)."""
    sections = "".join(f"## {name}\n\nText.\n\n" for name in TREATMENT_SECTIONS if name != section)
    head = "---\nreviewed: 2026-01-01\naudience: clinicians\ntype: treatment\n---\n\n# T\n\n"
    assert kinds(head + sections) == [("missing-section", section)]


def test_hard_patient_pages_get_a_readability_warning_with_or_without_a_summary():
    head = "---\nreviewed: 2026-01-01\n---\n\n"
    assert [k for k, _ in kinds(head + HARD)] == ["readability"]
    assert [k for k, _ in kinds(head + '!!! abstract "In short"\n    - We sleep.\n\n' + HARD)] == ["readability"]
    assert kinds(head.replace("reviewed", "audience: clinicians\nreviewed") + HARD) == []
    assert kinds(head + "The cat sat on the mat. We like tea.\n") == []


def test_the_advice_asks_for_a_summary_only_where_there_is_none():
    head = "---\nreviewed: 2026-01-01\n---\n\n"
    bare, = check_reading_grades(parse_document(head + HARD, "p.md"))
    boxed, = check_reading_grades(parse_document(head + '!!! abstract "In short"\n    - We sleep.\n\n' + HARD, "p.md"))
    assert "add an `!!! abstract \"In short\"` summary" in bare.message
    assert "summary" not in boxed.message and "above the limit of 9" in boxed.message


def test_a_hard_in_short_box_is_flagged_on_its_own_line():
    page = "---\nreviewed: 2026-01-01\n---\n\nWe sleep. It helps.\n\n!!! abstract \"In short\"\n    " + HARD + "\n"
    problem, = check_reading_grades(parse_document(page, "p.md"))
    assert (problem.kind, problem.line, problem.severity) == ("readability", 7, "warning")
    assert problem.text.startswith("In short grade ") and "above its limit of 8" in problem.message


def test_body_and_summary_are_measured_apart():
    page = '!!! abstract "In short"\n    ' + HARD + "\n\nWe sleep. It helps. Talk to your doctor.\n"
    grades = reading_grades(parse_document(page, "p.md"))
    assert grades.body < 3
    assert grades.summary is not None and grades.summary > 15 and grades.summary_line == 1
    assert reading_grades(parse_document("We sleep. It helps.\n", "p.md")).summary is None
    # A box titled otherwise is body text.
    assert reading_grades(parse_document(page.replace("In short", "Note"), "p.md")).body > 15


def test_list_items_count_as_sentences_and_tables_do_not_count():
    items = "- Go to bed at the same time each night\n- Get up at the same time each day\n- Keep your room dark and cool\n"
    stopped = items.replace("night\n", "night.\n").replace("day\n", "day.\n").replace("cool\n", "cool.\n")
    assert reading_grades(parse_document(items, "p.md")).body == reading_grades(parse_document(stopped, "p.md")).body
    table = "| Hepatic impairment requiring individualised optimisation |\n|---|\n| Concomitant cytochrome interactions complicating administration |\n"
    assert reading_grades(parse_document("We sleep. It helps.\n\n" + table, "p.md")).body == reading_grades(parse_document("We sleep. It helps.\n", "p.md")).body


def test_the_grade_limits_can_be_raised():
    page = parse_document("---\nreviewed: 2026-01-01\n---\n\n!!! abstract \"In short\"\n    " + HARD + "\n\n" + HARD, "p.md")
    assert [p.text.split(" grade")[0] for p in check_reading_grades(page)] == ["body", "In short"]
    assert check_reading_grades(page, limits=GradeLimits(body=40, summary=40)) == []
    assert [p.text.split(" grade")[0] for p in check_reading_grades(page, limits=GradeLimits(body=40, summary=8))] == ["In short"]


READABILITY = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "readability"


def test_readability_corpus():
    """Pages whose expected readability warnings are written on the line concerned."""
    from test_check import expected  # the corpus's own expectation reader

    site = check_files(markdown_files([READABILITY]), parse_bibliography(""), today=TODAY)
    for page in site.pages:
        found = {(p.line, p.kind, p.text) for p in site.problems if p.file == page.path and p.kind == "readability"}
        assert found == expected(page.document), page.path
    assert {p.file for p in site.problems if p.kind == "readability"} == {"hard-body.md", "hard-summary.md"}


@pytest.mark.parametrize("name", ["max_grade_body", "max_grade_summary"])
def test_grade_limit_settings(name):
    root = Path("/project")
    assert settings_from({}, root).grade_limits == GradeLimits(body=9, summary=8)
    field = name.rsplit("_", 1)[1]
    assert getattr(settings_from({"extra": {"claimcheck": {name: 10.5}}}, root).grade_limits, field) == 10.5
    for bad in (0, -1, "nine", True, None, float("inf"), float("nan")):
        with pytest.raises(ConfigError, match=name):
            settings_from({"extra": {"claimcheck": {name: bad}}}, root)


BIB = parse_bibliography(
    """@article{old, author={A, B}, title={T}, journal={J}, year={1990}, findings={remission: 30%}, evidence={case-series}}
@article{new, author={C, D}, title={U}, journal={J}, year={2020}, findings={remission: 31%}, evidence={rct}}
@article{expert, author={E, F}, title={V}, journal={J}, year={2024}, findings={benefit: 50%}, evidence={expert}}
""",
    "refs.bib",
)


def sources(markdown: str) -> list[tuple[str, int]]:
    """The source problems the pipeline's site stage reports (as the CLI and hooks do)."""
    document = parse_document(markdown, "p.md")
    site = check_site([check_page(document, BIB)], BIB, Run(today=TODAY))
    return [(p.kind, p.line) for p in site.problems if p.kind in ("old-source", "secondary-source", "weak-evidence")]


def test_old_sources_are_flagged_when_a_newer_one_records_the_finding():
    assert sources("Remission was 30% [@old].\n") == [("old-source", 1)]
    assert sources("Remission was 31% [@new].\n") == []
    assert sources("Remission was 30% or 31% [@old; @new].\n") == []


def test_treatment_benefits_resting_on_weak_evidence_are_flagged():
    page = "---\ntype: treatment\n---\n\n## Benefits\n\nHalf of the patients benefit [@expert].\n\n## Risks and side effects\n\nHalf of the patients [@expert].\n"
    assert sources(page) == [("weak-evidence", 7)]


def test_built_pages_must_carry_the_safety_notes():
    good = '<p class="crisis-help">x</p><p class="not-medical-advice">y</p>'
    assert check_built_page(good, "a.md") == []
    assert [p.text for p in check_built_page('<p class="crisis-help">x</p>', "a.md")] == ['class="not-medical-advice"']


def test_reading_grade_drops_bracketed_citations_and_keeps_every_word_around_them():
    """Citations are found by the citation parser: a link before a citation
    keeps its words (a pattern from `[` to the citation's `]` once took them)."""
    cited = parse_document("Call [999](tel:999) for help now, at any time of day or night [@key, p. 3].\n", "p.md")
    plain = parse_document("Call [999](tel:999) for help now, at any time of day or night.\n", "p.md")
    assert reading_grades(cited).body == reading_grades(plain).body
    narrative = parse_document("As @key found, most people with depression who try a second treatment get better.\n", "p.md")
    named = parse_document("As Smith found, most people with depression who try a second treatment get better.\n", "p.md")
    assert reading_grades(narrative).body == reading_grades(named).body  # a narrative citation reads as a name
