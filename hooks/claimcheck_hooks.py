"""MkDocs glue for claimcheck: the only module here that knows MkDocs.

Every page is read and checked once in `on_files`, before any page is rendered,
so the site-wide bibliography, the evidence ledger and conflicts between pages
are known when each page is rendered (and with `--dirty` too). Problems go
through the `mkdocs.plugins.claimcheck` logger, so `mkdocs serve` shows them
live and `mkdocs build --strict` fails on them. MkDocs keeps this module loaded
across `serve` rebuilds, so per-build state is reset in `on_config`; the parsed
bibliography is cached by file signature in `claimcheck.bibliography`.

`on_page_content` gives the page's content with citations in their search view
(visible text, no tooltips), so Material's search indexer, which reads
`page.content` in its `on_page_context`, has little markup to parse; our own
`on_page_context` runs after it and puts the full HTML back before the page is
rendered.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from claimcheck.bibliography import load_bibliography
from claimcheck.check import PageReport, SiteReport
from claimcheck.config import ConfigError, Settings, settings_from
from claimcheck.formatting import restore_formatted, store_formatted
from claimcheck.pages import shown_from
from claimcheck.pipeline import check_files
from claimcheck.problems import Problem
from claimcheck.render import PageLink, RenderedPage, bibliography_html, fill_placeholders, ledger_html, plain_text, render_markdown
from claimcheck.report import as_json
from claimcheck.standards import ReadingGrades, as_date, check_built_page, next_review
from claimcheck.text import LineIndex, is_http_url

log = logging.getLogger("mkdocs.plugins.claimcheck")

BIBLIOGRAPHY_MARKER = "<!-- claimcheck:bibliography -->"
LEDGER_MARKER = "<!-- claimcheck:ledger -->"
GENERATED = {BIBLIOGRAPHY_MARKER: "CLAIMCHECKBIBLIOGRAPHYX", LEDGER_MARKER: "CLAIMCHECKLEDGERX"}
BIBLIOGRAPHY_SPOT, LEDGER_SPOT = (f"<p>{token}</p>" for token in GENERATED.values())
#: The start of a link target standing for the guide's repository (`extra.repository`).
REPOSITORY_LINK = "]({repository}"


class _Build:
    """What one build knows; replaced in every `on_config`."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.report: SiteReport | None = None
        self.links: dict[str, PageLink] = {}
        self.rendered: dict[str, RenderedPage] = {}
        self.content: dict[str, tuple[str, str]] = {}  # page -> (search view given, full HTML)
        self.grades: dict[str, ReadingGrades] = {}
        self.scanned: dict[str, PageReport] = {}


build = _Build()
one_shot = False  # `mkdocs build` / `gh-deploy`: the process ends with the build


def on_startup(command, dirty):
    global one_shot
    one_shot = command in ("build", "gh-deploy")


def _log(problem: Problem) -> None:
    if problem.severity == "info":
        if log.isEnabledFor(logging.INFO):  # `mkdocs build -q`: thousands of notes not even formatted
            log.info(problem.format())
    else:
        log.warning(problem.format())


def on_config(config):
    global build
    build = _Build()
    gc.unfreeze()  # in case the last build stopped between on_files and on_post_build
    root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    try:
        build.settings = settings_from({"extra": config.extra, "docs_dir": config.docs_dir}, root)
    except ConfigError as exc:  # as MkDocs does for its own settings: the build stops, strict or not
        raise PluginError(f"mkdocs.yml: {exc}") from None
    return config


def on_serve(server, config, builder):
    if build.settings is not None:
        server.watch(str(build.settings.bibliography))
    return server


def _title(report: PageReport, fallback: str) -> str:
    title = report.document.meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    return next((text for level, _, text in report.document.headings() if level == 1), fallback)


