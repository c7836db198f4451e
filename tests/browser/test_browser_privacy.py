"""Opening any page (and searching) contacts nothing but the site's own server."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or (
        parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1"
    )


def test_every_page_requests_only_the_local_server(open_page, site, ui):
    page = open_page("desktop")
    requests = []
    page.context.on("request", lambda request: requests.append((page.url, request.url)))
    for url in site.pages:
        page.goto(site.url(url), wait_until="networkidle")
    ui.search(page, "depression")  # the search worker and its index load too
    page.wait_for_load_state("networkidle")

    assert len(requests) > len(site.pages), "the request listener saw (almost) nothing"
    assert any(u.endswith("search_index.json") for _, u in requests), "search index was never fetched"
    outside = sorted({f"{u}  (from {p})" for p, u in requests if not _is_local(u)})
    assert not outside, "requests that leave the machine:\n" + "\n".join(outside)
