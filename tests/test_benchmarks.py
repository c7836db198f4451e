"""Smoke test of every benchmark script on a tiny site: each runs to the end and
prints its report. No timing is asserted (speed targets live in benchmarks/ only)."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT

BENCH = ROOT / "benchmarks"


def _run(*args: str, timeout: float = 180) -> str:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done.stdout


def test_generate_writes_a_site_whose_every_claim_matches(tmp_path):
    out = _run(str(BENCH / "generate.py"), str(tmp_path / "site"), "--pages", "12", "--stats", "10", "--entries", "60")
    assert "'pages': 12" in out
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "claimcheck", "--bib", "references.bib", "--config", "mkdocs-ours.yml",
                           "--quiet", "docs"], cwd=site, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "120 claims (120 matched to a finding); 0 errors, 0 warnings" in done.stderr
    assert len(list((site / "docs").rglob("page-*.md"))) == 12
    for variant in ("plain", "ours", "bibtex"):
        assert (site / f"mkdocs-{variant}.yml").is_file()


def test_run_quick_reports_builds_and_the_editor_loop():
    out = _run(str(BENCH / "run.py"), "--quick", "--no-bibtex", "--no-write", "--no-pathological",
               "--pages", "3", "--stats", "3", "--entries", "12")
    assert "| plain Material (no citations) |" in out
    assert "| peak RSS ours / plain (cold cache) |" in out
    assert "| with the hooks, one entry of references.bib |" in out


def test_run_quick_scaling_fits_an_exponent():
    out = _run(str(BENCH / "run.py"), "--quick", "--no-bibtex", "--no-write", "--only-scaling")
    assert "Growth exponent k of wall time" in out
    assert "**Bibliography size**" in out


def test_editor_quick_times_three_saves():
    out = _run(str(BENCH / "editor.py"), "--quick")
    for row in ("plain Material, one page", "with the hooks, one page", "with the hooks, one entry of references.bib"):
        assert f"| {row} |" in out


def test_pathological_tiny_fits_each_function():
    out = _run(str(BENCH / "pathological.py"), "digits", "--tiny", "--timeout", "60")
    assert "parse_document" in out and "exponent" in out


def test_profile_build_prints_the_hooks_events():
    out = _run(str(BENCH / "profile_build.py"), "--pages", "3", "--stats", "3", "--entries", "12", "--top", "5")
    assert "the hooks' MkDocs events" in out
    assert "on_files" in out
