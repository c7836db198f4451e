"""Reading pages from disk and checking a whole set of them."""

from __future__ import annotations

import datetime
from pathlib import Path

from .bibliography import Bibliography
from .check import PageReport, SiteReport, check_page, check_site
from .document import Document, normalise, parse_document
from .problems import Problem
from .standards import check_sources, check_standards, reading_grade


def read_page(path: Path, shown: str) -> Document | Problem:
    """A page as MkDocs reads it (UTF-8, BOM dropped, any line endings), or the
    one problem that stops it being read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(shown, 1, "page-error", "", f"cannot read the page ({exc.strerror or exc})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return Problem(shown, line, "page-error", "", f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8")
    return parse_document(normalise(text), shown)


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
) -> SiteReport:
    """Check every page (given as file and the path it is shown as) and the site
    as a whole: claims, citations and the health-content standards."""
    today = today or datetime.date.today()
    reports: list[PageReport] = []
    unreadable: list[Problem] = []
    for file, shown in files:
        document = read_page(file, shown)
        if isinstance(document, Problem):
            unreadable.append(document)
            continue
        report = check_page(document, bibliography, options)
        if document.meta.get("audience", "patients") == "patients":
            report.grade = reading_grade(document)
        report.problems.extend(check_standards(document, today, report.grade))
        reports.append(report)
    site = check_site(reports, bibliography)
    site.problems.extend(check_sources(site, today))
    site.problems[:0] = unreadable
    return site
