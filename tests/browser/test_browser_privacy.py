"""Opening any page (and searching) contacts nothing but the site's own server."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob") or (
        parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1"
    )


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_every_page_requests_only_the_local_server(request, site, viewport):
    tour = request.getfixturevalue(f"{viewport}_tour")
    requests = tour["requests"]
    opened = {site.path_of(url) for _, url in requests if url.startswith(site.base_url)}
    assert set(site.pages) <= opened, f"pages never requested: {set(site.pages) - opened}"
    if viewport == "desktop":
        assert any(url.endswith("search_index.json") for _, url in requests), (
            "the search index was never fetched"
        )
    outside = sorted({f"{url}  (from {page})" for page, url in requests if not _is_local(url)})
    outside += sorted({f"{url}  (blocked)" for url in tour["blocked"]})
    assert not outside, "requests that leave the machine:\n" + "\n".join(outside)
