"""Shared helpers: the repository root, a fresh cache per test, and MkDocs builds of
the named fixture sites in tests/fixtures/sites/ (in this process) or of the guide."""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from mkdocs.exceptions import MkDocsException

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
# One folder per scenario, each a whole site: a new scenario is a new folder.
SITES = FIXTURES / "sites"
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


@contextlib.contextmanager
def hook_state_kept(config):
    """MkDocs loads a hook file once per process, so what `on_startup` sets on the
    module (`mkdocs build` or `serve`) would reach every later build: put it back."""
    saved = {name: dict(vars(module)) for name, module in config.hooks.items()}
    try:
        yield
    finally:
        for name, module in config.hooks.items():
            vars(module).update(saved[name])


@dataclass
class Built:
    """One in-process build of a site: where it was written, what MkDocs
    logged (as `mkdocs build` prints it) and the error that stopped it, if any."""

    source: Path
    out: Path
    log: str
    error: MkDocsException | None

    @property
    def ok(self) -> bool:
        return self.error is None


def build_in_process(config_file: Path, out: Path, strict: bool = True) -> Built:
    """Build a site in this process as `mkdocs build` does (`on_startup`, `build`,
    `on_shutdown`), logging as it prints. The only errors caught are MkDocs' own
    (a failed strict build, a plugin error): anything else is a crash, and fails
    the test with its stack."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logged = io.StringIO()
    handler = logging.StreamHandler(logged)
    handler.setFormatter(logging.Formatter("%(levelname)-8s-  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    error = None
    try:
        config = load_config(str(config_file), site_dir=str(out), strict=strict)
        with hook_state_kept(config):
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()
    except MkDocsException as exc:
        error = exc
        logged.write(f"{exc}\n")
    finally:
        gc.unfreeze()  # a one-shot build leaves the checked pages frozen for the process's exit
        mkdocs_log.removeHandler(handler)
        mkdocs_log.setLevel(level)
    return Built(config_file.parent, out, logged.getvalue(), error)


@pytest.fixture
def build_site(tmp_path):
    """Build the fixture site tests/fixtures/sites/<scenario> in this process, into a
    temporary folder (the fixture itself is never written to)."""

    def build_scenario(scenario: str, strict: bool = True) -> Built:
        return build_in_process(SITES / scenario / "mkdocs.yml", tmp_path / scenario / "site", strict)

    return build_scenario
