"""The one check pipeline: what the CLI reports is what `check_files` returns,
every registered check runs, and the problems come sorted once."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from claimcheck.bibliography import load_bibliography, parse_bibliography
from claimcheck.check import check_page
from claimcheck.cli import main
from claimcheck.document import parse_document
from claimcheck.pages import markdown_files
from claimcheck.pipeline import PAGE_CHECKS, SEVERITY_ORDER, SITE_CHECKS, Run, check_files, check_site
from claimcheck.problems import Level, ProblemKind
from claimcheck.standards import GradeLimits

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
TODAY = datetime.date(2026, 12, 1)


def _sorted_once(problems, bibliography_path):
    return sorted(problems, key=lambda p: (p.file != bibliography_path, p.file, p.line, SEVERITY_ORDER[p.severity]))


def test_the_cli_reports_exactly_what_the_pipeline_returns(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml above: the CLI's defaults, as check_files's
    assert main(["--bib", str(CORPUS / "references.bib"), "--format", "json", str(CORPUS / "status")]) == 1
    reported = json.loads(capsys.readouterr().out)
    site = check_files(markdown_files([CORPUS / "status"]), load_bibliography(CORPUS / "references.bib"))
    assert reported["problems"] == [p.as_dict() for p in site.problems]
    assert "uncited-entry" in {p["kind"] for p in reported["problems"]}  # the site checks are in it


def test_every_page_and_site_check_runs_and_problems_are_sorted_once(tmp_path):
    bib = parse_bibliography(
        "@article{old, author={A, B}, title={T}, journal={J}, year={1990}, findings={remission: 30%}}\n"
        "@article{new, author={C, D}, title={U}, journal={J}, year={2020}, findings={remission: 31%}}\n"
        "@article{unused, author={E, F}, title={V}, journal={J}, year={2020}}\n"
        "@article{broken, author={G}, title={W}, year={2020}}\n",
        "refs.bib",
    )
    (tmp_path / "b.md").write_text("---\nreviewed: 2026-01-01\n---\n\nRemission was 30% [@old]. TODO check.\n\nIt was 40% [@new].\n", encoding="utf-8")
    (tmp_path / "a.md").write_bytes(b"Caf\xe9 42% of people.\n")  # not UTF-8: one problem, and the other page still checked
    site = check_files(markdown_files([tmp_path]), bib, today=TODAY)
    kinds = {p.kind for p in site.problems}
    assert {"page-error", "bib-error", "old-source", "unsupported", "working-note", "uncited-entry"} <= kinds
    assert site.problems == _sorted_once(site.problems, "refs.bib")
    first_page_problem = next(p for p in site.problems if p.file != "refs.bib")
    assert (first_page_problem.file, first_page_problem.kind) == ("a.md", "page-error")


def test_the_site_stage_alone_runs_every_site_check():
    """A test building page reports in memory sees what the CLI and the hooks report."""
    bib = parse_bibliography("@article{old, author={A, B}, title={T}, journal={J}, year={1990}, findings={remission: 30%}}\n"
                             "@article{new, author={C, D}, title={U}, journal={J}, year={2020}, findings={remission: 31%}}\n", "refs.bib")
    page = check_page(parse_document("Remission was 30% [@old]. Remission was 40% [@new].\n", "p.md"), bib)
    site = check_site([page], bib, Run(today=TODAY))
    assert [(p.kind, p.line) for p in site.problems] == [("unsupported", 1), ("old-source", 1)]


def test_levels_are_applied_in_the_site_stage_before_the_one_sort():
    """`extra.claimcheck.levels` changes what a test of the pipeline sees, and the
    problems are sorted by the severity they are reported at."""
    bib = parse_bibliography("@article{old, author={A, B}, title={T}, journal={J}, year={1990}, findings={remission: 30%}}\n"
                             "@article{new, author={C, D}, title={U}, journal={J}, year={2020}, findings={remission: 31%}}\n", "refs.bib")
    page = check_page(parse_document("Remission was 30% [@old]. Remission was 40% [@new].\n", "p.md"), bib)
    lowered = check_site([page], bib, Run(today=TODAY, levels={ProblemKind.UNSUPPORTED: Level.INFO}))
    assert [(p.kind, p.severity) for p in lowered.problems] == [("old-source", "warning"), ("unsupported", "info")]
    ignored = check_site([page], bib, Run(today=TODAY, levels={ProblemKind.OLD_SOURCE: Level.IGNORE}))
    assert [p.kind for p in ignored.problems] == ["unsupported"]


def test_checks_have_one_name_each():
    names = [c.name for c in PAGE_CHECKS] + [c.name for c in SITE_CHECKS]
    assert len(names) == len(set(names))


def test_the_grade_limits_reach_the_readability_check_through_the_run(tmp_path):
    """The grades are measured with the page (cached); the `readability` page
    check judges them against the run's limits every run, so a changed limit
    is never hidden by the cache."""
    hard = "Pharmacokinetic heterogeneity substantially complicates individualised antidepressant optimisation strategies. " * 5
    (tmp_path / "p.md").write_text(f"---\nreviewed: 2026-01-01\n---\n\n{hard}\n", encoding="utf-8")

    def readability(limits=None):
        site = check_files(markdown_files([tmp_path]), parse_bibliography(""), today=TODAY, **({"grade_limits": limits} if limits else {}))
        return [p.text.split(" grade")[0] for p in site.problems if p.kind == "readability"]

    assert readability() == ["body"]
    assert readability(GradeLimits(body=40, summary=40)) == []
    assert readability() == ["body"]
    assert next(c for c in PAGE_CHECKS if c.name == "readability").cached is False


def test_references_formatted_in_the_worker_are_those_formatted_here(monkeypatch):
    """`format_cited` formats the cited references in a worker process; each is
    what formatting it here gives, and an uncited entry is left alone."""
    from claimcheck import formatting

    bib = parse_bibliography(
        "@article{smith2020, author={Smith, Anna and Jones, Bo}, title={A {TRD} trial}, journal={J Affect Disord},"
        " year={2020}, volume={3}, pages={1--9}, doi={10.1000/abc}, findings={remission: 30%}}\n"
        "@book{who2021, author={{World Health Organization}}, title={Depression}, publisher={WHO}, year={2021},"
        " url={https://www.who.int/x}}\n"
        "@article{unused, author={E, F}, title={V}, journal={J}, year={2020}}\n",
        "references.bib")
    monkeypatch.setattr(formatting, "AHEAD_MIN", 1)
    monkeypatch.setattr(formatting, "AHEAD_BATCH", 1)
    wanted = formatting.references_to_format(bib, ["Remission was 30% [@smith2020].", "See @{who2021} and `@smith2020`."])
    assert [entry.key for entry in wanted] == ["smith2020", "who2021"]
    assert formatting.format_ahead(wanted) == 2
    assert len(formatting._AHEAD) == 2
    formatting.take_ahead(wait=True)
    assert not formatting._AHEAD
    for key in ("smith2020", "who2021"):
        entry = bib.entries[key]
        found = formatting.FORMATTED.by_digest[entry.digest]
        assert (found.html, found.text) == formatting.format_reference(entry)
        assert found.label == formatting.author_year_label(entry)
    assert bib.entries["unused"].digest not in formatting.FORMATTED.by_digest
    # Formatted already: nothing is sent to a worker again.
    assert formatting.references_to_format(bib, ["[@smith2020; @who2021]"]) == []


def _many_entries(count):
    return parse_bibliography("".join(
        f"@article{{e{n}, author={{Author{n}, Ann and Other, Bo}}, title={{Trial number {n}}}, journal={{J}}, year={{20{n % 30:02d}}}, doi={{10.1000/x{n}}}}}\n"
        for n in range(count)), "references.bib")


def test_the_worker_formats_from_the_first_batch_and_this_process_from_the_last(monkeypatch):
    """`finish_ahead` leaves the batches the worker has started to it and formats
    the rest here: every reference formatted once, as formatting it here gives."""
    from claimcheck import formatting

    bib = _many_entries(60)
    monkeypatch.setattr(formatting, "AHEAD_BATCH", 2)
    assert formatting.format_ahead(list(bib.entries.values())) == 60
    formatting.finish_ahead()
    assert not formatting._AHEAD
    for entry in bib.entries.values():
        found = formatting.FORMATTED.by_digest[entry.digest]
        assert (found.html, found.text, found.label) == (*formatting.format_reference(entry), formatting.author_year_label(entry))


def test_references_written_while_deferred_are_filled_as_formatted_here():
    """While the worker is formatting (`defer_references`), an unformatted
    reference is a token; `fill_references` puts the reference in its place:
    its HTML, or its text escaped as a tooltip shows it."""
    import html

    from claimcheck import formatting

    entry = parse_bibliography("@article{a, author={O'Neil, Ann}, title={Risk <and> benefit}, journal={J}, year={2020}}\n", "references.bib").entries["a"]
    formatting.defer_references(True)
    try:
        shown = f"<li>{formatting.reference_html(entry)}</li><span title=x>{html.escape(formatting.reference_text(entry))}</span>"
    finally:
        formatting.defer_references(False)
    assert formatting.REFERENCE_TOKEN.search(shown) and formatting.FORMATTED.of(entry).html is None  # not formatted meanwhile
    expected = f"<li>{formatting.reference_html(entry)}</li><span title=x>{html.escape(formatting.reference_text(entry))}</span>"
    assert formatting.fill_references(shown) == expected
    assert "&lt;and&gt;" in expected and "CLAIMCHECKREF" not in expected


def _as_compared(site):
    return ([(p.path, [c.as_dict() for c in p.claims], p.readable, p.grades) for p in site.pages],
            [p.as_dict() for p in site.problems])


def _corpus_site(tmp_path, copies):
    """The corpus's pages, `copies` times over under different names: enough pages for the worker."""
    files = markdown_files([CORPUS])
    pages = []
    for n in range(copies):
        for file, shown in files:
            pages.append((file, f"copy{n}/{shown}"))
    return pages


