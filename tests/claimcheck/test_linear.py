"""What the pathological inputs found quadratic, done in one pass, with the same
results as the plain way each was done before (the oracles below)."""

from __future__ import annotations

import posixpath
from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from claimcheck.check import check_page, readable_sentence
from claimcheck.citations import find_citations
from claimcheck.clauses import clause_at, clauses
from claimcheck.document import _heading_scopes, parse_document
from conftest import ROOT

GUIDE_PAGES = sorted((ROOT / "docs").rglob("*.md"))


def _readable_before(sentence: str) -> str:
    import html
    import re

    from claimcheck.check import MARKDOWN_MARKS

    for group in reversed(find_citations(sentence)):
        sentence = sentence[:group.start].rstrip() + sentence[group.end:]
    sentence = " ".join(MARKDOWN_MARKS.sub(" ", sentence).split())
    return html.escape(re.sub(r"\s+([.,;:)])", r"\1", sentence))


SENTENCE_PIECES = st.sampled_from(["Remission", " was", " 30%", " [@a]", "[@b; @c]", " @d", " (see [@e, p. 3])", "  ", " and", ",",
                                   " [", "]", " [-@f]", "**", " | ", ".", " - ", "\t", " [@g]", "x"])


@given(st.lists(SENTENCE_PIECES, max_size=25).map("".join))
def test_a_sentence_reads_as_before_without_its_citations(sentence):
    assert readable_sentence(sentence) == _readable_before(sentence)


def test_every_guide_sentence_reads_as_before():
    for path in GUIDE_PAGES:
        document = parse_document(path.read_text(encoding="utf-8"), path.name)
        for unit in document.units:
            sentence = " ".join(document.text(a, b) for a, b in unit.regions)
            assert readable_sentence(sentence) == _readable_before(sentence), (path, sentence)


def _scopes_before(headings, end):
    scopes = {}
    for a, level in headings:
        scopes[a] = next((offset for offset, other in headings if offset > a and other <= level), end)
    return scopes


@given(st.lists(st.integers(1, 6), max_size=40))
def test_each_heading_heads_the_text_up_to_the_next_of_its_level_or_higher(levels):
    headings = [(10 * n, level) for n, level in enumerate(levels)]
    assert _heading_scopes(headings, 10_000) == _scopes_before(headings, 10_000)


def _clause_before(found, offset):
    return next((clause for clause in found if clause.contains(offset)), found[0])


def _as_before(found, prose, regions, groups):
    """The clauses' contexts as they were found before (looking back through every
    segment from each clause's first), and their spans: the segments, in order."""
    from claimcheck.clauses import _segments

    if len(groups) <= 1:
        return found
    starts = [g.start for g in groups]
    segments = [s for a, b in regions for s in _segments(prose, a, b, groups, starts)]
    assert [span for clause in found for span in clause.spans] == [(s.start, s.end) for s in segments]
    first_of = {(s.start, s.end): index for index, s in enumerate(segments)}
    before = []
    for clause in found:
        index = first_of[clause.spans[0]]
        outer = next((s for s in reversed(segments[:index]) if s.depth < segments[index].depth), None)
        before.append(replace(clause, context=((outer.start, outer.end),) if outer is not None else ()))
    return before


def test_each_number_of_the_guide_answers_to_the_clause_it_did_before():
    """Every unit of every guide page (and the corpus's) has the clauses it had,
    and every offset in it finds the clause the linear scan found."""
    pages = GUIDE_PAGES + sorted((ROOT / "tests" / "fixtures" / "corpus").rglob("*.md"))
    seen = 0
    for path in pages:
        document = parse_document(path.read_text(encoding="utf-8"), posixpath.basename(str(path)))
        groups = find_citations(document.prose, source=document.source)
        for unit in document.units:
            own = [g for g in groups if any(a <= g.start < b for a, b in unit.regions)]
            found = clauses(document.prose, unit.regions, own)
            assert found == _as_before(found, document.prose, unit.regions, own)
            lookup = clause_at(found)
            for offset in range(unit.regions[0][0] - 3, unit.regions[-1][1] + 3):  # gaps and either side too
                assert lookup(offset) is _clause_before(found, offset)
                seen += 1
    assert seen > 100_000


def test_a_sentence_of_many_clauses_gives_each_number_its_own_clause():
    clauses_text = ", and ".join(f"remission was {n % 90 + 5}% in trial {n} [@k{n}]" for n in range(300))
    report = check_page(parse_document(f"{clauses_text}.\n"), _bibliography(300))
    assert [claim.citations for claim in report.claims] == [(f"k{n}",) for n in range(300)]


def _bibliography(count):
    from claimcheck.bibliography import parse_bibliography

    return parse_bibliography("".join(f"@article{{k{n}, author={{A, B}}, title={{T}}, journal={{J}}, year={{2020}}, findings={{remission: {n % 90 + 5}%}}}}\n"
                                      for n in range(count)), "references.bib")

