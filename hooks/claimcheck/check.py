"""Claims and citations → checked against the bibliography → `Problem`s.

`check_page` works on one page alone; `check_site` adds what needs every page
at once: conflicts between pages, entries never cited, sources that disagree.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .bibliography import Bibliography, Finding
from .citations import CitationGroup, find_citations
from .document import Document
from .problems import ERROR, Problem
from .quantities import AT_LEAST, AT_MOST, Quantity, agree, find_quantities, matches

if TYPE_CHECKING:
    from .status import StatusClaim

SUPPORTED, UNSUPPORTED, UNVERIFIED, UNSOURCED, UNKNOWN, WAIVED = (
    "supported",
    "unsupported",
    "unverified",
    "unsourced",
    "unknown-key",
    "waived",
)


@dataclass(frozen=True)
class Claim:
    """A statistic on a page, with the citations that cover it and its verdict."""

    file: str
    line: int
    text: str
    sentence: str
    quantity: Quantity
    form: str
    citations: tuple[str, ...]
    status: str
    finding: Finding | None
    unit: int

    def as_dict(self) -> dict[str, object]:
        finding = None
        if self.finding is not None:
            finding = {"id": self.finding.id, "value": self.finding.text, "key": self.finding.key, "note": self.finding.note}
        return {"file": self.file, "line": self.line, "text": self.text, "citations": list(self.citations), "status": self.status, "finding": finding}


@dataclass
class PageReport:
    """What checking one page found."""

    document: Document
    groups: list[CitationGroup]
    claims: list[Claim] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    grade: float | None = None

    @property
    def path(self) -> str:
        return self.document.path


@dataclass
class SiteReport:
    pages: list[PageReport]
    bibliography: Bibliography
    problems: list[Problem]
    disagreements: dict[str, list[Finding]]
    status_claims: list[StatusClaim] = field(default_factory=list)  # filled by pages.check_files

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


def _relevance(finding: Finding, sentence: str) -> int:
    """How many words of a finding's ID the sentence uses: when two recorded
    figures share a value, the claim is filed under the one it talks about."""
    words = set(re.findall(r"[a-z0-9]{3,}", sentence.lower()))
    stems = {w[:5] for w in words}
    return sum(1 for part in finding.id.split("-") if len(part) >= 3 and (part in words or part[:5] in stems))


def _support(quantity: Quantity, findings: list[Finding], sentence: str = "") -> Finding | None:
    """The finding a stated quantity matches; a stated range may also match
    one finding at each end (e.g. two trials, "48% to 75%")."""
    matching = [f for f in findings if matches(quantity, f.value)]
    if matching:
        return max(matching, key=lambda f: _relevance(f, sentence))
    if quantity.is_range and quantity.qualifier not in (AT_LEAST, AT_MOST):
        low = Quantity(quantity.low, quantity.low, quantity.unit, quantity.slack, quantity.qualifier)
        high = Quantity(quantity.high, quantity.high, quantity.unit, quantity.slack, quantity.qualifier)
        first = next((f for f in findings if matches(low, f.value)), None)
        last = next((f for f in findings if matches(high, f.value)), None)
        if first and last:
            return first
    return None


def _by_unit(document: Document, items: list[tuple[int, tuple[str, ...]]]) -> dict[int, list[str]]:
    """Group (offset, values) by the unit each offset stands in, in n log n."""
    regions = sorted((start, end, index) for index, unit in enumerate(document.units) for start, end in unit.regions)
    starts = [start for start, _, _ in regions]
    grouped: dict[int, list[str]] = {}
    for offset, values in items:
        at = bisect.bisect_right(starts, offset) - 1
        if at >= 0 and offset < regions[at][1]:
            grouped.setdefault(regions[at][2], []).extend(values)
    return grouped


def check_page(document: Document, bibliography: Bibliography, options: frozenset[str] = frozenset()) -> PageReport:
    """Find every claim and citation on a page and judge each claim."""
    path = document.path
    groups = find_citations(document.prose)
    report = PageReport(document, groups)
    if document.meta_error:
        report.problems.append(Problem(path, 1, "page-error", "---", f"{document.meta_error}; fix the block between the `---` lines"))
    for group in groups:
        for key in group.keys:
            if bibliography.get(key) is None:
                hint = bibliography.suggestions(key)
                did_you_mean = f"did you mean {', '.join('@' + k for k in hint)}? " if hint else ""
                report.problems.append(
                    Problem(path, document.line_of(group.start), "unknown-key", document.text(group.start, group.end),
                            f"no entry `{key}` in {bibliography.path}: {did_you_mean}fix the key or add the entry")
                )
    keys_by_unit = _by_unit(document, [(g.start, g.keys) for g in groups])
    waivers = _by_unit(document, [(offset, (reason,)) for offset, reason in document.waivers])
    for index, unit in enumerate(document.units):
        if unit.kind == "heading":
            continue
        keys = tuple(dict.fromkeys(keys_by_unit.get(index, ())))
        waived = waivers[index][0] if index in waivers else None
        sentence = _one_line(" ".join(document.text(a, b) for a, b in unit.regions))
        known = [entry for entry in (bibliography.get(k) for k in keys) if entry is not None]
        findings = [f for entry in known for f in entry.findings]
        for start, end in unit.regions:
            for stat in find_quantities(document.prose[start:end], options):
                claim_start = start + stat.start
                line = document.line_of(claim_start)
                finding = None
                if waived is not None:
                    status = WAIVED
                    report.problems.append(Problem(path, line, "waived", stat.text, f"waived by an editor ({waived or 'no reason given'}); not checked"))
                elif not keys:
                    status = UNSOURCED
                    report.problems.append(Problem(path, line, "unsourced", stat.text,
                                                   "statistic with no citation in its sentence (or list item, table row): add `[@key]` for the source that states it, or remove the number"))
                elif not known:
                    status = UNKNOWN
                elif not findings:
                    status = UNVERIFIED
                    cited = ", ".join(e.key for e in known)
                    report.problems.append(Problem(path, line, "unverified", stat.text,
                                                   f"cited {cited} records no `findings`, so the number could not be checked: add it as `findings = {{quantity-id: {stat.quantity.describe()}}}` if the source states it"))
                else:
                    finding = _support(stat.quantity, findings, sentence)
                    if finding is not None:
                        status = SUPPORTED
                    else:
                        status = UNSUPPORTED
                        report.problems.append(Problem(path, line, "unsupported", stat.text,
                                                       f"matches no finding of the cited source(s) (they record {_recorded(findings, stat.quantity.unit)}): correct the number or cite the source that states it"))
                report.claims.append(Claim(path, line, stat.text, sentence, stat.quantity, stat.form, keys, status, finding, index))
    return report


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


def check_site(pages: list[PageReport], bibliography: Bibliography) -> SiteReport:
    """Check across pages: conflicts, uncited entries, sources that disagree."""
    problems = list(bibliography.problems)
    for page in pages:
        problems.extend(page.problems)
    by_finding: dict[str, list[Claim]] = {}
    for page in pages:
        for claim in page.claims:
            if claim.status == SUPPORTED and claim.finding is not None:
                by_finding.setdefault(claim.finding.id, []).append(claim)
    for finding_id, claims in by_finding.items():
        for later, earlier in _conflicts(claims):
            problems.append(Problem(later.file, later.line, "conflict", later.text,
                                    f"disagrees with «{earlier.text}» at {earlier.file}:{earlier.line}; both state `{finding_id}`: "
                                    "reconcile them, or give both values side by side in one sentence"))
    cited = {key for page in pages for group in page.groups for key in group.keys}
    for key, entry in bibliography.entries.items():
        if key not in cited:
            problems.append(Problem(bibliography.path, entry.line, "uncited-entry", key, "no page cites this entry; cite it or remove it"))
    disagreements = {
        finding_id: findings
        for finding_id, findings in bibliography.findings_by_id().items()
        if len(findings) > 1 and len({f.key for f in findings}) > 1 and any(not agree(a.value, b.value) for a in findings for b in findings)
    }
    order = {"error": 0, "warning": 1, "info": 2}
    problems.sort(key=lambda p: (p.file, p.line, order[p.severity]))
    return SiteReport(pages, bibliography, problems, disagreements)
