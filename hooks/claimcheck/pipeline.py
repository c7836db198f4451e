"""The one check pipeline: every page check, then every site check, in the
order registered here, and the problems sorted once.

`check_files` is what `claimcheck` and the MkDocs hooks call; `check_site` is its
site stage, for tests and benchmarks that build page reports in memory. A new
check is one `PageCheck` or `SiteCheck` in `PAGE_CHECKS` or `SITE_CHECKS`.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from . import cache
from .bibliography import Bibliography
from .cache import cache_key
from .check import PageReport, SiteReport, check_conflicts, check_page, check_uncited, find_disagreements, readable_sentence
from .citations import document_citations
from .document import Document, parse_document
from .formatting import format_ahead, references_to_format
from .pages import read_text
from .problems import Level, Problem, ProblemKind, Severity, at_levels
from .standards import DEFAULT_GRADE_LIMITS, GradeLimits, check_reading_grades, check_sources, check_standards, check_working_notes, reading_grades
from .status import STATUS_MAX_AGE_YEARS, check_status
from .topics import parse_abbreviations
from .worker import Worker, cores, forks


@dataclass(frozen=True)
class Run:
    """What one run of the checks is given, beyond the pages and the bibliography."""

    options: frozenset[str] = frozenset()
    today: datetime.date | None = None  # None: today's date, read when the run starts
    whole_site: bool = True  # False when the pages are a subset: no entry is then called uncited
    status_max_age_years: int = STATUS_MAX_AGE_YEARS
    #: Highest reading grades of a patient page's body and "In short" box
    #: (`extra.claimcheck.max_grade_body`, `max_grade_summary`).
    grade_limits: GradeLimits = DEFAULT_GRADE_LIMITS
    #: Problem kinds reported at another level than their own (`extra.claimcheck.levels`).
    levels: Mapping[ProblemKind, Level] = field(default_factory=dict)

    @property
    def date(self) -> datetime.date:
        return self.today or datetime.date.today()


@dataclass(frozen=True)
class PageCheck:
    """A check of one page. `cached`: its result depends on the page's text, the
    options and the site's abbreviations alone (it is given no bibliography: the
    cache key holds only what `check_page` reads of it), so it is kept with the
    page in the cache; otherwise (the date, say) it runs every time."""

    name: str
    run: Callable[[PageReport, Run], list[Problem]]
    cached: bool


@dataclass(frozen=True)
class SiteCheck:
    """A check that needs every page at once."""

    name: str
    run: Callable[[SiteReport, Run], list[Problem]]


def _reading_grades(page: PageReport, run: Run) -> list[Problem]:
    """Not a problem yet: the grades, kept with the page; `readability` judges them."""
    if page.document.meta.get("audience", "patients") == "patients":
        page.grades = reading_grades(page.document)
    return []


def _status(site: SiteReport, run: Run) -> list[Problem]:
    site.status_claims, problems = check_status(site, run.date, run.status_max_age_years)
    return problems


#: Every page check after `check_page` (claims and citations), in the order they run.
PAGE_CHECKS = (
    PageCheck("working-notes", lambda page, run: check_working_notes(page.document), cached=True),
    PageCheck("reading-grades", _reading_grades, cached=True),
    PageCheck("standards", lambda page, run: check_standards(page.document, run.date), cached=False),
    # Not cached: the limits are the run's settings, not the page's text.
    PageCheck("readability", lambda page, run: check_reading_grades(page.document, page.grades, run.grade_limits), cached=False),
)
#: Every site check, in the order they run.
SITE_CHECKS = (
    SiteCheck("bibliography", lambda site, run: list(site.bibliography.problems)),
    SiteCheck("conflicts", lambda site, run: check_conflicts(site.pages)),
    SiteCheck("uncited-entries", lambda site, run: check_uncited(site.pages, site.bibliography) if run.whole_site else []),
    SiteCheck("sources", lambda site, run: check_sources(site, run.date)),
    SiteCheck("status", _status),
)
SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def bibliography_signature(bibliography: Bibliography, cited: tuple[str, ...]) -> str:
    """What `check_page` reads from the bibliography for a page citing `cited`
    (every key of its citation groups), hashed; the cached page checks read
    none of it. `check_page` reads only: the bibliography's path (in messages);
    for a cited key with an entry, its findings (their IDs, values, notes and
    topic words, parsed from the fields alone, after crossref, which `digest`
    hashes; a hand-built entry without a digest has its findings hashed) and
    whether it is damaged and on which line (`_cites_damaged`; a damaged
    entry's digest hashes no fields); for a key with no entry,
    the "did you mean" keys, which depend on every key of the bibliography, so
    they are hashed as they come out. No entry's line or any other entry is
    read, so editing an entry the page does not cite, or moving entries, keeps
    its cached result current: only pages citing a changed entry are checked again."""
    parts = [bibliography.path]
    for key in cited:
        entry = bibliography.get(key)
        damage = bibliography.damaged.get(key)
        if entry is None:
            parts.append(f"{key}\tabsent\t{bibliography.suggestions(key)!r}")
        else:
            parts.append(f"{key}\t{entry.key}\t{entry.digest or repr(entry.findings)}\t{damage.line if damage else ''}")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _cited(report: PageReport) -> tuple[str, ...]:
    """Every key a checked page's citation groups name, once, sorted: the keys
    `check_page` looks up in the bibliography (its claims' keys are among them)."""
    return tuple(sorted({key for group in report.groups for key in group.keys}))


def _page_key(text: str, shown: str, run: Run, abbreviations: dict[str, str]) -> str:
    """The cache key of a page's check: the page alone (what it reads of the
    bibliography is kept with the entry: `_load_page`)."""
    words = "\n".join(f"{k}\t{v}" for k, v in sorted(abbreviations.items()))
    return cache_key("pipeline", shown, text, ",".join(sorted(run.options)), words)


def _load_page(key: str, bibliography: Bibliography) -> PageReport | None:
    """The cached check of a page, while what it read of the bibliography is
    unchanged. The entry, under a key of the page alone, keeps the keys the page
    cites (found by parsing it, so they depend on its text alone) and their
    signature; a page whose signature changed is checked again and replaces it."""
    cached = cache.load("page", key)
    if isinstance(cached, tuple) and len(cached) == 3 and isinstance(cached[2], PageReport):
        cited, signature, report = cached
        if isinstance(cited, tuple) and all(isinstance(k, str) for k in cited) and signature == bibliography_signature(bibliography, cited):
            return report
    return None


def _save_page(key: str, report: PageReport, bibliography: Bibliography) -> None:
    cited = _cited(report)
    cache.save("page", key, (cited, bibliography_signature(bibliography, cited), report))


def _checked_page(text: str, shown: str, bibliography: Bibliography, run: Run, abbreviations: dict[str, str]) -> PageReport:
    """`check_page` and the cached page checks (and the claims' sentences as the ledger shows them)."""
    report = check_page(parse_document(text, shown), bibliography, run.options, abbreviations)
    report.readable = {sentence: readable_sentence(sentence) for sentence in {claim.sentence for claim in report.claims}}
    for page_check in PAGE_CHECKS:
        if page_check.cached:
            report.problems.extend(page_check.run(report, run))
    return report


def _cached_page(text: str, shown: str, bibliography: Bibliography, run: Run, abbreviations: dict[str, str]) -> PageReport:
    """`_checked_page`, from the cache when the page, the options, the site's
    abbreviations and what the page reads of the bibliography (`bibliography_signature`)
    are unchanged."""
    key = _page_key(text, shown, run, abbreviations)
    return _load_page(key, bibliography) or _check_and_save([(text, shown, key)], bibliography, run, abbreviations)[0]


def _check_and_save(pages: list[tuple[str, str, str]], bibliography: Bibliography, run: Run, abbreviations: dict[str, str]) -> list[PageReport]:
    """Pages (text, shown, key) checked and saved in the cache: the worker's share."""
    reports = []
    for text, shown, key in pages:
        report = _checked_page(text, shown, bibliography, run, abbreviations)
        _save_page(key, report, bibliography)
        reports.append(report)
    return reports


#: Fewer pages than this to check: not worth a worker process (starting one costs
#: 10-50 ms forked; a page takes 5-20 ms).
PARALLEL_MIN = 16
#: The same when the worker would be spawned (under `mkdocs serve`: about 0.5 s to start).
PARALLEL_MIN_SPAWNED = 100
#: The share of the pages' text the worker checks when it has nothing else to do
#: (it also unpickles the bibliography and pickles its reports back, so slightly
#: less than half).
WORKER_SHARE = 0.45
#: What formatting one reference costs the worker, in characters of page checked in
#: the same time (pybtex takes about 1.1 ms a reference; checking, about 1.3 µs a
#: character: measured on the benchmark site).
REFERENCE_COST = 850


class _PageChecks:
    """Each page's `_checked_page`, from the cache where it holds it. The pages it
    does not are checked on both cores when there are enough of them: the last
    sent to the worker when this starts, the first checked here by `finish`, at
    the same time. The worker's share is `WORKER_SHARE` of their text, less half
    of the `busy` work (in characters' worth) it will do after them, so both
    cores finish together."""

    def __init__(self, texts: list[tuple[str, str]], bibliography: Bibliography, run: Run, abbreviations: dict[str, str], worker: Worker | None, busy: int = 0) -> None:
        self.context = (bibliography, run, abbreviations)
        keys = [_page_key(text, shown, run, abbreviations) for text, shown in texts]
        self.found = [_load_page(key, bibliography) for key in keys]
        missing = [index for index, report in enumerate(self.found) if report is None]
        self.ours = [(index, (*texts[index], keys[index])) for index in missing]
        self.theirs: list[tuple[int, tuple[str, str, str]]] = []
        if worker is not None and len(missing) >= (PARALLEL_MIN if forks() else PARALLEL_MIN_SPAWNED) and cores() > 1:
            total = sum(len(page[0]) for _, page in self.ours)
            share, limit = 0, WORKER_SHARE * total - busy / 2
            while self.ours and share + len(self.ours[-1][1][0]) <= limit:
                share += len(self.ours[-1][1][0])
                self.theirs.insert(0, self.ours.pop())
        self.future = worker.submit(_check_and_save, [page for _, page in self.theirs], *self.context) if worker and self.theirs else None

    def finish(self) -> list[PageReport]:
        for (index, _), report in zip(self.ours, _check_and_save([page for _, page in self.ours], *self.context)):
            self.found[index] = report
        if self.future is not None:
            try:
                delivered = self.future.result()
            except Exception:  # the worker died or could not start: its pages are checked here
                delivered = _check_and_save([page for _, page in self.theirs], *self.context)
            for (index, _), report in zip(self.theirs, delivered):
                self.found[index] = report
        return [report for report in self.found if report is not None]


def check_site(pages: list[PageReport], bibliography: Bibliography, run: Run = Run(), problems: list[Problem] | None = None) -> SiteReport:
    """The site stage: every site check over the checked pages, then every
    problem (`problems` given, the pages', the site checks') at the run's
    `levels` and sorted once: the bibliography first (its damage explains page
    problems), then by file, line and severity."""
    site = SiteReport(pages, bibliography, [], find_disagreements(bibliography))
    found = list(problems or [])
    for page in pages:
        found.extend(page.problems)
    for site_check in SITE_CHECKS:
        found.extend(site_check.run(site, run))
    if run.levels:
        found = at_levels(found, run.levels)
    found.sort(key=lambda p: (p.file != bibliography.path, p.file, p.line, SEVERITY_ORDER[Severity(p.severity)]))
    site.problems = found
    return site


def check_files(
    files: list[tuple[Path, str]],
    bibliography: Bibliography,
    options: frozenset[str] = frozenset(),
    today: datetime.date | None = None,
    whole_site: bool = True,
    snippets: list[tuple[Path, str]] | None = None,
    status_max_age_years: int = STATUS_MAX_AGE_YEARS,
    levels: Mapping[ProblemKind, Level] | None = None,
    grade_limits: GradeLimits = DEFAULT_GRADE_LIMITS,
    format_cited: bool = False,
    parallel: bool = True,
) -> SiteReport:
    """Check every page (given as file and the path it is shown as) and the site
    as a whole. With `whole_site` false the pages are a subset, so no entry is
    called uncited. `snippets` are files appended to every page (abbreviations):
    their definitions give the topic check the guide's abbreviations, and their
    text is checked for claims like a page's (without the page standards).
    `levels` (from `extra.claimcheck.levels`) changes or drops some kinds' problems;
    `grade_limits` are the patient pages' reading-grade limits. With `format_cited`
    (a build, which shows references), the references the pages cite start being
    formatted in a worker process while the pages are checked here. With `parallel`
    (unless this is the worker), pages the cache does not hold are checked on both cores."""
    run = Run(options, today or datetime.date.today(), whole_site, status_max_age_years, grade_limits=grade_limits, levels=levels or {})
    problems: list[Problem] = []
    abbreviations: dict[str, str] = {}
    for file, shown in snippets or []:
        text = read_text(file, shown)
        if isinstance(text, Problem):
            problems.append(text)
            continue
        abbreviations.update(parse_abbreviations(text))
        problems.extend(_cached_page(text, shown, bibliography, run, {}).problems)
    texts: list[tuple[str, str]] = []
    for file, shown in files:
        text = read_text(file, shown)
        if isinstance(text, Problem):
            problems.append(text)
        else:
            texts.append((text, shown))
    worker = Worker()
    try:
        # The worker checks its pages first (this process waits for them), then formats references.
        references = references_to_format(bibliography, (text for text, _ in texts)) if format_cited else []
        busy = len(references) * REFERENCE_COST
        checks = _PageChecks(texts, bibliography, run, abbreviations, worker if parallel else None, busy)
        format_ahead(references, worker)
        reports = checks.finish()
    finally:
        worker.release()
    for report in reports:
        for page_check in PAGE_CHECKS:
            if not page_check.cached:
                report.problems = report.problems + page_check.run(report, run)
    site = check_site(reports, bibliography, run, problems)
    site.abbreviations = abbreviations
    return site


# --------------------------------------------------------------------------- the whole check in the worker


@dataclass
class PendingSite:
    """The whole-site check running in the worker process, started by
    `check_files_later`, and what a build needs of the pages meanwhile: each page
    parsed, its citations found and its review dates checked (`pages`), not its claims."""

    pages: list[PageReport]
    bibliography: Bibliography
    future: Future[SiteReport]
    arguments: tuple[list[tuple[Path, str]], dict[str, Any]]

    def result(self) -> SiteReport:
        """The whole-site check, as `check_files` makes it (here, if the worker failed)."""
        written = {page.path: page for page in self.pages}
        try:
            report = self.future.result()
            # Not sent back, as this process has them: the bibliography, and each page's parse.
            pages = [replace(page, document=written[page.path].document, groups=written[page.path].groups) for page in report.pages]
        except Exception:  # the worker died or could not start (or a page changed on disk meanwhile)
            return check_files(self.arguments[0], self.bibliography, **self.arguments[1], parallel=False)
        return replace(report, pages=pages, bibliography=self.bibliography)


def check_files_later(files: list[tuple[Path, str]], load: Callable[[], Bibliography], **settings: Any) -> PendingSite | None:
    """`check_files(files, load(), **settings)` in a worker process, while this
    one goes on (a build renders pages meanwhile, on the other core); None when
    fewer than `PARALLEL_MIN` pages are missing from the cache (checking them here
    costs less than waiting) or there is one core (`load` is then not called). The
    worker first parses half the pages as written (what the build renders from)
    while this process loads the bibliography and parses the other half, then
    formats the references the pages cite (`format_cited`: a build needs them
    next), then checks."""
    if cores() < 2:
        return None
    settings["today"] = settings.get("today") or datetime.date.today()  # one date for both processes
    run = Run(settings.get("options", frozenset()))
    abbreviations: dict[str, str] = {}
    for file, shown in settings.get("snippets") or []:
        text = read_text(file, shown)
        if not isinstance(text, Problem):
            abbreviations.update(parse_abbreviations(text))
    texts = [(text, shown) for file, shown in files if not isinstance(text := read_text(file, shown), Problem)]
    if sum(not cache.has("page", _page_key(text, shown, run, abbreviations)) for text, shown in texts) < PARALLEL_MIN:
        return None
    worker = Worker()
    half = len(texts) // 2  # the worker parses the first half while this process loads the bibliography, then parses the rest
    parsed = worker.submit(pages_as_written, texts[:half], settings["today"])
    bibliography = load()
    if settings.pop("format_cited", False):
        format_ahead(references_to_format(bibliography, (text for text, _ in texts)), worker)
    future = worker.submit(_check_in_worker, files, bibliography, settings)
    worker.release()
    rest = pages_as_written(texts[half:], settings["today"])
    try:
        first = parsed.result()
    except Exception:  # the worker died or could not start: parsed here
        first = pages_as_written(texts[:half], settings["today"])
    return PendingSite(first + rest, bibliography, future, (files, settings))


def pages_as_written(texts: list[tuple[str, str]], today: datetime.date) -> list[PageReport]:
    """Each page (text, shown) parsed, its citations found and its review dates
    checked: what a build renders from while the pages' claims are being checked."""
    pages = []
    for text, shown in texts:
        document = parse_document(text, shown)
        pages.append(PageReport(document, document_citations(document), problems=check_standards(document, today)))
    return pages


def _check_in_worker(files: list[tuple[Path, str]], bibliography: Bibliography, settings: dict[str, Any]) -> SiteReport:
    """In the worker: `check_files`, less what the build has already (the
    bibliography; each page's parse and citations, the larger part to send)."""
    report = check_files(files, bibliography, **settings, parallel=False)
    pages = [replace(page, document=Document(page.path, "", "", []), groups=[]) for page in report.pages]
    return replace(report, pages=pages, bibliography=Bibliography(bibliography.path, {}, []))
