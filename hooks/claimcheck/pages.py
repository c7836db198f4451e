"""Reading pages from disk and checking a whole set of them."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from pathlib import Path

from . import cache
from .bibliography import Bibliography
from .cache import cache_key
from .check import PageReport, SiteReport, check_page, check_site
from .document import normalise, parse_document
from .problems import Level, Problem, ProblemKind, at_levels
from .standards import check_sources, check_standards, check_working_notes, reading_grade
from .status import STATUS_MAX_AGE_YEARS, check_status
from .topics import parse_abbreviations


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


def _checked(text: str, shown: str, bibliography: Bibliography, options: frozenset[str], abbreviations: dict[str, str]) -> PageReport:
    """check_page with its reading grade, from the cache when the page, the
    bibliography, the options and the site's abbreviations are unchanged."""
    words = "\n".join(f"{k}\t{v}" for k, v in sorted(abbreviations.items()))
    key = cache_key("pages", shown, text, bibliography.digest, ",".join(sorted(options)), words)
    report = cache.load("page", key)
    if isinstance(report, PageReport):
        return report
    document = parse_document(text, shown)
    report = check_page(document, bibliography, options, abbreviations)
    report.problems.extend(check_working_notes(document))  # depends on the text alone: cached with the page
    if document.meta.get("audience", "patients") == "patients":
        report.grade = reading_grade(document)
    cache.save("page", key, report)
    return report


#: What counts as a Markdown page (the checker reads pages the way MkDocs's default `docs_dir` holds them).
MARKDOWN_SUFFIXES = (".md",)


def shown_from(files: tuple[Path, ...], root: Path) -> list[tuple[Path, str]]:
    """(file, path shown in reports): relative to `root` where it lies inside it."""
    shown = []
    for file in files:
        try:
            shown.append((file, file.resolve().relative_to(root.resolve()).as_posix()))
        except ValueError:
            shown.append((file, file.as_posix()))
    return shown


def markdown_files(paths: list[Path], docs_dir: Path | None = None) -> list[tuple[Path, str]]:
    """(file, path shown in reports) for every .md file under `paths`, sorted;
    files in a folder are shown relative to it, as MkDocs shows docs pages, and
    so is a single file inside `docs_dir`; another single file by its name."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found.extend((f, f.relative_to(path).as_posix()) for f in sorted(path.rglob("*")) if f.suffix.lower() in MARKDOWN_SUFFIXES and f.is_file())
        elif docs_dir is not None and docs_dir.resolve() in path.resolve().parents:
            found.append((path, path.resolve().relative_to(docs_dir.resolve()).as_posix()))
        else:
            found.append((path, path.name))
    return found


def check_files(
    files: list[tuple[Path, str]],
    bibliography: Bibliography,
    options: frozenset[str] = frozenset(),
    today: datetime.date | None = None,
    whole_site: bool = True,
    snippets: list[tuple[Path, str]] | None = None,
    status_max_age_years: int = STATUS_MAX_AGE_YEARS,
    levels: Mapping[ProblemKind, Level] | None = None,
) -> SiteReport:
    """Check every page (given as file and the path it is shown as) and the site
    as a whole: claims, citations and the health-content standards. With
    `whole_site` false the pages are a subset, so no entry is called uncited.
    `snippets` are files appended to every page (abbreviations): their
    definitions give the topic check the guide's abbreviations, and their text
    is checked for claims like a page's (without the page standards).
    `levels` (from `extra.claimcheck.levels`) changes or drops some kinds' problems."""
    today = today or datetime.date.today()
    reports: list[PageReport] = []
    unreadable: list[Problem] = []
    abbreviations: dict[str, str] = {}
    snippet_problems: list[Problem] = []
    for file, shown in snippets or []:
        text = read_text(file, shown)
        if isinstance(text, Problem):
            unreadable.append(text)
            continue
        abbreviations.update(parse_abbreviations(text))
        snippet_problems.extend(_checked(text, shown, bibliography, options, {}).problems)
    for file, shown in files:
        text = read_text(file, shown)
        if isinstance(text, Problem):
            unreadable.append(text)
            continue
        report = _checked(text, shown, bibliography, options, abbreviations)
        report.problems = report.problems + check_standards(report.document, today, report.grade)
        reports.append(report)
    site = check_site(reports, bibliography, whole_site)
    site.problems.extend(check_sources(site, today))
    site.status_claims, status_problems = check_status(site, today, status_max_age_years)
    site.problems.extend(status_problems)
    site.problems[:0] = unreadable + snippet_problems
    if levels:
        site.problems = at_levels(site.problems, levels)
    site.abbreviations = abbreviations
    return site
