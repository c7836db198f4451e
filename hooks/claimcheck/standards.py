"""Health-content standards as checks: review dates, treatment-page sections,
readability, working notes left on a page, provenance of sources, and the
safety notes every built page must carry."""

from __future__ import annotations

import bisect
import datetime
import functools
import re
import warnings
from dataclasses import dataclass

from .bibliography import PRIMARY, SECONDARY
from .check import SUPPORTED, SiteReport
from .citations import document_citations
from .document import Document, Unit
from .problems import Problem

TREATMENT_SECTIONS = (
    "How it works",
    "What it involves",
    "What it is like",
    "Benefits",
    "Risks and side effects",
    "Who it suits",
    "What guidelines say",
    "Access and cost",
    "Alternatives",
)
REVIEW_YEARS = 3
#: Default reading-grade limits of patient pages: the body, and the simpler
#: "In short" box (`extra.claimcheck.max_grade_body`, `max_grade_summary`).
MAX_GRADE_BODY = 9.0
MAX_GRADE_SUMMARY = 8.0
#: The title of a page's summary box (`!!! abstract "In short"`), in lower case.
SUMMARY_TITLE = "in short"
#: A number cited only to sources older than this, when a newer source records it, is flagged.
MAX_SOURCE_AGE = 15
WEAK_EVIDENCE = ("case-series", "expert")
#: Text every built page must contain (put there by overrides/main.html).
#: Working notes: wording that says a page is unfinished. Each is a regular
#: expression in lower case, matched as whole words against the page's text in
#: lower case, and starts with a plain word (the search looks for that word
#: first, which keeps it fast). Narrow on purpose: "is not yet known" states the
#: science, "we have not yet checked" states the guide's own unfinished work.
WORKING_NOTES = (
    r"we\s+have\s+not\s+(?:yet\s+)?(?:checked|reviewed|verified|confirmed|read)\b",
    r"editors\s+have\s+not\s+(?:yet\s+)?(?:checked|reviewed|verified|confirmed|read)\b",
    r"not\s+yet\s+(?:(?:been\s+)?(?:checked|verified|reviewed)\s+(?:for|by|in|against)\s+(?:this|the)\s+(?:guide|page|site)|checked)\b",
    r"will\s+be\s+(?:published|added|given|written|completed)\s+(?:here|later|soon|on\s+this\s+(?:page|site)|in\s+this\s+guide)\b",
    r"coming\s+soon\b",
    r"citation\s+needed\b",
    r"lorem\s+ipsum\b",
)
#: Placeholders, working notes only where they stand alone (at the start of a
#: sentence, cell or item, or after a bracket, colon or dash): "Dose: to be
#: confirmed" is a note, "the diagnosis needs to be confirmed" is English.
PLACEHOLDERS = (r"to\s+be\s+(?:confirmed|determined)\b",)
#: Notes written in capitals, matched as written ("todo" in lower case is a word).
MARKERS = (r"TODO\b", r"TBD\b", r"TBC\b", r"FIXME\b", r"XXX\b")
_NOTES, _PLACEHOLDERS, _MARKERS = ([re.compile(p) for p in patterns] for patterns in (WORKING_NOTES, PLACEHOLDERS, MARKERS))
#: What may stand before a placeholder: nothing, or one of these (after spaces).
_PLACEHOLDER_AFTER = set("([{:;|-–—.!?*_\n")
NOT_HEADING_TEXT = re.compile(r"<!--.*?-->|`[^`\n]*`")
SAFETY_MARKERS = {
    'class="crisis-help"': "the crisis-help notice",
    'class="not-medical-advice"': "the not-medical-advice note",
}


