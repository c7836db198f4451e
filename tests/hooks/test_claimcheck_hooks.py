"""The MkDocs hooks on the named fixture sites (tests/fixtures/sites/<scenario>/),
built in this process as `mkdocs build --strict` builds them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, SITES, hook_state_kept


def test_basic_site_builds_strict_with_markers_tooltips_and_references(build_site):
    built = build_site("basic")
    assert built.ok, built.log
    html = (built.out / "index.html").read_text(encoding="utf-8")
    # markers, numbered in order of first citation, with the formatted reference as tooltip
    assert re.findall(r'class="cite-link" aria-describedby="[^"]+">(\d+)</a>', html) == ["1", "1", "2", "2"]
    assert 'role="tooltip"' in html and "Zhdanava" in html
    # prefix and locator kept
    assert re.search(r'\[see <span class="cite-ref">.*?</span></span>, pp\. 3-4\]', html, re.S)
    # References in citation order, with back-links to each place cited
    refs = html[html.index('id="references"'):]
    assert refs.index('id="ref-1"') < refs.index('id="ref-2"')
    assert '<a href="#cite-1" class="cite-back"' in refs and '<a href="#cite-2" class="cite-back"' in refs
    for anchor in re.findall(r'href="#(cite-\d+)"', refs):
        assert f'id="{anchor}"' in html
    # LaTeX → Unicode, DOI and PMID links, escaping
    assert "Müller" in html.replace('<span class="bibtex-protected">', "").replace("</span>", "")
    assert '<a href="https://doi.org/10.4088/JCP.20m13699"' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/33989464/"' in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    # e-mail addresses and code are left alone
    assert "editor@example.org" in html and "<code>[@notacitation]</code>" in html
    # review dates from front matter
    assert "Last reviewed: <time datetime=\"2026-01-10\">" in html and "2029-01-10" in html
    # search indexes the markers' visible text, not tooltips or References; sources
    # are found once each, on the bibliography page; the ledger is not searched
    index = json.loads((built.out / "search" / "search_index.json").read_text(encoding="utf-8"))
    sections = {doc["location"]: doc["text"] for doc in index["docs"]}
    assert "have TRD [1]. That is roughly 2.8 million US adults with TRD [1, p. 4].</p>" in sections[""]
    assert set(sections) == {"", "other/", "bibliography/"}
    assert "Zhdanava" not in sections[""] and sections["bibliography/"].count("Zhdanava") == 1
    assert "<li>Maryia Zhdanava and Dominic Pilon. The prevalence of TRD in the United States" in sections["bibliography/"]
    assert "Home" not in sections["bibliography/"]  # the "cited on" links are not searched


def test_site_bibliography_links_back_to_every_citing_place(build_site):
    built = build_site("basic")
    assert built.ok, built.log
    html = (built.out / "bibliography" / "index.html").read_text(encoding="utf-8")
    entry = html[html.index('id="bib-zhdanava2021"'):]
    entry = entry[:entry.index("</ul>")]
    assert '<a href="../#cite-1">' in entry and '<a href="../#cite-2">' in entry and '<a href="../other/#cite-1">' in entry
    assert "unused2019" not in html


def test_claims_json_and_ledger_are_written(build_site):
    built = build_site("basic")
    data = json.loads((built.out / "claims.json").read_text(encoding="utf-8"))
    statuses = {(c["file"], c["text"]): c["status"] for c in data["claims"]}
    assert statuses == {("index.md", "a third"): "supported", ("index.md", "2.8 million"): "supported"}
    ledger = (built.out / "evidence" / "index.html").read_text(encoding="utf-8")
    assert ledger.count('class="ledger-row status-supported"') == 2 and "trd-us-adults" in ledger


def test_the_ledger_reads_for_readers_and_each_page_links_to_its_own_section(build_site):
    built = build_site("ledger_mentions")
    assert built.ok, built.log
    ledger = (built.out / "evidence" / "index.html").read_text(encoding="utf-8")
    section = re.search(r'<section class="ledger-page" id="ledger-page-index">(.*?)</section>', ledger, re.S).group(1)
    row = re.search(r'<tr class="ledger-row status-supported">(.*?)</tr>', section, re.S).group(1)
    shown, technical = row.split('<details class="ledger-technical">')
    # For readers: the number, its sentence without citation keys, "Author et al. (year)"
    # linked to the bibliography, the recorded figure and the check in words.
    assert '<td data-label="Number"><strong>a third</strong></td>' in shown
    assert "About a third of treated adults have TRD." in shown and "@" not in shown
    assert re.search(r'<a href="../bibliography/#bib-zhdanava2021">Zhdanava and Pilon \(2021\)</a>', shown)
    assert "Matches the figure recorded from the source" in shown
    assert "trd-us-adults" not in shown and "zhdanava2021<" not in shown and "line" not in shown
    # Behind the toggle: the file and line, the key, the finding's ID, the status.
    assert "<summary>Technical details</summary>" in technical
    assert "index.md</code>, line 9" in technical and "<code>zhdanava2021</code>" in technical and "<code>supported</code>" in technical
    assert "How to read this list" in ledger
    # The home page's own mention of the ledger goes to its section; other.md has no
    # claim, so it has no section and its link stays the page's.
    home = (built.out / "index.html").read_text(encoding="utf-8")
    assert 'href="evidence/#ledger-page-index"' in home
    other = (built.out / "other" / "index.html").read_text(encoding="utf-8")
    assert 'href="../evidence/"' in other and "#ledger-page-" not in other
    assert 'id="ledger-page-other"' not in ledger


def test_review_dates_are_shown_in_words_under_the_title(build_site):
    built = build_site("review_date_quoted")
    assert built.ok, built.log
    for path, iso, words in (("index.html", "2026-01-10", "10 January 2026"), ("other/index.html", "2026-03-01", "1 March 2026")):
        html = (built.out / path).read_text(encoding="utf-8")
        dateline = f'<p class="reviewed-on">Reviewed <time datetime="{iso}">{words}</time></p>'
        assert re.search(r"</h1>\s*" + re.escape(dateline), html), path  # right under the title
        assert html.count('class="reviewed-on"') == 1
    assert "Next review due: <time datetime=\"2029-01-10\">10 January 2029</time>" in (built.out / "index.html").read_text(encoding="utf-8")
    # Pages without a `reviewed:` date (the generated ledger) show none.
    assert 'class="reviewed-on"' not in (built.out / "evidence" / "index.html").read_text(encoding="utf-8")


def test_the_ledger_and_reading_grades_json_show_both_grades(build_site):
    built = build_site("patient_summary")
    assert built.ok, built.log
    grades = json.loads((built.out / "reading-grades.json").read_text(encoding="utf-8"))
    assert set(grades) >= {"index.md"} and "other.md" not in grades  # clinicians' pages are not graded
    body, summary = grades["index.md"]["body"], grades["index.md"]["summary"]
    assert summary is not None and summary < body
    ledger = (built.out / "evidence" / "index.html").read_text(encoding="utf-8")
    assert (f'<span class="ledger-grade">Reading level of the page: grade {body:.1f}; of the summary box: grade {summary:.1f}'
            " (lower is easier to read)</span>") in ledger


def test_author_year_style(build_site):
    built = build_site("author_year")
    assert built.ok, built.log
    html = (built.out / "index.html").read_text(encoding="utf-8")
    assert "Zhdanava and Pilon, 2021</a>" in html and "Müller (2020)</a>" in html


@pytest.mark.parametrize(
    "scenario, kind, expected",
    [
        ("problem_unknown_key", "unknown-key", "other.md:11: unknown-key: «[@zhdanava2012]» no entry `zhdanava2012` in references.bib: did you mean @zhdanava2021?"),
        ("problem_uncited_figure", "unsourced", "other.md:11: unsourced: «70%»"),
        ("problem_uncited_status", "unsourced", "other.md:11: unsourced: «not recommended» states regulatory or guideline status"),
        ("problem_stale_status", "stale-status", "other.md:11: stale-status: «approved» states regulatory or guideline status («approved») but its newest cited source, smith.2020:x (2020)"),
        ("problem_working_note", "working-note", "other.md:11: working-note: «We have not yet checked» a working note on a published page"),
    ],
)
def test_content_problems_fail_strict_with_one_line_naming_page_and_line(build_site, scenario, kind, expected):
    built = build_site(scenario)
    assert not built.ok
    lines = [line for line in built.log.splitlines() if f": {kind}:" in line]
    assert len(lines) == 1 and expected in lines[0], built.log
    assert "Traceback" not in built.log


@pytest.mark.parametrize(
    "scenario, where",
    [
        ("bib_unclosed_entry", "references.bib:23: bib-error: «a» entry a is damaged: this entry is never closed"),
        ("bib_duplicate_key", "references.bib:23: bib-error: «zhdanava2021» duplicate key"),
        ("bib_unclosed_field", "references.bib:24: bib-error: «zz» entry zz is damaged: field `title` is never closed"),
    ],
)
def test_broken_bibliography_fails_strict_without_traceback(build_site, scenario, where):
    built = build_site(scenario)
    assert not built.ok
    assert where in built.log, built.log
    assert "Traceback" not in built.log


def test_build_writes_nothing_outside_the_site_folder(build_site):
    def snapshot(folder):
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in folder.rglob("*") if p.is_file()}

    before = snapshot(SITES / "basic")
    built = build_site("basic")
    assert built.ok, built.log
    assert snapshot(built.source) == before


def test_a_template_without_the_safety_notes_fails_the_build(build_site):
    built = build_site("bare_template")
    assert not built.ok
    assert "index.md:1: page-error: «class=\"crisis-help\"» built page lacks the crisis-help notice" in built.log


@pytest.mark.parametrize("scenario, page, fails", [("basic", "other", False), ("problem_uncited_figure", "other", True)])
def test_a_build_leaves_garbage_collection_as_it_found_it(tmp_path, scenario, page, fails):
    """The hooks pause and freeze garbage collection while they load the checked
    pages; a build in this process, passing or failing, must undo both."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    config = load_config(str(SITES / scenario / "mkdocs.yml"), site_dir=str(tmp_path / "in-process"), strict=True)
    if fails:
        with pytest.raises(Abort):
            build(config)
    else:
        build(config)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert (tmp_path / "in-process" / page / "index.html").exists()


