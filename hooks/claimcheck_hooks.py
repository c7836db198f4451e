"""MkDocs glue for claimcheck: what only MkDocs needs.

Citations, References, the bibliography and the evidence ledger are rendered
by the Markdown extension `claimcheck.markdown_ext` (listed in mkdocs.yml), so
every generator that runs it renders them the same way. This hook adds what
MkDocs alone can do: problems through the `mkdocs.plugins.claimcheck` logger,
so `mkdocs serve` shows them live and `mkdocs build --strict` fails on them
(a wrong `extra.repository` too); under `mkdocs serve` only, each page's problems
marked in it (marks.py); the built-HTML safety check; `claims.json` and
`reading-grades.json` in the built site.

Every page is checked once, from `on_files`, through the extension's
`checked_site`, which the extension then reuses. In a one-shot `mkdocs build`
whose pages are mostly missing from the cache (a first build, CI after a change
of the checker), the check runs in a worker process on the other core while
MkDocs renders: pages get their markers and References at once, the site
bibliography is put in place in `on_env` (when the worker has formatted the
references), and the evidence ledger, the pages' links to their ledger
sections and the problems wait for the check in `on_post_build`, which
finishes those pages' built files. MkDocs keeps this module loaded across
`serve` rebuilds, so per-build state is reset in `on_config`.

`on_page_content` hands Material's search indexer, which reads `page.content`
in its `on_page_context`, the page with citations in their search view
(visible text, no tooltips), kept by the extension; our own `on_page_context`
runs after it and puts the full HTML back before the page is rendered.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from claimcheck.check import PageReport, SiteReport
from claimcheck.config import ConfigError, Settings
from claimcheck.formatting import defer_references, fill_references, finish_ahead, store_formatted
from claimcheck.markdown_ext import REPOSITORY_LINK, CheckedSite, checked_site, complete, completed, repository_address, settings_at, take_search_view, unfinished
from claimcheck.marks import marked_html
from claimcheck.problems import Problem
from claimcheck.render import fill_placeholders
from claimcheck.report import as_json
from claimcheck.standards import check_built_page
from claimcheck.text import LineIndex

log = logging.getLogger("mkdocs.plugins.claimcheck")

EXTENSION = "claimcheck.markdown_ext"


class _Build:
    """What one build knows; replaced in every `on_config`."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.root = Path.cwd()
        self.report: SiteReport | None = None
        self.site: CheckedSite | None = None
        self.unfinished: dict[str, Path] = {}  # pages built while the check was pending -> their built file
        self.content: dict[str, tuple[str, str]] = {}  # page -> (search view given, full HTML)
        self.scanned: dict[str, PageReport] = {}


build = _Build()
one_shot = False  # `mkdocs build` / `gh-deploy`: the process ends with the build
serving = False  # `mkdocs serve`: problems are also marked in the pages (never in a published build)


def on_startup(command, dirty):
    global one_shot, serving
    one_shot = command in ("build", "gh-deploy")
    serving = command == "serve"


def _log(problem: Problem) -> None:
    """Info is logged as info; warnings and errors as warnings, so `--strict` fails on them
    (a kind's severity is its default, or its `levels:` setting, applied by the pipeline)."""
    if problem.severity == "info":
        if log.isEnabledFor(logging.INFO):  # `mkdocs build -q`: thousands of notes not even formatted
            log.info(problem.format())
    else:
        log.warning(problem.format())


def on_config(config):
    global build
    build = _Build()
    defer_references(False)  # in case the last build stopped before on_env
    gc.unfreeze()  # in case the last build stopped between on_files and on_post_build
    config_file = Path(config.config_file_path) if config.config_file_path else Path.cwd() / "mkdocs.yml"
    build.root = config_file.parent
    try:
        build.settings = settings_at(config_file)
    except ConfigError as exc:  # as MkDocs does for its own settings: the build stops, strict or not
        raise PluginError(f"mkdocs.yml: {exc}") from None
    if EXTENSION not in config.markdown_extensions:  # stops the build too: it would publish raw `[@key]` text
        raise PluginError(f"mkdocs.yml: `{EXTENSION}` is not in `markdown_extensions`, so citations are not rendered: add it")
    return config


def on_serve(server, config, builder):
    if build.settings is not None:
        server.watch(str(build.settings.bibliography))
    return server


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
    if build.settings is None:
        return files
    pages = {file.src_uri: file for file in files.documentation_pages()}
    with _kept_for_the_build():
        build.site = checked_site(build.settings, build.root, [(Path(f.abs_src_path), uri) for uri, f in pages.items()],
                                  format_cited=True, background=one_shot)
    build.report = build.site.report
    build.scanned = {report.path: report for report in build.report.pages}
    for uri, file in pages.items():
        if uri not in build.scanned:  # unreadable (whatever `levels:` makes of its page-error): MkDocs would stop with a traceback on it
            files.remove(file)
    if build.site.pending is None:  # else in on_post_build
        for problem in build.report.problems:
            _log(problem)
    else:  # the worker formats the references while pages are rendered: on_env fills them in
        defer_references(True)
    return files


