"""The checker on another site: the package installed into a fresh virtual
environment checks a tiny separate site (no file from this guide), offline;
`.pre-commit-hooks.yaml` exposes it to pre-commit."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

PAGE = """---
title: Sleep
reviewed: 2026-01-10
audience: clinicians
---

# Sleep

In the survey, 42% of adults slept less than seven hours [@survey2020].
"""

BIB = """@article{survey2020,
  author = {Doe, Jane},
  title = {A sleep survey},
  journal = {Journal of Sleep},
  year = {2020},
  findings = {short-sleep-adults: 42% (adults sleeping less than seven hours)}
}
"""


def _fresh_environment(tmp_path: Path) -> Path:
    """A new virtual environment with the package installed from a copy of its
    source, without the network: `--no-index --no-deps --no-build-isolation`.
    Its dependencies (and setuptools, to build it) are lent by the environment
    running the tests through a `.pth` line, which adds that folder to the path
    but runs none of its own `.pth` files (so not this checkout's editable install)."""
    source = tmp_path / "source"
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source / "pyproject.toml")
    shutil.copytree(ROOT / "hooks" / "claimcheck", source / "hooks" / "claimcheck", ignore=shutil.ignore_patterns("__pycache__"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    site_packages = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                   check=True, capture_output=True, text=True).stdout.strip()
    (Path(site_packages) / "lend_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--disable-pip-version-check",
                              "--no-index", "--no-deps", "--no-build-isolation", "--ignore-installed", str(source)],
                             capture_output=True, text=True, env=_offline_env())
    assert install.returncode == 0, install.stderr
    return venv


def _offline_env() -> dict[str, str]:
    """The environment without PYTHONPATH (so nothing but the install is found)
    and with proxies that refuse, so any attempt to reach the network fails."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL")}
    return env | {"PIP_NO_INDEX": "1", "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"}


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    return _fresh_environment(tmp_path_factory.mktemp("install"))


def _tiny_site(folder: Path) -> Path:
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (folder / "sources.bib").write_text(BIB, encoding="utf-8")
    (folder / "mkdocs.yml").write_text("site_name: Sleep facts\nextra:\n  claimcheck:\n    bibliography: sources.bib\n", encoding="utf-8")
    return folder


def test_installed_package_checks_a_separate_site(fresh_venv, tmp_path):
    site = _tiny_site(tmp_path / "sleep-site")
    claimcheck = fresh_venv / "bin" / "claimcheck"
    where = subprocess.run([str(fresh_venv / "bin" / "python"), "-c", "import claimcheck; print(claimcheck.__file__)"],
                           capture_output=True, text=True, cwd=site, env=_offline_env())
    assert Path(where.stdout.strip()).is_relative_to(fresh_venv)  # the installed copy, not this checkout
    passed = subprocess.run([str(claimcheck)], capture_output=True, text=True, cwd=site, env=_offline_env())
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "1 pages, 1 claims (1 matched to a finding); 0 errors" in passed.stderr
    page = site / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8").replace("42%", "52%"), encoding="utf-8")
    failed = subprocess.run([str(claimcheck), "--format", "github"], capture_output=True, text=True, cwd=site, env=_offline_env())
    assert failed.returncode == 1
    assert failed.stdout.startswith("::error file=docs/index.md,line=9,title=unsupported::")
    assert "Traceback" not in failed.stderr


def test_pre_commit_hook_runs_the_installed_command():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "claimcheck")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert hook["entry"].split()[0] in scripts
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    files = re.compile(hook["files"])
    assert all(files.search(path) for path in ("docs/index.md", "references.bib", "mkdocs.yml", "site/mkdocs.yml"))
    assert not any(files.search(path) for path in ("hooks/claimcheck/cli.py", "docs/assets/citations.css", "not-mkdocs.yml"))


def test_every_module_the_package_imports_is_a_declared_dependency():
    """pre-commit (`language: python`) and pip install only what pyproject.toml
    declares: a module imported anywhere in the package (textstat, lazily, for
    reading grades) must be declared, or the installed checker stops with a traceback."""
    import ast
    from importlib.metadata import packages_distributions

    declared = {re.split(r"[<>=!~ \[;]", d)[0].lower().replace("_", "-")
                for d in tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]}
    imported = set()
    for module in (ROOT / "hooks" / "claimcheck").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = imported - set(sys.stdlib_module_names) - {"claimcheck", "__future__"}
    distributions = packages_distributions()
    missing = {name for name in third_party if not {d.lower().replace("_", "-") for d in distributions.get(name, [name])} & declared}
    assert not missing, f"imported but not in pyproject.toml's dependencies: {sorted(missing)}"
