"""Offline link check of the built site: internal links and their #anchors.

The site is built with `mkdocs build --strict` (shared with the browser tests, see
tests/browser/builtsite.py). Two checks together cover every internal link:

- LinkChecker, with its AnchorCheck plugin, crawls the site served on 127.0.0.1 and
  checks every link to a page or file of the site, and the anchors of links to other
  pages. Every URL that is not on the local server is ignored (only its syntax is
  checked): nothing leaves the machine, and external links are not checked here.
- A check in Python of every link with an #anchor against the ids of its target page.

Why both: once AnchorCheck is on, LinkChecker caches per URL *with* its anchor, so it
downloads and re-parses the whole target page for every distinct anchor. The guide
has well over a thousand generated ones (tables of contents, permalinks, citation
markers and their back-links, the bibliography's links to each citing place), which
would take LinkChecker minutes. So LinkChecker crawls a copy of the site in which
links within a page (href="#...") are neutralised, and it leaves the bibliography's
generated `#cite-N` links alone (syntax only); the Python check covers those, and all
other anchors again, in well under a second.

A fixture site (tests/fixtures/broken_links/) with one broken anchor of each kind
proves that both checks can fail.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

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
IN_PAGE_HREF = re.compile(r"""(<a\b[^>]*?\s)href=(["'])#""", re.IGNORECASE)
# Generated links to each place that cites a source (bibliography, "cited on"):
# checked by test_every_anchor_link_reaches_an_existing_anchor instead.
GENERATED_PLACE_LINK = r"#cite-[0-9]+$"


def _site_or_fail(config: Path | None = None):
    try:
        return builtsite.built_site(config) if config else builtsite.built_site()
    except builtsite.BuildError as error:
        pytest.fail(str(error), pytrace=False)


def linkchecker_executable() -> str:
    here = Path(sys.executable).parent / "linkchecker"
    if here.exists():
        return str(here)
    pytest.fail("linkchecker is not installed next to this Python: run `make setup`", pytrace=False)


def copy_without_in_page_links(site_dir: Path, dest: Path) -> Path:
    """Copy the built site, turning <a href="#x"> into <a data-in-page-href="#x">."""
    shutil.copytree(site_dir, dest)
    for page in dest.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(IN_PAGE_HREF.sub(r"\1data-in-page-href=\2#", text), encoding="utf-8")
    return dest


def run_linkchecker(site, workdir: Path):
    """Crawl a copy of `site` (in-page links neutralised) served on 127.0.0.1.

    Returns (process, base URL of the copy, rows of LinkChecker's CSV log).
    """
    copy = copy_without_in_page_links(site.directory, workdir / "site")
    base_url, server = builtsite.serve(copy)
    try:
        config = workdir / "linkcheckerrc"
        config.write_text(LINKCHECKER_RC, encoding="utf-8")
        start = [base_url + url for url in site.pages]  # every page, even one nothing links to
        command = [
            linkchecker_executable(),
            "--config", str(config),
            "--no-status",
            "--verbose",  # log every URL, so the test can see what was checked
            "--output", "csv",
            # Internal links only: anything that is not this server is only syntax-checked.
            "--ignore-url", "^(?!" + re.escape(base_url) + ")",
            "--ignore-url", GENERATED_PLACE_LINK,
            # A URL with a #fragment is fetched and its anchor checked, but its page is
            # crawled for links through its plain URL only.
            "--no-follow-url", "#",
            *start,
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
    finally:
        server.shutdown()
        server.server_close()
    lines = [line for line in process.stdout.splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))
    return process, base_url, start, rows


def problems(rows) -> list[dict]:
    return [row for row in rows if row.get("valid") != "True" or (row.get("warningstring") or "").strip()]


def describe(rows) -> str:
    out = []
    for row in rows:
        warning = " ".join((row.get("warningstring") or "").split())
        warning = re.sub(r"Available anchors: .*", "", warning)  # Material pages have hundreds
        out.append(
            f"- {row.get('urlname')!r} on {row.get('parentname') or '(start)'}: "
            f"{' '.join((row.get('result') or '').split())} {warning}".rstrip()
        )
    return "\n".join(out)


def broken_anchor_links(site) -> list[str]:
    """Links to an #anchor of a page of the site (the same page or another) whose
    target page has no element with that id."""
    broken = []
    for url in site.pages:
        facts = site.facts(url)
        for href in facts.links:
            target = urljoin(site.url(url), href)
            fragment = unquote(urlsplit(target).fragment)
            if not fragment or not target.startswith(site.base_url):
                continue
            path = site.path_of(target)
            path = path[: -len("index.html")] if path.endswith("index.html") else path
            if path in site.pages and fragment not in site.facts(path).ids:
                broken.append(f"/{url}: {href}")
    return sorted(set(broken))


# ------------------------------------------------------------------------ the real site


def test_the_site_has_no_broken_link_to_another_page_or_its_anchor(tmp_path):
    site = _site_or_fail()
    process, base_url, start, rows = run_linkchecker(site, tmp_path)

    assert rows, f"LinkChecker logged nothing:\n{process.stdout[-3000:]}\n{process.stderr[-3000:]}"
    bad = problems(rows)
    assert process.returncode == 0 and not bad, (
        f"LinkChecker exit {process.returncode}; broken links:\n{describe(bad)}\n"
        f"{process.stderr[-1500:]}"
    )
    checked = {row["url"] for row in rows}
    unchecked = [url for url in start if url not in checked]
    assert not unchecked, f"pages LinkChecker did not check: {unchecked}"


def test_every_anchor_link_reaches_an_existing_anchor():
    site = _site_or_fail()
    anchored = sum(1 for url in site.pages for href in site.facts(url).links if "#" in href)
    assert anchored, "no page links to an #anchor: is this the built guide?"
    broken = broken_anchor_links(site)
    assert not broken, "links to anchors that do not exist:\n" + "\n".join(broken)


# ------------------------------------------------------- the checks can fail (fixture)


def test_the_link_check_fails_on_a_broken_anchor_in_another_page(tmp_path):
    site = _site_or_fail(BROKEN_FIXTURE)
    process, base_url, start, rows = run_linkchecker(site, tmp_path)

    assert process.returncode != 0, f"LinkChecker passed a site with a broken anchor:\n{process.stdout}"
    assert "other/#missing" in process.stdout, f"the broken URL is not named:\n{process.stdout}"
    bad = problems(rows)
    assert [row["urlname"] for row in bad] == ["other/#missing"], (
        f"expected exactly the broken anchor to be reported, got:\n{describe(bad)}"
    )
    assert "missing" in bad[0]["warningstring"] and "not found" in bad[0]["warningstring"], bad[0]
    # The good link to an existing anchor on the other page was checked and passed.
    good = [row for row in rows if row["urlname"] == "other/#a-section"]
    assert good and good[0]["valid"] == "True" and not good[0]["warningstring"].strip(), good


def test_the_anchor_check_fails_on_broken_anchors_in_the_same_and_another_page():
    site = _site_or_fail(BROKEN_FIXTURE)
    assert broken_anchor_links(site) == ["/: #nowhere", "/: other/#missing"]
