"""Claims and citations → checked against the bibliography → `Problem`s.

`check_page` works on one page alone; `check_conflicts`, `check_uncited` and
`find_disagreements` need every page at once. `pipeline.py` runs them all.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum

from .bibliography import Bibliography, Finding
from .citations import CitationGroup, document_citations, find_citations
from .clauses import clause_at, clauses
from .document import Document, Unit, UnitKind, sentence_spans
from .problems import ERROR, Problem
from .quantities import AT_LEAST, AT_MOST, Quantity, QuantityKind, agree, find_quantities, matches
from .records import ReadingGrades, StatusClaim
from .topics import TopicVerdict, agreement, parse_abbreviations, shared_finding_terms, suggested_id, terms

UNCITABLE = ("a number in an abbreviation's expansion is shown as a tooltip, where no citation can stand: "
             "remove the number from the expansion and state it, cited, in the text")
CELL_BORDER = re.compile(r"(?<!\\)\|")

class ClaimStatus(StrEnum):
    """What the checker concluded about a claim (`status` in claims.json)."""

    SUPPORTED = "supported"
    UNSUPPORTED = "unsupported"
    OFF_TOPIC = "off-topic"
    UNVERIFIED = "unverified"
    UNSOURCED = "unsourced"
    UNKNOWN = "unknown-key"
    WAIVED = "waived"


SUPPORTED, UNSUPPORTED, OFF_TOPIC, UNVERIFIED = ClaimStatus.SUPPORTED, ClaimStatus.UNSUPPORTED, ClaimStatus.OFF_TOPIC, ClaimStatus.UNVERIFIED
UNSOURCED, UNKNOWN, WAIVED = ClaimStatus.UNSOURCED, ClaimStatus.UNKNOWN, ClaimStatus.WAIVED


@dataclass(frozen=True)
class Claim:
    """A statistic on a page, with the citations that cover it and its verdict."""

    file: str
    line: int
    text: str
    sentence: str
    quantity: Quantity
    form: QuantityKind
    citations: tuple[str, ...]
    status: ClaimStatus
    finding: Finding | None
    unit: int
    clause: str = ""  # the words the claim answers for: its clause, and a table cell's column header

    def as_dict(self) -> dict[str, object]:
        finding = None
        if self.finding is not None:
            finding = {"id": self.finding.id, "value": self.finding.text, "key": self.finding.key, "note": self.finding.note}
        return {"file": self.file, "line": self.line, "text": self.text, "citations": list(self.citations), "status": self.status, "finding": finding}


#: Markdown a reader never sees: a list item's or quote's marker, table borders, emphasis marks.
MARKDOWN_MARKS = re.compile(r"^\s*(?:[-*+>]|\d+[.)])\s+|(?<!\\)\||\*\*|__")


def readable_sentence(sentence: str) -> str:
    """A claim's sentence as a reader sees it: no citations, no Markdown marks (then escaped).
    Each citation goes with the spaces before it, in one pass over the sentence."""
    pieces, last = [], 0
    for group in find_citations(sentence):
        pieces.append(sentence[last:group.start].rstrip())
        last = group.end
    sentence = "".join(pieces) + sentence[last:]
    sentence = " ".join(MARKDOWN_MARKS.sub(" ", sentence).split())
    return html.escape(re.sub(r"\s+([.,;:)])", r"\1", sentence))


@dataclass
class PageReport:
    """What checking one page found."""

    document: Document
    groups: list[CitationGroup]
    claims: list[Claim] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    grades: ReadingGrades | None = None  # patient pages only
    #: Each claim's sentence as the evidence ledger shows it (`readable_sentence`),
    #: made with the check so a build with the page cached does not make it again.
    readable: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.document.path


@dataclass
class SiteReport:
    pages: list[PageReport]
    bibliography: Bibliography
    problems: list[Problem]
    disagreements: dict[str, list[Finding]]
    abbreviations: dict[str, str] = field(default_factory=dict)
    status_claims: list[StatusClaim] = field(default_factory=list)  # filled by the status site check (pipeline.py)

    @property
    def claims(self) -> list[Claim]:
        return [claim for page in self.pages for claim in page.claims]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    def cited_keys(self) -> dict[str, list[tuple[str, int]]]:
        """Every cited key, with the pages citing it and the number (from 1) of
        each citing group on that page, in site order."""
        cited: dict[str, list[tuple[str, int]]] = {}
        for page in self.pages:
            for number, group in enumerate(page.groups, start=1):
                for key in group.keys:
                    cited.setdefault(key, []).append((page.path, number))
        return cited


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _recorded(findings: list[Finding], unit: str) -> str:
    same = [f for f in findings if f.value.unit == unit] or findings
    shown = ", ".join(f"{f.id} = {f.text} [{f.key}]" for f in same[:4])
    return shown + (", ..." if len(same) > 4 else "")


@dataclass(frozen=True)
class Consideration:
    """One recorded finding weighed for a claim: does it match in value, and
    which topic terms does it share with the claim's clause?"""

    finding: Finding
    value: bool
    topic: TopicVerdict


