"""references.bib: parsing, validation, findings, formatting and escaping."""

from __future__ import annotations

import pytest

from claimcheck.bibliography import author_year, load_bibliography, parse_bibliography, reference_html

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
        ("@article{a,\n  title = {x},\n  year = {2020\n}\n@article{b, title={y}}\n", 5, "syntax error"),
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
    assert any(l == line and fragment in m for l, m in found), found


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


def test_provenance_defaults_to_primary_and_is_validated():
    bib = parse_bibliography(
        "@misc{label, author={A, B}, title={T}, howpublished={W}, year={2024}}\n"
        "@misc{copy, author={C, D}, title={U}, howpublished={W}, year={2024}, provenance={ Secondary }}\n"
        "@misc{bad, author={E, F}, title={V}, howpublished={W}, year={2024}, provenance={reseller}}\n",
        "refs.bib",
    )
    assert [bib.get(k).provenance for k in ("label", "copy", "bad")] == ["primary", "secondary", "primary"]
    assert [(p.file, p.line, p.text) for p in bib.problems] == [("refs.bib", 3, "reseller")]
