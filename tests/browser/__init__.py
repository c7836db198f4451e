"""Browser tests of the built site (Playwright + Debian Chromium). A package, so that
its conftest does not shadow tests/conftest.py, which other tests import as `conftest`."""
