"""Opt-in check of the built site's external links (DOIs, PubMed, guidelines).

Needs the internet, so it never runs in CI or the test suite against real hosts:
`make linkcheck-external` (or `python -m claimcheck.external_links site/`).
Each distinct URL is tried with HEAD, then GET, with retries and back-off; the
report lists every failing URL with the pages that link to it.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

USER_AGENT = "trd-guide-linkcheck/1.0 (+https://example.org/trd-guide/about/)"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://")):
                self.hrefs.append(href)


def external_links(site: Path, skip_hosts: tuple[str, ...] = ()) -> dict[str, set[str]]:
    """Every external URL in the built site, with the pages that link to it."""
    found: dict[str, set[str]] = {}
    for page in sorted(site.rglob("*.html")):
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        for href in parser.hrefs:
            if urlparse(href).hostname not in skip_hosts:
                found.setdefault(href, set()).add(page.relative_to(site).as_posix())
    return found


def check_url(url: str, retries: int = 3, timeout: float = 15.0) -> str | None:
    """None when the URL answers; otherwise the last error."""
    error = "no answer"
    for attempt in range(retries):
        for method in ("HEAD", "GET"):
            request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    if response.status < 400:
                        return None
                    error = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code}"
                if exc.code in (403, 405, 429) and method == "HEAD":
                    continue  # many publishers refuse HEAD or robots: try GET
                if exc.code < 500 and exc.code != 429:
                    return error
            except (urllib.error.URLError, OSError) as exc:
                error = str(getattr(exc, "reason", exc))
        time.sleep(min(2 ** attempt, 8))
    return error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m claimcheck.external_links", description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="the built site folder")
    parser.add_argument("--retries", type=int, default=3)
    parser.add_argument("--skip-host", action="append", default=["squidfunk.github.io"], help="hosts not to check")
    args = parser.parse_args(argv)
    if not args.site.is_dir():
        print(f"{args.site}: not a folder; build the site first (make build)", file=sys.stderr)
        return 2
    links = external_links(args.site, tuple(args.skip_host))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(links, pool.map(lambda u: check_url(u, args.retries), links)))
    broken = {url: error for url, error in results.items() if error}
    for url, error in sorted(broken.items()):
        print(f"{url}: {error} (linked from {', '.join(sorted(links[url]))})")
    print(f"{len(links)} external links checked, {len(broken)} broken", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
