"""The MkDocs hooks on tiny fixture sites, built with `mkdocs build --strict`."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys

import pytest

from conftest import ROOT


def test_basic_site_builds_strict_with_markers_tooltips_and_references(build_fixture):
    site, result = build_fixture("basic")
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "index.html").read_text(encoding="utf-8")
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
    index = json.loads((site / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    sections = {doc["location"]: doc["text"] for doc in index["docs"]}
    assert "have TRD [1]. That is roughly 2.8 million US adults with TRD [1, p. 4].</p>" in sections[""]
    assert set(sections) == {"", "other/", "bibliography/"}
    assert "Zhdanava" not in sections[""] and sections["bibliography/"].count("Zhdanava") == 1
    assert "<li>Maryia Zhdanava and Dominic Pilon. The prevalence of TRD in the United States" in sections["bibliography/"]
    assert "Home" not in sections["bibliography/"]  # the "cited on" links are not searched


def test_site_bibliography_links_back_to_every_citing_place(build_fixture):
    site, result = build_fixture("basic")
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "bibliography" / "index.html").read_text(encoding="utf-8")
    entry = html[html.index('id="bib-zhdanava2021"'):]
    entry = entry[:entry.index("</ul>")]
    assert '<a href="../#cite-1">' in entry and '<a href="../#cite-2">' in entry and '<a href="../other/#cite-1">' in entry
    assert "unused2019" not in html


def test_claims_json_and_ledger_are_written(build_fixture):
    site, result = build_fixture("basic")
    data = json.loads((site / "site" / "claims.json").read_text(encoding="utf-8"))
    statuses = {(c["file"], c["text"]): c["status"] for c in data["claims"]}
    assert statuses == {("index.md", "a third"): "supported", ("index.md", "2.8 million"): "supported"}
    ledger = (site / "site" / "evidence" / "index.html").read_text(encoding="utf-8")
    assert ledger.count('class="ledger-row status-supported"') == 2 and "trd-us-adults" in ledger


def test_the_ledger_reads_for_readers_and_each_page_links_to_its_own_section(build_fixture):
    def mention(site):
        for name in ("index.md", "other.md"):
            page = site / "docs" / name
            page.write_text(page.read_text() + "\nEvery number is listed in the [evidence ledger](evidence.md).\n")

    site, result = build_fixture("basic", mention)
    assert result.returncode == 0, result.stderr
    ledger = (site / "site" / "evidence" / "index.html").read_text(encoding="utf-8")
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
    home = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="evidence/#ledger-page-index"' in home
    other = (site / "site" / "other" / "index.html").read_text(encoding="utf-8")
    assert 'href="../evidence/"' in other and "#ledger-page-" not in other
    assert 'id="ledger-page-other"' not in ledger


def test_review_dates_are_shown_in_words_under_the_title(build_fixture):
    def quoted_date(site):
        page = site / "docs" / "other.md"
        page.write_text(page.read_text(encoding="utf-8").replace("reviewed: 2026-01-10", 'reviewed: "2026-03-01"'), encoding="utf-8")

    site, result = build_fixture("basic", quoted_date)
    assert result.returncode == 0, result.stderr
    for path, iso, words in (("index.html", "2026-01-10", "10 January 2026"), ("other/index.html", "2026-03-01", "1 March 2026")):
        html = (site / "site" / path).read_text(encoding="utf-8")
        dateline = f'<p class="reviewed-on">Reviewed <time datetime="{iso}">{words}</time></p>'
        assert re.search(r"</h1>\s*" + re.escape(dateline), html), path  # right under the title
        assert html.count('class="reviewed-on"') == 1
    assert "Next review due: <time datetime=\"2029-01-10\">10 January 2029</time>" in (site / "site" / "index.html").read_text(encoding="utf-8")
    # Pages without a `reviewed:` date (the generated ledger) show none.
    assert 'class="reviewed-on"' not in (site / "site" / "evidence" / "index.html").read_text(encoding="utf-8")


def test_the_ledger_and_reading_grades_json_show_both_grades(build_fixture):
    def for_patients(site):
        page = site / "docs" / "index.md"
        text = page.read_text(encoding="utf-8").replace("audience: clinicians", "audience: patients")
        page.write_text(text.replace("# Home\n", '# Home\n\n!!! abstract "In short"\n    - We sleep.\n    - It helps.\n'), encoding="utf-8")

    site, result = build_fixture("basic", for_patients)
    assert result.returncode == 0, result.stderr
    grades = json.loads((site / "site" / "reading-grades.json").read_text(encoding="utf-8"))
    assert set(grades) >= {"index.md"} and "other.md" not in grades  # clinicians' pages are not graded
    body, summary = grades["index.md"]["body"], grades["index.md"]["summary"]
    assert summary is not None and summary < body
    ledger = (site / "site" / "evidence" / "index.html").read_text(encoding="utf-8")
    assert (f'<span class="ledger-grade">Reading level of the page: grade {body:.1f}; of the summary box: grade {summary:.1f}'
            " (lower is easier to read)</span>") in ledger


def test_author_year_style(build_fixture):
    def author_year(site):
        config = site / "mkdocs.yml"
        config.write_text(config.read_text().replace("bibliography: references.bib", "bibliography: references.bib\n    citation_style: author-year"))

    site, result = build_fixture("basic", author_year)
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "Zhdanava and Pilon, 2021</a>" in html and "Müller (2020)</a>" in html


@pytest.mark.parametrize(
    "added, kind, expected",
    [
        ("A typo [@zhdanava2012].", "unknown-key", "other.md:11: unknown-key: «[@zhdanava2012]» no entry `zhdanava2012` in references.bib: did you mean @zhdanava2021?"),
        ("As many as 70% experience relief.", "unsourced", "other.md:11: unsourced: «70%»"),
        ("It is not recommended for adolescents.", "unsourced", "other.md:11: unsourced: «not recommended» states regulatory or guideline status"),
        ("It is approved for adults [@smith.2020:x].", "stale-status", "other.md:11: stale-status: «approved» states regulatory or guideline status («approved») but its newest cited source, smith.2020:x (2020)"),
        ("We have not yet checked this.", "working-note", "other.md:11: working-note: «We have not yet checked» a working note on a published page"),
    ],
)
def test_content_problems_fail_strict_with_one_line_naming_page_and_line(build_fixture, added, kind, expected):
    def add(site):
        page = site / "docs" / "other.md"
        page.write_text(page.read_text() + "\n" + added + "\n")

    site, result = build_fixture("basic", add)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if f": {kind}:" in line]
    assert len(lines) == 1 and expected in lines[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "broken, where",
    [
        ("@article{a,\n  title = {x},\n  year = {2020\n}\n", "references.bib:23: bib-error: «a» entry a is damaged: this entry is never closed"),
        ("@article{zhdanava2021, title={dup}}\n", "references.bib:23: bib-error: «zhdanava2021» duplicate key"),
        ("@article{zz, author={A, B},\n  title = {Open,\n  journal = {J},\n  year = {2020}\n}\n", "references.bib:24: bib-error: «zz» entry zz is damaged: field `title` is never closed"),
    ],
)
def test_broken_bibliography_fails_strict_without_traceback(build_fixture, broken, where):
    def corrupt(site):
        bib = site / "references.bib"
        bib.write_text(bib.read_text() + broken)

    site, result = build_fixture("basic", corrupt)
    assert result.returncode == 1
    assert where in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_build_writes_nothing_outside_the_site_folder(build_fixture, tmp_path):
    def snapshot(folder):
        return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in folder.rglob("*") if p.is_file() and "site" not in p.relative_to(folder).parts}

    before = {}

    def remember(site):
        before.update(snapshot(site))

    site, result = build_fixture("basic", remember)
    assert result.returncode == 0
    assert snapshot(site) == before


def test_a_template_without_the_safety_notes_fails_the_build(build_fixture):
    def drop_notes(site):
        (site / "bare").mkdir()
        (site / "bare" / "main.html").write_text('{% extends "base.html" %}\n{% block announce %}{% endblock %}\n')
        config = site / "mkdocs.yml"
        config.write_text(config.read_text().replace(f"custom_dir: {ROOT}/overrides", "custom_dir: bare"))

    site, result = build_fixture("basic", drop_notes)
    assert result.returncode == 1
    assert "index.md:1: page-error: «class=\"crisis-help\"» built page lacks the crisis-help notice" in result.stderr


@pytest.mark.parametrize("page_text, fails", [("", False), ("As many as 70% experience relief.\n", True)])
def test_a_build_leaves_garbage_collection_as_it_found_it(build_fixture, tmp_path, page_text, fails):
    """The hooks pause and freeze garbage collection while they load the checked
    pages; a build in this process, passing or failing, must undo both."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    def add(site):
        (site / "docs" / "added.md").write_text("---\nreviewed: 2026-01-10\n---\n\n# Added\n\n" + page_text, encoding="utf-8")

    site, _ = build_fixture("basic", add, strict=False)
    config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / "in-process"), strict=True)
    if fails:
        with pytest.raises(Abort):
            build(config)
    else:
        build(config)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    assert (tmp_path / "in-process" / "added" / "index.html").exists()