def on_page_markdown(markdown, page, config, files):
    """The extension fills `{repository}` links; here a wrong `extra.repository` is reported."""
    repository = config.extra.get("repository")
    if REPOSITORY_LINK in markdown and repository_address(repository) is None:
        scanned = build.scanned.get(page.file.src_uri)
        source = scanned.document.source if scanned is not None else markdown
        line = LineIndex(source)(max(source.find(REPOSITORY_LINK), 0))
        _log(Problem(page.file.src_uri, line, "page-error", "{repository}",
                     f"links to {{repository}}, but `extra.repository` in mkdocs.yml is {repository!r}, not an http(s) address: set it (or the REPO_URL environment variable) to the guide's repository"))
    return markdown


def on_page_content(html, page, config, files):
    view = take_search_view(page.file.src_uri)
    if view is None:
        return html
    search, full = view.text(), html
    if serving and build.report is not None:
        scanned = build.scanned.get(page.file.src_uri)
        problems = [p for p in build.report.problems if p.file == page.file.src_uri]
        full = fill_placeholders(marked_html(view.unfilled, problems, scanned.document if scanned is not None else None), view.rendered)
    build.content[page.file.src_uri] = (search, full)
    return search


@event_priority(-100)  # after every plugin's, the search indexer's included
def on_page_context(context, page, config, nav):
    given, full = build.content.pop(page.file.src_uri, (None, None))
    if full is not None and page.content == given:
        page.content = full
    elif full is not None:
        log.warning("%s: a plugin changed the page after claimcheck rendered it; "
                    "its citations are shown without tooltips (run that plugin's on_page_content earlier)", page.file.src_uri)
    return context


def on_env(env, config, files):
    """Pages rendered while the check is pending get the references the worker was
    formatting meanwhile and the site bibliography (it needs only the pages'
    citations), in their search view and their HTML, before the search indexer
    reads them."""
    if build.site is None or build.site.pending is None:
        return env
    finish_ahead()  # the worker formats the cited references before it checks; this process helps
    defer_references(False)
    for file in files.documentation_pages():
        uri, page = file.src_uri, file.page
        if page is None or uri not in build.content:
            continue
        given, full = build.content[uri]
        search = _finished(given, uri, search_view=True)
        if page.content == given:
            page.content = search
        else:  # a later plugin changed it (on_page_context warns): keep its change
            page.content, search = _finished(page.content, uri, search_view=True), given
        build.content[uri] = (search, _finished(full, uri))
    return env


def _finished(html: str, uri: str, search_view: bool = False) -> str:
    """A page rendered while the check was pending, with its references and site bibliography."""
    html = fill_references(html)
    return complete(html, uri, build.site, search_view) if build.site is not None and uri in unfinished() else html


def on_post_page(output, page, config):
    for problem in check_built_page(output, page.file.src_uri):
        _log(problem)
    if build.site is not None and build.site.pending is not None and page.file.src_uri in unfinished():
        build.unfinished[page.file.src_uri] = Path(page.file.abs_dest_path)
    return output


def on_build_error(error):
    gc.unfreeze()


def _finish_pending(site: CheckedSite) -> None:
    """The check is done (or waited for): its problems, and the built files of the
    pages that waited for it (the ledger, links to a page's ledger section)."""
    build.site = completed(site)
    build.report = build.site.report
    for problem in build.report.problems:
        _log(problem)
    for uri, built in build.unfinished.items():
        try:
            written = built.read_text(encoding="utf-8")
            finished = complete(written, uri, build.site)
            if finished != written:
                built.write_text(finished, encoding="utf-8")
        except OSError as exc:
            log.warning("%s: could not finish the built page %s (%s): build again", uri, built, exc.strerror)


def on_post_build(config):
    if not one_shot:  # `mkdocs serve` goes on: let the collector have them back
        gc.unfreeze()
    if build.report is None:
        return
    if build.site is not None and build.site.pending is not None:
        _finish_pending(build.site)
    store_formatted(build.report.bibliography)
    site_dir = Path(config.site_dir)
    site_dir.mkdir(parents=True, exist_ok=True)
    (site_dir / "claims.json").write_text(as_json(build.report), encoding="utf-8")
    grades = {page.path: {"body": round(page.grades.body, 1), "summary": None if page.grades.summary is None else round(page.grades.summary, 1)}
              for page in build.report.pages if page.grades is not None}
    (site_dir / "reading-grades.json").write_text(json.dumps(grades, indent=2), encoding="utf-8")
