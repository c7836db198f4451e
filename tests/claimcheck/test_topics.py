"""Topic agreement and clauses, rule by rule (README "Matching rules" 8 and 9)."""

from __future__ import annotations

from claimcheck.citations import find_citations
from claimcheck.clauses import clauses
from claimcheck.topics import agreement, finding_terms, parse_abbreviations, stem, terms

ABBREVIATIONS = {"ECT": "Electroconvulsive therapy", "TRD": "Treatment-resistant depression"}


def agrees(clause: str, finding_id: str, note: str = "", words: tuple[str, ...] = ()) -> bool:
    return agreement(terms(clause, ABBREVIATIONS), finding_terms(finding_id, note, words, ABBREVIATIONS)).agrees


def test_inflections_fold_to_one_stem():
    assert stem("respond") == stem("response") == stem("responders")
    assert stem("relapse") == stem("relapsed")
    assert agrees("the responders made up 71%", "ketamine-response-24h")
    assert agrees("36.8% remitted at the first step", "stard-remission-step1")  # remit ~ remission: synonym table


def test_abbreviations_agree_with_their_expansion():
    assert agrees("after electroconvulsive therapy, 12% of eligible people", "ect-use-rate")
    assert agrees("12% of people have TRD", "treatment-resistant-share")
    assert not agrees("12% of people with anxiety", "ect-use-rate")


def test_generic_words_never_make_agreement():
    # "patients", "depression", "treatment", "share" are said of nearly every figure
    assert not agrees("45% of patients with depression respond to switching treatment", "trd-share-of-treated-mdd-burden", "share of costs")


def test_different_outcomes_disagree_even_when_other_words_agree():
    assert not agrees("the relapse rate after ECT is 12%", "ect-use-rate")
    assert not agrees("51% remitted after a course", "ect-relapse-6m", "within six months of a course")
    assert agrees("51% relapsed within six months of a course", "ect-relapse-6m")


def test_declared_words_extend_a_finding():
    assert not agrees("about a third met this definition", "trd-share-treated-mdd")
    assert agrees("about a third met this definition", "trd-share-treated-mdd", words=("definition",))


def test_abbreviation_definitions_are_read():
    assert parse_abbreviations("*[ECT]: Electroconvulsive therapy\ntext\n*[T3]: Triiodothyronine") == {"ECT": "Electroconvulsive therapy", "T3": "Triiodothyronine"}


def clause_texts(sentence: str) -> list[tuple[str, tuple[str, ...]]]:
    groups = find_citations(sentence)
    return [(c.text(sentence), tuple(k for g in c.groups for k in g.keys)) for c in clauses(sentence, ((0, len(sentence)),), groups)]


def test_one_group_supports_the_whole_sentence():
    assert clause_texts("36.8% at step one; 30.6% at step two [@a].") == [("36.8% at step one; 30.6% at step two [@a].", ("a",))]


def test_each_number_answers_to_its_own_clause():
    assert [keys for _, keys in clause_texts("36.8% remitted [@a], and 30.9% had TRD [@b].")] == [("a",), ("b",)]
    assert [keys for _, keys in clause_texts("36.8% remitted [@a]; 30.9% had TRD [@b].")] == [("a",), ("b",)]
    assert [keys for _, keys in clause_texts("36.8% remitted [@a], whereas 30.9% had TRD [@b].")] == [("a",), ("b",)]


def test_a_clause_without_a_citation_answers_to_the_next_one():
    found = clause_texts("Remission was 36.8%, 30.6%, and 13.7% [@a]; TRD was 30.9% [@b].")
    assert [keys for _, keys in found] == [("a",), ("b",)]
    assert found[0][0].startswith("Remission was 36.8%")


def test_a_citation_at_the_start_covers_its_clause():
    assert [keys for _, keys in clause_texts("@a found 36.8%, while @b found 30.9%.")] == [("a",), ("b",)]


def test_a_citing_parenthetical_is_its_own_clause_read_with_its_context():
    found = clause_texts("Response was 71% in one trial [@a] (64% in another [@b]).")
    assert [keys for _, keys in found] == [("a",), ("b",), ("a",)]  # the text after the parenthetical is the outer clause's
    assert found[1][0].startswith("Response was 71%") and "64% in another" in found[1][0]


def test_a_parenthetical_without_a_citation_stays_in_its_clause():
    assert [keys for _, keys in clause_texts("Remission was 36.8% (30.6% at step two) [@a], and TRD 30.9% [@b].")] == [("a",), ("b",)]


def test_semicolons_inside_a_citation_bracket_do_not_cut():
    assert [keys for _, keys in clause_texts("Rates were 71% and 64% [@a; @b], and TRD 30.9% [@c].")] == [("a", "b"), ("c",)]