def test_a_later_plugin_changing_the_page_keeps_its_change_and_is_reported(build_fixture):
    """The hooks hand the search indexer a markup-free view and put the full
    HTML back afterwards; a plugin that changes the page in between must not
    lose its change silently."""

    def add_late_plugin(site):
        (site / "late.py").write_text(
            "from mkdocs.plugins import event_priority\n\n\n"
            "@event_priority(-200)\n"
            "def on_page_content(html, page, config, files):\n"
            "    return html + '<p>ADDED-LATE</p>'\n",
            encoding="utf-8",
        )
        config = site / "mkdocs.yml"
        config.write_text(config.read_text().replace("hooks:\n", "hooks:\n  - late.py\n"))

    site, result = build_fixture("basic", add_late_plugin, strict=False)
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "ADDED-LATE" in html
    assert "index.md: a plugin changed the page after claimcheck rendered it" in result.stderr


@pytest.mark.parametrize("command, frozen_after", [("serve", False), ("build", True)])
def test_checked_pages_stay_frozen_only_when_the_process_ends_with_the_build(build_fixture, tmp_path, command, frozen_after):
    """`mkdocs serve` goes on building: it gets its objects back for collection.
    A one-shot `mkdocs build` exits next, and leaving them frozen spares the
    collection at exit from scanning them."""
    import gc

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site, _ = build_fixture("basic")
    config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / "in-process"))
    config.plugins.on_startup(command=command, dirty=False)
    try:
        build(config)
        assert (gc.get_freeze_count() > 0) == frozen_after
    finally:
        gc.unfreeze()
        config.plugins.on_startup(command="serve", dirty=False)  # back to the default for later tests


