"""Citations as a Python-Markdown extension, so every generator that runs
`markdown_extensions` (MkDocs, Zensical) renders them the same way.

Listed in mkdocs.yml as `claimcheck.markdown_ext`. For each page it swaps the
citations for markers with tooltips and appends the page's References; on a
page holding `<!-- claimcheck:bibliography -->` or `<!-- claimcheck:ledger -->`
it puts the site bibliography (with links back to the citing pages) or the
evidence ledger there. Both come from the whole-site check (`check_files`, as
`claimcheck` runs it), made once per change of any page or the bibliography
(the on-disk cache makes even that cheap). All HTML is made by `render`.

Options: `config_file`, the mkdocs.yml holding `extra.claimcheck` (default:
the one being built; relative to the project folder the generator reports);
`strict`, which stops the build on any error-level problem (for a generator
that, unlike MkDocs with the claimcheck hook, reports nothing itself).

What the page is (its path, URL, front matter) comes from the generator
while it renders: MkDocs's link-rewriting step and Zensical's rendering
context both carry it. Without either (plain Python-Markdown), a page gets
its markers and References, and site-wide pages link as if at the site root.
"""

from __future__ import annotations

import datetime
import posixpath
import re
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from .bibliography import Bibliography, load_bibliography
from .check import PageReport, SiteReport
from .config import ConfigError, Settings, load_settings
from .formatting import restore_formatted
from .pages import markdown_files, shown_from
from .pipeline import PendingSite, check_files, check_files_later
from .render import PageLink, RenderedPage, bibliography_html, fill_placeholders, ledger_anchor, ledger_html, relative_url, render_markdown
from .standards import ReadingGrades, as_date, next_review
from .text import is_http_url

BIBLIOGRAPHY_MARKER = "<!-- claimcheck:bibliography -->"
LEDGER_MARKER = "<!-- claimcheck:ledger -->"
GENERATED = {BIBLIOGRAPHY_MARKER: "CLAIMCHECKBIBLIOGRAPHYX", LEDGER_MARKER: "CLAIMCHECKLEDGERX"}
BIBLIOGRAPHY_SPOT, LEDGER_SPOT = (f"<p>{token}</p>" for token in GENERATED.values())
#: Each site-wide marker where it counts: a line of its own (in a code span it is text, as written).
MARKER_LINES = {marker: re.compile(rf"^[ \t]*{re.escape(marker)}[ \t]*$", re.MULTILINE) for marker in GENERATED}


#: The start of a link target standing for the site's repository (`extra.repository`).
REPOSITORY_LINK = "]({repository}"


def repository_address(value: object) -> str | None:
    """`extra.repository` when it is an http(s) address (no trailing slash), else None."""
    if isinstance(value, str) and is_http_url(value) and "(" not in value and ")" not in value:  # it stands in `](...)`
        return value.rstrip("/")
    return None


def link_repository(markdown: str, repository: object) -> str:
    """`[text]({repository}/issues)` links to the site's repository, set once
    in mkdocs.yml (`extra.repository`); left as written when that is not an
    http(s) address (the MkDocs hook reports it)."""
    address = repository_address(repository)
    if address is None or REPOSITORY_LINK not in markdown:
        return markdown
    return markdown.replace(REPOSITORY_LINK, "](" + address)


class ClaimErrors(Exception):
    """`strict` is on and the whole-site check found error-level problems."""


# --------------------------------------------------------------------------- the page being rendered


@dataclass
class GeneratorPage:
    """What the generator says about the page it is rendering."""

    path: str | None  # relative to docs_dir, as reports show it
    #: What relative links in the page's HTML are read from: MkDocs takes them as
    #: they are, from the page's URL ("", "about/"); Zensical rewrites them as
    #: relative to the page's source file, so from its path ("about.md").
    link_base: str
    root: Path  # the project folder: mkdocs.yml's folder
    config_file: Path  # the mkdocs.yml being built (MkDocs knows it; else the project folder's)
    meta: dict[str, Any] | None  # the page's front matter, as the generator keeps it for templates
    pages: list[tuple[Path, str]] | None  # the generator's docs pages (file, path), when it lists them
    urls: dict[str, str] | None  # their URLs, when it knows them
    directory_urls: bool = True
    extra: dict[str, Any] | None = None  # the config's `extra`, environment variables resolved


