"""Property tests: whatever the text, the checker does not crash, reports only
lines that exist and kinds that are documented, and is deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimcheck.bibliography import parse_bibliography
from claimcheck.check import check_page
from claimcheck.document import parse_document
from claimcheck.pipeline import check_site
from claimcheck.problems import KINDS
from claimcheck.render import render_markdown

BIB = parse_bibliography(
    "@article{a, author={A, B}, title={T}, journal={J}, year={2020}, findings={x: 30.9%; y: 2.8 million}}\n"
    "@article{b.c:d, author={C, D}, title={U}, journal={J}, year={2021}}\n",
    "refs.bib",
)

FRAGMENTS = st.sampled_from([
    "About a third of people", "70%", "70-80%", "48% to 75%", "one in three", "2.8 million", "$43.8 billion",
    "1.5-fold", "twice as likely", "half of the patients", "[@a]", "[@a; @b.c:d]", "[see @a, pp. 3-4]", "@a",
    "[@missing]", "`code 5%`", "<!-- 6% -->", "<!-- claimcheck: ignore -->", "https://x.org/7%", "DSM-5",
    "e.g.", "et al.", ".", ". ", "\n", "\n\n", "- ", "1. ", "> ", "| a | b |\n|---|---|\n| 9% | [@a] |\n",
    "!!! note\n    ", "```\n", "    ", "[^1]", "\n[^1]: ", "---\n", "# ", "\\@a", "mail@x.org", "[", "]", "(", ")",
])
MARKDOWN = st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=40).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str):
    document = parse_document(text, "p.md")
    report = check_page(document, BIB, frozenset({"durations", "dated_events"}))
    return document, check_site([report], BIB)


@SETTINGS
@given(MARKDOWN)
def test_grammar_markdown_never_crashes_and_reports_real_lines(text):
    document, site = _check(text)
    lines = document.source.count("\n") + 1
    for problem in site.problems:
        assert problem.kind in KINDS
        if problem.file == "p.md":
            assert 1 <= problem.line <= lines
    for claim in site.claims:
        assert 1 <= claim.line <= lines
        assert claim.text in document.source


@SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text_never_crashes_and_is_deterministic(text):
    first = [p.format() for p in _check(text)[1].problems]
    second = [p.format() for p in _check(text)[1].problems]
    assert first == second
    render_markdown(text, BIB)


ENTRY = st.builds(
    lambda kind, key, fields, cut: (f"@{kind}{{{key},\n" + ",\n".join(f"  {k} = {{{v}}}" for k, v in fields) + "\n}\n")[: cut or None],
    st.sampled_from(["article", "book", "misc", "online", "weird"]),
    st.sampled_from(["a", "b.c:d", "", "A", "dup", "dup"]),
    st.lists(st.tuples(st.sampled_from(["author", "title", "journal", "year", "doi", "url", "findings", "evidence", "date"]),
                       st.one_of(st.sampled_from(["x: 30%", "Bad: 1", "10.1/x", "javascript:1", "{\\\"o}", "rct", "2020"]), st.text(max_size=15))),
             max_size=6),
    st.integers(min_value=0, max_value=80),
)


@SETTINGS
@given(st.lists(st.one_of(ENTRY, st.text(max_size=30)), max_size=8).map("".join))
def test_bibtex_from_the_grammar_never_crashes(text):
    bib = parse_bibliography(text, "refs.bib")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    for problem in bib.problems:
        assert problem.kind == "bib-error" and 1 <= problem.line <= lines
