"""The repository's own guide: every statistic cited and matched, strict build clean."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from claimcheck.bibliography import load_bibliography
from claimcheck.config import load_settings
from claimcheck.formatting import reference_html, reference_text
from claimcheck.pages import markdown_files
from claimcheck.pipeline import check_files
from claimcheck.standards import GradeLimits, check_reading_grades, check_working_notes
from conftest import ROOT, build_in_process


@pytest.fixture(scope="module")
def report():
    settings = load_settings(ROOT / "mkdocs.yml")
    bibliography = load_bibliography(settings.bibliography)
    return check_files(markdown_files([settings.docs_dir]), bibliography, settings.options, status_max_age_years=settings.status_max_age_years,
                       levels=settings.levels, grade_limits=settings.grade_limits)


def test_claimcheck_reports_no_problem_on_the_guide(report):
    shown = [p.format() for p in report.problems if p.severity != "info"]
    assert shown == []
    assert all(c.status == "supported" for c in report.claims)


def test_no_working_note_on_a_published_page(report):
    """"We have not yet checked", "will be published", "TODO"... (standards.WORKING_NOTES)."""
    notes = [p.format() for page in report.pages for p in check_working_notes(page.document)]
    assert notes == []


def test_patient_pages_outside_treatments_meet_the_default_grade_limits(report):
    """Issue 15: body at grade 9 or below, "In short" at 8 or below, whatever mkdocs.yml
    allows while the treatment pages are being rewritten."""
    pages = [p for p in report.pages if p.grades is not None and "/" not in p.path and p.document.meta.get("type") != "generated"]
    assert len(pages) >= 10, [p.path for p in pages]
    above = [problem.format() for page in pages for problem in check_reading_grades(page.document, page.grades, GradeLimits())]
    assert above == []


def test_guide_has_the_promised_size(report):
    cited = set(report.cited_keys())
    content = [p for p in report.pages if p.document.meta.get("type") != "generated"]
    assert len(content) >= 14, [p.path for p in content]
    assert len(cited) >= 40, len(cited)
    treatment = [p for p in content if p.document.meta.get("type") == "treatment"]
    assert len(treatment) >= 8


def test_working_fields_of_the_bibliography_never_reach_a_reader():
    """`note` and `verified` say where an editor saw a source (issue 14 asks for them); they are not for readers."""
    bibliography = load_bibliography(ROOT / "references.bib")
    annotated = [e for e in bibliography.entries.values() if e.fields.get("note") or e.fields.get("verified")]
    assert annotated, "expected entries whose note records where the source was seen"
    for entry in annotated:
        shown = reference_html(entry) + reference_text(entry)
        for name in ("note", "verified"):
            working = entry.fields.get(name, "")
            assert not working or working[:60] not in shown, (entry.key, name)


def test_strict_build_of_the_guide(tmp_path):
    built = build_in_process(ROOT / "mkdocs.yml", tmp_path / "site")
    assert built.ok, built.log
    assert "WARNING" not in built.log
    claims = json.loads((tmp_path / "site" / "claims.json").read_text(encoding="utf-8"))
    assert claims["claims"] and all(c["status"] == "supported" for c in claims["claims"])


def test_claimcheck_command_on_the_guide_exits_zero():
    result = subprocess.run([sys.executable, "-m", "claimcheck", "--quiet"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
