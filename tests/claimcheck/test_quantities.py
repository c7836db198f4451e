"""The number grammar and each matching rule of the README."""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from pathlib import Path

import pytest

from claimcheck.document import parse_document
from claimcheck.quantities import FORMS, WORD_STARTS, _grammar, _joined, find_quantities, matches, parse_value

ROOT = Path(__file__).resolve().parents[2]

OPTIONAL = frozenset({"durations", "dated_events"})


def stated(text: str, options=frozenset()):
    found = find_quantities(text, options)
    assert len(found) == 1, f"expected one statistic in {text!r}, got {[f.text for f in found]}"
    return found[0].quantity


@pytest.mark.parametrize(
    "text, written",
    [
        ("70% of people", "70%"),
        ("70 per cent of people", "70 per cent"),
        ("70 percent of people", "70 percent"),
        ("50 % of people", "50 %"),
        ("a ≥50% reduction", "≥50%"),
        ("rates of 70-80% were", "70-80%"),
        ("rates of 60–80% were", "60–80%"),
        ("from 48% to 75% of", "48% to 75%"),
        ("between 20 and 40% of", "between 20 and 40%"),
        ("a third of patients", "a third"),
        ("one-third of patients", "one-third"),
        ("two-thirds of patients", "two-thirds"),
        ("half of the patients", "half"),
        ("one in three people", "one in three"),
        ("seven out of ten people", "seven out of ten"),
        ("1/3 of people", "1/3"),
        ("a 1.5-fold risk", "1.5-fold"),
        ("twice as likely", "twice as"),
        ("three times more likely", "three times more"),
        ("2.8 million adults", "2.8 million"),
        ("cost $43.8 billion a year", "$43.8 billion"),
        ("1,200 patients took part", "1,200"),
        ("a 5 percentage point gain", "5 percentage point"),
        ("higher odds (odds ratio 3.31)", "odds ratio 3.31"),
        ("a hazard ratio of 2.01", "hazard ratio of 2.01"),
        ("odds ratios 2.72 to 6.40", "odds ratios 2.72 to 6.40"),
        ("(OR 2.11, 95% CI 1.25-3.57)", "OR 2.11"),
    ],
)
def test_claim_forms_are_found(text, written):
    assert [s.text for s in find_quantities(text)] == [written]


#: One row per form of the grammar (`quantities.FORMS`): a new form adds its row here.
EVERY_FORM = {
    "between": ("between 20 and 40% of", "between 20 and 40%", (20, 40, "%")),
    "percent_range": ("rates of 70-80% were", "70-80%", (70, 80, "%")),
    "percent": ("70 per cent of people", "70 per cent", (70, 70, "%")),
    "points": ("a 5 percentage point gain", "5 percentage point", (5, 5, "pp")),
    "money": ("cost £12m a year", "£12m", (12e6, 12e6, "GBP")),
    "count_magnitude": ("2.8 million adults", "2.8 million", (2.8e6, 2.8e6, "count")),
    "ratio": ("odds ratios 2.72 to 6.40", "odds ratios 2.72 to 6.40", (2.72, 6.40, "x")),
    "nnt": ("the NNT for response was 6 in", "NNT for response was 6", (6, 6, "count")),
    "fold": ("a 1.5-fold risk", "1.5-fold", (1.5, 1.5, "x")),
    "times": ("three times more likely", "three times more", (3, 3, "x")),
    "multiplier_word": ("twice as likely", "twice as", (2, 2, "x")),
    "half_as": ("half as likely", "half as", (0.5, 0.5, "x")),
    "half": ("half of the patients", "half", (50, 50, "%")),
    "n_in_m": ("seven out of ten people", "seven out of ten", (70, 70, "%")),
    "slash": ("1/4 of people", "1/4", (25, 25, "%")),
    "word_fraction": ("two-thirds of patients", "two-thirds", (200 / 3, 200 / 3, "%")),
    "duration_range": ("for 4-8 weeks", "4-8 weeks", (28, 56, "days")),
    "duration": ("for six weeks", "six weeks", (42, 42, "days")),
    "grouped_count": ("1,200 patients took part", "1,200", (1200, 1200, "count")),
    "dated_event": ("esketamine was approved in 2019", "approved in 2019", (2019, 2019, "year")),
}


