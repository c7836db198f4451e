"""`mkdocs serve` as editors use it: problems show live, the server survives
broken input and recovers when the file is fixed."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys

from conftest import ROOT, SITES


def _builtsite():
    """tests/browser/builtsite.py, under the one name every test loads it by."""
    module = sys.modules.get("trd_builtsite")
    if module is None:
        spec = importlib.util.spec_from_file_location("trd_builtsite", ROOT / "tests" / "browser" / "builtsite.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["trd_builtsite"] = module
        spec.loader.exec_module(module)
    return module


builtsite = _builtsite()
_wait_for = builtsite.wait_for


def test_serve_shows_problems_live_and_recovers(tmp_path):
    site = builtsite.fixture_site("basic", tmp_path / "served")
    with builtsite.mkdocs_serve(site / "mkdocs.yml", tmp_path / "serve.log") as served:
        page, output = served.fetch, served.output
        assert _wait_for(lambda: "Zhdanava" in page()), output()
        bib = site / "references.bib"
        good = bib.read_text()
        bib.write_text(good + "@article{broken,\n  title = {x\n")
        assert _wait_for(lambda: "this entry is never closed" in output()), output()
        bib.write_text(good.replace("Zhdanava, Maryia", "Zhdanava, Maria"))
        assert _wait_for(lambda: "Maria Zhdanava" in page()), output()


MARK = re.compile(r'<mark class="claimcheck-problem claimcheck-error" tabindex="0" aria-describedby="(claimcheck-problem-\d+)">([^<]*)'
                  r'<span class="claimcheck-message" role="tooltip" id="\1">([^<]*)</span></mark>')


def test_serve_marks_problems_in_the_page_and_a_published_build_does_not(tmp_path, build_site):
    """The scenario `serve_planted`: the basic site with an uncited 12% and an unsupported 55% on other.md."""
    site = builtsite.fixture_site("serve_planted", tmp_path / "served")
    other = site / "docs" / "other.md"
    with builtsite.mkdocs_serve(site / "mkdocs.yml", tmp_path / "serve.log") as served:
        fetch, output = served.fetch, served.output
        assert _wait_for(lambda: "claimcheck-problem" in fetch("other/")), output()
        html = fetch("other/")
        marks = {text: message for _, text, message in MARK.findall(html)}
        assert set(marks) == {"12%", "55%"}, html
        assert marks["12%"].startswith("unsourced: ") and marks["55%"].startswith("unsupported: ")
        assert "2 problems on this page</summary>" in html
        assert "claimcheck-problem" not in fetch("")  # a page without problems has no marks and no count
        served_claims = json.loads(fetch("claims.json"))
        shutil.copy(SITES / "basic" / "docs" / "other.md", other)  # the editor fixes the page: the marks go on the next rebuild
        assert _wait_for(lambda: "Other page" in fetch("other/") and "claimcheck-problem" not in fetch("other/")), output()

    published = build_site("serve_planted", strict=False)
    html = (published.out / "other" / "index.html").read_text(encoding="utf-8")
    assert "55%" in html and "claimcheck-problem" not in html and "claimcheck-problems" not in html
    assert json.loads((published.out / "claims.json").read_text(encoding="utf-8")) == served_claims


def test_make_serve_on_a_taken_port_fails_with_one_clear_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(["make", "--no-print-directory", "serve", f"PORT={port}"], cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    # make's own "make: ***" line (or "make[1]: ***" when make test runs this inside make) is not ours
    ours = [line for line in (result.stdout + result.stderr).splitlines() if not re.match(r"make(?:\[\d+\])?: \*\*\*", line)]
    assert ours == [(f"make serve: port {port} on 127.0.0.1 is already in use (another server?): stop it, "
                     f"or run make serve PORT={port + 1}")], result.stdout + result.stderr


def test_make_serve_rejects_a_port_that_is_not_a_number():
    result = subprocess.run(["make", "--no-print-directory", "serve", "PORT=80a"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "PORT=80a is not a port number" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_serve_watches_the_snippets_and_the_template_overrides():
    """Everything a page is built from is watched: snippet folders and the theme's custom_dir."""
    from mkdocs.config import load_config

    config = load_config(str(ROOT / "mkdocs.yml"))
    watched = {os.path.realpath(path) for path in config.watch}
    snippets = config.mdx_configs.get("pymdownx.snippets", {}).get("base_path", [])
    needed = {os.path.realpath(ROOT / folder) for folder in snippets}
    needed.add(os.path.realpath(config.theme.custom_dir))
    assert (ROOT / "includes").resolve().as_posix() in needed
    assert needed <= watched, f"not watched by `mkdocs serve`: {sorted(needed - watched)}"
