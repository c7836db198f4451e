"""The citations extension on its own (plain Python-Markdown) and with a
generator's rendering context, shaped as Zensical passes it."""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import markdown
import pytest
from markdown.preprocessors import Preprocessor

from claimcheck import markdown_ext
from claimcheck.markdown_ext import CitationsExtension, ClaimErrors, checked_site, page_url, settings_at, site_order
from conftest import SITES


@pytest.fixture
def project(tmp_path) -> Path:
    """The basic fixture site, as a project folder of its own."""
    shutil.copytree(SITES / "basic", tmp_path / "site")
    return tmp_path / "site"


def _render(project: Path, page: str, strict: bool = False, context: Preprocessor | None = None) -> tuple[str, markdown.Markdown]:
    text = (project / "docs" / page).read_text(encoding="utf-8").split("---\n", 2)[-1]
    md = markdown.Markdown(extensions=["toc", "attr_list", CitationsExtension(config_file=str(project / "mkdocs.yml"), strict=strict)])
    if context is not None:
        md.preprocessors.register(context, "rendering_context", 0)
    return md.convert(text), md


class ZensicalContext(Preprocessor):
    """What Zensical registers on each page's Markdown: the page and the config."""

    def __init__(self, project: Path, path: str, meta: dict, repository: str | None = None) -> None:
        super().__init__()
        self.page = SimpleNamespace(path=path, url=page_url(path), meta=meta)
        self.config = {"root_dir": str(project), "use_directory_urls": True, "extra": {"repository": repository}}

    def run(self, lines):
        return lines


def test_markers_tooltips_and_references_without_a_generator(project):
    html, md = _render(project, "index.md")
    assert '<span class="citation" id="cite-1">' in html and 'class="cite-tip"' in html
    assert '<h2 id="references">References</h2>' in html and '<ol class="references">' in html and 'id="ref-1"' in html
    assert "[@zhdanava2021" not in html and "CLAIMCHECK" not in html
    assert "[@notacitation]" in html  # code stays as written


def test_a_citation_in_a_heading_leaves_its_id_and_shows_as_text_in_the_toc(project):
    page = project / "docs" / "other.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n## Findings of @zhdanava2021\n\nMore [@zhdanava2021].\n", encoding="utf-8")
    md = markdown.Markdown(extensions=[CitationsExtension(config_file=str(project / "mkdocs.yml")), "toc"],
                           extension_configs={"toc": {"slugify": __import__("claimcheck.render", fromlist=["heading_slug"]).heading_slug}})
    html = md.convert(page.read_text(encoding="utf-8").split("---\n", 2)[-1])
    assert '<h2 id="findings-of">Findings of <span class="citation citation-narrative"' in html
    names = [t["name"] for t in md.toc_tokens[0]["children"]] if md.toc_tokens[0]["level"] == 1 else [t["name"] for t in md.toc_tokens]
    assert any(name.startswith("Findings of Zhdanava") and "CLAIMCHECK" not in name and "<" not in name for name in names), names


def test_bibliography_and_ledger_markers_become_the_site_wide_pages(project):
    bibliography, _ = _render(project, "bibliography.md")
    assert 'class="site-bibliography"' in bibliography and 'aria-label="Cited on"' in bibliography
    assert 'href="/#cite-1"' not in bibliography and 'href="./#cite-1"' in bibliography  # as if at the site root: no generator said where
    ledger, _ = _render(project, "evidence.md")
    assert 'class="ledger-page"' in ledger and 'id="sources-disagree"' in ledger


def test_a_marker_written_in_a_code_span_is_text_not_the_ledger(project):
    """Only a marker on a line of its own makes a site-wide page: a page explaining
    how to place the ledger neither gets it nor becomes the page links go to."""
    (project / "docs" / "about.md").write_text("---\ntitle: About\nreviewed: 2026-01-10\naudience: clinicians\n---\n\n# About\n\n"
                                               "Put `<!-- claimcheck:ledger -->` on a line of its own.\n", encoding="utf-8")
    about, _ = _render(project, "about.md")
    assert "<code>&lt;!-- claimcheck:ledger --&gt;</code>" in about and 'class="ledger-page"' not in about
    settings = settings_at(project / "mkdocs.yml")
    assert checked_site(settings, project).ledger == "evidence.md"


def test_zensical_context_gives_links_from_the_source_file_review_dates_and_the_repository(project):
    meta = {"reviewed": "2026-01-10", "title": "Bibliography"}
    bibliography, _ = _render(project, "bibliography.md", context=ZensicalContext(project, "bibliography.md", {}))
    assert 'href="./#cite-1"' in bibliography  # Zensical rewrites it from docs/bibliography.md to the page's URL
    _render(project, "index.md", context=ZensicalContext(project, "index.md", meta))
    # Dates for the page template (Zensical hands them to it as ISO strings); the overdue notice's flag
    assert meta["reviewed"] == datetime.date(2026, 1, 10) and meta["next_review"] == datetime.date(2029, 1, 10)
    assert meta["review_overdue"] is False
    ledger_meta: dict = {}
    _render(project, "evidence.md", context=ZensicalContext(project, "evidence.md", ledger_meta))
    assert ledger_meta["search"] == {"exclude": True}
    page = project / "docs" / "other.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Report an error]({repository}/issues).\n", encoding="utf-8")
    html, _ = _render(project, "other.md", context=ZensicalContext(project, "other.md", {}, "https://example.org/guide/"))
    assert '<a href="https://example.org/guide/issues">Report an error</a>' in html
    html, _ = _render(project, "other.md", context=ZensicalContext(project, "other.md", {}, "not an address"))
    assert '{repository}/issues' in html  # left as written; the MkDocs hook reports it