@dataclass(frozen=True)
class Judgement:
    """The verdict on one claim: the finding that supports it, if any, the
    status, and every finding considered (for `claimcheck --explain`)."""

    status: ClaimStatus
    finding: Finding | None
    considered: tuple[Consideration, ...]


class TopicIndex:
    """Topic terms of findings, worked out once per run (findings repeat
    across the claims and pages citing them)."""

    def __init__(self, abbreviations: Mapping[str, str]) -> None:
        self.abbreviations = abbreviations
        self._items = frozenset(abbreviations.items())

    def of(self, finding: Finding) -> frozenset[str]:
        return shared_finding_terms(finding.id, finding.note, finding.words, self._items)

    def clause(self, text: str) -> frozenset[str]:
        return terms(text, self.abbreviations)


def judge(quantity: Quantity, findings: list[Finding], clause_terms: frozenset[str], topics: TopicIndex) -> Judgement:
    """Match a stated quantity against the findings of its clause's citations:
    supported when one matches in value and topic (the one sharing most terms
    wins); off-topic when some match only in value. A stated range may also
    match one finding at each end (two trials, "48% to 75%")."""
    considered = tuple(Consideration(f, matches(quantity, f.value), agreement(clause_terms, topics.of(f))) for f in findings)
    both = [c for c in considered if c.value and c.topic.agrees]
    if both:
        return Judgement(SUPPORTED, max(both, key=lambda c: len(c.topic.shared)).finding, considered)
    if quantity.is_range and quantity.qualifier not in (AT_LEAST, AT_MOST):
        ends = []
        for end in (quantity.low, quantity.high):
            point = Quantity(end, end, quantity.unit, quantity.slack, quantity.qualifier)
            ends.append(next((c for c in considered if c.topic.agrees and matches(point, c.finding.value)), None))
        if ends[0] and ends[1]:
            return Judgement(SUPPORTED, ends[0].finding, considered)
    if any(c.value for c in considered):
        return Judgement(OFF_TOPIC, None, considered)
    return Judgement(UNSUPPORTED, None, considered)


def _cites_damaged(path: str, line: int, text: str, bibliography: Bibliography, key: str) -> Problem:
    """The one problem of a claim citing an entry whose braces are damaged."""
    where = f"{bibliography.path}:{bibliography.damaged[key].line}"
    return Problem(path, line, "damaged-entry", text, f"cites `{key}`, which is damaged at {where}, so the number could not be checked: fix that entry first")


def reconsider(claim: Claim, document: Document, bibliography: Bibliography, abbreviations: Mapping[str, str] | None = None) -> Judgement:
    """Judge a checked claim again, keeping every finding weighed, so an editor
    can see why it passed or failed (`claimcheck --explain`)."""
    topics = TopicIndex({**(abbreviations or {}), **parse_abbreviations(document.source)})
    findings = [f for key in claim.citations for entry in [bibliography.get(key)] if entry is not None for f in entry.findings]
    return judge(claim.quantity, findings, topics.clause(claim.clause), topics)


