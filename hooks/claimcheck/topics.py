"""Topic agreement: does a claim talk about what a recorded finding measures?

A value match alone is not support: a source that records 47.2% for a share of
costs does not support "47% of patients respond". A claim agrees in topic with
a finding when its clause and the finding share a *topic word*: a word of the
finding's ID, its note or its declared `topics`, compared after

- folding inflection to a stem (respond / response / responders → `respon`),
- expanding the guide's abbreviations (ECT ↔ electroconvulsive therapy),
- mapping each word of the small `SYNONYMS` table to its group (remit ↔ remission).

Words that say nothing about topic (`GENERIC`: patients, people, depression,
share, rate, ...) never count: nearly every claim and finding of this guide
uses them. README "Matching rules", rule 8, describes exactly this.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Words that carry no topic: grammar words, and words nearly every claim of
#: a depression guide uses. A shared generic word is never agreement.
GENERIC = frozenset(
    """
    a about above across after again against all almost also among an and any are around as at be been before
    being below between both but by can could did do does done during each either for from had has have having
    he her his how if in into is it its less many may might more most much must near nearly no nor not now of
    off on once one only or other our out over own per same she should so some such than that the their them
    then there these they this those through to too under until up upon very was we were what when where which
    while who whom why will with within without would you your yet
    patient patients people person persons adult adults participant participants individual individuals
    subject subjects case cases population group groups sample cohort
    depression depressive depressed major disorder disorders mdd illness condition symptom symptoms
    treatment treatments treat treated treating therapy therapies therapeutic care
    medication medications medicine medicines drug drugs antidepressant antidepressants pharmacotherapy
    share proportion percent percentage rate rates ratio number numbers total overall figure level value
    study studies trial trials analysis review data result results evidence estimate estimated
    us usa uk united states america american national
    first second third fourth fifth half quarter twice times fold
    year years month months week weeks day days
    high higher low lower greater larger smaller more less likely likelier
    """.split()
)

#: Outcomes a figure can measure. Each row is one group; a word of a row agrees
#: with every other word of it (after stemming). A clause and a finding that
#: each name an outcome must name the same one: "relapse in 12% after ECT" does
#: not agree with `ect-use-rate`, though both say ECT.
MEASURES: tuple[tuple[str, ...], ...] = (
    ("remission", "remit", "remitted", "remitting", "remitter"),
    ("response", "respond", "responded", "responder", "responders", "improvement", "improved"),
    ("relapse", "relapsed", "recurrence", "recur", "recurred"),
    ("prevalence", "prevalent", "affected", "affects", "common"),
    ("cost", "costs", "burden", "spending", "expenditure", "economic"),
    ("suicide", "suicidal", "suicidality"),
    ("death", "deaths", "mortality", "died", "die"),
    ("use", "used", "received", "receive", "offered", "uptake", "utilisation", "utilization"),
    ("dropout", "discontinuation", "discontinued", "stopped", "withdrawal"),
    ("women", "woman", "female", "females", "men", "male", "males", "sex"),
)

#: Other words that name the same thing in this guide, grouped the same way.
SYNONYMS: tuple[tuple[str, ...], ...] = MEASURES + (
    ("placebo", "sham", "dummy"),
    ("efficacy", "effective", "effectiveness", "efficacious", "benefit", "benefits"),
    ("resistant", "resistance", "refractory"),
    ("adverse", "harm", "harms", "tolerability"),
    ("hospital", "hospitalisation", "hospitalization", "inpatient", "admission"),
    ("memory", "cognitive", "amnesia"),
    ("older", "elderly", "age", "aged"),
)

#: Citation keys in a clause (`[@lundberg2023]`) name a source, not a topic.
CITED_KEY = re.compile(r"-?@(?:\{[^{}]*\}|[^\s;,\]]+)")
WORD = re.compile(r"[A-Za-z][A-Za-z0-9*]*(?:-[A-Za-z0-9]+)*")
SUFFIXES = ("ations", "ation", "ments", "ment", "ness", "ings", "ing", "ers", "er", "ies", "ied", "ed", "es", "s", "ly")


def stem(word: str) -> str:
    """A crude, predictable stem: a common suffix off, then at most six letters.
    Good enough to fold response/responders, relapse/relapsed, treatment/treated;
    the synonym table covers what it cannot (remit/remission)."""
    word = word.lower()
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


_GENERIC_STEMS = frozenset(stem(w) for w in GENERIC)
_SYNONYM_OF = {stem(word): f"~{group[0]}" for group in SYNONYMS for word in group}
_MEASURE_TERMS = frozenset(f"~{group[0]}" for group in MEASURES)


@functools.lru_cache(maxsize=65536)
def _terms_of_word(word: str) -> frozenset[str]:
    """The topic terms one word contributes: its stem (or synonym group); a
    hyphenated word also contributes each of its parts. Cached: a page's words
    repeat on other pages and in the findings it is judged against (bounded, a
    few MB at most)."""
    terms = set()
    for part in word.split("-"):
        if not part:
            continue
        key = stem(part)
        if part.lower() in GENERIC or key in _GENERIC_STEMS or len(key) < 3:
            continue
        terms.add(_SYNONYM_OF.get(key, key))
    return frozenset(terms)


def terms(text: str, abbreviations: Mapping[str, str] = {}) -> frozenset[str]:
    """The topic terms of a piece of text: each word's stem or synonym group,
    generic words left out, abbreviations counted as themselves and as their
    expansion (so `ECT` agrees with `electroconvulsive`)."""
    found: set[str] = set()
    words = WORD.findall(CITED_KEY.sub(" ", text))
    if not abbreviations:
        return frozenset(found.union(*map(_terms_of_word, words)))
    for word in words:
        expansion = abbreviations.get(word) or abbreviations.get(word.upper())
        if expansion:
            for part in WORD.findall(expansion):
                found |= _terms_of_word(part)
        found |= _terms_of_word(word)
    return frozenset(found)


@dataclass(frozen=True)
class TopicVerdict:
    """Whether a clause and a finding agree in topic: they share a term, and
    do not name two different outcomes."""

    shared: frozenset[str]
    clause_measures: frozenset[str] = frozenset()
    finding_measures: frozenset[str] = frozenset()

    @property
    def conflicting(self) -> bool:
        return bool(self.clause_measures and self.finding_measures and not self.clause_measures & self.finding_measures)

    @property
    def agrees(self) -> bool:
        return bool(self.shared) and not self.conflicting

    def describe(self) -> str:
        if self.conflicting:
            return f"different outcomes: the clause says {_names(self.clause_measures)}, the finding {_names(self.finding_measures)}"
        if self.shared:
            return f"agrees on {_names(self.shared)}"
        return "no word in common"


def _names(found: frozenset[str]) -> str:
    return ", ".join(sorted(term.lstrip("~") for term in found))


def finding_terms(finding_id: str, note: str, words: Iterable[str], abbreviations: Mapping[str, str] = {}) -> frozenset[str]:
    """The topic terms of a recorded finding: its ID's words, its note and any
    words declared for it in the entry's `topics` field."""
    return terms(" ".join([finding_id.replace("-", " "), note, *words]), abbreviations)


