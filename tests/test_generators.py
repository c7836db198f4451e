"""The guide builds alike with MkDocs and Zensical (issue 18), through `make build`.

Each build runs in a copy of the guide, with the Makefile and the project's
.venv, so what is tested is what an editor runs: `make build` and
`make build GENERATOR=zensical`. Every page's content (the article: citation
markers and tooltips, References, the bibliography with its back-links, the
evidence ledger) must be the same once the few differences the generators'
templates force are set aside (listed in README "Building with Zensical").
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

GENERATORS = ("mkdocs", "zensical")
GUIDE = ("docs", "includes", "overrides", "mkdocs.yml", "references.bib", "Makefile", "requirements-lock.txt", "pyproject.toml")
ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)
#: What the generators' templates (not the citations) write differently.
TEMPLATE_DIFFERENCES = (
    (re.compile(r' data-search-exclude(?=[\s>])'), ""),  # Zensical's search drops marked text, then the mark
    (re.compile(r'<a id="__skip" tabindex="-1"></a>'), ""),  # Zensical's skip-link target
    (re.compile(r"^\s*\n", re.M), ""),
)


def _guide_copy(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in GUIDE:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, folder / name)
    for shared in (".venv", "hooks"):  # the set-up environment and the checker, as they are
        (folder / shared).symlink_to(ROOT / shared)
    return folder


def make_build(project: Path, generator: str) -> subprocess.CompletedProcess[str]:
    """`make build GENERATOR=...` in `project`, the project's .venv taken as set up."""
    env = {k: v for k, v in os.environ.items() if k not in ("CLAIMCHECK_STRICT", "MAKEFLAGS")}
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed", "build", f"GENERATOR={generator}"],
                          cwd=project, capture_output=True, text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    sites = {}
    for generator in GENERATORS:
        project = _guide_copy(tmp_path_factory.mktemp(generator) / "guide")
        result = make_build(project, generator)
        assert result.returncode == 0, result.stdout + result.stderr
        sites[generator] = project / "site"
    return sites


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("index.html"))


RELATIVE_LINK = re.compile(r'href="(?![a-z][a-z0-9+.-]*:|#|/)([^"#]*)')


def _article(site: Path, page: str) -> str:
    """A page's content, relative links resolved from the site root: the
    generators spell some the same link differently (Zensical writes
    `.././` where MkDocs writes `../`)."""
    found = ARTICLE.search((site / page).read_text(encoding="utf-8"))
    assert found, f"{site / page}: no article"
    text = found.group(1)
    for pattern, replacement in TEMPLATE_DIFFERENCES:
        text = pattern.sub(replacement, text)

    def resolved(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join("/", posixpath.dirname(page), match.group(1)))
        return f'href="{target.rstrip("/")}/' if match.group(1).endswith("/") or not match.group(1) else f'href="{target}'

    return RELATIVE_LINK.sub(resolved, text)


def test_both_generators_build_the_same_pages(built):
    assert _pages(built["mkdocs"]) == _pages(built["zensical"])
    assert len(_pages(built["mkdocs"])) >= 20


def test_every_page_has_the_same_citations_references_bibliography_and_ledger(built):
    differing = [page for page in _pages(built["mkdocs"]) if _article(built["mkdocs"], page) != _article(built["zensical"], page)]
    assert differing == []


@pytest.mark.parametrize("generator", GENERATORS)
def test_citations_are_rendered_not_left_as_written(built, generator):
    site = built[generator]
    ect = _article(site, "treatments/ect/index.html")
    assert ect.count('class="citation"') >= 10 and '<ol class="references">' in ect and 'class="cite-tip"' in ect
    bibliography = _article(site, "bibliography/index.html")
    assert re.search(r"<p>\d+ sources are cited in this guide\.</p>", bibliography)
    assert 'href="/treatments/ect/#cite-' in bibliography  # back-links reach the citing page's markers
    ledger = _article(site, "evidence/index.html")
    assert ledger.count('class="ledger-page"') >= 10 and 'href="/bibliography/#bib-' in ledger
    for page in _pages(site):
        article = _article(site, page)
        assert "CLAIMCHECK" not in article and "{repository}" not in article, page
        if page != "evidence/index.html":  # the ledger quotes each sentence as written
            assert "[@" not in article, page


@pytest.mark.parametrize("generator", GENERATORS)
def test_crisis_and_not_medical_advice_notes_on_every_page(built, generator):
    for page in _pages(built[generator]):
        html = (built[generator] / page).read_text(encoding="utf-8")
        assert 'class="crisis-help"' in html and 'class="not-medical-advice"' in html, page


@pytest.mark.parametrize("generator", GENERATORS)
def test_a_planted_uncited_number_fails_the_build(tmp_path, generator):
    project = _guide_copy(tmp_path / "guide")
    page = project / "docs" / "how-common.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nAbout 37% of people with depression read this guide.\n", encoding="utf-8")
    result = make_build(project, generator)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert re.search(r"how-common\.md:\d+: unsourced: «37%»", output), output


def test_each_generator_gets_the_search_box_its_theme_expects(built):
    """overrides/partials/search.html keeps Material's markup for MkDocs and Zensical's for Zensical."""
    mkdocs = (built["mkdocs"] / "index.html").read_text(encoding="utf-8")
    zensical = (built["zensical"] / "index.html").read_text(encoding="utf-8")
    assert 'class="md-search__input"' in mkdocs and 'class="md-search__button"' not in mkdocs
    assert 'class="md-search__button"' in zensical and 'class="md-search__input"' not in zensical
    for html in (mkdocs, zensical):
        assert 'role="dialog" aria-label="Search"' in html