def test_pages_checked_on_both_cores_are_those_checked_here(tmp_path, monkeypatch):
    from claimcheck import pipeline

    monkeypatch.setenv("CLAIMCHECK_CACHE", "off")
    monkeypatch.setattr(pipeline, "cores", lambda: 2)
    monkeypatch.setattr(pipeline, "forks", lambda: True)  # whatever threads earlier tests left running
    bibliography = load_bibliography(CORPUS / "references.bib")
    pages = _corpus_site(tmp_path, 2)
    assert len(pages) >= pipeline.PARALLEL_MIN
    sent = []
    real_submit = pipeline.Worker.submit
    monkeypatch.setattr(pipeline.Worker, "submit", lambda self, function, *args: sent.append(len(args[0])) or real_submit(self, function, *args))
    both = check_files(pages, bibliography, today=TODAY)
    assert sent and 0 < sent[0] < len(pages)  # the worker checked some of the pages, not all
    monkeypatch.setattr(pipeline, "PARALLEL_MIN", 10**6)
    alone = check_files(pages, bibliography, today=TODAY)
    assert _as_compared(both) == _as_compared(alone)
    assert [p.path for p in both.pages] == [shown for _, shown in pages]


def test_a_worker_that_fails_leaves_its_pages_to_be_checked_here(tmp_path, monkeypatch):
    from concurrent.futures import Future

    from claimcheck import pipeline

    monkeypatch.setenv("CLAIMCHECK_CACHE", "off")
    monkeypatch.setattr(pipeline, "cores", lambda: 2)

    def broken(self, function, *args):
        future: Future = Future()
        future.set_exception(OSError("the worker could not start"))
        return future

    bibliography = load_bibliography(CORPUS / "references.bib")
    pages = _corpus_site(tmp_path, 2)
    alone = check_files(pages, bibliography, today=TODAY)
    monkeypatch.setattr(pipeline.Worker, "submit", broken)
    assert _as_compared(check_files(pages, bibliography, today=TODAY)) == _as_compared(alone)