def as_date(value: object) -> datetime.date | None:
    """A front-matter date (YAML gives a date; a quoted one is a string), or None."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def next_review(reviewed: datetime.date, years: int = REVIEW_YEARS) -> datetime.date:
    try:
        return reviewed.replace(year=reviewed.year + years)
    except ValueError:  # 29 February
        return reviewed + datetime.timedelta(days=365 * years)


def _without_brackets(prose: str, start: int, end: int, brackets: list[tuple[int, int]]) -> str:
    """The prose of `start:end` without the bracketed citations in `brackets`
    (sorted), which a reader sees as a short marker, not as words."""
    kept, at = [], start
    for index in range(bisect.bisect_left(brackets, (start, start)), len(brackets)):
        bracket_start, bracket_end = brackets[index]
        if bracket_start >= end:
            break
        kept.append(prose[at:max(at, bracket_start)])
        at = max(at, bracket_end)
    kept.append(prose[at:max(at, end)])
    return "".join(kept)


@dataclass(frozen=True)
class ReadingGrades:
    """Flesch-Kincaid grades of a page's body and of its "In short" box, measured
    apart: the box is read first and must be the simpler. `summary` is None
    when the page has no box; `summary_line` is where the (first) box starts."""

    body: float
    summary: float | None = None
    summary_line: int = 0


@dataclass(frozen=True)
class GradeLimits:
    """The highest reading grades a patient page's body and "In short" box may have."""

    body: float = MAX_GRADE_BODY
    summary: float = MAX_GRADE_SUMMARY


DEFAULT_GRADE_LIMITS = GradeLimits()


def summary_boxes(document: Document) -> list[Unit]:
    """The title units of the page's "In short" boxes (their `scope` is the box)."""
    return [
        unit for unit in document.units
        if unit.kind == "title" and unit.scope is not None and document.text(*unit.regions[0]).strip().lower() == SUMMARY_TITLE
    ]


#: What ends a sentence for the grade formula (closing quotes and brackets may follow).
SENTENCE_STOP = re.compile(r"[.!?:;][\"'”’)\]*_]*$")


def _grade(texts: list[str]) -> float | None:
    """Flesch-Kincaid grade (textstat) of units of running text (their citations
    already left out); None for no text. A unit without a full stop (a list item, a box title)
    is read as a sentence of its own, as a reader sees it, not run into the next."""
    with warnings.catch_warnings():  # textstat imports the deprecated pkg_resources
        warnings.simplefilter("ignore")
        import textstat

    units = (" ".join(text.split()) for text in texts)
    sentences = [words if SENTENCE_STOP.search(words) else words + "." for words in units if words]
    return float(textstat.flesch_kincaid_grade(" ".join(sentences))) if sentences else None


def reading_grades(document: Document) -> ReadingGrades:
    """Reading grades of the page's body and of its "In short" boxes. Headings
    and table rows are left out: they are labels and figures, not sentences."""
    boxes = summary_boxes(document)
    # Bracketed citations ("[@a; @b, p. 3]") are found by the citation parser; a
    # narrative one stays, as the author's name it becomes.
    brackets = sorted((g.start, g.end) for g in document_citations(document) if not g.narrative)
    body: list[str] = []
    summary: list[str] = []
    for unit in document.units:
        if unit.kind in ("heading", "row") or unit in boxes:
            continue
        start = unit.regions[0][0]
        inside = any(box.scope[0] <= start < box.scope[1] for box in boxes if box.scope)
        (summary if inside else body).append(" ".join(_without_brackets(document.prose, a, b, brackets) for a, b in unit.regions))
    return ReadingGrades(
        body=_grade(body) or 0.0,
        summary=_grade(summary) if boxes else None,
        summary_line=document.line_of(boxes[0].scope[0]) if boxes and boxes[0].scope else 0,
    )


