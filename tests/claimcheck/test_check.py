"""The claim corpus: real-looking pages whose expected problems are written in
them as `<!-- expect: kind «text» -->` comments on the line concerned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimcheck.bibliography import load_bibliography, parse_bibliography
from claimcheck.check import check_page
from claimcheck.document import parse_document
from claimcheck.pipeline import check_site
from claimcheck.quantities import APPROX, AT_LEAST, AT_MOST, EXACT, NEARLY, matches

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
EXPECT = re.compile(r"<!-- expect: (?P<kind>[\w-]+) «(?P<text>[^»]*)» -->")
CHECKED_KINDS = {"unsourced", "unknown-key", "unsupported", "off-topic", "unverified", "conflict", "waived", "damaged-entry"}


def expected(document) -> set[tuple[int, str, str]]:
    return {
        (document.line_of(m.start()), m.group("kind"), m.group("text"))
        for m in EXPECT.finditer(document.source)
    }


def found(problems) -> set[tuple[int, str, str]]:
    return {(p.line, p.kind, p.text) for p in problems if p.kind in CHECKED_KINDS}


@pytest.fixture(scope="module")
def bibliography():
    bib = load_bibliography(CORPUS / "references.bib")
    assert bib.problems == []
    return bib


@pytest.mark.parametrize("page", sorted((CORPUS / "pages").glob("*.md")), ids=lambda p: p.name)
def test_corpus_page(page, bibliography):
    document = parse_document(page.read_text(encoding="utf-8"), page.name)
    report = check_page(document, bibliography)
    assert found(report.problems) == expected(document)


def test_conflict_across_pages_names_both_places(bibliography):
    pages = sorted((CORPUS / "conflict").glob("*.md"))
    documents = [parse_document(p.read_text(encoding="utf-8"), p.name) for p in pages]
    site = check_site([check_page(d, bibliography) for d in documents], bibliography)
    wanted = set().union(*(expected(d) for d in documents))
    assert found(site.problems) == wanted
    conflict = next(p for p in site.problems if p.kind == "conflict")
    assert "a.md:8" in conflict.message and "ketamine-response-24h" in conflict.message


def test_both_values_in_one_sentence_is_not_a_conflict(bibliography):
    document = parse_document("Response was 71% in one trial and 64% in another [@trialA; @trialB].\n", "p.md")
    site = check_site([check_page(document, bibliography)], bibliography)
    assert [p for p in site.problems if p.kind == "conflict"] == []
    assert [c.status for c in site.claims] == ["supported", "supported"]


def test_sources_that_disagree_are_listed_not_errors(bibliography):
    site = check_site([], bibliography)
    assert set(site.disagreements) == {"ketamine-response-24h"}
    assert not [p for p in site.problems if p.severity == "error"]


def test_claims_keep_file_line_text_and_finding(bibliography):
    document = parse_document("---\ntitle: x\n---\n\nAbout a third of adults treated for depression have TRD [@zhdanava2021].\n", "p.md")
    (claim,) = check_page(document, bibliography).claims
    assert (claim.file, claim.line, claim.text, claim.status) == ("p.md", 5, "a third", "supported")
    assert claim.finding.id == "trd-share-treated-mdd"
    assert claim.as_dict()["finding"] == {"id": "trd-share-treated-mdd", "value": "30.9%", "key": "zhdanava2021", "note": "US adults with medication-treated MDD"}


def test_every_problem_names_file_line_text_and_a_fix(bibliography):
    for page in sorted((CORPUS / "pages").glob("*.md")):
        document = parse_document(page.read_text(encoding="utf-8"), page.name)
        for problem in check_page(document, bibliography).problems:
            assert problem.file == page.name and problem.line >= 1 and problem.text
            assert re.search(r"\b(add|fix|correct|cite|remove|waived)\b", problem.message), problem.message
            assert problem.format().startswith(f"{page.name}:{problem.line}: {problem.kind}: ")


def test_a_claim_is_filed_under_the_finding_its_sentence_talks_about():
    from claimcheck.bibliography import parse_bibliography

    bib = parse_bibliography(
        "@article{a, author={A, B}, title={T}, journal={J}, year={2020}, findings={ect-remission: 63%}}\n"
        "@article{b, author={C, D}, title={U}, journal={J}, year={2021}, findings={ect-relapse-12m: 63%}}\n",
        "refs.bib",
    )
    document = parse_document("Relapse within 12 months reached 63% [@a; @b].\n", "p.md")
    (claim,) = check_page(document, bib).claims
    assert claim.finding.id == "ect-relapse-12m"


def _quadratic_conflicts(claims):
    """The definition: a claim conflicts when some earlier claim of another sentence disagrees."""
    from claimcheck.quantities import agree

    return [later for i, later in enumerate(claims)
            if any((e.file, e.unit) != (later.file, later.unit) and not agree(e.quantity, later.quantity) for e in claims[:i])]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 40), st.integers(0, 12), st.sampled_from([EXACT, APPROX, NEARLY, AT_LEAST, AT_MOST]), st.sampled_from(["%", "x"])), max_size=30))
def test_conflicts_found_in_linear_time_are_exactly_the_defined_ones(rows):
    from claimcheck.check import Claim, _conflicts
    from claimcheck.quantities import Quantity

    claims = [Claim(f"p{page}.md", 1, "t", "s", Quantity(low, low + width % 3, unit, 0.5, qualifier), "f", ("a",), "supported", None, sentence)
              for sentence, (page, low, width, qualifier, unit) in enumerate(rows)]
    claims += [Claim(c.file, 2, "u", "s", c.quantity, "f", ("a",), "supported", None, c.unit) for c in claims[::3]]  # same sentence again
    found = _conflicts(claims)
    assert [later for later, _ in found] == _quadratic_conflicts(claims)
    for later, earlier in found:
        assert claims.index(earlier) < claims.index(later) and (earlier.file, earlier.unit) != (later.file, later.unit)


# --------------------------------------------------------------------------- rule 5: suggestions the parser accepts

#: A claim of every form and unit the grammar produces (durations and dated events included).
EVERY_FORM = [
    "30.9%", "about 30%", "at least 45%", "up to 70%", "70-80%", "between 10 and 20%", "12 per cent", "27 percentage points", "4.5pp",
    "one in three", "two out of five", "1/3 of", "a third of", "two-thirds of", "about a quarter of", "half of the patients",
    "2.5-fold", "3x more", "three times more", "twice as", "triple the",
    "an odds ratio of 2.52", "a hazard ratio of 1.1-1.5", "RR 0.8",
    "2.8 million people", "two thousand people", "1.2345 thousand people", "0.5 thousand people", "12,345,678 people", "2,129 people", "1.3 billion people",
    "$43.8 billion", "US$500", "£12m", "€1.5 million", "$7k", "$1-2 billion",
    "6 weeks", "5 hours", "10-12 days", "6 months", "2.5 weeks", "45 minutes", "37.5 minutes", "3 years", "one day", "two-week",
    "approved in 2019",
]
FORMS = frozenset({"durations", "dated_events"})
SUGGESTION = re.compile(r"add it as `findings = \{(?P<id>[a-z0-9-]+): (?P<value>[^{}]*)\}`")


@pytest.mark.parametrize("phrase", EVERY_FORM)
def test_every_suggested_finding_is_one_the_parser_accepts(phrase, bibliography):
    """The `unverified` message's suggestion, pasted into an entry, parses without
    a problem, records the stated value, and makes the claim supported."""
    document = parse_document(f"In the trial, {phrase} patients remitted [@nofindings].\n", "p.md")
    report = check_page(document, bibliography, FORMS)
    assert report.claims, phrase
    for claim, problem in zip(report.claims, [p for p in report.problems if p.kind == "unverified"], strict=True):
        suggestion = SUGGESTION.search(problem.message)
        value = suggestion.group("value")
        assert "remitted" in suggestion.group("id").split("-"), problem.message  # named from the clause, so it agrees in topic
        entry = f"@article{{src, author={{A, B}}, title={{T}}, journal={{J}}, year={{2020}},\n  findings = {{{suggestion.group('id')}: {value}}}}}\n"
        recorded = parse_bibliography(entry, "refs.bib")
        assert recorded.problems == [], (phrase, value)
        (finding,) = recorded.get("src").findings
        stated = claim.quantity
        assert finding.value.unit == stated.unit, (phrase, value)
        assert (finding.value.low, finding.value.high) == pytest.approx((stated.low, stated.high), rel=2e-3), (phrase, value)
        assert matches(stated, finding.value), (phrase, value)
        cited = parse_document(f"In the trial, {phrase} patients remitted [@src].\n", "p.md")
        assert {c.status for c in check_page(cited, recorded, FORMS).claims} == {"supported"}, (phrase, value)


def test_every_form_of_the_grammar_is_in_the_suggestion_test(bibliography):
    forms = set()
    for phrase in EVERY_FORM:
        document = parse_document(f"In the trial, {phrase} patients [@nofindings].\n", "p.md")
        forms |= {(c.form, c.quantity.unit) for c in check_page(document, bibliography, FORMS).claims}
    assert {form for form, _ in forms} == {"percentage", "proportion", "multiplier", "ratio", "count", "money", "duration", "date"}
    assert {unit for _, unit in forms} == {"%", "pp", "x", "count", "USD", "GBP", "EUR", "days", "year"}


# --------------------------------------------------------------------------- rule 6: claims citing a damaged entry

DAMAGED = CORPUS.parent / "damaged"


def test_claims_citing_a_damaged_entry_get_one_problem_pointing_at_it():
    bibliography = load_bibliography(DAMAGED / "references.bib")
    document = parse_document((DAMAGED / "page.md").read_text(encoding="utf-8"), "page.md")
    site = check_site([check_page(document, bibliography)], bibliography)
    assert found(site.problems) == expected(document)
    assert next(p.kind for p in site.problems if p.kind != "uncited-entry") == "bib-error"  # the damage comes first
    assert not [p for p in site.problems if p.kind in ("unverified", "unsupported")]
    damaged = [p for p in site.problems if p.kind == "damaged-entry"]
    assert all(f"which is damaged at {bibliography.path}:13" in p.message and "fix that entry first" in p.message for p in damaged)


def test_unknown_braced_and_prefixed_keys_are_reported_with_suggestions(bibliography):
    keys = sorted(bibliography.entries)
    typo = keys[0][:-1] + ("x" if keys[0][-1] != "x" else "y")
    page = check_page(parse_document(f"Text [@{{{typo}}}] and @doi:10.1000/x1. Follow @nhsuk.\n", "p.md"), bibliography)
    messages = {p.text: p.message for p in page.problems if p.kind == "unknown-key"}
    assert f"did you mean @{keys[0]}?" in messages[f"[@{{{typo}}}]"]
    assert "no entry `doi:10.1000/x1`" in messages["@doi:10.1000/x1"]
    assert "`\\@`" in messages["@nhsuk"]


def test_citation_syntax_warnings_name_the_line(bibliography):
    key = sorted(bibliography.entries)[0]
    page = check_page(parse_document(f"One.\n\nText [@{key}, @{key}].\n\nAn [@{key} never closed.\n", "p.md"), bibliography)
    warnings = [(p.line, p.severity) for p in page.problems if p.kind == "citation-syntax"]
    assert warnings == [(3, "warning"), (5, "warning")]