def _mkdocs_page(md: Markdown) -> GeneratorPage | None:
    """MkDocs registers, on each page's Markdown, a link-rewriting step holding
    the page's file, every file of the site and the config."""
    for processor in md.treeprocessors:
        file, files, config = (getattr(processor, name, None) for name in ("file", "files", "config"))
        if file is None or files is None or not hasattr(file, "src_uri") or not hasattr(files, "documentation_pages"):
            continue
        config_path = getattr(config, "config_file_path", None)
        pages, urls = _site_files(files)
        page = getattr(file, "page", None)
        config_file = Path(config_path) if config_path else Path.cwd() / "mkdocs.yml"
        return GeneratorPage(
            file.src_uri, file.url, config_file.parent, config_file, getattr(page, "meta", None), pages,
            urls, bool(getattr(config, "use_directory_urls", True)), getattr(config, "extra", None),
        )
    return None


def _site_files(files: Any) -> tuple[list[tuple[Path, str]], dict[str, str]]:
    """Every docs page and its URL, listed once per build (MkDocs hands each page
    the same `Files`): listing them for every page made a build grow with pages squared."""
    if _Memo.files is None or _Memo.files[0] is not files:
        docs = list(files.documentation_pages())
        _Memo.files = (files, [(Path(f.abs_src_path), f.src_uri) for f in docs], {f.src_uri: f.url for f in docs})
    return _Memo.files[1], _Memo.files[2]


def _zensical_page(md: Markdown) -> GeneratorPage | None:
    """Zensical registers a rendering-context preprocessor holding the page and the config."""
    for processor in md.preprocessors:
        page, config = getattr(processor, "page", None), getattr(processor, "config", None)
        if page is None or not isinstance(config, dict) or not hasattr(page, "path"):
            continue
        root = Path(config.get("root_dir") or ".")
        return GeneratorPage(page.path, page.path, root, root / "mkdocs.yml", page.meta, None, None,
                             bool(config.get("use_directory_urls", True)), config.get("extra"))
    return None


def generator_page(md: Markdown) -> GeneratorPage:
    return _mkdocs_page(md) or _zensical_page(md) or GeneratorPage(None, "", Path.cwd(), Path.cwd() / "mkdocs.yml", None, None, None)


def page_url(path: str, directory_urls: bool = True) -> str:
    """A docs page's URL as MkDocs and Zensical publish it."""
    stem = posixpath.splitext(path)[0]
    folder, name = posixpath.split(stem)
    if name in ("index", "README"):
        folder = folder + "/" if folder else ""
        return folder if directory_urls else folder + "index.html"
    return stem + "/" if directory_urls else stem + ".html"


def site_order(path: str) -> tuple[tuple[str, ...], bool, str]:
    """Pages in the order MkDocs lists them (each folder's index first, then
    its pages, then its folders), so the ledger and the bibliography's
    back-links come out the same whichever generator lists them."""
    parts = tuple(path.split("/"))
    return (parts[:-1], posixpath.splitext(parts[-1])[0] not in ("index", "README"), parts[-1])


def page_title(report: PageReport, fallback: str) -> str:
    """A page's title for links to it: its `title`, else its first heading."""
    title = report.document.meta.get("title")
    if isinstance(title, str) and title.strip():
        return title.strip()
    return next((text for level, _, text in report.document.headings() if level == 1), fallback)


def _file_name(path: str) -> str:
    """What MkDocs calls a file's name: its stem, README read as index."""
    stem = posixpath.splitext(posixpath.basename(path))[0]
    return "index" if stem == "README" else stem


# --------------------------------------------------------------------------- the whole-site check, once per change


@dataclass
class CheckedSite:
    report: SiteReport
    pages: dict[str, PageReport]
    grades: dict[str, ReadingGrades]
    ledger: str | None  # the page holding the evidence ledger
    #: The whole-site check, while it runs in the worker process (`checked_site`
    #: with `background`). `report` then holds the pages as written, unchecked:
    #: enough for markers and References; the site bibliography, the ledger and a
    #: page's links to its ledger section are left for `complete`.
    pending: PendingSite | None = None

    @classmethod
    def of(cls, report: SiteReport, pending: PendingSite | None = None) -> CheckedSite:
        return cls(report, {page.path: page for page in report.pages},
                   {page.path: page.grades for page in report.pages if page.grades is not None},
                   next((page.path for page in report.pages if MARKER_LINES[LEDGER_MARKER].search(page.document.source)), None), pending)


_lock = threading.Lock()


class _Memo:
    """What the module keeps between pages and builds (one process, several Markdown instances)."""

    last: tuple[object, CheckedSite] | None = None  # the last whole-site check and what it was made of
    last_pages: object = None  # the page list that check was last confirmed current for (one per build)
    files: tuple[Any, list[tuple[Path, str]], dict[str, str]] | None = None  # a build's Files and its pages
    reported: CheckedSite | None = None  # whose errors strict mode has printed