@functools.lru_cache(maxsize=16384)
def shared_finding_terms(finding_id: str, note: str, words: tuple[str, ...], abbreviations: frozenset[tuple[str, str]]) -> frozenset[str]:
    """`finding_terms`, cached across pages: the same findings are cited on
    many pages, whose abbreviations (given as items) are mostly the site's."""
    return finding_terms(finding_id, note, words, dict(abbreviations))


def agreement(clause_terms: frozenset[str], finding_terms_: frozenset[str]) -> TopicVerdict:
    return TopicVerdict(clause_terms & finding_terms_, clause_terms & _MEASURE_TERMS, finding_terms_ & _MEASURE_TERMS)


def parse_abbreviations(text: str) -> dict[str, str]:
    """`*[TRD]: Treatment-resistant depression` lines (Python-Markdown's abbr
    syntax) as a mapping from abbreviation to expansion."""
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^\*\[([^\]\n]+)\]:[ \t]*(.+)$", text, re.MULTILINE)}


def suggested_id(clause: str) -> str:
    """A finding ID to suggest for a claim: its clause's first topic words (up
    to three), so the suggested finding agrees with the claim in topic."""
    words: list[str] = []
    for word in WORD.findall(CITED_KEY.sub(" ", clause.lower())):
        for part in word.split("-"):
            if part.isalpha() and len(part) >= 3 and part not in GENERIC and stem(part) not in _GENERIC_STEMS and part not in words:
                words.append(part)
    return "-".join(words[:3]) or "quantity-id"