def check_standards(document: Document, today: datetime.date) -> list[Problem]:
    """Review dates and treatment sections of one page (its reading grades:
    `check_reading_grades`)."""
    path, meta = document.path, document.meta
    problems: list[Problem] = []
    if meta.get("type") == "generated":
        return problems
    reviewed = as_date(meta.get("reviewed"))
    if "reviewed" not in meta:
        problems.append(Problem(path, 1, "review-date", "", "no `reviewed:` date in the front matter: add `reviewed: YYYY-MM-DD` after checking the page against its sources"))
    elif reviewed is None:
        problems.append(Problem(path, 1, "review-date", str(meta.get("reviewed")), "`reviewed:` is not a date: write it as YYYY-MM-DD"))
    elif reviewed > today:
        problems.append(Problem(path, 1, "review-date", str(reviewed), "`reviewed:` is in the future: give the date the page was actually reviewed"))
    else:
        due = as_date(meta.get("next_review")) if "next_review" in meta else next_review(reviewed)
        if due is None:
            problems.append(Problem(path, 1, "review-date", str(meta.get("next_review")), "`next_review:` is not a date: write it as YYYY-MM-DD"))
        elif due < today:
            problems.append(Problem(path, 1, "review-overdue", str(due), "the page is past its review date: review it against current evidence and update `reviewed:`"))
    found = document.headings()
    if meta.get("type") == "treatment":
        present = {text.strip().lower() for level, _, text in found if level == 2}
        problems.extend(Problem(path, 1, "missing-section", section, f"treatment pages need a `## {section}` section: add it")
                        for section in TREATMENT_SECTIONS if section.lower() not in present)
    return problems


def check_reading_grades(document: Document, grades: ReadingGrades | None = None, limits: GradeLimits = DEFAULT_GRADE_LIMITS) -> list[Problem]:
    """A patient page's body above its grade limit, and its "In short" box above
    the box's (lower) limit: each a `readability` warning of its own. `grades`:
    the page's, when already measured."""
    problems: list[Problem] = []
    if document.meta.get("type") == "generated" or document.meta.get("audience", "patients") != "patients" or not document.units:
        return problems
    grades = reading_grades(document) if grades is None else grades
    if grades.body > limits.body:
        advice = "use shorter sentences and common words"
        if grades.summary is None:
            advice += ", and add an `!!! abstract \"In short\"` summary at the top"
        problems.append(Problem(document.path, 1, "readability", f"body grade {grades.body:.1f}",
                                f"the body (without the \"In short\" box) reads at grade {grades.body:.1f}, above the limit of {limits.body:g}: {advice}"))
    if grades.summary is not None and grades.summary > limits.summary:
        problems.append(Problem(document.path, grades.summary_line, "readability", f"In short grade {grades.summary:.1f}",
                                f"the \"In short\" box reads at grade {grades.summary:.1f}, above its limit of {limits.summary:g}: use shorter sentences and common words"))
    return problems


def lower_case(text: str) -> str:
    """The text in lower case, character for character (a few characters
    lengthen in lower case, "İ"; they are kept as they are, so offsets hold)."""
    low = text.lower()
    return low if len(low) == len(text) else "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def find_phrases(patterns: list[re.Pattern[str]], text: str, low: str) -> list[tuple[int, int]]:
    """(start, end) of every whole-word match of the patterns in `low` (the text
    in lower case), overlapping ones dropped, first come first kept."""
    found = [(m.start(), m.end()) for pattern in patterns for m in pattern.finditer(low) if not (m.start() and text[m.start() - 1].isalnum())]
    kept: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    return kept


def working_notes(text: str) -> list[tuple[int, int]]:
    """(start, end) of each working note in a text."""
    low = lower_case(text)
    spans = find_phrases(_NOTES, text, low) + find_phrases(_MARKERS, text, text)
    for start, end in find_phrases(_PLACEHOLDERS, text, low):
        before = text[max(0, start - 200):start].rstrip(" \t")
        if not before or before[-1] in _PLACEHOLDER_AFTER:
            spans.append((start, end))
    return sorted(spans)


def check_working_notes(document: Document) -> list[Problem]:
    """Notes a published page must not carry ("we have not yet checked",
    "will be published on this page", "TODO"): in prose, headings and tables,
    not in code or HTML comments, which readers do not see as text."""
    spans = working_notes(document.prose)
    for unit in document.units:
        if unit.kind == "heading":  # headings are blank in `prose`: read them minus comments and code
            for start, end in unit.regions:
                text = NOT_HEADING_TEXT.sub(lambda m: " " * len(m.group(0)), document.text(start, end))
                spans.extend((start + a, start + b) for a, b in working_notes(text))
    return [
        Problem(document.path, document.line_of(start), "working-note", document.text(start, end),
                "a working note on a published page: replace it with the checked statement, or remove it")
        for start, end in sorted(spans)
    ]


