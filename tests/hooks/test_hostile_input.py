"""Broken and hostile input through a real build: clear one-line errors, no
traceback, nothing injected into the HTML, the tooltips or claims.json."""

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

PAGE_HEAD = "---\ntitle: T\nreviewed: 2026-01-10\naudience: clinicians\n---\n\n"


def write(site, name, data: bytes):
    (site / "docs" / name).write_bytes(data)


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("latin1.md", PAGE_HEAD.encode() + b"ok\n\xe9t\xe9 30%\n", "latin1.md:8: page-error: not valid UTF-8"),
        ("frontmatter.md", b"---\ntitle: [unclosed\n---\n\ntext\n", "frontmatter.md:1: page-error"),
        ("uncited.md", (PAGE_HEAD + "```\nunclosed fence\n\nStill 40% inside the fence.\n").encode(), None),
        ("bracket.md", (PAGE_HEAD + "An unclosed [@zhdanava2021 bracket with 31% in it.\n").encode(), "bracket.md:7: citation-syntax"),
    ],
)
def test_broken_pages_give_one_clear_line(build_fixture, name, data, expected):
    site, result = build_fixture("basic", lambda s: write(s, name, data))
    assert "Traceback" not in result.stderr
    if expected is None:
        assert result.returncode == 0 or "unsourced" not in result.stderr
    else:
        assert result.returncode == 1
        assert sum(expected in line for line in result.stderr.splitlines()) == 1, result.stderr


def test_bom_crlf_empty_and_front_matter_only_pages_build(build_fixture):
    def mutate(site):
        write(site, "crlf.md", ("\ufeff" + PAGE_HEAD + "About a third of treated adults have TRD [@zhdanava2021].\n").replace("\n", "\r\n").encode())
        write(site, "empty.md", b"")
        write(site, "only-front-matter.md", PAGE_HEAD.encode())

    site, result = build_fixture("basic", mutate, strict=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    claims = json.loads((site / "site" / "claims.json").read_text(encoding="utf-8"))["claims"]
    assert {"file": "crlf.md", "line": 7, "text": "a third", "status": "supported"}.items() <= next(c for c in claims if c["file"] == "crlf.md").items()


def test_hostile_bibliography_and_citation_text_are_escaped(build_fixture):
    evil = """
@article{evil,
  author = {Hacker, <img src=x onerror="alert(1)">},
  title = {<script>alert("title")</script>},
  journal = {J <b onmouseover=alert(2)>},
  year = {2020},
  url = {javascript:alert(3)},
  doi = {10.1000/"><script>alert(4)</script>},
  findings = {evil-share: 12%}
}
@article{data, author = {A, B}, title = {T}, journal = {J}, year = {2020}, url = {data:text/html;base64,PHNjcmlwdD4=}}
"""

    def mutate(site):
        bib = site / "references.bib"
        bib.write_text(bib.read_text() + evil)
        write(site, "evil.md", (PAGE_HEAD + 'Text 12% [see <script>alert(5)</script> @evil, p. "><b>]. And @data.\n').encode())

    site, result = build_fixture("basic", mutate, strict=False)
    assert "Traceback" not in result.stderr
    html = (site / "site" / "evil" / "index.html").read_text(encoding="utf-8")
    body = html[html.index('<article'):html.index('</article>')]
    assert_inert(body)
    assert "&lt;script&gt;alert(" in body
    claims_text = (site / "site" / "claims.json").read_text(encoding="utf-8")
    assert json.loads(claims_text)["claims"]
    bibliography = (site / "site" / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert_inert(bibliography[bibliography.index('<article'):bibliography.index('</article>')])
    ledger = (site / "site" / "evidence" / "index.html").read_text(encoding="utf-8")
    assert_inert(ledger[ledger.index('<article'):ledger.index('</article>')])
    assert "evil.md" in ledger or "T</a>" in ledger
    assert "not an http(s) address" in result.stderr and "DOI of evil is malformed" in result.stderr
