"""Offline link check of the built site with LinkChecker (internal links and anchors).

The site is built with `mkdocs build --strict` and served on 127.0.0.1 (shared with
the browser tests, see tests/browser/builtsite.py). LinkChecker crawls it with its
AnchorCheck plugin on; every URL that is not on the local server is ignored (only its
syntax is checked), so nothing leaves the machine. External links are not checked here.

A fixture site (tests/fixtures/broken_links/) with a deliberately broken anchor proves
the check can fail.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

TESTS = Path(__file__).resolve().parent
BROKEN_FIXTURE = TESTS / "fixtures" / "broken_links" / "mkdocs.yml"


def _load(name: str, path: Path):
    """Import `path` as `name`, once per process (shared with tests/browser/conftest.py)."""
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


builtsite = _load("trd_builtsite", TESTS / "browser" / "builtsite.py")

LINKCHECKER_RC = """\
[checking]
# The local test server answers with a "LinkChecker" header, which lifts
# LinkChecker's default throttle of 10 requests a second for it.
maxrequestspersecond=1000

[AnchorCheck]
"""


def linkchecker_executable() -> str:
    here = Path(sys.executable).parent / "linkchecker"
    if here.exists():
        return str(here)
    pytest.fail("linkchecker is not installed next to this Python: run `make setup`", pytrace=False)


def run_linkchecker(site, start_urls: list[str], workdir: Path):
    """Crawl `start_urls` on the local server; return (process, rows of its CSV log)."""
    config = workdir / "linkcheckerrc"
    config.write_text(LINKCHECKER_RC, encoding="utf-8")
    command = [
        linkchecker_executable(),
        "--config", str(config),
        "--no-status",
        "--verbose",  # log every URL, so the test can see what was checked
        "--output", "csv",
        # Internal links only: anything that is not this server is only syntax-checked.
        "--ignore-url", "^(?!" + re.escape(site.base_url) + ")",
        # URLs with a #fragment are still fetched and their anchor checked, but not
        # crawled again for links (their page is crawled through its plain URL):
        # with AnchorCheck on, LinkChecker re-downloads the page for every fragment.
        "--no-follow-url", "#",
        *start_urls,
    ]
    env = dict(
        os.environ,
        HOME=str(workdir),
        XDG_CONFIG_HOME=str(workdir),
        XDG_DATA_HOME=str(workdir),
        # Should anything slip past --ignore-url, send it to a closed local port.
        http_proxy="http://127.0.0.1:9",
        https_proxy="http://127.0.0.1:9",
        HTTP_PROXY="http://127.0.0.1:9",
        HTTPS_PROXY="http://127.0.0.1:9",
        no_proxy="127.0.0.1",
        NO_PROXY="127.0.0.1",
    )
    process = subprocess.run(command, capture_output=True, text=True, env=env, timeout=1200)
    lines = [line for line in process.stdout.splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))
    return process, rows


def problems(rows) -> list[dict]:
    return [row for row in rows if row.get("valid") != "True" or (row.get("warningstring") or "").strip()]


def describe(rows) -> str:
    return "\n".join(
        f"- {row.get('urlname')!r} on {row.get('parentname') or '(start)'}: "
        f"{(row.get('result') or '').strip()} {(row.get('warningstring') or '').strip()}".rstrip()
        for row in rows
    )


def _site_or_fail(config: Path | None = None):
    try:
        return builtsite.built_site(config) if config else builtsite.built_site()
    except builtsite.BuildError as error:
        pytest.fail(str(error), pytrace=False)


def test_the_site_has_no_broken_internal_link_or_anchor(tmp_path):
    site = _site_or_fail()
    start = [site.url(url) for url in site.pages]  # every page, even one nothing links to
    process, rows = run_linkchecker(site, start, tmp_path)

    assert rows, f"LinkChecker logged nothing:\n{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
    bad = problems(rows)
    assert process.returncode == 0 and not bad, (
        f"LinkChecker exit {process.returncode}; broken links:\n{describe(bad)}\n"
        f"{process.stderr[-2000:]}"
    )

    checked = {row["url"] for row in rows}
    unchecked = [url for url in start if url not in checked]
    assert not unchecked, f"pages LinkChecker did not check: {unchecked}"
    # It crawled beyond the start pages: the anchors of citations and references, too.
    assert any(urlsplit(row["url"]).fragment for row in rows), "no link with an #anchor was checked"


def test_the_link_check_fails_on_a_broken_anchor(tmp_path):
    site = _site_or_fail(BROKEN_FIXTURE)
    process, rows = run_linkchecker(site, [site.base_url], tmp_path)

    assert process.returncode != 0, f"LinkChecker passed a site with a broken anchor:\n{process.stdout}"
    assert "other/#missing" in process.stdout, f"the broken URL is not named:\n{process.stdout}"
    bad = problems(rows)
    assert [row["urlname"] for row in bad] == ["other/#missing"], (
        f"expected exactly the broken anchor to be reported, got:\n{describe(bad)}"
    )
    assert "missing" in bad[0]["warningstring"], bad[0]
    # The good link to an existing anchor was checked and passed.
    good = [row for row in rows if row["urlname"] == "other/#a-section"]
    assert good and good[0]["valid"] == "True" and not good[0]["warningstring"].strip(), good