def test_a_later_plugin_changing_the_page_keeps_its_change_and_is_reported(build_site):
    """The hooks hand the search indexer a markup-free view and put the full
    HTML back afterwards; a plugin that changes the page in between must not
    lose its change silently."""

    built = build_site("late_plugin", strict=False)
    assert built.ok, built.log
    html = (built.out / "index.html").read_text(encoding="utf-8")
    assert "ADDED-LATE" in html
    assert "index.md: a plugin changed the page after claimcheck rendered it" in built.log


@pytest.mark.parametrize("command, frozen_after", [("serve", False), ("build", True)])
def test_checked_pages_stay_frozen_only_when_the_process_ends_with_the_build(tmp_path, command, frozen_after):
    """`mkdocs serve` goes on building: it gets its objects back for collection.
    A one-shot `mkdocs build` exits next, and leaving them frozen spares the
    collection at exit from scanning them."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(SITES / "basic" / "mkdocs.yml"), site_dir=str(tmp_path / "in-process"))
    with hook_state_kept(config):
        config.plugins.on_startup(command=command, dirty=False)
        try:
            build(config)
            assert (gc.get_freeze_count() > 0) == frozen_after
        finally:
            gc.unfreeze()


def test_citations_in_headings_render_and_show_as_plain_text_in_the_toc(build_site):
    built = build_site("heading_citation")
    assert built.ok, built.log
    html = (built.out / "index.html").read_text(encoding="utf-8")
    assert "CLAIMCHECK" not in html and "@zhdanava2021" not in html
    heading_html = re.search(r'<h2 id="findings-of">(.*?)</h2>', html, re.S).group(1)
    assert 'class="cite-link"' in heading_html and "Zhdanava and Pilon [" in heading_html
    toc_link = re.search(r'<a href="#findings-of" class="md-nav__link">(.*?)</a>', html, re.S).group(1)
    assert "Findings of Zhdanava and Pilon [1]" in " ".join(re.sub(r"<[^>]*>", " ", toc_link).split())
    assert "cite-link" not in toc_link
def test_repository_link_secondary_sources_and_status_in_the_ledger(build_site):
    built = build_site("repository_link")
    assert built.ok, built.log
    other = (built.out / "other" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/guide/issues"' in other and "{repository}" not in other
    assert other.count("Secondary source: a copy or report, not the original") == 2  # tooltip and References
    assert "Zhdanava" in other and other.count("Secondary source") == 2  # the primary entry is not marked
    bibliography = (built.out / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert bibliography.count('class="evidence-type provenance-secondary"') == 1
    ledger = (built.out / "evidence" / "index.html").read_text(encoding="utf-8")
    assert 'id="status-statements"' in ledger and 'class="status-row verdict-dated"' in ledger
    data = json.loads((built.out / "claims.json").read_text(encoding="utf-8"))
    assert [(c["file"], c["text"], c["verdict"]) for c in data["status_claims"]] == [("other.md", "approved", "dated")]


def test_a_repository_link_without_a_repository_fails_strict(build_site):
    built = build_site("repository_link_unset")
    assert not built.ok
    assert "other.md:11: page-error: «{repository}» links to {repository}, but `extra.repository` in mkdocs.yml is None" in built.log
    assert "Traceback" not in built.log


def test_a_site_without_the_citations_extension_stops_the_build_strict_or_not(build_site):
    """The hook no longer renders citations: a mkdocs.yml that does not list the extension is told so, and a
    non-strict build stops too, as for a wrong setting (it would publish raw `[@key]` text)."""
    built = build_site("without_extension", strict=False)
    assert not built.ok
    assert "mkdocs.yml: `claimcheck.markdown_ext` is not in `markdown_extensions`, so citations are not rendered: add it" in built.log
    assert "Traceback" not in built.log


def test_a_page_past_its_review_date_shows_readers_a_notice_and_still_builds_strictly(build_site):
    built = build_site("review_overdue")
    assert built.ok, built.log  # a date never blocks publishing
    assert "INFO" in built.log and "other.md:1: review-overdue" in built.log  # it is still said, as info
    other = (built.out / "other" / "index.html").read_text(encoding="utf-8")
    notice = re.search(r'<div class="review-overdue" role="note">(.*?)</div>', other, re.S)
    assert notice and "This page is due for review; some information may be out of date." in notice.group(1)
    assert '<time datetime="2019-03-01">1 March 2019</time>' in notice.group(1)
    home = (built.out / "index.html").read_text(encoding="utf-8")
    assert "review-overdue" not in home  # reviewed 2026-01-10: not due
    # The checker passes too; the pull request's job summary lists the page from its JSON.
    check = subprocess.run([sys.executable, "-m", "claimcheck", "--format", "json"], cwd=built.source,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    summary = subprocess.run([sys.executable, str(ROOT / ".ci" / "overdue-pages")], input=check.stdout,
                             capture_output=True, text=True, timeout=60)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.splitlines() == ["### Pages past their review date", "", "- `other.md`: review was due 2020-03-01 (info)"]


def test_an_editor_can_make_an_overdue_page_fail_the_strict_build(build_site):
    """`levels: {review-overdue: warn}` in mkdocs.yml: a page past its date stops a strict build."""
    built = build_site("review_overdue_warn")
    assert not built.ok
    assert re.search(r"^WARNING .*other\.md:1: review-overdue: «2020-03-01»", built.log, re.M), built.log


def test_the_overdue_pages_step_lists_an_overdue_page_at_level_error_without_failing(tmp_path):
    """The pull request's "Pages past their review date" step, run as GitHub runs it
    (bash -e -o pipefail), on a site where `levels:` makes review-overdue an error:
    the page is listed and the step passes (the Claims step is the one that fails)."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text(encoding="utf-8"))
    step = next(s for s in workflow["jobs"]["test"]["steps"] if s.get("name") == "Pages past their review date")
    site = tmp_path / "site"
    shutil.copytree(SITES / "review_overdue_warn", site)
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("review-overdue: warn", "review-overdue: error"), encoding="utf-8")
    for name in (".venv", ".ci"):
        (site / name).symlink_to(ROOT / name)
    summary = tmp_path / "summary.md"
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=site, capture_output=True, text=True,
                          env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "- `other.md`: review was due 2020-03-01 (error)" in summary.read_text(encoding="utf-8").splitlines()
