"""`make build` runs `claimcheck` before the site generator and stops on a claim
error, so no generator (one that skips the MkDocs hooks included) publishes an
unchecked site; the publish workflow builds through `make build`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from conftest import ROOT, SITES

VENV = ROOT / ".venv"


def _site(scenario: str, folder: Path) -> Path:
    """A copy of the fixture site `scenario` (a tiny site with no hooks in its mkdocs.yml,
    as a generator that ignores hooks would build it) with this repository's Makefile."""
    shutil.copytree(SITES / scenario, folder)
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    return folder


def _make_build(site: Path) -> subprocess.CompletedProcess[str]:
    """`make build` with this checkout's environment (`-o`: never reinstall it)."""
    stamp = f"{VENV}/.installed"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAKE")}
    return subprocess.run(["make", "--no-print-directory", "build", f"VENV={VENV}", "-o", stamp], cwd=site, capture_output=True, text=True, env=env, timeout=300)


def test_make_build_checks_claims_then_builds(tmp_path):
    site = _site("make_build", tmp_path / "site")
    built = _make_build(site)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "1 pages, 1 claims (1 matched to a finding); 0 errors" in built.stderr
    assert built.stdout.index("bin/claimcheck") < built.stdout.index("bin/mkdocs build --strict")
    assert (site / "site" / "index.html").is_file()


def test_a_claim_error_stops_make_build_before_the_generator(tmp_path):
    site = _site("make_build_claim_error", tmp_path / "site")  # 39.9% where the source says 30.9%
    built = _make_build(site)
    assert built.returncode != 0
    assert "index.md:9: unsupported: «39.9%»" in built.stdout
    assert "mkdocs build" not in built.stdout
    assert not (site / "site").exists()


def test_publish_workflow_builds_through_make_build():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    runs = [step["run"] for step in workflow["jobs"]["build"]["steps"] if "run" in step]
    assert runs == ["make build"]