_settings: dict[Path, tuple[tuple[int, int], Settings]] = {}


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)
    return (stat.st_mtime_ns, stat.st_size)


def settings_at(config_file: Path) -> Settings:
    """`extra.claimcheck` of that mkdocs.yml, read again only when it changes."""
    stamp = _stamp(config_file)
    known = _settings.get(config_file)
    if known is None or known[0] != stamp:
        known = (stamp, load_settings(config_file))
        _settings[config_file] = known
    return known[1]


def checked_site(settings: Settings, root: Path, pages: list[tuple[Path, str]] | None = None,
                 format_cited: bool = False, background: bool = False) -> CheckedSite:
    """The whole-site check of `pages` (default: every page in docs_dir, as
    `claimcheck` finds them), made again only when a page, the bibliography or
    a snippet file changed. The MkDocs hook and the extension share it; the hook
    asks for `format_cited` (cited references formatted in a worker process while
    pages are checked: see `pipeline.check_files`), which changes no output, and,
    in a one-shot build, for `background`: when enough pages are missing from the
    cache, the check runs in the worker while the build renders (`CheckedSite.pending`;
    `completed` waits for it)."""
    if pages is not None and pages is _Memo.last_pages and _Memo.last is not None and _Memo.last[0][:2] == (settings, root):  # type: ignore[index]
        return _Memo.last[1]  # the same build's page list, already confirmed current: no stat of every page again
    if pages is None:
        pages = sorted(markdown_files([settings.docs_dir], settings.docs_dir), key=lambda page: site_order(page[1]))
    signature = (settings, root, tuple((str(f), shown, _stamp(f)) for f, shown in pages),
                 _stamp(settings.bibliography), tuple(_stamp(s) for s in settings.snippets))
    with _lock:
        if _Memo.last is not None and _Memo.last[0] == signature:
            _Memo.last_pages = pages
            return _Memo.last[1]
        try:
            shown = settings.bibliography.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            shown = str(settings.bibliography)

        def load() -> Bibliography:
            bibliography = load_bibliography(settings.bibliography, shown)
            restore_formatted(bibliography)
            return bibliography

        arguments: dict[str, Any] = {
            "options": settings.options, "snippets": shown_from(settings.snippets, root), "levels": settings.levels,
            "status_max_age_years": settings.status_max_age_years, "grade_limits": settings.grade_limits, "format_cited": format_cited,
        }
        pending = check_files_later(pages, load, **arguments) if background else None
        _unfinished.clear()  # a build's pages are rendered after its check started
        report = check_files(pages, load(), **arguments) if pending is None else SiteReport(pending.pages, pending.bibliography, [], {})
        checked = CheckedSite.of(report, pending)
        _Memo.last, _Memo.last_pages = (signature, checked), pages
        return checked


def completed(site: CheckedSite) -> CheckedSite:
    """`site` with its whole-site check done (waiting for the worker when it is still checking)."""
    if site.pending is None:
        return site
    done = CheckedSite.of(site.pending.result())
    with _lock:
        if _Memo.last is not None and _Memo.last[1] is site:
            _Memo.last = (_Memo.last[0], done)
    return done


def page_links(site: CheckedSite, where: GeneratorPage) -> dict[str, PageLink]:
    """Where each checked page is published, for links between pages."""
    return {path: PageLink(published_url(path, where), page_title(page, _file_name(path))) for path, page in site.pages.items()}


def published_url(path: str, where: GeneratorPage) -> str:
    """Where the generator publishes a docs page (its own URL when it says, else as it would)."""
    return (where.urls or {}).get(path) or page_url(path, where.directory_urls)


# --------------------------------------------------------------------------- what the MkDocs hook takes


@dataclass
class SearchView:
    """A rendered page's content before its markers were filled, so the MkDocs
    hook can hand Material's search indexer the plain view (render.py says why)."""

    content: str
    rendered: RenderedPage
    excluded: bool  # the ledger: it repeats every page's claims, so search leaves it out
    #: The page as shown, before its markers were filled: `mkdocs serve` marks problems in it.
    unfilled: str = ""

    def text(self) -> str:
        return "" if self.excluded else fill_placeholders(self.content, self.rendered, search_view=True)


#: Search views of the pages rendered, by path, until the MkDocs hook takes them (`take_search_view`).
_search_views: dict[str, SearchView] = {}


def take_search_view(path: str) -> SearchView | None:
    return _search_views.pop(path, None)


# --------------------------------------------------------------------------- the extension


