"""Shared helpers: the repository root, and a strict MkDocs build of a fixture site."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
sys.path.insert(0, str(ROOT / "hooks"))
# Tests (and the builds they start) never use or fill the editor's own cache;
# `fresh_cache` below gives each test its own folder.
os.environ["CLAIMCHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="claimcheck-cache-")


@pytest.fixture(autouse=True)
def fresh_cache(tmp_path_factory, monkeypatch):
    """An empty cache folder for each test, switched on whatever the shell says
    (`CLAIMCHECK_CACHE=off`), and no parse or formatted reference kept in this
    process from an earlier test: results cannot depend on test order."""
    import claimcheck.bibliography
    import claimcheck.formatting

    folder = tmp_path_factory.mktemp("claimcheck-cache")
    monkeypatch.setenv("CLAIMCHECK_CACHE_DIR", str(folder))
    monkeypatch.delenv("CLAIMCHECK_CACHE", raising=False)
    monkeypatch.setattr(claimcheck.bibliography, "_CACHE", {})
    monkeypatch.setattr(claimcheck.formatting, "FORMATTED", claimcheck.formatting.FormattedReferences())
    return folder


def run_mkdocs(config: Path, site_dir: Path, strict: bool = True) -> subprocess.CompletedProcess[str]:
    """Build a site as an editor would, in a separate process."""
    args = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir)]
    if strict:
        args.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)


@pytest.fixture
def build_fixture(tmp_path):
    """Copy a fixture site to a temporary folder (so tests may break it) and build it."""
    import shutil

    def build(name: str, mutate=None, strict: bool = True):
        site = tmp_path / name
        shutil.copytree(FIXTURES / name, site)
        config = site / "mkdocs.yml"
        text = config.read_text(encoding="utf-8").replace("../../../", str(ROOT) + "/")
        config.write_text(text, encoding="utf-8")
        if mutate:
            mutate(site)
        result = run_mkdocs(config, site / "site", strict)
        return site, result

    return build