def check_built_page(html: str, path: str) -> list[Problem]:
    """The safety notes are present in the built HTML (a template change cannot drop them)."""
    return [
        Problem(path, 1, "page-error", marker, f"built page lacks {what}: restore it in overrides/main.html")
        for marker, what in SAFETY_MARKERS.items()
        if marker not in html
    ]


class _Sections:
    """The `##` section each line of a page stands in, found by bisection
    (`check_sources` once listed the headings again for every claim: 2.8 s at
    16,000 claims on a treatment page)."""

    def __init__(self, document: Document) -> None:
        level_two = [(line, text.strip()) for level, line, text in document.headings() if level == 2]
        self.lines = [line for line, _ in level_two]
        self.names = [name for _, name in level_two]

    def of(self, line: int) -> str:
        at = bisect.bisect_right(self.lines, line) - 1
        return self.names[at] if at >= 0 else ""


def check_sources(site: SiteReport, today: datetime.date, max_age: int = MAX_SOURCE_AGE) -> list[Problem]:
    """Old sources where a newer one records the same finding, secondary
    sources where a primary one records it, and treatment benefits resting
    only on case series or expert opinion. Linear in claims: each entry's year,
    each finding's newest and primary source are looked up once."""
    bibliography, problems = site.bibliography, []
    findings_by_id = bibliography.findings_by_id()

    @functools.cache
    def year(key: str) -> int | None:
        return bibliography.entries[key].year

    @functools.cache
    def newest(finding_id: str) -> tuple[int, str]:
        """The newest source recording a finding."""
        return max(((year(f.key) or 0, f.key) for f in findings_by_id.get(finding_id, [])), default=(0, ""))

    @functools.cache
    def primary(finding_id: str) -> str | None:
        """The first primary source recording a finding."""
        return next((f.key for f in findings_by_id.get(finding_id, []) if bibliography.entries[f.key].provenance == PRIMARY), None)

    for page in site.pages:
        treatment = page.document.meta.get("type") == "treatment"
        sections = _Sections(page.document) if treatment else None
        for claim in page.claims:
            if claim.status != SUPPORTED or claim.finding is None:
                continue
            entries = [entry for key in claim.citations if (entry := bibliography.get(key)) is not None]
            cited = [y for y in (year(e.key) for e in entries) if y]
            newest_year, key = newest(claim.finding.id)
            if cited and max(cited) < today.year - max_age and newest_year > max(cited):
                problems.append(Problem(claim.file, claim.line, "old-source", claim.text,
                                        f"cited only to sources from {max(cited)} or earlier; {key} ({newest_year}) records `{claim.finding.id}` too: cite the newer source or say why the older one is used"))
            if entries and all(e.provenance == SECONDARY for e in entries) and primary(claim.finding.id) is not None:
                cited_keys = ", ".join(e.key for e in entries)
                problems.append(Problem(claim.file, claim.line, "secondary-source", claim.text,
                                        f"supported only by secondary source(s) {cited_keys} (a copy or report, not the original); "
                                        f"the primary source {primary(claim.finding.id)} records `{claim.finding.id}` too: cite {primary(claim.finding.id)}"))
            if sections is not None and sections.of(claim.line).lower() == "benefits":
                kinds = {e.evidence or "" for e in entries}  # "" (none given) is never weak
                if kinds and kinds <= set(WEAK_EVIDENCE):
                    problems.append(Problem(claim.file, claim.line, "weak-evidence", claim.text,
                                            f"a treatment benefit supported only by {' and '.join(sorted(kinds))} evidence: cite a trial or meta-analysis, or say plainly that the evidence is weak"))
    return problems