def _off_topic_message(judgement: Judgement, clause: str) -> str:
    by_value = [c for c in judgement.considered if c.value]
    named = ", ".join(f"`{c.finding.id}` = {c.finding.text} [{c.finding.key}]" + (f" ({c.finding.note})" if c.finding.note else "") for c in by_value[:3])
    first = by_value[0].finding
    return (f"matches {named} in value but not in topic ({by_value[0].topic.describe()}; clause «{clause[:100]}»). "
            f"Say in the sentence what the figure measures, cite the source that states this figure, or, if it is the same quantity, "
            f"declare words for it in that entry: `topics = {{{first.id}: word, word}}`")


def _by_unit(document: Document, items: list[tuple[int, CitationGroup]]) -> dict[int, list[CitationGroup]]:
    """Group citation groups by the unit each stands in, in n log n."""
    regions = sorted((start, end, index) for index, unit in enumerate(document.units) for start, end in unit.regions)
    starts = [start for start, _, _ in regions]
    grouped: dict[int, list[CitationGroup]] = {}
    for offset, value in items:
        at = bisect.bisect_right(starts, offset) - 1
        if at >= 0 and offset < regions[at][1]:
            grouped.setdefault(regions[at][2], []).append(value)
    return grouped


def _table_labels(document: Document, unit: Unit, offset: int) -> str:
    """The labels a reader reads a table cell by: the header of its column and
    the first cell of its row."""
    if unit.kind != UnitKind.ROW:
        return ""
    line_start = document.source.rfind("\n", 0, offset) + 1
    line_end = document.source.find("\n", offset)
    row = CELL_BORDER.split(document.source[line_start:line_end if line_end != -1 else None])
    labels = [next((cell for cell in row if cell.strip()), "")]
    if unit.header is not None:
        column = len(CELL_BORDER.findall(document.source, line_start, offset))
        header = CELL_BORDER.split(document.source[unit.header[0]:unit.header[1]])
        labels.append(header[column] if column < len(header) else "")
    return " ".join(labels)


@dataclass(frozen=True)
class _Pending:
    """A number in a heading or title with no citation of its own: supported
    by a cited claim of the same finding in the text it heads."""

    index: int
    scope: tuple[int, int]
    terms: frozenset[str]


def _citation_problems(document: Document, groups: list[CitationGroup], bibliography: Bibliography) -> list[Problem]:
    """Keys with no entry (with the nearest keys as suggestions), and citation syntax notes."""
    problems = []
    for group in groups:
        for key in group.keys:
            if bibliography.get(key) is None:
                hint = bibliography.suggestions(key)
                did_you_mean = f"did you mean {', '.join('@' + k for k in hint)}? " if hint else ""
                problems.append(
                    Problem(document.path, document.line_of(group.start), "unknown-key", document.text(group.start, group.end),
                            f"no entry `{key}` in {bibliography.path}: {did_you_mean}fix the key or add the entry "
                            "(an @ not meant as a citation is written `\\@`)")
                )
        problems.extend(Problem(document.path, document.line_of(note.start), "citation-syntax", document.text(note.start, note.end), note.message)
                        for note in group.notes)
    return problems