def test_every_form_has_a_row():
    assert set(EVERY_FORM) == {form.name for form in FORMS}


@pytest.mark.parametrize("name", list(EVERY_FORM))
def test_each_form_reads_its_row(name):
    """The row is read by its own form (the grammar's alternatives are tried in
    table order, so an earlier form must not take it), as the value and unit given."""
    text, written, (low, high, unit) = EVERY_FORM[name]
    match = _grammar()[0].search(text)
    assert match is not None and match.lastgroup == name, (text, match and match.lastgroup)
    (found,) = find_quantities(text, OPTIONAL)
    assert (found.text, found.quantity.low, found.quantity.high, found.quantity.unit) == (written, pytest.approx(low), pytest.approx(high), unit)


def _first_characters(items) -> set[str]:
    """What a parsed pattern's first character can be: letters (lower case) and
    "digit"; "any" where it could be any character of a class not checked here."""
    found: set[str] = set()
    for op, av in items:
        if op in (sre.AT, sre.ASSERT, sre.ASSERT_NOT):
            continue  # zero width
        if op == sre.LITERAL:
            return found | {chr(av).lower()}
        if op == sre.IN:
            for kind, value in av:
                if kind == sre.LITERAL:
                    found.add(chr(value).lower())
                elif kind == sre.CATEGORY and value == sre.CATEGORY_DIGIT:
                    found.add("digit")
                else:
                    found.add("any")
            return found
        if op == sre.SUBPATTERN:
            return found | _first_characters(av[3])
        if op == sre.BRANCH:
            return found | {c for branch in av[1] for c in _first_characters(branch)}
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            found |= _first_characters(av[2])
            if av[0] > 0:
                return found
            continue
        return found | {"any"}
    return found | {"any"}  # the pattern can match nothing


def _after_no_word_character(items) -> bool:
    """Whether a parsed pattern starts with `\b` or a look-behind barring a word character."""
    op, av = items[0]
    if op == sre.SUBPATTERN:
        return _after_no_word_character(av[3])
    if op == sre.AT:
        return av == sre.AT_BOUNDARY
    if op != sre.ASSERT_NOT or av[0] != -1 or len(av[1]) != 1 or av[1][0][0] != sre.IN:
        return False
    return (sre.CATEGORY, sre.CATEGORY_WORD) in av[1][0][1]


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_each_form_starts_at_a_digit_a_sign_or_a_word_start(form):
    """The grammar is tried only at a sign, or at a digit or one of WORD_STARTS
    with no word character before it: every form starts after no word
    character, and every letter it can start with begins one of WORD_STARTS."""
    parsed = sre_parse.parse(form.pattern, re.VERBOSE | re.IGNORECASE)
    assert _after_no_word_character(list(parsed)), form.name
    first = _first_characters(parsed)
    assert "any" not in first, form.name
    letters = {c for c in first if c.isalpha() and len(c) == 1}
    assert letters <= {word[0].lower() for word in WORD_STARTS}, (form.name, letters)


def test_word_starts_find_what_any_word_start_finds():
    """The grammar tried at every word start (as before WORD_STARTS) finds the
    same statistics as the grammar on every page of the guide."""
    grammar, _ = _joined(FORMS)
    head = re.match(r"\(\?=.*?\)\)", grammar)
    assert head is not None
    everywhere = re.compile(r"(?=[\d≥≤><~≈$€£]|(?<!\w)\w)" + grammar[head.end():], re.VERBOSE | re.IGNORECASE)
    texts = [text for text, _, _ in EVERY_FORM.values()]
    texts += [parse_document(page.read_text(encoding="utf-8")).prose for page in sorted((ROOT / "docs").rglob("*.md"))]
    assert len(texts) > 20
    for text in texts:
        assert [m.group(0) for m in _grammar()[0].finditer(text)] == [m.group(0) for m in everywhere.finditer(text)]


