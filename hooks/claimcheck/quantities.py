"""The number grammar: one place that knows how statistics are written.

It serves both sides of a check: `find_quantities` reads numbers as an editor
writes them in prose ("about a third", "70-80%", "$43.8 billion"), and
`parse_value` reads the `VALUE` of a `findings` field in BibTeX. Both produce
`Quantity`, and `matches` decides whether a stated quantity agrees with a
recorded one. Every regular expression here is free of nested quantifiers, so
matching time stays linear in the length of the text.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NewType

#: How a number is qualified in the prose; decides how loosely it matches.
EXACT, APPROX, FRACTION, NEARLY, AT_LEAST, AT_MOST = (
    "exact",
    "approx",
    "fraction",
    "nearly",
    "at-least",
    "at-most",
)

#: Relative tolerance for hedged numbers ("about 30%").
HEDGE_TOLERANCE = 0.10
#: Relative tolerance for word fractions and word multipliers ("a third", "twice").
FRACTION_TOLERANCE = 0.15
#: A bound ("up to 70%") matches a finding no further than this share of its value away.
BOUND_REACH = 0.5


class QuantityKind(StrEnum):
    """How a statistic is written (`Statistic.form`, `Form.kind`), as reports name it."""

    PERCENTAGE = "percentage"  # "70%", "70-80%", "5 percentage points"
    PROPORTION = "proportion"  # "a third", "1 in 3", "2/3"
    MULTIPLIER = "multiplier"  # "3-fold", "twice as", "2 times more"
    RATIO = "ratio"  # "odds ratio of 1.5"
    COUNT = "count"  # "2 million", "1,200", "NNT of 6"
    MONEY = "money"  # "$43.8 billion"
    DURATION = "duration"  # "6 weeks"
    DATE = "date"  # "approved in 2019"


class QuantityUnit(StrEnum):
    """The dimensions a `Quantity` is compared in, apart from money.

    A quantity's unit is one of these or a `Currency`: the units are a closed
    set the grammar reads into, while a currency code is open (any ISO 4217
    code a finding may record), so `Quantity.unit` is `QuantityUnit | Currency`
    and the two never share a value."""

    PERCENT = "%"  # percentages and proportions
    POINTS = "pp"  # percentage points
    TIMES = "x"  # fold, times, ratios
    COUNT = "count"
    DAYS = "days"  # every duration, in days
    YEAR = "year"  # the year of a dated event


#: Units written right after the number, with no space ("70%", "5pp", "2x").
SYMBOL_UNITS = (QuantityUnit.PERCENT, QuantityUnit.POINTS, QuantityUnit.TIMES)
#: An ISO 4217 currency code ("USD"), the unit of an amount of money.
Currency = NewType("Currency", str)

DAYS_PER_UNIT = {"minutes": 1 / 1440, "hours": 1 / 24, "days": 1, "weeks": 7, "months": 30.4375, "years": 365.25}
MAGNITUDES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "bn": 1e9}
CURRENCIES = {"$": Currency("USD"), "US$": Currency("USD"), "€": Currency("EUR"), "£": Currency("GBP")}
CURRENCY_SIGNS: dict[str, str] = {"USD": "$", "EUR": "€", "GBP": "£"}

WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
}
DENOMINATORS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4,
    "fourth": 4, "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6,
    "seventh": 7, "sevenths": 7, "eighth": 8, "eighths": 8, "ninth": 9, "ninths": 9,
    "tenth": 10, "tenths": 10,
}
MULTIPLIER_WORDS = {"twice": 2, "double": 2, "thrice": 3, "triple": 3, "half": 0.5}
#: Verbs a proportion word can be the subject of ("a third relapse", "more than
#: half improve"): what tells "a third relapse" from "a third antidepressant".
SUBJECT_VERBS = (
    "relapse relapsed respond responded recover recovered remit remitted improve improved get got have had has "
    "develop developed experience experienced report reported stop stopped drop dropped die died need needed "
    "benefit benefited benefitted achieve achieved reach reached feel felt are were will would may might can could "
    "do did does don't didn't never still also eventually go went show showed return returned attempt attempted "
    "see saw continue continued become became meet met remain remained stay stayed find found say said"
).split()


@dataclass(frozen=True)
class Quantity:
    """A stated or recorded amount: an interval in a unit, and how it was qualified.

    `unit` is the dimension compared (a `QuantityUnit` or a `Currency`).
    `slack` is half a step of the last stated digit, so "70%" covers 69.5-70.5.
    """

    low: float
    high: float
    unit: QuantityUnit | Currency
    slack: float
    qualifier: str = EXACT

    @property
    def is_range(self) -> bool:
        return self.high != self.low

    def interval(self) -> tuple[float, float]:
        """The values a reader may take this quantity to assert."""
        low, high, tol = self.low, self.high, self.tolerance()
        if self.qualifier == AT_LEAST:
            return low - self.slack, math.inf
        if self.qualifier == AT_MOST:
            return -math.inf, high + self.slack
        if self.qualifier == NEARLY:
            return low - tol, high + self.slack
        return low - tol, high + tol

    def tolerance(self) -> float:
        size = max(abs(self.low), abs(self.high))
        if self.qualifier == FRACTION:
            return max(self.slack, FRACTION_TOLERANCE * size)
        if self.qualifier in (APPROX, NEARLY):
            return max(self.slack, HEDGE_TOLERANCE * size)
        return self.slack

    def describe(self) -> str:
        """This quantity as a `findings` VALUE, at its stated precision:
        `parse_value` reads it back (the checker suggests it to editors)."""
        if self.unit == QuantityUnit.YEAR:
            return f"in {self.low:.0f}"
        if self.unit == QuantityUnit.DAYS:
            name, scale = _duration_unit(self)
            span = _span(self, scale)
            return f"{span} {name[:-1] if span == '1' else name}"
        if self.unit == QuantityUnit.COUNT or self.unit in CURRENCY_SIGNS:
            size = max(abs(self.low), abs(self.high))
            word, scale = next(((w, s) for w, s in (("billion", 1e9), ("million", 1e6)) if size >= s), ("", 1.0))
            bare_count = self.unit == QuantityUnit.COUNT and not word
            if bare_count and (size < 1000 or not (self.low.is_integer() and self.high.is_integer())):
                word, scale = "thousand", 1e3  # a bare count must be a whole 1,000 or more to be read as one
            return CURRENCY_SIGNS.get(self.unit, "") + _span(self, scale) + (f" {word}" if word else "")
        return _span(self, 1.0) + (self.unit if self.unit in SYMBOL_UNITS else f" {self.unit}")


def _written(value: float, slack: float) -> str:
    """`value` with as many decimals as a step of `2 * slack` needs, no trailing zeros."""
    decimals = max(0, math.ceil(-math.log10(2 * slack) - 1e-9)) if slack > 0 else 6
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _span(quantity: Quantity, scale: float) -> str:
    """The value or range of `quantity` in units of `scale`."""
    low = _written(quantity.low / scale, quantity.slack / scale)
    return low if not quantity.is_range else f"{low}-{_written(quantity.high / scale, quantity.slack / scale)}"


def _duration_unit(quantity: Quantity) -> tuple[str, float]:
    """The duration unit that states `quantity` exactly in the fewest digits
    ("6 weeks", not "42 days"; "37.5 minutes", not "0.625 hours"), larger on a tie."""
    best = ("days", 1.0)
    shortest = len(_span(quantity, 1.0))
    for name, scale in sorted(DAYS_PER_UNIT.items(), key=lambda item: -item[1]):
        written = _span(quantity, scale)
        back = [float(part) * scale for part in written.split("-")]
        exact = all(abs(b - v) <= 1e-9 * max(1.0, abs(v)) for b, v in zip(back, (quantity.low, quantity.high)))
        if exact and len(written) < shortest or (exact and len(written) == shortest and scale > best[1]):
            best, shortest = (name, scale), len(written)
    return best


# --------------------------------------------------------------------------- matching


def matches(stated: Quantity, recorded: Quantity) -> bool:
    """Does the stated quantity agree with a recorded finding? Rules in README."""
    if stated.unit != recorded.unit:
        return False
    eps = 1e-9 * max(1.0, abs(stated.high), abs(recorded.high))
    low, high = recorded.low, recorded.high
    value, top, slack = stated.low, stated.high, stated.slack + eps
    if stated.qualifier == AT_LEAST:
        return value - slack <= low <= value + BOUND_REACH * abs(value) + slack
    if stated.qualifier == AT_MOST:
        return value - BOUND_REACH * abs(value) - slack <= high <= top + slack
    if stated.is_range:
        if recorded.is_range:
            if abs(low - value) <= slack and abs(high - top) <= slack:
                return True
            if stated.qualifier == EXACT:
                return False
        lo, hi = stated.interval()
        return lo - eps <= low and high <= hi + eps
    lo, hi = stated.interval()
    if recorded.is_range:
        if stated.qualifier == EXACT:
            return False
        return low <= hi + eps and high >= lo - eps
    return lo - eps <= low <= hi + eps


def agree(a: Quantity, b: Quantity) -> bool:
    """Could two stated quantities describe the same value? (Used for conflicts.)"""
    if a.unit != b.unit:
        return True
    a_lo, a_hi = a.interval()
    b_lo, b_hi = b.interval()
    return a_lo <= b_hi and b_lo <= a_hi


# --------------------------------------------------------------------------- grammar

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
WORDNUM = "|".join(sorted((w for w in WORD_NUMBERS if w not in ("a", "an")), key=len, reverse=True))
DENOM = "|".join(sorted(DENOMINATORS, key=len, reverse=True))
DASH = r"\s?(?:-|–|—|to)\s?"
PERCENT = r"\s?(?:%|per\s?cent\b|percent\b)"
POINTS = r"\s?(?:percentage\s+points?\b|pp\b)"
MAGNITUDE = r"(?:thousand|million|billion|trillion|bn)\b"
CURRENCY = r"US\$|\$|€|£"
DURATION = r"(?:minutes?|hours?|days?|weeks?|months?|years?)\b"
#: The object a multiplier compares with: "twice that of", "three times those in".
COMPARED = r"(?:that|those)\s(?:of|in|for|among|seen\sin|found\sin)"
#: "NNT 6", "number needed to treat was 9": how many people treated for one more to benefit.
NNT = r"(?-i:\bNNTs?\b)|numbers?\sneeded\sto\streat"
RATIO = r"(?:adjusted\s)?(?:odds|hazard|risk|rate|incidence\srate)\sratio|relative\srisk|(?-i:\b(?:a?OR|a?HR|RR|IRR)\b)"
# A number must not be glued to a name: DSM-5, ICD-10, CYP2D6, 5-HT1A, COVID-19.
START = r"(?<![\w.,/\-–@#:])"
END = r"(?![\w]|-[A-Za-z]|\.\d|,\d{3})"

HEDGE_BEFORE = re.compile(
    r"(?:\b(?:about|approximately|approx\.|roughly|around|some|an\s+estimated|estimated|"
    r"circa|ca\.|close\s+to|nearly|almost|just\s+under|just\s+over)|~|≈)\s*$",
    re.IGNORECASE,
)
#: "no more than" and "not more than" are upper bounds: "more than" counts only without them.
NOT_NEGATED = r"(?<!\bno\s)(?<!\bnot\s)"
LOWER_BOUND_BEFORE = re.compile(
    rf"\b(?:at\s+least|{NOT_NEGATED}more\s+than|over|{NOT_NEGATED}greater\s+than|upwards\s+of|in\s+excess\s+of|"
    r"no\s+fewer\s+than|no\s+less\s+than|above|exceeds?|exceeding)\s*$",
    re.IGNORECASE,
)
UPPER_BOUND_BEFORE = re.compile(
    rf"\b(?:up\s+to|as\s+many\s+as|as\s+much\s+as|as\s+high\s+as|{NOT_NEGATED}fewer\s+than|{NOT_NEGATED}less\s+than|"
    r"under|below|at\s+most|no\s+more\s+than|not\s+more\s+than|does\s+not\s+exceed|"
    r"do\s+not\s+exceed|not\s+exceed(?:ing)?)\s*$",
    re.IGNORECASE,
)
BOUND_AFTER = re.compile(r"^\s*(?:or\s+(?P<up>more|higher|greater|above|longer)|or\s+(?P<down>less|fewer|lower|below))\b", re.IGNORECASE)
#: "a third" needs "of" after it or a hedge before it: "a third antidepressant" is an ordinal.
FRACTION_NEEDS = re.compile(r"^\s+of\b|^\s*\(|^\s+the\s+(?:patients|people|participants|adults|those|cases|children|women|men)\b", re.IGNORECASE)
#: A proportion word as the subject of a verb: "a third relapse", "half improve".
SUBJECT_OF = re.compile(rf"^\s+(?:{'|'.join(re.escape(v) for v in SUBJECT_VERBS)})\b", re.IGNORECASE)
#: A proportion word ending its clause, as an object: "ECT helps about half."
CLAUSE_END = re.compile(r"^\s*(?:[.;:,)!?]|$|\s(?:and|but|or|whereas|while)\b)", re.IGNORECASE)

#: "95% CI": a confidence level, not a claim.
CONFIDENCE_LEVEL = re.compile(r"^\s?(?:CI\b|confidence\s+(?:interval|limit))", re.IGNORECASE)
#: "the second half", "half of the year": halves that are not proportions of people.
ORDINAL_HALF = re.compile(r"\b(?:first|second|latter|former|last|other|one|and\s+a|in)\s+$", re.IGNORECASE)
#: "after a third relapse": a preposition makes "a third relapse" a noun phrase, not a subject.
PREPOSITION_BEFORE = re.compile(r"\b(?:after|before|until|following|during|with|from|for|to|at|on|by|since|of|in|the|her|his|their|a)\s+$", re.IGNORECASE)
TIME_HALF = re.compile(r"\s+of\s+(?:the\s+|a\s+|that\s+|this\s+)?(?:year|day|week|month|century|decade|hour|night|dose|trial|study|session|course)s?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Statistic:
    """A quantity found in prose, with where it stands in the text it came from."""

    start: int
    end: int
    text: str
    quantity: Quantity
    form: QuantityKind


def _number(text: str) -> tuple[float, float]:
    """A number as written, and half a step of its last digit."""
    word = text.lower()
    if word in WORD_NUMBERS:
        return float(WORD_NUMBERS[word]), 0.5
    plain = text.replace(",", "")
    decimals = len(plain.split(".")[1]) if "." in plain else 0
    return float(plain), 0.5 * 10 ** (-decimals)


def _qualifier(before: str, after: str, symbol: str | None, default: str = EXACT) -> str:
    symbol = (symbol or "").strip()
    if symbol in ("≥", ">"):
        return AT_LEAST
    if symbol in ("≤", "<"):
        return AT_MOST
    if symbol in ("~", "≈"):
        return APPROX
    tail = BOUND_AFTER.match(after)
    if tail:
        return AT_LEAST if tail.group("up") else AT_MOST
    if LOWER_BOUND_BEFORE.search(before):
        return AT_LEAST
    if UPPER_BOUND_BEFORE.search(before):
        return AT_MOST
    hedge = HEDGE_BEFORE.search(before)
    if hedge:
        word = hedge.group(0).strip().lower()
        if word.startswith(("nearly", "almost", "just under")):
            return NEARLY
        return FRACTION if default == FRACTION else APPROX
    return default


def _is_proportion(before: str, after: str, needs_context: bool) -> bool:
    """Is "a third" / "half" a share of people here, not an ordinal ("a third
    antidepressant") or a measure ("half an hour")? It is when "of" follows,
    a hedge or bound precedes, or it is the subject of a verb; a lone "half"
    also when it ends its clause ("ECT helps half")."""
    hedged = HEDGE_BEFORE.search(before) or LOWER_BOUND_BEFORE.search(before) or UPPER_BOUND_BEFORE.search(before)
    if FRACTION_NEEDS.match(after) or hedged:
        return True
    if SUBJECT_OF.match(after):
        return not PREPOSITION_BEFORE.search(before)
    return needs_context and bool(CLAUSE_END.match(after))




def _range(lo: str, hi: str, scale: float = 1.0) -> Reading:
    """A range as written, in units of `scale`; slack from the more precise end."""
    low, s1 = _number(lo)
    high, s2 = _number(hi)
    return Reading(low * scale, high * scale, max(s1, s2) * scale)


def _scaled(text: str, scale: float = 1.0) -> Reading:
    """One number as written, in units of `scale`."""
    value, slack = _number(text)
    return Reading(value * scale, value * scale, slack * scale)


# --------------------------------------------------------------------------- the forms
#
# Each form of the grammar is one `Form` in `FORMS`: its pattern, and a reader
# that turns the pattern's named groups into a `Reading` (or None: not a claim
# here). Group names are the form's own: `FORMS` renames them apart when it
# joins the patterns into one alternation, tried in table order. A new form is
# one entry (and its reader) here, and one row in tests/claimcheck/test_quantities.py.

#: A form's named groups as matched (None for an optional group that did not take part).
Groups = Mapping[str, str]


@dataclass(frozen=True)
class Reading:
    """What a form reads from its match: the interval, with half a step of its
    last digit, and the unit or unqualified qualifier where the words decide them."""

    low: float
    high: float
    slack: float
    unit: Currency | None = None  # else the form's
    qualifier: str | None = None  # else the form's


@dataclass(frozen=True)
class Form:
    """One way a statistic is written: its pattern and how it is read."""

    name: str  # also names the form's alternative in the joined grammar
    kind: QuantityKind  # `Statistic.form`
    pattern: str  # verbose, case-insensitive; its named groups are what `read` gets
    read: Callable[[Groups, str, str], Reading | None]  # (groups, 30 characters before, 20 after)
    unit: QuantityUnit | None = None  # the unit compared; None where `read` gives one (a currency)
    qualifier: str = EXACT  # how it is qualified when no hedge or bound stands by it
    option: str | None = None  # read only when this option is on ("durations", "dated_events")
    not_followed_by: re.Pattern[str] | None = None  # what after it makes it no claim ("95% CI")


def _between(g: Groups, before: str, after: str) -> Reading | None:
    return _range(g["lo"], g["hi"])


def _rising_range(g: Groups, before: str, after: str) -> Reading | None:
    reading = _range(g["lo"], g["hi"])
    return reading if reading.low <= reading.high else None


def _one_number(g: Groups, before: str, after: str) -> Reading | None:
    return _scaled(g["value"])


def _money(g: Groups, before: str, after: str) -> Reading | None:
    magnitude = (g["magnitude"] or "").lower()
    scale = MAGNITUDES.get(magnitude, {"m": 1e6, "k": 1e3}.get(magnitude, 1.0))
    return replace(_scaled(g["value"], scale), unit=CURRENCIES[g["currency"].upper()])


def _count(g: Groups, before: str, after: str) -> Reading | None:
    return _scaled(g["value"], MAGNITUDES[g["magnitude"].lower()])


def _ratio(g: Groups, before: str, after: str) -> Reading | None:
    return _range(g["lo"], g["hi"]) if g["hi"] is not None else _scaled(g["lo"])


def _times(g: Groups, before: str, after: str) -> Reading | None:
    """"2.5-fold", "3 times more"; a word ("three times") is as loose as a fraction."""
    if g["value"].lower() in WORD_NUMBERS:
        value = float(WORD_NUMBERS[g["value"].lower()])
        return Reading(value, value, 0.05, qualifier=FRACTION)
    return _scaled(g["value"])


def _multiplier_word(g: Groups, before: str, after: str) -> Reading | None:
    value = float(MULTIPLIER_WORDS[g["word"].lower()])
    return Reading(value, value, 0.05 * value / 2)


def _share(percent: float) -> Reading:
    return Reading(percent, percent, 0.05)


def _half(g: Groups, before: str, after: str) -> Reading | None:
    if not _is_proportion(before, after, needs_context=True) or ORDINAL_HALF.search(before) or TIME_HALF.match(after):
        return None
    return _share(50.0)


def _n_in_m(g: Groups, before: str, after: str) -> Reading | None:
    a, _ = _number(g["a"])
    b, _ = _number(g["b"])
    return _share(100 * a / b) if 0 < a < b <= 1000 else None


def _slash(g: Groups, before: str, after: str) -> Reading | None:
    a, b = int(g["a"]), int(g["b"])
    return _share(100 * a / b) if 0 < a < b <= 10 else None


def _word_fraction(g: Groups, before: str, after: str) -> Reading | None:
    """"two-thirds", "a quarter" (an ordinal unless the context makes it a share)."""
    numerator = WORD_NUMBERS[g["numerator"].lower()]
    denominator_word = g["denominator"].lower()
    plural = denominator_word.endswith("s") and denominator_word != "halves"
    if numerator >= DENOMINATORS[denominator_word] or (numerator > 1) != plural:
        return None
    if g["numerator"].lower() in ("a", "an") and not _is_proportion(before, after, needs_context=False):
        return None
    return _share(100 * numerator / DENOMINATORS[denominator_word])


def _duration(g: Groups, before: str, after: str) -> Reading | None:
    scale = DAYS_PER_UNIT[g["unit"].lower().rstrip("s") + "s"]
    return _range(g["lo"], g["hi"], scale) if g.get("hi") is not None else _scaled(g["lo"], scale)


def _year(g: Groups, before: str, after: str) -> Reading | None:
    return Reading(float(g["year"]), float(g["year"]), 0.5)


#: "between 20 and 40%", "70-80%", "70%", "5 percentage points": percentages, but not "95% CI".
FORMS: tuple[Form, ...] = (
    Form("between", pattern=rf"{START}between\s(?P<lo>{NUM})\s?(?:%|per\s?cent|percent)?\sand\s(?P<hi>{NUM}){PERCENT}",
         read=_between, unit=QuantityUnit.PERCENT, kind=QuantityKind.PERCENTAGE, not_followed_by=CONFIDENCE_LEVEL),
    Form("percent_range", pattern=rf"{START}(?P<lo>{NUM})(?:{PERCENT})?{DASH}(?P<hi>{NUM}){PERCENT}",
         read=_rising_range, unit=QuantityUnit.PERCENT, kind=QuantityKind.PERCENTAGE, not_followed_by=CONFIDENCE_LEVEL),
    Form("percent", pattern=rf"{START}(?P<value>{NUM}){PERCENT}", read=_one_number, unit=QuantityUnit.PERCENT, kind=QuantityKind.PERCENTAGE, not_followed_by=CONFIDENCE_LEVEL),
    Form("points", pattern=rf"{START}(?P<value>{NUM}){POINTS}", read=_one_number, unit=QuantityUnit.POINTS, kind=QuantityKind.PERCENTAGE, not_followed_by=CONFIDENCE_LEVEL),
    Form("money", kind=QuantityKind.MONEY, read=_money,
         pattern=rf"{START}(?P<currency>{CURRENCY})\s?(?P<value>{NUM})(?:\s?(?P<magnitude>{MAGNITUDE}|m\b|k\b))?"),
    Form("count_magnitude", kind=QuantityKind.COUNT, unit=QuantityUnit.COUNT, read=_count,
         pattern=rf"{START}(?P<value>{NUM}|{WORDNUM})\s(?P<magnitude>{MAGNITUDE})"),
    Form("ratio", kind=QuantityKind.RATIO, unit=QuantityUnit.TIMES, read=_ratio,
         pattern=rf"\b(?:{RATIO})s?\s?(?:of\s|was\s|were\s|=\s?|:\s?|,\s)?(?P<lo>{NUM})(?:\s?(?:-|–|to)\s?(?P<hi>{NUM}))?"),
    Form("nnt", kind=QuantityKind.COUNT, unit=QuantityUnit.COUNT, read=_one_number,
         pattern=rf"\b(?:{NNT})(?:\s\((?-i:NNTs?)\))?(?:\sfor\s[a-z]+)?\s?(?:of\s|was\s|were\s|is\s|=\s?|:\s?|,\s)?(?P<value>{NUM})\b(?!\s?%)"),
    Form("fold", kind=QuantityKind.MULTIPLIER, unit=QuantityUnit.TIMES, read=_times, pattern=rf"{START}(?P<value>{NUM})(?:\s?-?\s?fold\b|\s?×|x(?=\s))"),
    Form("times", kind=QuantityKind.MULTIPLIER, unit=QuantityUnit.TIMES, read=_times,
         pattern=rf"{START}(?P<value>{NUM}|{WORDNUM})\stimes\s(?:as|more|higher|greater|lower|less|the|likelier|{COMPARED})\b"),
    Form("multiplier_word", kind=QuantityKind.MULTIPLIER, unit=QuantityUnit.TIMES, qualifier=FRACTION, read=_multiplier_word,
         pattern=rf"\b(?P<word>twice|thrice|double|triple)\s(?:as|the|more|{COMPARED})\b"),
    Form("half_as", kind=QuantityKind.MULTIPLIER, unit=QuantityUnit.TIMES, qualifier=FRACTION, read=_multiplier_word,
         pattern=rf"\b(?P<word>half)\s(?:as|{COMPARED})\b"),
    Form("half", kind=QuantityKind.PROPORTION, unit=QuantityUnit.PERCENT, qualifier=FRACTION, read=_half, pattern=rf"{START}\bhalf\b"),
    Form("n_in_m", kind=QuantityKind.PROPORTION, unit=QuantityUnit.PERCENT, qualifier=FRACTION, read=_n_in_m,
         pattern=rf"\b(?P<a>{NUM}|{WORDNUM})\s(?:in|out\sof)\s(?P<b>{NUM}|{WORDNUM})\b(?!\s?(?:%|per))"),
    Form("slash", kind=QuantityKind.PROPORTION, unit=QuantityUnit.PERCENT, qualifier=FRACTION, read=_slash, pattern=rf"{START}(?P<a>\d)/(?P<b>\d{{1,2}})(?![\d/])"),
    Form("word_fraction", kind=QuantityKind.PROPORTION, unit=QuantityUnit.PERCENT, qualifier=FRACTION, read=_word_fraction,
         pattern=rf"\b(?P<numerator>a|an|one|two|three|four|five|six|seven|eight|nine)[\s-](?P<denominator>{DENOM})\b"),
    Form("duration_range", kind=QuantityKind.DURATION, unit=QuantityUnit.DAYS, option="durations", read=_duration,
         pattern=rf"{START}(?P<lo>{NUM}|{WORDNUM}){DASH}(?P<hi>{NUM}|{WORDNUM})\s(?P<unit>{DURATION})"),
    Form("duration", kind=QuantityKind.DURATION, unit=QuantityUnit.DAYS, option="durations", read=_duration,
         pattern=rf"{START}(?P<lo>{NUM}|{WORDNUM})[\s-](?P<unit>{DURATION})"),
    Form("grouped_count", kind=QuantityKind.COUNT, unit=QuantityUnit.COUNT, read=_one_number,
         pattern=r"(?P<value>(?<![\w.,/\-–@#:$£€])\d{1,3}(?:,\d{3})+)(?!\s?(?:%|per))"),
    Form("dated_event", kind=QuantityKind.DATE, unit=QuantityUnit.YEAR, option="dated_events", read=_year,
         pattern=r"\b(?:approved|licensed|authori[sz]ed|cleared|introduced|launched)\b[^.;\n]{0,40}?\bin\s(?P<year>1[89]\d\d|20\d\d)\b"),
)

_GROUP = re.compile(r"\(\?P<(\w+)>")
#: Every form starts where no word character stands before it (`START`, `\b`),
#: and one that does not start at a digit or a sign starts at a word beginning
#: with one of these (read without case): the grammar is tried only there, not
#: at every word and every digit, which took three quarters of its time. A new
#: form starting with another word adds it here (test_quantities checks each
#: form's start, and its row in EVERY_FORM that the form is found).
WORD_STARTS = (*WORD_NUMBERS, "between", "US", "adjusted", "odds", "hazard", "risk", "rate", "incidence", "relative",
               "OR", "HR", "RR", "IRR", "NNT", "number", "twice", "thrice", "double", "triple", "half",
               "approved", "licensed", "authori", "cleared", "introduced", "launched")


def _joined(forms: tuple[Form, ...]) -> tuple[str, dict[str, tuple[Form, tuple[tuple[str, str], ...]]]]:
    """The forms as one alternation, each alternative a group named after its
    form and its groups renamed `form__group`; and, by form name, the form
    with (its group name, the renamed group) pairs."""
    alternatives, by_name = [], {}
    for form in forms:
        groups = tuple((name, f"{form.name}__{name}") for name in _GROUP.findall(form.pattern))
        renamed = _GROUP.sub(rf"(?P<{form.name}__\g<1>>", form.pattern)
        alternatives.append(f"(?P<{form.name}>{renamed})")
        by_name[form.name] = (form, groups)
    words = "|".join(sorted(WORD_STARTS, key=len, reverse=True))
    grammar = (rf"(?=[≥≤><~≈$€£]|(?<!\w)(?:\d|{words}))"  # a sign, or a number or one of WORD_STARTS at a word's start: skip the rest fast
               rf"(?P<symbol>[≥≤><~≈]\s?)?(?:{'|'.join(alternatives)}){END}")
    return grammar, by_name


@functools.cache
def _grammar() -> tuple[re.Pattern[str], dict[str, tuple[Form, tuple[tuple[str, str], ...]]]]:
    """The statistic grammar, compiled on first use (it takes milliseconds, and
    a build whose pages all come from the cache never needs it)."""
    grammar, by_name = _joined(FORMS)
    return re.compile(grammar, re.VERBOSE | re.IGNORECASE), by_name


def _statistic(m: re.Match[str], text: str, options: frozenset[str]) -> Statistic | None:
    """The statistic a match of the grammar states, read by the form that matched
    (the last group to close is the form's own), or None where it is no claim."""
    form, groups = _grammar()[1][m.lastgroup or ""]
    if form.option is not None and form.option not in options:
        return None
    before = text[max(0, m.start() - 30): m.start()]
    after = text[m.end(): m.end() + 20]
    reading = form.read({name: m.group(full) for name, full in groups}, before, after)
    if reading is None or (form.not_followed_by is not None and form.not_followed_by.match(after)):
        return None
    qualifier = _qualifier(before, after, m.group("symbol"), reading.qualifier or form.qualifier)
    unit = reading.unit or form.unit
    assert unit is not None, f"the number form {form.name!r} reads no unit"
    quantity = Quantity(reading.low, reading.high, unit, reading.slack, qualifier)
    return Statistic(m.start(), m.end(), m.group(0).strip(), quantity, form.kind)


def find_quantities(text: str, options: frozenset[str] = frozenset()) -> list[Statistic]:
    """Every statistic written in `text`, in order. `options` may enable
    "durations" and "dated_events"."""
    found: list[Statistic] = []
    for m in _grammar()[0].finditer(text):
        stat = _statistic(m, text, options)
        if stat is not None:
            found.append(stat)
    return found



VALUE_PATTERN = re.compile(
    rf"""^\s*(?P<cur>{CURRENCY})?\s?(?P<lo>{NUM})\s?(?P<lo_unit>%|x|×)?
    (?:{DASH}(?:{CURRENCY})?\s?(?P<hi>{NUM}))?
    \s?(?P<unit>%|x|×|pp|{MAGNITUDE}|{DURATION})?\s*$""",
    re.VERBOSE | re.IGNORECASE,
)


#: A dated event's VALUE: "in 2019" (matched by "approved in 2019").
YEAR_VALUE = re.compile(r"^\s*in\s+(?P<year>\d{4})\s*$", re.IGNORECASE)
#: A VALUE with no unit at all ("0.42", "2129", "10-12"): `bibliography` decides when that is allowed.
BARE_VALUE = re.compile(rf"^\s*(?:{NUM})(?:{DASH}(?:{NUM}))?\s*$", re.IGNORECASE)


def parse_value(text: str) -> Quantity | None:
    """Read a findings VALUE ("30.9%", "20-40%", "$43.8 billion", "1.5x", "6 weeks", "in 2019")."""
    year = YEAR_VALUE.match(text)
    if year:
        return Quantity(float(year.group("year")), float(year.group("year")), QuantityUnit.YEAR, 0.5)
    m = VALUE_PATTERN.match(text)
    if not m:
        return None
    if m.group("lo_unit") and m.group("unit") and not m.group("hi"):
        return None
    unit_word = (m.group("unit") or m.group("lo_unit") or "").lower()
    low, slack = _number(m.group("lo"))
    high = low
    if m.group("hi"):
        high, slack2 = _number(m.group("hi"))
        slack = max(slack, slack2)
        if high < low:
            return None
    scale = 1.0
    unit: QuantityUnit | Currency
    if m.group("cur"):
        unit = CURRENCIES[m.group("cur").upper()]
        scale = MAGNITUDES.get(unit_word, 1.0)
    elif unit_word == "%":
        unit = QuantityUnit.PERCENT
    elif unit_word in ("x", "×"):
        unit = QuantityUnit.TIMES
    elif unit_word == "pp":
        unit = QuantityUnit.POINTS
    elif unit_word in MAGNITUDES or unit_word == "":
        unit, scale = QuantityUnit.COUNT, MAGNITUDES.get(unit_word, 1.0)
    else:
        unit, scale = QuantityUnit.DAYS, DAYS_PER_UNIT[unit_word.rstrip("s") + "s"]
    return Quantity(low * scale, high * scale, unit, slack * scale)
