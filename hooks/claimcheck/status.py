"""Status claims: sentences that state a treatment's regulatory or guideline
status ("approved", "not recommended", "available on the NHS").

Status goes stale faster than anything else in the guide: a licence is
extended, a guideline is replaced, a payer stops paying. So a sentence that
states status must cite a source (`unsourced` otherwise), and its newest cited
source must be less than `status_max_age_years` older than the page's review
(`stale-status` otherwise). A sentence that dates the decision it reports
("approved in 2019", "on 9 August 2024 the FDA declined") tells of a past
event, which does not go stale: it must cite a source, but its age is not
checked. "As of 2019" and "since 2023" do not date an event: they state
status at a time, and are checked.
"""

from __future__ import annotations

import bisect
import calendar
import datetime
import re
from dataclasses import dataclass

from .bibliography import WRITTEN_DATE, Bibliography, Entry
from .check import PageReport, SiteReport
from .citations import CitationGroup
from .document import Document, Unit
from .problems import Problem
from .standards import as_date, find_phrases, lower_case, next_review

#: Default for `extra.claimcheck.status_max_age_years`.
STATUS_MAX_AGE_YEARS = 3

#: "... by" a payer, within three words: "covered by most insurance plans".
_BY_A_PAYER = r"(?:\w+\s+){0,3}?(?:insurance|insurers?|medicare|medicaid|the\s+nhs|health\s+plans?|payers?)\b"

#: The words that make a sentence a status claim: regular expressions in lower
#: case, matched as whole words against the text in lower case, each starting
#: with a plain word (the search looks for it first, which keeps it fast); a
#: "not" just before is part of the claim. Narrow on purpose: "recommend" alone
#: ("what would you recommend?", "we do not recommend clinics") and "covered"
#: alone ("covered on its own page") are ordinary English; "clearance" is also
#: how fast the body removes a drug; a "licensed range" is a dose, not a status.
STATUS_TERMS = (
    r"approv(?:ed|es|e|al|als)\b",
    r"licen[cs]ed\b(?!\s+(?:range|doses?|maximum)\b)",
    r"licen[cs]es?\s+(?:for|in)\b",
    r"unlicen[cs]ed\b",
    r"cleared\b",
    r"authori[sz](?:ed|es|e|ations?)\b",
    r"recommend(?:ed|s|ations?)\b",
    r"covered\s+by\s+" + _BY_A_PAYER,
    r"paid\s+for\s+by\s+" + _BY_A_PAYER,
    r"funded\s+by\s+" + _BY_A_PAYER,
    r"insurance\s+coverage\b",
    r"medicare\s+coverage\b",
    r"medicaid\s+coverage\b",
    r"reimburs(?:ed|es|ement)\b",
    r"available\s+on\s+the\s+nhs\b",
)
_STATUS = [re.compile(term) for term in STATUS_TERMS]
_NOT_BEFORE = re.compile(r"(?<![\w])not\s+$", re.IGNORECASE)

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
#: A dated event: "in 2019", "in March 2019", "on 9 August 2024", "on August 9, 2024",
#: or a list item that starts with its year ("- **2019**: the FDA approved ...").
DATED_EVENT = re.compile(
    rf"\b(?:in|on)\s+(?:(?:\d{{1,2}}\s+)?(?:{_MONTHS})\s+(?:\d{{1,2}},?\s+)?)?(?:19|20)\d{{2}}\b"
    r"|\A[\s*_]*(?:19|20)\d{2}[\s*_]*:",
    re.IGNORECASE,
)

CURRENT, STALE, DATED, UNSOURCED, WAIVED, UNKNOWN = "current", "stale", "dated", "unsourced", "waived", "unknown-key"
#: How the evidence ledger names each verdict.
VERDICT_LABELS = {
    CURRENT: "Current source",
    STALE: "Source out of date",
    DATED: "Past event, dated",
    UNSOURCED: "No source",
    WAIVED: "Waived by editor",
    UNKNOWN: "Unknown source",
}


@dataclass(frozen=True)
class StatusClaim:
    """A sentence stating regulatory or guideline status, and its verdict.
    `newest` is the newest cited source and the date it is counted as of."""

    file: str
    line: int
    text: str
    sentence: str
    citations: tuple[str, ...]
    verdict: str
    newest: tuple[str, datetime.date] | None

    def as_dict(self) -> dict[str, object]:
        newest = None if self.newest is None else {"key": self.newest[0], "date": self.newest[1].isoformat()}
        return {"file": self.file, "line": self.line, "text": self.text, "citations": list(self.citations), "verdict": self.verdict, "newest": newest}


def source_date(entry: Entry) -> datetime.date | None:
    """The latest day an entry's `date` (or `year` and `month`) allows: a source
    dated only "2023" counts as of 31 December 2023, never older than it is."""
    m = WRITTEN_DATE.match(entry.written_date)
    if not m:
        return None
    year = int(m.group("year"))
    month = int(m.group("month")) if m.group("month") else _month(entry.fields.get("month", ""))
    try:
        if m.group("day"):
            return datetime.date(year, month or 12, int(m.group("day")))
        if month:
            return datetime.date(year, month, calendar.monthrange(year, month)[1])
        return datetime.date(year, 12, 31)
    except ValueError:
        return datetime.date(year, 12, 31)


def _month(text: str) -> int | None:
    text = text.strip().lower()
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    for number, name in enumerate(calendar.month_name[1:], start=1):
        if text and name.lower().startswith(text[:3]):
            return number
    return None


