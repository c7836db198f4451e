"""Status claims (unsourced, stale-status), working notes and secondary sources,
on the corpus pages in tests/fixtures/corpus/status (expected problems written
on the line concerned as `<!-- expect: kind «text» -->`), and the rules one by one."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from claimcheck.bibliography import load_bibliography, parse_bibliography
from claimcheck.config import ConfigError, settings_from
from claimcheck.pages import markdown_files
from claimcheck.pipeline import check_files
from claimcheck.status import CURRENT, DATED, STALE, UNSOURCED, WAIVED, source_date

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "status"
TODAY = datetime.date(2026, 12, 1)
KINDS = {"unsourced", "stale-status", "waived", "working-note", "secondary-source"}


@pytest.fixture(scope="module")
def bibliography():
    bib = load_bibliography(CORPUS / "references.bib")
    assert bib.problems == []
    return bib


@pytest.fixture(scope="module")
def site(bibliography):
    return check_files(markdown_files([CORPUS]), bibliography, today=TODAY)


def _expected(site, path):
    from test_check import expected  # the corpus's own expectation reader

    page = next(p for p in site.pages if p.path == path)
    return expected(page.document)


@pytest.mark.parametrize("path", ["status.md", "notes.md", "secondary.md"])
def test_corpus_page(site, path):
    found = {(p.line, p.kind, p.text) for p in site.problems if p.file == path and p.kind in KINDS}
    assert found == _expected(site, path)


def test_verdicts_of_the_status_corpus(site):
    verdicts = {}
    for claim in site.status_claims:
        if claim.file == "status.md":
            verdicts.setdefault(claim.verdict, []).append(claim.text)
    assert verdicts[CURRENT] == ["approved", "recommends", "Licensed", "recommended"]
    assert verdicts[DATED] == ["approved", "authorised", "approve"]
    assert sorted(verdicts[STALE]) == ["Not approved", "available on the NHS", "not approved", "not recommended"]
    assert len(verdicts[UNSOURCED]) == 3 and verdicts[WAIVED] == ["approved"]
    # Questions, "not yet known", "clearance", "licensed range", "covered on", "recommend" alone,
    # code and URLs are not status claims.
    sentences = " ".join(c.sentence for c in site.status_claims)
    for text in ("not yet known", "clearance", "licensed range", "covered on their own", "recommend clinics", "Is it available"):
        assert text not in sentences


def test_stale_message_names_the_source_its_date_and_the_fix(site):
    stale = next(p for p in site.problems if p.kind == "stale-status" and p.text == "available on the NHS")
    assert stale.severity == "warning"
    assert "guideline2023jul (2023)" in stale.message and "2026-11-23" in stale.message and "over 3 years" in stale.message
    assert "cite a current source" in stale.message
    unsourced = next(p for p in site.problems if p.kind == "unsourced" and p.text == "not recommended")
    assert unsourced.severity == "error" and "[@key]" in unsourced.message


def test_the_age_limit_is_configurable(bibliography):
    strict = check_files(markdown_files([CORPUS / "status.md"]), bibliography, today=TODAY, status_max_age_years=2)
    stale = {c.text for c in strict.status_claims if c.verdict == STALE}
    assert {"recommends", "recommended", "not recommended"} <= stale  # 2023 sources are now too old
    assert "approved" not in stale  # the 2025 regulator's letter is not
    lenient = check_files(markdown_files([CORPUS / "status.md"]), bibliography, today=TODAY, status_max_age_years=10)
    assert not [c for c in lenient.status_claims if c.verdict == STALE]


def test_age_is_measured_from_the_review_date(tmp_path, bibliography):
    page = tmp_path / "p.md"
    page.write_text("---\nreviewed: 2021-06-01\naudience: clinicians\n---\n\nIt is not recommended [@guideline2019].\n", encoding="utf-8")
    site = check_files(markdown_files([page]), bibliography, today=datetime.date(2022, 1, 1))
    assert [c.verdict for c in site.status_claims] == [CURRENT]
    page.write_text("---\nreviewed: 2023-06-01\naudience: clinicians\n---\n\nIt is not recommended [@guideline2019].\n", encoding="utf-8")
    site = check_files(markdown_files([page]), bibliography, today=datetime.date(2024, 1, 1))
    assert [c.verdict for c in site.status_claims] == [STALE]


@pytest.mark.parametrize(
    "fields, expected",
    [
        ("year = {2023}", datetime.date(2023, 12, 31)),
        ("year = {2023}, month = {jul}", datetime.date(2023, 7, 31)),
        ("year = {2024}, month = {2}", datetime.date(2024, 2, 29)),
        ("date = {2025-01-21}", datetime.date(2025, 1, 21)),
        ("date = {2025-03}", datetime.date(2025, 3, 31)),
        ("year = {n.d.}", None),
    ],
)
def test_a_source_counts_as_of_the_latest_day_its_date_allows(fields, expected):
    bib = parse_bibliography(f"@misc{{k, author={{A, B}}, title={{T}}, howpublished={{W}}, {fields}}}\n")
    assert source_date(bib.get("k")) == expected


def test_status_max_age_years_setting():
    root = Path("/project")
    assert settings_from({}, root).status_max_age_years == 3
    assert settings_from({"extra": {"claimcheck": {"status_max_age_years": 5}}}, root).status_max_age_years == 5
    for bad in (0, -1, "three", True, 2.5):
        with pytest.raises(ConfigError, match="status_max_age_years"):
            settings_from({"extra": {"claimcheck": {"status_max_age_years": bad}}}, root)


def test_secondary_sources_are_marked_in_the_report(site):
    secondary = {c.text: c for c in site.claims if c.file == "secondary.md"}
    assert secondary["20%"].status == "supported"  # a secondary source alone still supports a number
    assert not [p for p in site.problems if p.kind == "secondary-source" and p.text == "20%"]  # no primary records it
    warning = next(p for p in site.problems if p.kind == "secondary-source")
    assert "newsletter2024" in warning.message and "trial2020" in warning.message and "`spray-response`" in warning.message
