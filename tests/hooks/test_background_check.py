"""A one-shot build whose pages are missing from the cache checks them in the
worker process while MkDocs renders (`pipeline.check_files_later`); the site it
writes and the problems it reports are those of a build that checks first."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import SITES, build_in_process

#: Sites with a ledger, a bibliography, links to a page's ledger section, pages
#: without claims, broken and hostile input, and problems at every level.
SCENARIOS = ["ledger_mentions", "author_year", "hostile_bibliography", "review_overdue", "problem_unknown_key",
             "problem_uncited_status", "pages_bom_crlf_empty", "page_latin1", "setting_level_info", "heading_citation"]


def _build(scenario: str, out: Path, background: bool, monkeypatch) -> tuple[object, list[str]]:
    import claimcheck.formatting
    from claimcheck import markdown_ext, pipeline

    monkeypatch.setattr(markdown_ext._Memo, "last", None)  # as a new `mkdocs build` process starts
    monkeypatch.setattr(claimcheck.formatting, "FORMATTED", claimcheck.formatting.FormattedReferences())
    monkeypatch.setattr(pipeline, "cores", lambda: 2)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 1 if background else 10**6)
    started = []
    real = pipeline.check_files_later
    monkeypatch.setattr(markdown_ext, "check_files_later", lambda *a, **k: started.append(result := real(*a, **k)) or result)
    built = build_in_process(SITES / scenario / "mkdocs.yml", out)
    assert started and (started[0] is not None) == background  # the way asked for was taken
    problems = sorted(line for line in built.log.splitlines() if re.match(r"(WARNING|INFO) +-  \S+:\d+:", line))
    return built.error is None, problems


def _differences(left: Path, right: Path) -> list[str]:
    """Files that are in one site only or whose bytes differ (the sitemap's dates aside)."""
    files = {path.relative_to(left) for path in left.rglob("*") if path.is_file()}
    others = {path.relative_to(right) for path in right.rglob("*") if path.is_file()}
    differ = {name for name in files & others if name.name != "sitemap.xml.gz" and (left / name).read_bytes() != (right / name).read_bytes()}
    return sorted(str(name) for name in (files ^ others) | differ)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_checking_while_rendering_writes_the_same_site_and_reports_the_same_problems(scenario, tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_CACHE", "off")  # every page missing from the cache, in both builds
    first = _build(scenario, tmp_path / "first", background=False, monkeypatch=monkeypatch)
    meanwhile = _build(scenario, tmp_path / "meanwhile", background=True, monkeypatch=monkeypatch)
    assert meanwhile == first
    if first[0]:
        assert not _differences(tmp_path / "first", tmp_path / "meanwhile")
    assert first[1] or scenario not in ("problem_unknown_key", "review_overdue")  # the problems are compared, not absent


def test_a_ledger_built_meanwhile_links_each_page_to_its_own_section(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMCHECK_CACHE", "off")
    assert _build("ledger_mentions", tmp_path / "site", background=True, monkeypatch=monkeypatch)[0]
    built = "\n".join(path.read_text(encoding="utf-8") for path in (tmp_path / "site").rglob("*.html"))
    assert "CLAIMCHECK" not in built  # nothing left unfinished
    assert 'id="ledger-page-' in built and '#ledger-page-' in built
