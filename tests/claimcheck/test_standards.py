"""Health-content standards: review dates, treatment sections, readability,
sources' age, evidence strength and the safety notes in built pages."""

from __future__ import annotations

import datetime

import pytest

from claimcheck.bibliography import parse_bibliography
from claimcheck.check import check_page
from claimcheck.document import parse_document
from claimcheck.pipeline import Run, check_site
from claimcheck.standards import TREATMENT_SECTIONS, check_built_page, check_standards, next_review, reading_grade

TODAY = datetime.date(2026, 11, 23)
HARD = "Pharmacokinetic heterogeneity substantially complicates individualised antidepressant optimisation strategies. " * 5


def kinds(markdown: str) -> list[tuple[str, str]]:
    return [(p.kind, p.text) for p in check_standards(parse_document(markdown, "p.md"), TODAY)]


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


def test_hard_patient_pages_need_an_in_short_summary():
    head = "---\nreviewed: 2026-01-01\n---\n\n"
    assert [k for k, _ in kinds(head + HARD)] == ["readability"]
    assert kinds(head + '!!! abstract "In short"\n    - Simple.\n\n' + HARD) == []
    assert kinds(head.replace("reviewed", "audience: clinicians\nreviewed") + HARD) == []
    assert kinds(head + "The cat sat on the mat. We like tea.\n") == []


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
    assert reading_grade(cited) == reading_grade(plain)
    narrative = parse_document("As @key found, most people with depression who try a second treatment get better.\n", "p.md")
    named = parse_document("As Smith found, most people with depression who try a second treatment get better.\n", "p.md")
    assert reading_grade(narrative) == reading_grade(named)  # a narrative citation reads as a name
