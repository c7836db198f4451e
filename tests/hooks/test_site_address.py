"""Where the guide is published and where readers report errors: set once in
mkdocs.yml, from SITE_URL and REPO_URL when the publish workflow builds."""

from __future__ import annotations

import re

import yaml
from mkdocs.config import load_config

from conftest import ROOT


def _config(monkeypatch, **env):
    for name in ("SITE_URL", "REPO_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return load_config(config_file=str(ROOT / "mkdocs.yml"))


def test_addresses_default_to_the_repository_on_github_pages(monkeypatch):
    config = _config(monkeypatch)
    assert config.site_url == "https://trd-guide.github.io/trd-guide/"
    assert config.extra["repository"] == "https://github.com/trd-guide/trd-guide"
    assert "example.org" not in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


def test_environment_sets_the_addresses(monkeypatch):
    config = _config(monkeypatch, SITE_URL="https://guide.example.net/", REPO_URL="https://github.com/someone/guide")
    assert config.site_url == "https://guide.example.net/"
    assert config.extra["repository"] == "https://github.com/someone/guide"


def test_publish_workflow_passes_the_real_addresses():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    build = next(step for step in steps if step.get("run") == "make build")
    assert build["env"]["SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert build["env"]["REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert any(step.get("id") == "pages" and step["uses"].startswith("actions/configure-pages@") for step in steps)


def test_about_page_links_to_the_issue_tracker():
    about = (ROOT / "docs" / "about.md").read_text(encoding="utf-8")
    assert re.search(r"\]\(\{repository\}/issues\)", about)
