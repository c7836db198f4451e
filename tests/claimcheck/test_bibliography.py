"""references.bib: parsing, validation, findings, formatting and escaping."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimcheck.bibliography import load_bibliography, parse_bibliography
from claimcheck.formatting import author_year, reference_html

GOOD = """@article{good,
  author = {M{\\"u}ller, J{\\"o}rg and Smith, Ann and Lee, Bo},
  title = {The {TRD} problem -- a review of {United States} data},
  journal = {Acta Psychiatrica},
  year = {2020},
  doi = {10.1000/xyz.123},
  pmid = {12345},
  findings = {share-a: 30.9% (adults); count-b: 2.8 million},
  evidence = {cohort}
}
"""


def problems(text: str) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in parse_bibliography(text, "refs.bib").problems]


def test_a_good_entry_has_no_problem_and_its_findings():
    bib = parse_bibliography(GOOD, "refs.bib")
    assert bib.problems == []
    entry = bib.get("good")
    assert [(f.id, f.text, f.note) for f in entry.findings] == [("share-a", "30.9%", "adults"), ("count-b", "2.8 million", "")]
    assert entry.evidence == "cohort"


def test_latex_becomes_unicode_and_links_are_made():
    html = reference_html(parse_bibliography(GOOD, "refs.bib").get("good"))
    assert "Jörg" in html.replace('<span class="bibtex-protected">', "").replace("</span>", "")
    assert "–" in html and "--" not in html
    assert "United States" in html
    assert '<a href="https://doi.org/10.1000/xyz.123"' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/12345/"' in html
    assert "findings" not in html and "30.9%" not in html


def test_author_year_label():
    assert author_year(parse_bibliography(GOOD, "refs.bib").get("good")) == "Müller et al., 2020"


def test_fields_are_escaped_and_only_http_urls_linked():
    text = """@article{evil,
  author = {Hacker, <img src=x onerror=alert(1)>},
  title = {<script>alert(1)</script> "quoted"},
  journal = {J},
  year = {2020},
  url = {javascript:alert(1)},
}
"""
    bib = parse_bibliography(text, "refs.bib")
    html = reference_html(bib.get("evil"))
    assert "<script>" not in html and "<img" not in html and "javascript:" not in html
    assert "&lt;script&gt;" in html
    assert any("not an http(s) address" in p.message for p in bib.problems)


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("@article{a,\n  title = {x},\n  year = {2020\n}\n@article{b, title={y}}\n", 1, "entry a is damaged: this entry is never closed"),
        ("@article{a, author={A, B}, title={T}, journal={J}, year={2020}}\n@article{b, title={y}\n", 2, "never closed"),
        ("@article{a, author={A, B}, title={T}, journal={J}, year={2020}}\n@article{b, title={y}, journal = J}\n", 2, "syntax error"),
        ("@article{dup, author={A, B}, title={T}, journal={J}, year={2020}}\n@article{DUP, author={A, B}, title={T}, journal={J}, year={2020}}\n", 2, "duplicate key"),
        ("@article{a,\n  author = {A, B},\n  year = {2020}\n}\n", 1, "lacks title, journal"),
        ("@article{a, author={A, B}, title={T}, journal={J}, year={2020}, doi={https://doi.org/10.1/x}}\n", 1, "DOI of a is malformed"),
        ("@article{a, author={A, B}, title={T}, journal={J}, year={2020},\n  findings = {Bad Id: 30%}}\n", 2, "lowercase slug"),
        ("@article{a, author={A, B}, title={T}, journal={J}, year={2020},\n  findings = {x: about 30%}}\n", 2, "not a number"),
        ("@article{a, author={A, B}, title={T}, journal={J}, year={2020}, evidence={anecdote}}\n", 1, "is not one of"),
        ("@misc{,\n title = {no key}}\n", 1, "no key"),
        ("@article{a, author={A, B}, title={T}, journal={J}, year={2020},\n  provenance = {copy}}\n", 2, "`provenance = {copy}` of a is not one of primary, secondary"),
    ],
)
def test_bibliography_problems_name_the_line(text, line, fragment):
    found = problems(text)
    assert any(at == line and fragment in m for at, m in found), found


def test_macros_concatenation_and_biblatex_fields():
    text = """@string{jcp = "J Clin Psychiatry"}