def check_page(document: Document, bibliography: Bibliography, options: frozenset[str] = frozenset(),
               abbreviations: Mapping[str, str] | None = None) -> PageReport:
    """Find every claim and citation on a page and judge each claim against
    the citations of its own clause."""
    path = document.path
    groups = document_citations(document)
    report = PageReport(document, groups)
    if document.meta_error:
        report.problems.append(Problem(path, 1, "page-error", "---", f"{document.meta_error}; fix the block between the `---` lines"))
    report.problems.extend(_citation_problems(document, groups, bibliography))
    topics = TopicIndex({**(abbreviations or {}), **parse_abbreviations(document.source)})
    groups_by_unit = _by_unit(document, [(g.start, g) for g in groups])
    waivers = {index: reasons[0] for index, reasons in _by_unit(document, [(o, r) for o, r in document.waivers]).items()}  # type: ignore[misc]
    pending: list[_Pending] = []
    for index, unit in enumerate(document.units):
        waived = waivers.get(index)
        sentence = _one_line(" ".join(document.text(a, b) for a, b in unit.regions))
        regions = tuple(span for a, b in unit.regions for span in sentence_spans(document.prose, a, b)) if unit.kind == UnitKind.ITEM else unit.regions
        clause_of = clause_at(clauses(document.prose, regions, groups_by_unit.get(index, [])))
        for start, end in unit.regions:
            for stat in find_quantities(document.prose[start:end], options):
                claim_start = start + stat.start
                line = document.line_of(claim_start)
                clause = clause_of(claim_start)
                keys = tuple(dict.fromkeys(k for g in clause.groups for k in g.keys))
                clause_text = _one_line(clause.text(document.prose) + " " + _table_labels(document, unit, claim_start))
                known = [entry for entry in (bibliography.get(k) for k in keys) if entry is not None]
                findings = [f for entry in known for f in entry.findings]
                finding = None
                if waived is not None:
                    status = WAIVED
                    report.problems.append(Problem(path, line, "waived", stat.text, f"waived by an editor ({waived or 'no reason given'}); not checked"))
                elif not keys and unit.scope is not None:
                    status = UNSOURCED  # settled below, against the text the heading or title heads
                    pending.append(_Pending(len(report.claims), unit.scope, topics.clause(clause_text)))
                elif not keys:
                    status = UNSOURCED
                    report.problems.append(Problem(path, line, "unsourced", stat.text, UNCITABLE if unit.kind == UnitKind.DEFINITION else
                                                   "statistic with no citation in its sentence (or list item, table row): add `[@key]` for the source that states it, or remove the number"))
                elif not known:
                    status = UNKNOWN
                elif any(e.key in bibliography.damaged for e in known):  # rule 6: one problem, at the damage
                    status = UNVERIFIED
                    report.problems.append(_cites_damaged(path, line, stat.text, bibliography, next(e.key for e in known if e.key in bibliography.damaged)))
                elif not findings:
                    status = UNVERIFIED
                    cited = ", ".join(e.key for e in known)
                    report.problems.append(Problem(path, line, "unverified", stat.text,
                                                   f"cited {cited} records no `findings`, so the number could not be checked: add it as `findings = {{{suggested_id(clause_text.replace(stat.text, ' '))}: {stat.quantity.describe()}}}` if the source states it (name the ID for what it measures)"))
                else:
                    judgement = judge(stat.quantity, findings, topics.clause(clause_text), topics)
                    status, finding = judgement.status, judgement.finding
                    if status == UNSUPPORTED:
                        report.problems.append(Problem(path, line, "unsupported", stat.text,
                                                       f"matches no finding of the cited source(s) (they record {_recorded(findings, stat.quantity.unit)}): correct the number or cite the source that states it"))
                    elif status == OFF_TOPIC:
                        report.problems.append(Problem(path, line, "off-topic", stat.text, _off_topic_message(judgement, clause_text)))
                report.claims.append(Claim(path, line, stat.text, sentence, stat.quantity, stat.form, keys, status, finding, index, clause_text))
    _settle_headings(report, pending, topics)
    return report


def _settle_headings(report: PageReport, pending: list[_Pending], topics: TopicIndex) -> None:
    """A number in a heading, page title or description is supported when the
    text it heads states and cites the same finding (matching in value and
    topic); otherwise it is reported with what to add."""
    document = report.document
    cited = sorted((c.line, n) for n, c in enumerate(report.claims) if c.status == SUPPORTED and c.finding is not None)
    lines = [line for line, _ in cited]
    for item in pending:
        claim = report.claims[item.index]
        first, last = document.line_of(item.scope[0]), document.line_of(max(item.scope[0], item.scope[1] - 1))
        below = (report.claims[n] for _, n in cited[bisect.bisect_left(lines, first):bisect.bisect_right(lines, last)])
        support = next((c for c in below if c.finding is not None and c.unit != claim.unit
                        and matches(claim.quantity, c.finding.value) and agreement(item.terms, topics.of(c.finding)).agrees), None)
        if support is not None:
            report.claims[item.index] = replace(claim, status=SUPPORTED, finding=support.finding, citations=support.citations)
            continue
        where = "page" if document.units[claim.unit].kind == UnitKind.META else "text below it"
        report.problems.append(Problem(claim.file, claim.line, "unsourced", claim.text,
                                       f"a number in a heading or title must be stated with its citation in the {where}, matching in value and topic; "
                                       f"nothing there does: add a sentence that states it with `[@key]`, or take the number out of the heading"))


