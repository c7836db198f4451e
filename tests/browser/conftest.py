"""Fixtures for the browser tests: the built site, one Chromium, fresh pages.

The site is built once (`mkdocs build --strict`) into a temporary directory and
served by Python's http.server on 127.0.0.1. Chromium is Debian's /usr/bin/chromium
driven by Playwright; one browser per session, one context per test.

No test may reach the internet: every context aborts any request that is not for the
local server and records it, and such a request fails the test that caused it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def _load(name: str, filename: str):
    """Import HERE/filename as `name`, once per process (shared with tests/test_links.py)."""
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, HERE / filename)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


builtsite = _load("trd_builtsite", "builtsite.py")
ui_helpers = _load("trd_browser_ui", "ui.py")

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces: no name but 127.0.0.1 resolves, so nothing can leave the machine.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},  # wide enough for Material's sidebars
    "phone": {"width": 390, "height": 844},
}
ARTIFACTS = builtsite.REPO / "test-artifacts"


@pytest.fixture(scope="session")
def site():
    """The real site (mkdocs.yml at the repository root), built strictly and served."""
    try:
        return builtsite.built_site()
    except builtsite.BuildError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing: install Debian's Chromium (`make browser` or "
            "`apt-get install -y chromium`) to run the browser tests"
        )
        if "CI" in os.environ:
            pytest.fail(f"CI is set and {reason}", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def ui():
    """Helpers that drive Material's UI (tests/browser/ui.py)."""
    return ui_helpers


def _guarded_context(browser, site, viewport: str, blocked: list, **options):
    """A new context that aborts (and records in `blocked`) requests off the local server."""
    # Material drops its CSS transitions for reduced motion: faster, steadier clicks.
    options.setdefault("reduced_motion", "reduce")
    context = browser.new_context(viewport=VIEWPORTS[viewport], **options)
    context.set_default_timeout(10_000)

    def block(route):
        blocked.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(site.base_url), block)
    return context


@pytest.fixture
def open_page(browser, site):
    """Factory: open_page("desktop"|"phone", path=None, **context_options) -> Page.

    Each call makes a new browser context (own storage) that only reaches the local
    server. Contexts are closed after the test; any blocked outside request fails it.
    """
    contexts = []
    blocked: list[str] = []

    def _open(viewport: str = "desktop", path: str | None = None, **options):
        context = _guarded_context(browser, site, viewport, blocked, **options)
        contexts.append(context)
        page = context.new_page()
        if path is not None:
            page.goto(site.url(path))
        return page

    yield _open
    for context in contexts:
        context.close()
    if blocked:
        pytest.fail(f"the page tried to reach outside the local server: {sorted(set(blocked))}")


def _tour(browser, site, viewport: str, with_axe: bool):
    """Open every built page once in one context and record what the per-page tests check."""
    blocked: list[str] = []
    context = _guarded_context(browser, site, viewport, blocked)
    try:
        return ui_helpers.tour(context, site, with_axe=with_axe, blocked=blocked)
    finally:
        context.close()


@pytest.fixture(scope="session")
def desktop_tour(browser, site):
    """Every page on a desktop viewport: safety notes, requests and axe-core results."""
    return _tour(browser, site, "desktop", with_axe=True)


@pytest.fixture(scope="session")
def phone_tour(browser, site):
    """Every page on a phone viewport: safety notes and requests."""
    return _tour(browser, site, "phone", with_axe=False)


@pytest.fixture(scope="session")
def citing_page(site) -> str:
    """Site-relative URL of the first page (nav order) with a citation marker."""
    url = site.first_page_with_class("cite-link")
    assert url is not None, "no built page has a citation marker (.cite-link)"
    return url


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