@pytest.mark.parametrize(
    "text",
    [
        "DSM-5 and ICD-10 criteria",
        "the CYP2D6 enzyme and 5-HT1A receptors",
        "during COVID-19",
        "call 988 or 116 123",
        "Step 2 of the study",
        "two trials of 49 patients in 1974",
        "a third antidepressant was tried",
        "in the second half of the year",
        "open 24/7",
        "on 1/3/2020",
        "at least six weeks",
        "approved in 2019",
        "one or 2 sessions",
        "a 95% confidence interval",
    ],
)
def test_non_statistics_are_not_claims(text):
    assert find_quantities(text) == []


def test_durations_and_dates_are_optional_claims():
    assert [s.text for s in find_quantities("at least six weeks, or 4-8 weeks", OPTIONAL)] == ["six weeks", "4-8 weeks"]
    assert [s.form for s in find_quantities("esketamine was approved in 2019", OPTIONAL)] == ["date"]


@pytest.mark.parametrize(
    "value, low, high, unit",
    [
        ("30.9%", 30.9, 30.9, "%"),
        ("20-40%", 20, 40, "%"),
        ("2.8 million", 2.8e6, 2.8e6, "count"),
        ("$43.8 billion", 43.8e9, 43.8e9, "USD"),
        ("1.5x", 1.5, 1.5, "x"),
        ("6 weeks", 42, 42, "days"),
        ("155", 155, 155, "count"),
    ],
)
def test_finding_values(value, low, high, unit):
    q = parse_value(value)
    assert (q.low, q.high, q.unit) == (pytest.approx(low), pytest.approx(high), unit)


@pytest.mark.parametrize("value", ["about 30%", "30%%", "", "x", "40-20%", "thirty"])
def test_malformed_finding_values(value):
    assert parse_value(value) is None


@pytest.mark.parametrize(
    "text, recorded, expected",
    [
        # 1. units agree
        ("one in three people", "33.3%", True),
        ("a 1.5-fold risk", "1.5%", False),
        # 2. rounding to stated precision
        ("31% of people", "30.9%", True),
        ("30.9% of people", "30.9%", True),
        ("30.8% of people", "30.9%", False),
        ("70% of people", "71%", False),
        ("2.8 million adults", "2.8 million", True),
        ("3 million adults", "2.8 million", True),
        ("2 million adults", "2.8 million", False),
        # 3. hedges within 10%
        ("about 30% of people", "32.9%", True),
        ("about 30% of people", "33.5%", False),
        ("about 6 million adults", "2.8 million", False),
        ("nearly 30% of people", "28%", True),
        ("nearly 30% of people", "31%", False),
        # 4. word fractions within 15%
        ("about a third of people", "30.9%", True),
        ("half of the patients", "30.9%", False),
        ("a third of people", "29%", True),
        ("twice as likely", "2.1x", True),
        ("twice as likely", "2.5x", False),
        # 5. bounds
        ("at least 30% of people", "30.9%", True),
        ("at least 30% of people", "25%", False),
        ("up to 70% of people", "65%", True),
        ("up to 70% of people", "20%", False),
        ("as many as 70% of people", "71%", False),
        ("more than 300 million people", "332 million", True),
        ("fewer than 10% of people", "8%", True),
        # "no more than" is a ceiling, not a floor (a reviewer's find: "no more than $7.70")
        ("no more than 70% of people", "65%", True),
        ("no more than 70% of people", "75%", False),
        ("not more than 70% of people", "65%", True),
        ("no fewer than 30% of people", "35%", True),
        ("no fewer than 30% of people", "25%", False),
        ("no less than 30% of people", "35%", True),
        # 6. ranges
        ("70-80% of people", "70-80%", True),
        ("70-80% of people", "75%", True),
        ("70-80% of people", "60-80%", False),
        ("50-60% of people", "85%", False),
        ("35% of people", "20-40%", False),
        ("about 35% of people", "20-40%", True),
    ],
)
def test_matching_rules(text, recorded, expected):
    assert matches(stated(text), parse_value(recorded)) is expected