def test_citations_in_headings_render_and_show_as_plain_text_in_the_toc(build_fixture):
    def heading(site):
        page = site / "docs" / "index.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n## Findings of @zhdanava2021\n\nMore text [@zhdanava2021].\n", encoding="utf-8")
        config = site / "mkdocs.yml"
        config.write_text(config.read_text().replace("  - toc\n", "  - toc:\n      slugify: !!python/name:claimcheck.render.heading_slug\n"))

    site, result = build_fixture("basic", heading)
    assert result.returncode == 0, result.stderr
    html = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "CLAIMCHECK" not in html and "@zhdanava2021" not in html
    heading_html = re.search(r'<h2 id="findings-of">(.*?)</h2>', html, re.S).group(1)
    assert 'class="cite-link"' in heading_html and "Zhdanava and Pilon [" in heading_html
    toc_link = re.search(r'<a href="#findings-of" class="md-nav__link">(.*?)</a>', html, re.S).group(1)
    assert "Findings of Zhdanava and Pilon [1]" in " ".join(re.sub(r"<[^>]*>", " ", toc_link).split())
    assert "cite-link" not in toc_link
def test_repository_link_secondary_sources_and_status_in_the_ledger(build_fixture):
    def edit(site):
        config = site / "mkdocs.yml"
        config.write_text(config.read_text().replace("extra:\n", "extra:\n  repository: https://github.com/example/guide/\n"))
        page = site / "docs" / "other.md"
        page.write_text(page.read_text() + "\nReport an error on [the issue tracker]({repository}/issues).\n\nIt is approved for adults [@zhdanava2021] in 2021.\n")
        bib = site / "references.bib"
        bib.write_text(bib.read_text().replace("  journal = {Acta},", "  journal = {Acta},\n  provenance = {secondary},"))

    site, result = build_fixture("basic", edit)
    assert result.returncode == 0, result.stderr
    other = (site / "site" / "other" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://github.com/example/guide/issues"' in other and "{repository}" not in other
    assert other.count("Secondary source: a copy or report, not the original") == 2  # tooltip and References
    assert "Zhdanava" in other and other.count("Secondary source") == 2  # the primary entry is not marked
    bibliography = (site / "site" / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert bibliography.count('class="evidence-type provenance-secondary"') == 1
    ledger = (site / "site" / "evidence" / "index.html").read_text(encoding="utf-8")
    assert 'id="status-statements"' in ledger and 'class="status-row verdict-dated"' in ledger
    data = json.loads((site / "site" / "claims.json").read_text(encoding="utf-8"))
    assert [(c["file"], c["text"], c["verdict"]) for c in data["status_claims"]] == [("other.md", "approved", "dated")]


def test_a_repository_link_without_a_repository_fails_strict(build_fixture):
    def edit(site):
        page = site / "docs" / "other.md"
        page.write_text(page.read_text() + "\nReport an error on [the issue tracker]({repository}/issues).\n")

    site, result = build_fixture("basic", edit)
    assert result.returncode == 1
    assert "other.md:11: page-error: «{repository}» links to {repository}, but `extra.repository` in mkdocs.yml is None" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_site_without_the_citations_extension_fails_strict(build_fixture):
    """The hook no longer renders citations: a mkdocs.yml that does not list the extension is told so."""
    def edit(site):
        config = site / "mkdocs.yml"
        config.write_text(config.read_text().replace("  - claimcheck.markdown_ext\n", ""))

    site, result = build_fixture("basic", edit)
    assert result.returncode == 1
    assert "mkdocs.yml: `claimcheck.markdown_ext` is not in `markdown_extensions`, so citations are not rendered: add it" in result.stderr
    assert "Traceback" not in result.stderr


OVERDUE = ("reviewed: 2026-01-10\n", "reviewed: 2019-03-01\nnext_review: 2020-03-01\n")


def _overdue(site):
    page = site / "docs" / "other.md"
    page.write_text(page.read_text().replace(*OVERDUE))


def test_a_page_past_its_review_date_shows_readers_a_notice_and_still_builds_strictly(build_fixture):
    site, result = build_fixture("basic", _overdue)
    assert result.returncode == 0, result.stderr  # a date never blocks publishing
    assert "INFO" in result.stderr and "other.md:1: review-overdue" in result.stderr  # it is still said, as info
    other = (site / "site" / "other" / "index.html").read_text(encoding="utf-8")
    notice = re.search(r'<div class="review-overdue" role="note">(.*?)</div>', other, re.S)
    assert notice and "This page is due for review; some information may be out of date." in notice.group(1)
    assert '<time datetime="2019-03-01">1 March 2019</time>' in notice.group(1)
    home = (site / "site" / "index.html").read_text(encoding="utf-8")
    assert "review-overdue" not in home  # reviewed 2026-01-10: not due
    # The checker passes too; the pull request's job summary lists the page from its JSON.
    check = subprocess.run([sys.executable, "-m", "claimcheck", "--format", "json"], cwd=site,
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    summary = subprocess.run([sys.executable, str(ROOT / ".ci" / "overdue-pages")], input=check.stdout,
                             capture_output=True, text=True, timeout=60)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.splitlines() == ["### Pages past their review date", "", "- `other.md`: review was due 2020-03-01 (info)"]


def test_an_editor_can_make_an_overdue_page_fail_the_strict_build(build_fixture):
    """`levels: {review-overdue: warn}` in mkdocs.yml: a page past its date stops a strict build."""
    def raised(site):
        _overdue(site)
        config = site / "mkdocs.yml"
        config.write_text(config.read_text().replace("bibliography: references.bib", "bibliography: references.bib\n    levels:\n      review-overdue: warn"))

    site, result = build_fixture("basic", raised)
    assert result.returncode == 1
    assert re.search(r"^WARNING .*other\.md:1: review-overdue: «2020-03-01»", result.stderr, re.M), result.stderr