@contextlib.contextmanager
def _kept_for_the_build():
    """The checked pages and the bibliography (~100,000 objects for 200 pages)
    live until the build ends. Collecting garbage while they are made, and
    re-scanning them in every later collection, cost a build more than all
    the checks; so collection pauses while they are made and they are frozen
    (`gc.freeze`) until `on_post_build` or `on_build_error` unfreezes them.
    After a one-shot `mkdocs build` they stay frozen, so the collection at
    interpreter exit skips them too (0.2 s of 200 pages)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def on_files(files, config):
    settings = build.settings
    if settings is None:
        return files
    root = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    try:
        shown = settings.bibliography.relative_to(root).as_posix()
    except ValueError:
        shown = str(settings.bibliography)
    pages = {file.src_uri: file for file in files.documentation_pages()}
    with _kept_for_the_build():
        bibliography = load_bibliography(settings.bibliography, shown)
        restore_formatted(bibliography)
        build.report = check_files([(Path(f.abs_src_path), uri) for uri, f in pages.items()], bibliography, settings.options,
                                   snippets=shown_from(settings.snippets, root),
                                   status_max_age_years=settings.status_max_age_years, levels=settings.levels,
                                   grade_limits=settings.grade_limits, format_cited=True)
    for problem in build.report.problems:
        if problem.kind == "page-error" and problem.file in pages and not any(p.path == problem.file for p in build.report.pages):
            files.remove(pages[problem.file])  # unreadable: MkDocs would stop with a traceback on it
        _log(problem)
    for report in build.report.pages:
        build.scanned[report.path] = report
        build.links[report.path] = PageLink(pages[report.path].url, _title(report, pages[report.path].name))
        if report.grades is not None:
            build.grades[report.path] = report.grades
    return files


def on_page_markdown(markdown, page, config, files):
    if build.report is None or build.settings is None:
        return markdown
    # Dates for the template (overrides/main.html shows them in words); a quoted
    # `reviewed: "2026-11-23"` is a string in the front matter.
    for name in ("reviewed", "next_review"):
        if as_date(page.meta.get(name)) is not None:
            page.meta[name] = as_date(page.meta[name])
    reviewed = page.meta.get("reviewed")
    if isinstance(reviewed, datetime.date) and "next_review" not in page.meta:
        page.meta["next_review"] = next_review(reviewed)
    rendered = render_markdown(markdown, build.report.bibliography, build.settings.citation_style, build.scanned.get(page.file.src_uri))
    build.rendered[page.file.src_uri] = rendered
    for marker, token in GENERATED.items():
        rendered.markdown = rendered.markdown.replace(marker, f"\n\n{token}\n\n")
    rendered.markdown = _link_repository(rendered.markdown, page.file.src_uri, config.extra.get("repository"))
    return rendered.markdown


def _link_repository(markdown: str, path: str, repository: object) -> str:
    """`[text]({repository}/issues)` links to the guide's repository, set once
    in mkdocs.yml (`extra.repository`, from REPO_URL when the publish workflow runs)."""
    if REPOSITORY_LINK not in markdown:
        return markdown
    if not isinstance(repository, str) or not is_http_url(repository) or "(" in repository or ")" in repository:  # it stands in `](...)`
        scanned = build.scanned.get(path)
        source = scanned.document.source if scanned is not None else markdown
        line = LineIndex(source)(max(source.find(REPOSITORY_LINK), 0))
        _log(Problem(path, line, "page-error", "{repository}",
                     f"links to {{repository}}, but `extra.repository` in mkdocs.yml is {repository!r}, not an http(s) address: set it (or the REPO_URL environment variable) to the guide's repository"))
        return markdown
    return markdown.replace(REPOSITORY_LINK, "](" + repository.rstrip("/"))


def on_page_content(html, page, config, files):
    rendered = build.rendered.get(page.file.src_uri)
    if rendered is None or build.report is None:
        return html
    here = page.file.url
    full = search = html
    if BIBLIOGRAPHY_SPOT in html:
        listing = bibliography_html(build.report, build.links, here)
        full = full.replace(BIBLIOGRAPHY_SPOT, listing.html)
        search = search.replace(BIBLIOGRAPHY_SPOT, listing.search)
    if LEDGER_SPOT in html:
        # The ledger repeats every page's claims: keep it out of search.
        page.meta["search"] = {"exclude": True}
        full, search = full.replace(LEDGER_SPOT, ledger_html(build.report, build.links, here, build.grades)), ""
    search = fill_placeholders(search, rendered, search_view=True)
    build.content[page.file.src_uri] = (search, fill_placeholders(full, rendered))
    _plain_toc(page.toc, rendered)
    return search


def _plain_toc(items: list[Any], rendered: RenderedPage) -> None:
    """A heading's citations show in the table of contents as plain text."""
    for item in items:
        item.title = plain_text(item.title, rendered)
        _plain_toc(item.children, rendered)


@event_priority(-100)  # after every plugin's, the search indexer's included
def on_page_context(context, page, config, nav):
    given, full = build.content.pop(page.file.src_uri, (None, None))
    if full is not None and page.content == given:
        page.content = full
    elif full is not None:
        log.warning("%s: a plugin changed the page after claimcheck rendered it; "
                    "its citations are shown without tooltips (run that plugin's on_page_content earlier)", page.file.src_uri)
    return context


def on_post_page(output, page, config):
    for problem in check_built_page(output, page.file.src_uri):
        _log(problem)
    return output


def on_build_error(error):
    gc.unfreeze()


def on_post_build(config):
    if not one_shot:  # `mkdocs serve` goes on: let the collector have them back
        gc.unfreeze()
    if build.report is None:
        return
    store_formatted(build.report.bibliography)
    site_dir = Path(config.site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "claims.json").write_text(as_json(build.report), encoding="utf-8")
    grades = {path: {"body": round(g.body, 1), "summary": None if g.summary is None else round(g.summary, 1)} for path, g in build.grades.items()}
    (site_dir / "reading-grades.json").write_text(json.dumps(grades, indent=2), encoding="utf-8")
