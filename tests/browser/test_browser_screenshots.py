"""Screenshots of the home page and a treatment page for reviewers (test-artifacts/)."""

import struct

import pytest

pytestmark = pytest.mark.browser


def _treatment_page(site) -> str:
    treatments = [u for u in site.pages if u.startswith("treatments/")]
    if treatments:
        return treatments[0]
    generated = {u for u in site.pages if {"ledger", "site-bibliography"} & site.facts(u).classes}
    content = [u for u in site.pages if u != "" and u not in generated]
    assert content, "the site has no content page besides the home page"
    return content[0]


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("which", ["home", "treatment"])
def test_screenshot(open_page, site, artifacts_dir, viewport, which):
    url = "" if which == "home" else _treatment_page(site)
    page = open_page(viewport, url)
    page.evaluate("() => document.fonts.ready")
    name = f"{which}-{viewport}.png"
    path = artifacts_dir / name
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    assert width == page.viewport_size["width"], f"{name}: {width}px wide"
    assert height >= page.viewport_size["height"], f"{name}: only {height}px tall"
    assert len(data) > 10_000, f"{name} is suspiciously small ({len(data)} bytes)"
