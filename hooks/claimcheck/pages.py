"""Reading pages from disk and checking a whole set of them."""

from __future__ import annotations

import datetime
from pathlib import Path

from . import cache
from .bibliography import Bibliography
from .cache import cache_key
from .check import PageReport, SiteReport, check_page, check_site
from .document import normalise, parse_document
from .problems import Problem
from .standards import check_sources, check_standards, check_working_notes, reading_grade
from .status import STATUS_MAX_AGE_YEARS, check_status


def read_text(path: Path, shown: str) -> str | Problem:
    """A page's text as MkDocs reads it (UTF-8, BOM dropped, any line endings),
    or the one problem that stops it being read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(shown, 1, "page-error", "", f"cannot read the page ({exc.strerror or exc})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return Problem(shown, line, "page-error", "", f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8")
    return normalise(text)


def _checked(text: str, shown: str, bibliography: Bibliography, options: frozenset[str]) -> PageReport:
    """check_page with its working notes and reading grade, from the cache when
    the page, the bibliography and the options are unchanged."""
    key = cache_key("page", shown, text, bibliography.digest, ",".join(sorted(options)))
    report = cache.load("page", key)
    if isinstance(report, PageReport):
        return report
    document = parse_document(text, shown)
    report = check_page(document, bibliography, options)
    report.problems.extend(check_working_notes(document))  # depends on the text alone: cached with the page
    if document.meta.get("audience", "patients") == "patients":
        report.grade = reading_grade(document)
    cache.save("page", key, report)
    return report


def markdown_files(paths: list[Path]) -> list[tuple[Path, str]]:
    """(file, path shown in reports) for every .md file under `paths`, sorted;
    files in a folder are shown relative to it, as MkDocs shows docs pages."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found.extend((f, f.relative_to(path).as_posix()) for f in sorted(path.rglob("*.md")) if f.is_file())
        else:
            found.append((path, path.name))
    return found


def check_files(
    files: list[tuple[Path, str]],
    bibliography: Bibliography,
    options: frozenset[str] = frozenset(),
    today: datetime.date | None = None,
    status_max_age_years: int = STATUS_MAX_AGE_YEARS,
) -> SiteReport:
    """Check every page (given as file and the path it is shown as) and the site
    as a whole: claims, citations, status claims and the health-content standards."""
    today = today or datetime.date.today()
    reports: list[PageReport] = []
    unreadable: list[Problem] = []
    for file, shown in files:
        text = read_text(file, shown)
        if isinstance(text, Problem):
            unreadable.append(text)
            continue
        report = _checked(text, shown, bibliography, options)
        report.problems = report.problems + check_standards(report.document, today, report.grade)
        reports.append(report)
    site = check_site(reports, bibliography)
    site.problems.extend(check_sources(site, today))
    site.status_claims, status_problems = check_status(site, today, status_max_age_years)
    site.problems.extend(status_problems)
    site.problems[:0] = unreadable
    return site