@article{a, author = {A, B}, title = {T}, journaltitle = jcp # " Suppl", date = {2020-01-02}}
"""
    bib = parse_bibliography(text, "refs.bib")
    assert bib.problems == []
    assert bib.get("a").fields["journaltitle"] == "J Clin Psychiatry Suppl"


def test_unreadable_files_are_problems_not_exceptions(tmp_path):
    missing = load_bibliography(tmp_path / "none.bib")
    assert missing.entries == {} and "cannot read" in missing.problems[0].message
    bad = tmp_path / "bad.bib"
    bad.write_bytes(b"@article{a,\n title = {caf\xe9}}\n")
    (problem,) = load_bibliography(bad).problems
    assert problem.line == 2 and "UTF-8" in problem.message


def test_unchanged_file_is_parsed_once(tmp_path, monkeypatch):
    import claimcheck.bibliography as module

    path = tmp_path / "refs.bib"
    path.write_text(GOOD, encoding="utf-8")
    calls = []
    real = module.parse_bibliography
    monkeypatch.setattr(module, "parse_bibliography", lambda *a: calls.append(1) or real(*a))
    first = module.load_bibliography(path)
    assert module.load_bibliography(path) is first and len(calls) == 1
    path.write_text(GOOD.replace("2020", "2021") + "\n", encoding="utf-8")
    assert module.load_bibliography(path) is not first and len(calls) == 2


def test_suggestions_for_mistyped_keys():
    bib = parse_bibliography(GOOD, "refs.bib")
    assert bib.suggestions("goood") == ["good"] and bib.suggestions("GOOD") == ["good"]


def test_empty_bibliography_unknown_types_and_crossref():
    assert parse_bibliography("", "refs.bib").problems == []
    odd = parse_bibliography("@webpage{w, author={A, B}, title={T}, url={https://x.org/}, year={2020}}\n", "refs.bib")
    assert odd.problems == [] and odd.get("w").type == "webpage"
    assert reference_html(odd.get("w"))  # formatted by pybtex's fallback, no exception
    crossref = parse_bibliography(
        "@inproceedings{part, author={A, B}, title={Part}, crossref={whole}, year={2020}}\n"
        "@proceedings{whole, editor={C, D}, title={Whole}, booktitle={Proc}, publisher={P}, year={2020}}\n",
        "refs.bib",
    )
    assert crossref.problems == [] and "Proc" in reference_html(crossref.get("part"))


# --------------------------------------------------------------------------- rule 5: the `findings` field

HEAD = "@article{a, author={A, B}, title={T}, journal={J}, year={2020},\n"


@pytest.mark.parametrize(
    "fields, fragment",
    [
        ("  findings = {remission: 30}}\n", "with no unit: write its unit (`30%`"),
        ("  findings = {remission: 20-40}}\n", "«20-40» with no unit"),
        ("  findings = {trd-odds-ratio: 2.5}}\n", "«2.5» with no unit"),
        ("  findings = {sample-size: 233}}\n", "«233» with no unit"),
        ("  findings = {people: 1500.5}}\n", "«1500.5» with no unit"),
        ("  findings = {remission: 30%; response: 40%; remission: 31%}}\n", "finding ID «remission» is recorded twice"),
        ("  finding = {remission: 30%}}\n", "field `finding` of a is not read: did you mean `findings`?"),
        ("  findngs = {remission: 30%}}\n", "did you mean `findings`?"),
        ("  Findings = {remission: 30%}}\n", "field `Findings` of a is not read: did you mean `findings`?"),
        ("  FINDINGS = {remission: 30%}}\n", "did you mean `findings`?"),
        ("  fnidings = {remission: 30%}}\n", "did you mean `findings`?"),
        ("  topic = {remission: remit}, findings = {remission: 30%}}\n", "field `topic` of a is not read: did you mean `topics`?"),
        ("  evidense = {rct}}\n", "did you mean `evidence`?"),
        ("  Evidence = {rct}}\n", "did you mean `evidence`?"),
        ("  findings = {session-length: 37.5 minuets}}\n", "not a number or range with a unit"),
    ],
)
def test_findings_field_rejects_what_it_cannot_read(fields, fragment):
    found = problems(HEAD + fields)
    assert [(line, fragment in message) for line, message in found] == [(2, True)], found


@pytest.mark.parametrize(
    "value, low, high, unit",
    [
        ("37.5 minutes", 37.5 / 1440, 37.5 / 1440, "days"),
        ("3 minutes", 3 / 1440, 3 / 1440, "days"),
        ("1 minute", 1 / 1440, 1 / 1440, "days"),
        ("2129", 2129, 2129, "count"),
        ("2,129", 2129, 2129, "count"),
        ("2.8 million", 2.8e6, 2.8e6, "count"),
        ("in 2019", 2019, 2019, "year"),
        ("27pp", 27, 27, "pp"),
        ("1.5x", 1.5, 1.5, "x"),
    ],
)
def test_findings_field_accepts_every_unit_the_readme_lists(value, low, high, unit):
    bib = parse_bibliography(HEAD + f"  findings = {{some-figure: {value}}}}}\n", "refs.bib")
    assert bib.problems == []
    (finding,) = bib.get("a").findings
    assert (finding.value.low, finding.value.high) == pytest.approx((low, high))
    assert finding.value.unit == unit


@pytest.mark.parametrize("ident", ["psychotherapy-effect-size", "exercise-smd", "primary-p-value", "rater-kappa", "nnt", "madrs-score-change", "symptom-correlation"])
def test_a_bare_number_is_accepted_for_a_statistic_without_a_unit(ident):
    assert problems(HEAD + f"  findings = {{{ident}: 0.42}}}}\n") == []


def test_project_fields_are_read_only_as_written_in_lowercase():
    bib = parse_bibliography(HEAD + "  Findings = {remission: 30%},\n  Evidence = {rct}}\n", "refs.bib")
    assert bib.get("a").findings == () and bib.get("a").evidence is None
    assert [p.line for p in bib.problems] == [2, 3]


def test_standard_fields_in_any_case_are_not_misspellings():
    text = "@article{a, Author={A, B}, TITLE={T}, Journal={J}, Year={2020}, Note={n}, Edition={2}, Type={t},\n  findings = {x: 30%}, evidence = {rct}}\n"
    assert problems(text) == []


# --------------------------------------------------------------------------- rule 1's plumbing: `topics`


def test_topics_declare_extra_words_for_findings_of_the_same_entry():
    bib = parse_bibliography(HEAD + "  findings = {stard-remission-step1: 36.8%; stard-cumulative: 67%},\n  topics = {stard-remission-step1: first-step, citalopram; stard-cumulative: overall}}\n", "refs.bib")
    assert bib.problems == []
    assert {f.id: f.words for f in bib.get("a").findings} == {"stard-remission-step1": ("first-step", "citalopram"), "stard-cumulative": ("overall",)}


def test_findings_without_topics_have_no_extra_words():
    (finding,) = parse_bibliography(HEAD + "  findings = {x: 30%}}\n", "refs.bib").get("a").findings
    assert finding.words == ()


@pytest.mark.parametrize(
    "topics, fragment",
    [
        ("{remision: remit}", "topics names «remision», which is not a finding of a (its findings: remission, response): use one of its finding IDs"),
        ("{remission: Remitted}", "topics word «Remitted» of «remission» is not a lowercase word"),
        ("{remission: two words}", "topics word «two words»"),
        ("{remission: remit,}", "topics word «»"),
        ("{remission remit}", "is not `FINDING-ID: word, word`"),
        ("{remission: remit; remission: recovery}", "topics lists «remission» twice"),
    ],
)
def test_topics_are_validated(topics, fragment):
    found = problems(HEAD + "  findings = {remission: 30%; response: 40%},\n  topics = " + topics + "}\n")
    assert [(line, fragment in message) for line, message in found] == [(3, True)], found


def test_topics_of_an_entry_without_findings_name_no_finding():
    found = problems(HEAD + "  topics = {remission: remit}}\n")
    assert found == [(2, "topics names «remission», which is not a finding of a (its findings: none): use one of its finding IDs; fix the `topics` field of a")]


def test_topics_are_not_inherited_through_crossref():
    text = (
        "@book{parent, author={A, B}, title={T}, publisher={P}, year={2020}, findings={x: 30%}, topics={x: extra}}\n"
        "@incollection{child, author={C, D}, title={U}, crossref={parent}, findings={y: 40%}}\n"
    )
    bib = parse_bibliography(text, "refs.bib")
    assert bib.problems == []
    assert [(f.id, f.words) for f in bib.get("child").findings] == [("y", ())]


# --------------------------------------------------------------------------- rule 6: a damaged entry

DAMAGED = Path(__file__).resolve().parent.parent / "fixtures" / "damaged"


def test_a_damaged_entry_is_reported_once_where_the_damage_starts():
    bib = load_bibliography(DAMAGED / "references.bib")
    assert [(p.line, p.kind) for p in bib.problems] == [(13, "bib-error")]
    assert "field `title` is never closed" in bib.problems[0].message and "`journal =` on line 14" in bib.problems[0].message
    assert set(bib.damaged) == {"damaged"} and bib.damaged["damaged"] is bib.problems[0]
    assert [f.id for f in bib.get("before").findings] == ["before-remission"]
    assert [f.id for f in bib.get("after").findings] == ["after-remission"]


def test_braces_inside_a_value_that_balance_are_not_damage():
    text = HEAD + "  note = {A {nested {brace}} group,\n  still the note} ,\n  findings = {x: 30%}}\n"
    bib = parse_bibliography(text, "refs.bib")
    assert bib.problems == [] and bib.damaged == {}


def test_a_damaged_last_entry_is_reported_once():
    text = HEAD + "  findings = {x: 30%}}\n\n@article{b, author={A, B},\n  title = {Open,\n  journal={J}, year={2020}}\n"
    bib = parse_bibliography(text, "refs.bib")
    assert [(p.line, p.text) for p in bib.problems] == [(5, "b")]
    assert "field `title` is never closed" in bib.problems[0].message


def test_the_guides_bibliography_passes_the_findings_rules():
    bib = load_bibliography(Path(__file__).resolve().parents[2] / "references.bib")
    assert bib.problems == [] and bib.damaged == {}
def test_provenance_defaults_to_primary_and_is_validated():
    bib = parse_bibliography(
        "@misc{label, author={A, B}, title={T}, howpublished={W}, year={2024}}\n"
        "@misc{copy, author={C, D}, title={U}, howpublished={W}, year={2024}, provenance={ Secondary }}\n"
        "@misc{bad, author={E, F}, title={V}, howpublished={W}, year={2024}, provenance={reseller}}\n",
        "refs.bib",
    )
    assert [bib.get(k).provenance for k in ("label", "copy", "bad")] == ["primary", "secondary", "primary"]
    assert [(p.file, p.line, p.text) for p in bib.problems] == [("refs.bib", 3, "reseller")]