def test_strict_mode_stops_on_a_claim_error_and_lists_it(project):
    page = project / "docs" / "other.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAbout 37% of people read this.\n", encoding="utf-8")
    html, _ = _render(project, "index.md")  # not strict: rendered; the hook or `claimcheck` reports it
    assert 'class="citation"' in html
    with pytest.raises(ClaimErrors) as stopped:
        _render(project, "index.md", strict=True)
    assert "the site is not built" in str(stopped.value)
    assert "other.md:" in str(stopped.value) and "unsourced: «37%»" in str(stopped.value)


def test_a_wrong_setting_stops_strict_mode_in_one_line(project):
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("    bibliography: references.bib\n", "    bibliography: references.bib\n    citation_style: footnotes\n")
    config.write_text(text, encoding="utf-8")
    html, _ = _render(project, "index.md")
    assert "[@zhdanava2021]" in html  # nothing rendered, nothing raised
    with pytest.raises(ClaimErrors, match=r"^claimcheck: `extra.claimcheck.citation_style` must be one of"):
        _render(project, "index.md", strict=True)


def test_the_site_is_checked_again_only_when_a_source_changes(project):
    settings = settings_at(project / "mkdocs.yml")
    first = checked_site(settings, project)
    assert checked_site(settings, project) is first
    page = project / "docs" / "other.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore words.\n", encoding="utf-8")
    later = os.stat(page).st_mtime_ns + 10**9
    os.utime(page, ns=(later, later))
    assert checked_site(settings, project) is not first


def test_pages_are_listed_and_published_as_mkdocs_does():
    paths = ["b.md", "a/z.md", "index.md", "a/index.md", "a/b/c.md", "c.md"]
    assert sorted(paths, key=site_order) == ["index.md", "b.md", "c.md", "a/index.md", "a/z.md", "a/b/c.md"]
    assert [page_url(p) for p in ("index.md", "about.md", "treatments/index.md", "treatments/ect.md", "x/README.md")] == \
        ["", "about/", "treatments/", "treatments/ect/", "x/"]
    assert [page_url(p, directory_urls=False) for p in ("index.md", "about.md", "t/index.md")] == ["index.html", "about.html", "t/index.html"]


def test_review_dates_are_dates_for_the_template_whether_the_generator_keeps_dates_or_strings():
    """MkDocs keeps front-matter dates as dates, Zensical (and a quoted date) as strings."""
    meta: dict = {"reviewed": datetime.date(2024, 2, 29)}
    markdown_ext._note_review(meta, None)
    assert meta["next_review"] == datetime.date(2027, 2, 28) and meta["review_overdue"] is False
    quoted: dict = {"reviewed": "2019-03-01", "next_review": "2020-03-01"}
    markdown_ext._note_review(quoted, None)
    assert quoted["reviewed"] == datetime.date(2019, 3, 1) and quoted["next_review"] == datetime.date(2020, 3, 1)


def test_a_pages_own_ledger_link_goes_to_its_section_under_zensical_too(project):
    """Zensical rewrites links after the extension, so the page's link still names the ledger's file."""
    for name in ("index.md", "other.md"):
        page = project / "docs" / name
        page.write_text(page.read_text(encoding="utf-8") + "\nSee the [evidence ledger](evidence.md).\n", encoding="utf-8")
    html, _ = _render(project, "index.md", context=ZensicalContext(project, "index.md", {}))
    assert 'href="evidence.md#ledger-page-index"' in html
    html, _ = _render(project, "other.md", context=ZensicalContext(project, "other.md", {}))
    assert 'href="evidence.md"' in html  # no claims: no section in the ledger to go to
    ledger, _ = _render(project, "evidence.md", context=ZensicalContext(project, "evidence.md", {}))
    assert 'id="ledger-page-index"' in ledger


def test_one_build_lists_and_stats_its_pages_once_not_once_a_page(project, monkeypatch):
    """Listing every page and stat-ing every page again for each page made a build
    grow with pages squared (the benchmark's 2,000-page site)."""
    settings = settings_at(project / "mkdocs.yml")
    docs = sorted((project / "docs").glob("*.md"))
    listed = []
    files = SimpleNamespace(documentation_pages=lambda: listed.append(1) or [
        SimpleNamespace(abs_src_path=str(p), src_uri=p.name, url=page_url(p.name)) for p in docs])
    pages, _ = markdown_ext._site_files(files)
    assert markdown_ext._site_files(files)[0] is pages and len(listed) == 1  # one Files: listed once
    stats = []
    real_stamp = markdown_ext._stamp
    monkeypatch.setattr(markdown_ext, "_stamp", lambda path: stats.append(path) or real_stamp(path))
    first = checked_site(settings, project, pages)
    after_first = len(stats)
    assert checked_site(settings, project, pages) is first and len(stats) == after_first  # same build: no stat again
    assert checked_site(settings, project, list(pages)) is first and len(stats) > after_first  # a new build's list: checked
    markdown_ext._site_files(SimpleNamespace(documentation_pages=files.documentation_pages))
    assert len(listed) == 2  # a new build's Files: listed again