class _Page:
    """One page's rendering, shared by the extension's two steps."""

    def __init__(self) -> None:
        self.where: GeneratorPage | None = None
        self.site: CheckedSite | None = None
        self.rendered: RenderedPage | None = None
        self.tree_done = False  # postprocessors also run on headings' HTML while the tree is made (toc)


class CitationPreprocessor(Preprocessor):
    """Citations → placeholder words, References appended, site-wide markers
    → placeholder paragraphs; first of all steps, so it reads the page as written."""

    def __init__(self, md: Markdown, extension: CitationsExtension, page: _Page) -> None:
        super().__init__(md)
        self.extension = extension
        self.page = page

    def run(self, lines: list[str]) -> list[str]:
        self.page.rendered = None  # a Markdown instance may convert again
        where = generator_page(self.md)
        named = self.extension.getConfig("config_file")
        config_file = where.root / named if named else where.config_file
        try:
            settings = settings_at(config_file)
        except ConfigError as exc:
            if self.extension.getConfig("strict"):
                raise ClaimErrors(f"claimcheck: {exc}") from None
            return lines  # the MkDocs hook and `claimcheck` report it
        site = checked_site(settings, where.root, where.pages)
        if self.extension.getConfig("strict") and site.report.errors:
            shown = "\n".join(problem.format() for problem in site.report.errors)
            _print_once(site, shown)
            raise ClaimErrors(f"claimcheck: {len(site.report.errors)} error(s); the site is not built:\n{shown}")
        scanned = site.pages.get(where.path) if where.path else None
        _note_review(where.meta, scanned)
        markdown = link_repository("\n".join(lines), (where.extra or {}).get("repository"))
        rendered = render_markdown(markdown, site.report.bibliography, settings.citation_style, scanned)
        for marker, token in GENERATED.items():
            rendered.markdown = MARKER_LINES[marker].sub(f"\n{token}\n", rendered.markdown)
        self.page.where, self.page.site, self.page.rendered, self.page.tree_done = where, site, rendered, False
        return rendered.markdown.split("\n")


def _print_once(site: CheckedSite, shown: str) -> None:
    """Strict mode's errors, one line each as `claimcheck` prints them, before the
    generator's traceback; once, though a generator may go on to render every page."""
    if _Memo.reported is not site:
        _Memo.reported = site
        print(shown, file=sys.stderr, flush=True)


def _note_review(meta: dict[str, Any] | None, scanned: PageReport | None) -> None:
    """What the theme's page template (overrides/main.html) shows of the page's review:
    `reviewed` and `next_review` as dates (a quoted `reviewed: "2026-11-23"` is a
    string in the front matter), and `review_overdue`, exactly when the checker found
    the page overdue (its reader's notice)."""
    if meta is None:
        return
    for name in ("reviewed", "next_review"):
        if as_date(meta.get(name)) is not None:
            meta[name] = as_date(meta[name])
    reviewed = meta.get("reviewed")
    if isinstance(reviewed, datetime.date) and "next_review" not in meta:
        meta["next_review"] = next_review(reviewed)
    meta["review_overdue"] = scanned is not None and any(p.kind == "review-overdue" for p in scanned.problems)


class TreeDone(Treeprocessor):
    """Last of the tree steps: from here on, postprocessors get the whole page."""

    def __init__(self, md: Markdown, page: _Page) -> None:
        super().__init__(md)
        self.page = page

    def run(self, root: Any) -> None:
        self.page.tree_done = True


class CitationPostprocessor(Postprocessor):
    """Placeholders → markers, References, bibliography and ledger; last of all
    steps, after raw HTML is back in place. Also plain citations in the table of contents."""

    def __init__(self, md: Markdown, page: _Page) -> None:
        super().__init__(md)
        self.page = page

    def run(self, text: str) -> str:
        where, site, rendered = self.page.where, self.page.site, self.page.rendered
        if where is None or site is None or rendered is None or not self.page.tree_done:
            return text  # a heading's HTML for the toc: its placeholders stay, for `heading_slug`
        full = search = text
        excluded = LEDGER_SPOT in text
        if excluded and where.meta is not None:  # the ledger repeats every page's claims: keep it out of search
            where.meta["search"] = {"exclude": True}
        if site.pending is None:  # else `complete` puts them in, once the references are formatted
            full, search = _site_wide(full, search, site, where)
        full = _link_own_ledger_section(full, site, where)
        if site.pending is not None and where.path is not None and (BIBLIOGRAPHY_SPOT in text or LEDGER_SPOT in text or OWN_SECTION in full):
            _unfinished[where.path] = (where, rendered)
        if where.path is not None:
            _search_views[where.path] = SearchView(search, rendered, excluded, full)
        _plain_toc(getattr(self.md, "toc_tokens", []), rendered)
        return fill_placeholders(full, rendered)


