"""`claimcheck diff BASE` on a tiny git repository: which claims a change adds,
alters and removes, with renamed pages and reworded sentences paired."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from claimcheck.cli import main
from claimcheck.diff import EDITED, REWORDED, pair, similarity
from conftest import FIXTURES, ROOT


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main", *args],
                   cwd=repo, check=True, capture_output=True)


def _edit(page: Path, old: str, new: str) -> None:
    text = page.read_text(encoding="utf-8")
    assert old in text
    page.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path) -> Path:
    """The claim_diff fixture committed as `main`, then edited in the working tree:
    one page renamed, one sentence reworded, one value changed, one topic fixed,
    one claim removed and one added."""
    repo = tmp_path / "site"
    shutil.copytree(FIXTURES / "claim_diff", repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    index = repo / "docs" / "index.md"
    _edit(index, "About 30.9% of US adults with medication-treated MDD have TRD", "Among US adults with medication-treated MDD, about 30.9% have TRD")
    _edit(index, "That is roughly 2.8 million US adults [", "That is roughly 2.8 million US adults with TRD [")
    _edit(index, "reached 67%", "reached 68%")
    _edit(index, "In all, 2.8 million US adults have TRD [@zhdanava2021].\n", "")
    (repo / "docs" / "trials").mkdir()
    _git(repo, "mv", "docs/star-d.md", "docs/trials/star-d.md")
    _edit(repo / "docs" / "trials" / "star-d.md", "# STAR*D\n", "# STAR*D\n\nOverall remission after up to four steps was 67% [@rush2006].\n")
    return repo


def _diff(repo: Path, monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.chdir(repo)
    status = main(["diff", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_lists_added_changed_and_removed_claims(repo, monkeypatch, capsys):
    status, out, _ = _diff(repo, monkeypatch, capsys, "main", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert data["base"] == "main"
    assert [(c["file"], c["text"], c["status"]) for c in data["added"]] == [("trials/star-d.md", "67%", "supported")]
    assert [(c["file"], c["line"], c["text"]) for c in data["removed"]] == [("index.md", 15, "2.8 million")]
    changed = {(c["after"]["file"], c["after"]["line"]): c for c in data["changed"]}
    assert set(changed) == {("index.md", 11), ("index.md", 13)}
    assert changed["index.md", 13]["changes"] == ["value", "verdict"]
    assert (changed["index.md", 13]["before"]["value"], changed["index.md", 13]["after"]["value"]) == ("67%", "68%")
    assert changed["index.md", 13]["before"]["finding"]["id"] == "stard-cumulative-remission"
    assert changed["index.md", 13]["after"]["status"] == "unsupported"
    assert changed["index.md", 11]["changes"] == ["verdict"]
    assert (changed["index.md", 11]["before"]["status"], changed["index.md", 11]["after"]["status"]) == ("off-topic", "supported")
    # The reworded 30.9% and the 36.8% on the renamed page are the same claims: unchanged, moved.
    assert (data["unchanged"], data["moved"]) == (2, 2)
    record = data["added"][0]
    assert set(record) == {"file", "line", "text", "citations", "status", "finding", "sentence", "value", "qualifier"}
    assert record["sentence"] == "Overall remission after up to four steps was 67% [@rush2006]."


def test_text_names_page_line_sentence_source_and_verdict(repo, monkeypatch, capsys):
    status, out, _ = _diff(repo, monkeypatch, capsys, "main")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "Claims against main: 1 added, 2 changed, 1 removed; 2 unchanged (2 of them moved or reworded)"
    assert "+ trials/star-d.md:9: «67%» @rush2006; supported (stard-cumulative-remission)" in lines
    assert "- index.md:15: «2.8 million» @zhdanava2021; supported (trd-us-adults)" in lines
    assert "~ index.md:13: «67% → 68%» @rush2006; supported (stard-cumulative-remission) → unsupported [value, verdict]" in lines
    assert "    was: Overall remission after up to four steps reached 67% [@rush2006]." in lines


def test_markdown_is_one_table_per_kind_of_change(repo, monkeypatch, capsys):
    _edit(repo / "docs" / "index.md", "US adults with TRD [", "US adults with TRD <b>|</b> [")
    status, out, _ = _diff(repo, monkeypatch, capsys, "main", "--format", "markdown")
    assert status == 0
    assert out.startswith("### Claims against `main`\n\n1 added, 2 changed, 1 removed; 2 unchanged (2 of them moved or reworded).\n")
    assert out.index("#### Added") < out.index("#### Removed") < out.index("#### Changed")
    assert "| `index.md:13` | 67% → 68% | Overall remission after up to four steps reached 68% [@rush2006].<br>was: " in out
    assert "| @rush2006 | supported (stard-cumulative-remission) → unsupported | value, verdict |" in out
    # Page text cannot break the table or inject HTML into the job summary.
    assert "&lt;b&gt;\\|&lt;/b&gt;" in out and "<b>" not in out


def test_committed_rename_and_no_change(repo, monkeypatch, capsys):
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "edits")
    status, out, _ = _diff(repo, monkeypatch, capsys, "HEAD~1", "--format", "json")
    assert status == 0 and json.loads(out)["moved"] == 2
    status, out, _ = _diff(repo, monkeypatch, capsys, "HEAD", "--format", "markdown")
    assert status == 0
    assert out.rstrip().endswith("No claim was added, changed or removed.")
    assert "5 unchanged (0 of them moved or reworded)" in out


def test_site_absent_at_base_adds_every_claim(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("Before the site.\n", encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "empty")
    shutil.copytree(FIXTURES / "claim_diff", repo / "site")
    status, out, _ = _diff(repo / "site", monkeypatch, capsys, "HEAD", "--format", "json")
    assert status == 0
    assert len(json.loads(out)["added"]) == 5


def test_site_in_a_subfolder_pairs_pages_renamed_there(tmp_path, monkeypatch, capsys):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "claim_diff", repo / "guide")
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    _git(repo, "mv", "guide/docs/star-d.md", "guide/docs/star-d-trial.md")
    status, out, _ = _diff(repo / "guide" / "docs", monkeypatch, capsys, "HEAD", "--format", "json")
    data = json.loads(out)
    assert status == 0
    assert (data["added"], data["removed"], data["changed"], data["unchanged"], data["moved"]) == ([], [], [], 5, 1)


def test_unknown_revision_and_no_repository_exit_two(repo, tmp_path, monkeypatch, capsys):
    status, out, err = _diff(repo, monkeypatch, capsys, "no-such-branch")
    assert (status, out) == (2, "")
    assert err.startswith("claimcheck diff: no-such-branch: not a revision of ")
    bibliography = (repo / "references.bib").read_text(encoding="utf-8")
    _git(repo, "rm", "-q", "references.bib")
    _git(repo, "commit", "-q", "-m", "no bibliography")
    _git(repo, "tag", "no-bib")
    (repo / "references.bib").write_text(bibliography, encoding="utf-8")
    status, _, err = _diff(repo, monkeypatch, capsys, "no-bib")
    assert status == 2
    assert err == "claimcheck diff: at no-bib: references.bib: no such bibliography file (from mkdocs.yml)\n"
    alone = tmp_path / "alone"
    shutil.copytree(FIXTURES / "claim_diff", alone)
    status, _, err = _diff(alone, monkeypatch, capsys, "main")
    assert status == 2 and "not inside a git repository" in err and "Traceback" not in err


def _claim(sentence: str, value: str = "30%", citations: tuple[str, ...] = ("a",), line: int = 1, finding: str | None = "x") -> dict:
    return {"file": "p.md", "line": line, "text": value, "citations": list(citations), "status": "supported" if finding else "unsupported",
            "finding": {"id": finding, "value": value, "key": citations[0], "note": ""} if finding else None,
            "sentence": sentence, "value": value, "qualifier": "exact"}


def test_pairing_rules_follow_the_documented_thresholds():
    sentence = "In one trial about 30% of people responded to the first treatment they were given [@a]."
    reworded = "About 30% of people in one trial responded to the first treatment [@a]."
    assert similarity(sentence, reworded) >= REWORDED
    assert pair("B", [_claim(sentence)], [_claim(reworded)], {}).unchanged == 1
    # Value and citations both changed: a different claim, however alike the sentence.
    other = _claim(sentence.replace("30%", "40%").replace("@a", "@b"), "40%", ("b",), finding="y")
    diff = pair("B", [_claim(sentence)], [other], {})
    assert (len(diff.added), len(diff.removed), diff.changed) == (1, 1, [])
    # A new value in a barely edited sentence is the same claim, changed.
    edited = sentence.replace("30%", "35%")
    assert similarity(sentence, edited) >= EDITED
    assert pair("B", [_claim(sentence)], [_claim(edited, "35%", finding=None)], {}).changed[0][2] == ("value", "verdict")
    # A new value in a rewritten sentence is a new claim, unless it matches the same finding of the same source.
    rewritten = "Responses were seen in 35% [@a]."
    assert similarity(sentence, rewritten) < EDITED
    assert len(pair("B", [_claim(sentence)], [_claim(rewritten, "35%", finding=None)], {}).added) == 1
    assert pair("B", [_claim(sentence)], [_claim(rewritten, "35%")], {}).changed[0][2] == ("value",)
    # Two claims of one value: each pairs with its most similar sentence.
    first, second = "The first trial found 30% [@a].", "A very different later cohort also reported 30% [@a]."
    diff = pair("B", [_claim(first, line=1), _claim(second, line=5)], [_claim(second, line=2)], {})
    assert [c["sentence"] for c in diff.removed] == [first]
    # A renamed page keeps its claims.
    moved = _claim(sentence) | {"file": "new/p.md"}
    assert pair("B", [_claim(sentence)], [moved], {"p.md": "new/p.md"}).moved == 1
    assert len(pair("B", [_claim(sentence)], [moved], {}).added) == 1


def test_pull_request_workflow_writes_the_markdown_diff_to_the_job_summary():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["test"]["steps"]
    step = next(s for s in steps if "claimcheck diff" in s.get("run", ""))
    # On pull requests only, and also after the Claims step failed (not only on success).
    assert step["if"] == "${{ !cancelled() && github.event_name == 'pull_request' }}"
    assert "--format markdown" in step["run"] and '>> "$GITHUB_STEP_SUMMARY"' in step["run"]
    assert "git fetch" in step["run"]