def _keys_in(unit: Unit, groups: list[CitationGroup], starts: list[int]) -> tuple[str, ...]:
    """The keys cited in a unit (`groups` sorted by start, `starts` their starts)."""
    keys: list[str] = []
    for start, end in unit.regions:
        for group in groups[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]:
            keys.extend(group.keys)
    return tuple(dict.fromkeys(keys))


def _is_question(text: str) -> bool:
    return re.sub(r"[\s|*_)\]\"'”’]+$", "", text).endswith("?")


def status_terms(text: str) -> list[tuple[int, int]]:
    """(start, end) of every status word in a text, a "not" just before included."""
    spans = []
    for start, end in find_phrases(_STATUS, text, lower_case(text)):
        negated = _NOT_BEFORE.search(text, max(0, start - 20), start)
        spans.append((negated.start() if negated else start, end))
    return spans


def _first_term_by_unit(document: Document) -> dict[int, tuple[int, int]]:
    """The first status word of each unit (by index), in prose only: not in
    headings, code, URLs or comments."""
    found = status_terms(document.prose)
    if not found:
        return {}
    regions = sorted((start, end, index) for index, unit in enumerate(document.units) if unit.kind != "heading" for start, end in unit.regions)
    starts = [start for start, _, _ in regions]
    first: dict[int, tuple[int, int]] = {}
    for start, end in found:
        at = bisect.bisect_right(starts, start) - 1
        if at >= 0 and start < regions[at][1]:
            first.setdefault(regions[at][2], (start, end))
    return first


def find_status_claims(page: PageReport, bibliography: Bibliography, today: datetime.date, max_age_years: int = STATUS_MAX_AGE_YEARS) -> list[StatusClaim]:
    """Every status claim of a page with its verdict; the age is measured from
    the page's `reviewed` date (today when it has none)."""
    document = page.document
    if document.meta.get("type") == "generated":
        return []
    reviewed = as_date(document.meta.get("reviewed")) or today
    waived_at = sorted(offset for offset, _ in document.waivers)
    claims = []
    terms = _first_term_by_unit(document)
    groups = sorted(page.groups, key=lambda g: g.start)
    starts = [g.start for g in groups]
    for index, (offset, end) in sorted(terms.items()):
        unit = document.units[index]
        keys = _keys_in(unit, groups, starts)
        sentence = " ".join(" ".join(document.text(a, b) for a, b in unit.regions).split())
        if _is_question(sentence):
            continue
        term = " ".join(document.text(offset, end).split())
        prose = " ".join(document.prose[a:b] for a, b in unit.regions)
        known = [entry for entry in (bibliography.get(k) for k in keys) if entry is not None]
        dated = [(source_date(e), e.key) for e in known]
        newest = max(((d, k) for d, k in dated if d is not None), default=None)
        first, last = unit.regions[0][0], unit.regions[-1][1]
        if any(unit.contains(w) for w in waived_at[bisect.bisect_left(waived_at, first):bisect.bisect_left(waived_at, last)]):
            verdict = WAIVED
        elif not keys:
            verdict = UNSOURCED
        elif not known:
            verdict = UNKNOWN
        elif DATED_EVENT.search(prose.strip()):
            verdict = DATED
        elif newest is not None and next_review(newest[0], max_age_years) < reviewed:
            verdict = STALE
        else:
            verdict = CURRENT
        claims.append(StatusClaim(document.path, document.line_of(offset), term, sentence, keys, verdict,
                                  None if newest is None else (newest[1], newest[0])))
    return claims


def status_problems(claims: list[StatusClaim], bibliography: Bibliography, reviewed: dict[str, datetime.date], max_age_years: int) -> list[Problem]:
    """The problems of status claims: no source, or only old ones."""
    problems = []
    for claim in claims:
        if claim.verdict == UNSOURCED:
            problems.append(Problem(claim.file, claim.line, "unsourced", claim.text,
                                    f"states regulatory or guideline status («{claim.text}») with no citation in its sentence (or list item, table row): "
                                    "cite the regulator's or guideline body's current document with `[@key]`, or remove the statement"))
        elif claim.verdict == WAIVED:
            problems.append(Problem(claim.file, claim.line, "waived", claim.text, "status claim waived by an editor; its source and age are not checked"))
        elif claim.verdict == STALE and claim.newest is not None:
            key = claim.newest[0]
            entry = bibliography.get(key)
            shown = entry.written_date if entry is not None else claim.newest[1].isoformat()
            page_date = reviewed.get(claim.file)
            measured = f"the page's review on {page_date.isoformat()}" if page_date else "today"
            problems.append(Problem(claim.file, claim.line, "stale-status", claim.text,
                                    f"states regulatory or guideline status («{claim.text}») but its newest cited source, {key} ({shown}), "
                                    f"is over {max_age_years} years older than {measured}: cite a current source that confirms the status "
                                    "(the regulator's or guideline body's own page), or, if the sentence reports a past decision, give its date (\"approved in 2019\")"))
    return problems


def check_status(site: SiteReport, today: datetime.date, max_age_years: int = STATUS_MAX_AGE_YEARS) -> tuple[list[StatusClaim], list[Problem]]:
    """Status claims of every page, and their problems."""
    claims = [claim for page in site.pages for claim in find_status_claims(page, site.bibliography, today, max_age_years)]
    reviewed = {page.path: d for page in site.pages if (d := as_date(page.document.meta.get("reviewed"))) is not None}
    return claims, status_problems(claims, site.bibliography, reviewed, max_age_years)