def _site_wide(full: str, search: str, site: CheckedSite, where: GeneratorPage) -> tuple[str, str]:
    """The site bibliography and (once the check is done) the evidence ledger in
    their places, in the page and its search view (before the placeholders are filled)."""
    ledger = LEDGER_SPOT in full and site.pending is None
    links = page_links(site, where) if BIBLIOGRAPHY_SPOT in full or ledger else {}
    if BIBLIOGRAPHY_SPOT in full:
        listing = bibliography_html(site.report, links, where.link_base)
        full = full.replace(BIBLIOGRAPHY_SPOT, listing.html)
        search = search.replace(BIBLIOGRAPHY_SPOT, listing.search)
    if ledger:
        full = full.replace(LEDGER_SPOT, ledger_html(site.report, links, where.link_base, site.grades))
    return full, search


#: Pages rendered while the whole-site check was pending, by path: what `complete` needs to finish them.
_unfinished: dict[str, tuple[GeneratorPage, RenderedPage]] = {}


def unfinished() -> list[str]:
    return list(_unfinished)


def complete(html: str, path: str, site: CheckedSite, search_view: bool = False) -> str:
    """A page rendered while the whole-site check was pending (its HTML, or with
    `search_view` its search view), finished as it would have been rendered with
    the check done: its site bibliography (which needs only the pages' citations,
    so a pending `site` will do), its evidence ledger and its links to its own
    ledger section (which wait for the check: left as they are while it is pending)."""
    found = _unfinished.get(path)
    if found is None:
        return html
    where, rendered = found
    done = site.pending is None
    if BIBLIOGRAPHY_SPOT in html or (done and LEDGER_SPOT in html):
        # As the postprocessor does; the markers already filled leave no placeholder to fill again.
        full, search = _site_wide(html, html, site, where)
        html = fill_placeholders(search if search_view else full, rendered, search_view)
    if done and OWN_SECTION in html:
        scanned = site.pages.get(path)
        html = html.replace(OWN_SECTION, "#" + ledger_anchor(path) if scanned is not None and scanned.claims else "")
    if done and not search_view:
        del _unfinished[path]
    return html


#: A link's target without a fragment, as the generators write it.
LINK_TARGET = re.compile(r'href="([^"#]*)"')
#: Where a link to a page's own ledger section gets its fragment once the check is done (`complete`).
OWN_SECTION = "#CLAIMCHECKOWNSECTIONX"


def _link_own_ledger_section(html: str, site: CheckedSite, where: GeneratorPage) -> str:
    """A page's own links to the evidence ledger go to its section there (only
    in the built page: the editor's Markdown links to the ledger page); while
    the check is pending, whether the page has a section is not known yet, so
    they get `OWN_SECTION`, for `complete`."""
    scanned = site.pages.get(where.path) if where.path else None
    if site.ledger is None or scanned is None or site.ledger == where.path or (site.pending is None and not scanned.claims):
        return html
    targets = {relative_url(where.link_base, published_url(site.ledger, where))}
    if where.link_base == where.path:  # Zensical: links still name the ledger's source file, rewritten later
        targets.add(posixpath.relpath(site.ledger, posixpath.dirname(where.path) or "."))
    fragment = OWN_SECTION if site.pending is not None else "#" + ledger_anchor(scanned.path)
    return LINK_TARGET.sub(lambda link: f'href="{link[1]}{fragment}"' if link[1] in targets else link[0], html)


def _plain_toc(tokens: list[dict[str, Any]], rendered: RenderedPage) -> None:
    """A heading's citations show in the table of contents as plain text. A token's
    `name` is HTML (themes print it unescaped): its placeholders become the search
    view, which is escaped, never the unescaped plain text."""
    for token in tokens:
        token["name"] = fill_placeholders(token["name"], rendered, search_view=True)
        token["html"] = fill_placeholders(token.get("html", ""), rendered, search_view=True)
        _plain_toc(token.get("children", []), rendered)


class CitationsExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "config_file": ["", ("the mkdocs.yml holding `extra.claimcheck`, relative to the project folder "
                                 "(default: the one being built)")],
            "strict": [False, "stop the build when the whole-site check finds an error"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        page = _Page()
        md.preprocessors.register(CitationPreprocessor(md, self, page), "claimcheck", 100)
        md.treeprocessors.register(TreeDone(md, page), "claimcheck_tree_done", -100)
        md.postprocessors.register(CitationPostprocessor(md, page), "claimcheck", 0)


def makeExtension(**kwargs: Any) -> CitationsExtension:
    return CitationsExtension(**kwargs)