def _conflicts(claims: list[Claim]) -> list[tuple[Claim, Claim]]:
    """(later claim, an earlier one it disagrees with) for claims of one finding,
    in order; values in one sentence are side by side, never a conflict.

    Two values disagree when their intervals do not overlap (`agree`), so a
    later claim disagrees with some earlier one exactly when it disagrees with
    the earlier claim ending lowest or the one starting highest (of another
    sentence). Keeping, per unit, the two most extreme each way from different
    sentences makes this linear: comparing every pair was quadratic in the
    number of claims, which a page repeating one figure could make hang."""
    lowest_ends: dict[str, list[tuple[float, Claim]]] = {}
    highest_starts: dict[str, list[tuple[float, Claim]]] = {}
    found = []
    for later in claims:
        unit = later.quantity.unit
        low, high = later.quantity.interval()
        sentence = (later.file, later.unit)
        earlier = next((c for end, c in lowest_ends.get(unit, []) if (c.file, c.unit) != sentence and end < low), None)
        earlier = earlier or next((c for start, c in highest_starts.get(unit, []) if (c.file, c.unit) != sentence and -start > high), None)
        if earlier is not None:
            found.append((later, earlier))
        _keep_two(lowest_ends.setdefault(unit, []), high, later)
        _keep_two(highest_starts.setdefault(unit, []), -low, later)
    return found


def _keep_two(best: list[tuple[float, Claim]], value: float, claim: Claim) -> None:
    """Keep the two smallest values of `best` from different sentences, first come first kept."""
    same = [i for i, (_, c) in enumerate(best) if (c.file, c.unit) == (claim.file, claim.unit)]
    if same:
        if value < best[same[0]][0]:
            best[same[0]] = (value, claim)
    else:
        best.append((value, claim))
    best.sort(key=lambda item: item[0])
    del best[2:]


def check_conflicts(pages: list[PageReport]) -> list[Problem]:
    """Supported claims of one finding that disagree, across the site, each
    reported at the later one with where the earlier one stands."""
    by_finding: dict[str, list[Claim]] = {}
    for page in pages:
        for claim in page.claims:
            if claim.status == SUPPORTED and claim.finding is not None:
                by_finding.setdefault(claim.finding.id, []).append(claim)
    return [
        Problem(later.file, later.line, "conflict", later.text,
                f"disagrees with «{earlier.text}» at {earlier.file}:{earlier.line}; both state `{finding_id}`: "
                "reconcile them, or give both values side by side in one sentence")
        for finding_id, claims in by_finding.items()
        for later, earlier in _conflicts(claims)
    ]


def check_uncited(pages: list[PageReport], bibliography: Bibliography) -> list[Problem]:
    """Entries no page cites (only meaningful when `pages` are the whole site)."""
    cited = {key for page in pages for group in page.groups for key in group.keys}
    return [
        Problem(bibliography.path, entry.line, "uncited-entry", key, "no page cites this entry; cite it or remove it")
        for key, entry in bibliography.entries.items()
        if key not in cited
    ]


def find_disagreements(bibliography: Bibliography) -> dict[str, list[Finding]]:
    """Findings recorded under one ID by several sources whose values cannot agree."""
    return {
        finding_id: findings
        for finding_id, findings in bibliography.findings_by_id().items()
        if len(findings) > 1 and len({f.key for f in findings}) > 1 and any(not agree(a.value, b.value) for a in findings for b in findings)
    }
