"""`claimcheck` as CI and editors run it: exit codes, formats, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claimcheck.cli import main

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
BIB = str(CORPUS / "references.bib")


def test_json_report_has_the_stable_shape(capsys):
    assert main(["--bib", BIB, "--format", "json", str(CORPUS / "pages")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"claims", "status_claims", "problems"}
    assert set(data["claims"][0]) == {"file", "line", "text", "citations", "status", "finding"}
    assert set(data["problems"][0]) == {"file", "line", "kind", "severity", "text", "message"}
    kinds = {p["kind"] for p in data["problems"]}
    assert {"unsourced", "unknown-key", "unsupported", "unverified", "waived"} <= kinds
    assert {c["file"] for c in data["claims"]} >= {"percentages.md", "structure.md"}


def test_exit_zero_when_everything_matches(tmp_path, capsys):
    page = tmp_path / "ok.md"
    page.write_text("---\nreviewed: 2026-01-01\naudience: clinicians\n---\n\nAbout a third of treated adults have TRD [@zhdanava2021].\n", encoding="utf-8")
    assert main(["--bib", BIB, str(page)]) == 0


def test_github_annotations_point_at_the_line(tmp_path, monkeypatch, capsys):
    page = tmp_path / "new.md"
    page.write_text("Intro.\n\nAn uncited 42% of people.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--bib", BIB, "--format", "github", str(page)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [line for line in out if line.startswith("::")]
    assert any(line.startswith("::error file=new.md,line=3,title=unsourced::") for line in out)


def test_usage_and_configuration_errors_exit_two(tmp_path, capsys):
    assert main(["--bib", BIB, str(tmp_path / "missing.md")]) == 2
    bad = tmp_path / "mkdocs.yml"
    bad.write_text("extra: [unclosed\n", encoding="utf-8")
    assert main(["--config", str(bad)]) == 2
    assert "mkdocs.yml" in capsys.readouterr().err


def test_installed_command_prints_no_traceback_on_broken_input(tmp_path):
    page = tmp_path / "broken.md"
    page.write_bytes(b"---\ntitle: [\n---\n\xff\xfe bad bytes 30%\n```\nunclosed fence")
    bib = tmp_path / "broken.bib"
    bib.write_text("@article{a,\n title = {x\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "claimcheck", "--bib", str(bib), str(page)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    assert "broken.md:4: page-error" in result.stdout and "not valid UTF-8" in result.stdout
    assert "broken.bib:" in result.stdout


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_defaults_come_from_mkdocs_yml(fmt, tmp_path, monkeypatch, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("Uncited 12% here.\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text("", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: x\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "extra:\n  claimcheck:\n    bibliography: refs.bib\n",
        encoding="utf-8",
    )
    (tmp_path / "refs.bib").write_text("@article{x, title={no author}}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["--format", fmt]) == 1
    out = capsys.readouterr().out
    assert "index.md" in out and "refs.bib" in out
    if fmt == "github":
        assert "file=docs/index.md,line=1," in out and "file=refs.bib,line=1," in out


def test_a_number_matching_an_unrelated_finding_fails_with_an_annotation_on_its_line(tmp_path, capsys):
    page = tmp_path / "pr.md"
    page.write_text("Intro.\n\nAbout 45% of patients respond to switching [@zhdanava2021].\n", encoding="utf-8")
    assert main(["--bib", BIB, "--format", "github", str(page)]) == 1
    (line,) = [line for line in capsys.readouterr().out.splitlines() if "title=off-topic" in line]
    assert line.startswith("::error ") and ",line=3," in line and "trd-share-of-treated-mdd-burden" in line


def test_explain_shows_clause_citations_each_finding_and_verdict(capsys):
    assert main(["--bib", BIB, "--explain", str(CORPUS / "pages" / "topics.md") + ":8"]) == 0
    out = capsys.readouterr().out
    assert "clause: «About 45% of patients respond to switching [@zhdanava2021].»" in out
    assert "citations: @zhdanava2021" in out
    assert "`trd-share-of-treated-mdd-burden` = 47.2%: matches in value; topic: different outcomes" in out
    assert "`trd-us-adults` = 2.8 million: does not match in value" in out
    assert out.rstrip().endswith("verdict: off-topic")


def test_explain_refuses_a_malformed_place(capsys):
    assert main(["--bib", BIB, "--explain", "nowhere"]) == 2
    assert "give FILE:LINE" in capsys.readouterr().err


# --------------------------------------------------------------------------- rule 7: the command's contract

ENTRIES = """@article{used, author={A, B}, title={T}, journal={J}, year={2024}, findings={share-a: 42%}}
@article{other, author={C, D}, title={U}, journal={J}, year={2024}, findings={share-b: 17%}}
"""


def _site(root: Path) -> Path:
    """A small repository: mkdocs.yml, refs.bib, docs/sub/page.md citing `used`
    (with an unsupported 43%) and docs/other.md citing `other`."""
    (root / "docs" / "sub").mkdir(parents=True)
    (root / "docs" / "sub" / "page.md").write_text("In all, 43% of people [@used].\n", encoding="utf-8")
    (root / "docs" / "other.md").write_text("Some 17% of people [@other].\n", encoding="utf-8")
    (root / "refs.bib").write_text(ENTRIES, encoding="utf-8")
    (root / "mkdocs.yml").write_text("site_name: x\nextra:\n  claimcheck:\n    bibliography: refs.bib\n", encoding="utf-8")
    return root


def test_a_missing_bib_file_is_a_usage_error_of_one_line(tmp_path, capsys):
    page = tmp_path / "p.md"
    page.write_text("Some 42% of people [@used].\n", encoding="utf-8")
    assert main(["--bib", str(tmp_path / "nope.bib"), str(page)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1 and "nope.bib" in captured.err and "no such bibliography file" in captured.err


def test_a_bibliography_missing_from_the_config_is_a_usage_error(tmp_path, monkeypatch, capsys):
    _site(tmp_path)
    (tmp_path / "refs.bib").unlink()
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2
    assert "refs.bib: no such bibliography file" in capsys.readouterr().err


def test_a_missing_config_given_explicitly_is_a_usage_error(tmp_path, capsys):
    page = tmp_path / "p.md"
    page.write_text("Some 42% of people [@used].\n", encoding="utf-8")
    assert main(["--config", str(tmp_path / "nope.yml"), "--bib", BIB, str(page)]) == 2
    assert "nope.yml: no such config file" in capsys.readouterr().err


def test_a_folder_without_pages_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("42% of people\n", encoding="utf-8")
    assert main(["--bib", BIB, str(tmp_path / "empty")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "no pages found" in captured.err and captured.err.count("\n") == 1


@pytest.mark.parametrize("name", ["notes.txt", "page.html", "refs.bib", "README"])
def test_a_file_that_is_not_markdown_is_refused(name, tmp_path, capsys):
    other = tmp_path / name
    other.write_text("Some 42% of people.\n", encoding="utf-8")
    assert main(["--bib", BIB, str(other)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "not a Markdown page" in captured.err and name in captured.err


def test_a_markdown_file_is_accepted_whatever_the_case_of_its_suffix(tmp_path, capsys):
    page = tmp_path / "Page.MD"
    page.write_text("About a third of treated adults have TRD [@zhdanava2021].\n", encoding="utf-8")
    assert main(["--bib", BIB, "--format", "json", str(page)]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["claims"][0]["status"] == "supported"


@pytest.mark.parametrize(
    "cwd, path",
    [
        (".", "ABSOLUTE"),
        (".", "docs/sub/page.md"),
        (".", "./docs/sub/page.md"),
        (".", "docs"),
        (".", "docs/sub"),
        (".", None),
        ("docs", "sub/page.md"),
        ("docs/sub", "page.md"),
        ("docs/sub", "../../docs/sub/page.md"),
        ("docs/sub", None),
    ],
)
def test_github_paths_are_relative_to_the_repository_root(cwd, path, tmp_path, monkeypatch, capsys):
    root = _site(tmp_path)
    (root / "refs.bib").write_text(ENTRIES + "@article{broken, title={T}}\n", encoding="utf-8")
    monkeypatch.chdir(root / cwd)
    argv = ["--format", "github"] + ([] if path is None else [str(root / "docs/sub/page.md") if path == "ABSOLUTE" else path])
    assert main(argv) == 1
    out = capsys.readouterr().out
    assert "::error file=docs/sub/page.md,line=1,title=unsupported::" in out
    assert "::error file=refs.bib,line=3,title=bib-error::" in out


def test_a_subset_of_pages_says_nothing_about_entries_other_pages_cite(tmp_path, monkeypatch, capsys):
    _site(tmp_path)
    monkeypatch.chdir(tmp_path)
    for subset in (["docs/sub/page.md"], ["docs/sub"], ["docs/other.md"]):
        main(["--format", "json", *subset])
        kinds = [p["kind"] for p in json.loads(capsys.readouterr().out)["problems"]]
        assert "uncited-entry" not in kinds, subset
    (tmp_path / "refs.bib").write_text(ENTRIES + "@article{nobody, author={E, F}, title={V}, journal={J}, year={2024}}\n", encoding="utf-8")
    for whole in ([], ["docs"]):
        main(["--format", "json", *whole])
        uncited = [p["text"] for p in json.loads(capsys.readouterr().out)["problems"] if p["kind"] == "uncited-entry"]
        assert uncited == ["nobody"], whole
STATUS_CORPUS = CORPUS / "status"


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("text", ["status.md:23: stale-status: «available on the NHS»", "notes.md:9: working-note: «we have not yet checked»", "secondary.md:9: secondary-source: «40%»"]),
        ("github", ["status.md,line=23,title=stale-status::", "notes.md,line=9,title=working-note::", "secondary.md,line=9,title=secondary-source::"]),
        ("json", ['"kind": "stale-status"', '"kind": "working-note"', '"kind": "secondary-source"', '"verdict": "stale"']),
    ],
)
def test_new_kinds_in_every_format(fmt, expected, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here or above: the defaults, whatever the project's says
    assert main(["--bib", str(STATUS_CORPUS / "references.bib"), "--format", fmt, str(STATUS_CORPUS)]) == 1
    out = capsys.readouterr().out
    if fmt == "json":
        out = json.dumps(json.loads(out))
    for fragment in expected:
        assert fragment in out, fragment


def test_mkdocs_yml_sets_the_status_age_limit(tmp_path, monkeypatch, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("---\nreviewed: 2026-01-01\naudience: clinicians\n---\n\nIt is approved [@old].\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@misc{old, author={A, B}, title={T}, howpublished={W}, year={2020}}\n", encoding="utf-8")
    config = "site_name: x\nextra:\n  claimcheck:\n    bibliography: refs.bib\n    status_max_age_years: {}\n"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(config.format(10), encoding="utf-8")
    assert main(["--quiet"]) == 0 and "stale-status" not in capsys.readouterr().out
    (tmp_path / "mkdocs.yml").write_text(config.format(3), encoding="utf-8")
    assert main(["--quiet"]) == 0 and "index.md:6: stale-status: «approved»" in capsys.readouterr().out
    (tmp_path / "mkdocs.yml").write_text(config.format("soon"), encoding="utf-8")
    assert main([]) == 2 and "status_max_age_years" in capsys.readouterr().err


def test_mkdocs_yml_sets_the_reading_grade_limits(tmp_path, monkeypatch, capsys):
    hard = "Pharmacokinetic heterogeneity substantially complicates individualised antidepressant optimisation strategies."
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(f'---\nreviewed: 2026-01-01\n---\n\n!!! abstract "In short"\n    {hard}\n\n{hard}\n', encoding="utf-8")
    (tmp_path / "refs.bib").write_text("", encoding="utf-8")
    config = "site_name: x\nextra:\n  claimcheck:\n    bibliography: refs.bib\n    max_grade_body: {}\n    max_grade_summary: {}\n"
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mkdocs.yml").write_text(config.format(9, 8), encoding="utf-8")
    assert main(["--quiet"]) == 0
    out = capsys.readouterr().out
    assert "index.md:1: readability: «body grade" in out and "index.md:5: readability: «In short grade" in out
    (tmp_path / "mkdocs.yml").write_text(config.format(40, 40), encoding="utf-8")
    assert main(["--quiet"]) == 0 and "readability" not in capsys.readouterr().out
    (tmp_path / "mkdocs.yml").write_text(config.format(9, "easy"), encoding="utf-8")
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "max_grade_summary" in err and "'easy'" in err
