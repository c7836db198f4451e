"""Broken and hostile input (one fixture site each) through a real build: clear
one-line errors, no traceback, nothing injected into the HTML, the tooltips or claims.json."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest


class Elements(HTMLParser):
    """Every start tag and its attributes, as a browser would build them."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def assert_inert(html: str) -> None:
    for tag, attrs in Elements(html).tags:
        assert tag not in ("script", "img", "iframe", "object"), tag
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src"):
            assert not attrs.get(name, "").lower().startswith(("javascript:", "data:")), attrs

@pytest.mark.parametrize(
    "scenario, expected",
    [
        ("page_latin1", "latin1.md:8: page-error: not valid UTF-8"),
        ("page_bad_front_matter", "frontmatter.md:1: page-error"),
        ("page_unclosed_fence", None),
        ("page_unclosed_bracket", "bracket.md:7: citation-syntax"),
    ],
)
def test_broken_pages_give_one_clear_line(build_site, scenario, expected):
    built = build_site(scenario)
    assert "Traceback" not in built.log
    if expected is None:
        assert built.ok or "unsourced" not in built.log
    else:
        assert not built.ok
        assert sum(expected in line for line in built.log.splitlines()) == 1, built.log


def test_an_unreadable_page_is_left_out_even_when_its_page_error_is_ignored(build_site):
    """`levels: {page-error: ignore}` hides the problem, not the page's bytes: the hook
    still takes the page out of the build, so MkDocs never reads it (a UnicodeDecodeError)."""
    built = build_site("page_latin1_error_ignored", strict=False)
    assert built.ok, built.log
    assert "page-error" not in built.log
    assert not (built.out / "latin1" / "index.html").exists()


def test_bom_crlf_empty_and_front_matter_only_pages_build(build_site):
    built = build_site("pages_bom_crlf_empty", strict=False)
    assert built.ok, built.log
    assert "Traceback" not in built.log
    claims = json.loads((built.out / "claims.json").read_text(encoding="utf-8"))["claims"]
    assert {"file": "crlf.md", "line": 7, "text": "a third", "status": "supported"}.items() <= next(c for c in claims if c["file"] == "crlf.md").items()


def test_hostile_bibliography_and_citation_text_are_escaped(build_site):
    built = build_site("hostile_bibliography", strict=False)
    assert "Traceback" not in built.log
    html = (built.out / "evil" / "index.html").read_text(encoding="utf-8")
    body = html[html.index('<article'):html.index('</article>')]
    assert_inert(body)
    assert "&lt;script&gt;alert(" in body
    # A citation's prefix in a heading reaches the table of contents (outside the article) as text only.
    assert_inert(html[html.index('<nav class="md-nav md-nav--secondary"'):html.index('<article')])
    assert "[see &lt;b onmouseover=alert(6)&gt;bold&lt;/b&gt; 1]" in html
    claims_text = (built.out / "claims.json").read_text(encoding="utf-8")
    assert json.loads(claims_text)["claims"]
    bibliography = (built.out / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert_inert(bibliography[bibliography.index('<article'):bibliography.index('</article>')])
    ledger = (built.out / "evidence" / "index.html").read_text(encoding="utf-8")
    assert_inert(ledger[ledger.index('<article'):ledger.index('</article>')])
    assert "evil.md" in ledger or "T</a>" in ledger
    assert "not an http(s) address" in built.log and "DOI of evil is malformed" in built.log
