"""What the checker reports: one `Problem` per thing an editor must look at."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from enum import StrEnum


class Severity(StrEnum):
    """How serious a problem is: errors fail `mkdocs build --strict` and `claimcheck`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


class ProblemKind(StrEnum):
    """Every kind a problem can have (the README's "Problems" table)."""

    UNSOURCED = "unsourced"
    UNKNOWN_KEY = "unknown-key"
    UNSUPPORTED = "unsupported"
    OFF_TOPIC = "off-topic"
    CONFLICT = "conflict"
    BIB_ERROR = "bib-error"
    DAMAGED_ENTRY = "damaged-entry"
    PAGE_ERROR = "page-error"
    REVIEW_DATE = "review-date"
    MISSING_SECTION = "missing-section"
    WORKING_NOTE = "working-note"
    REVIEW_OVERDUE = "review-overdue"
    READABILITY = "readability"
    OLD_SOURCE = "old-source"
    WEAK_EVIDENCE = "weak-evidence"
    STALE_STATUS = "stale-status"
    SECONDARY_SOURCE = "secondary-source"
    UNVERIFIED = "unverified"
    CITATION_SYNTAX = "citation-syntax"
    UNCITED_ENTRY = "uncited-entry"
    WAIVED = "waived"

    @property
    def severity(self) -> Severity:
        """How serious this kind is unless `extra.claimcheck.levels` says otherwise."""
        return KINDS[self]


#: Every kind a problem can have, and how serious it is by default.
KINDS: dict[ProblemKind, Severity] = {
    ProblemKind.UNSOURCED: ERROR,
    ProblemKind.UNKNOWN_KEY: ERROR,
    ProblemKind.UNSUPPORTED: ERROR,
    ProblemKind.OFF_TOPIC: ERROR,
    ProblemKind.CONFLICT: ERROR,
    ProblemKind.BIB_ERROR: ERROR,
    ProblemKind.DAMAGED_ENTRY: ERROR,
    ProblemKind.PAGE_ERROR: ERROR,
    ProblemKind.REVIEW_DATE: ERROR,
    ProblemKind.MISSING_SECTION: ERROR,
    ProblemKind.WORKING_NOTE: ERROR,
    ProblemKind.READABILITY: WARNING,
    ProblemKind.OLD_SOURCE: WARNING,
    ProblemKind.WEAK_EVIDENCE: WARNING,
    ProblemKind.STALE_STATUS: WARNING,
    ProblemKind.SECONDARY_SOURCE: WARNING,
    ProblemKind.UNVERIFIED: WARNING,
    ProblemKind.CITATION_SYNTAX: WARNING,
    # A date passing never fails `claimcheck` or a strict build, so an urgent correction is
    # never held up by it: readers see a notice on the page (`levels:` can raise it).
    ProblemKind.REVIEW_OVERDUE: INFO,
    ProblemKind.UNCITED_ENTRY: INFO,
    ProblemKind.WAIVED: INFO,
}


class Level(StrEnum):
    """What `extra.claimcheck.levels` may set a kind to (MkDocs' `validation:` words)."""

    ERROR = "error"
    WARN = "warn"
    INFO = "info"
    IGNORE = "ignore"

    @property
    def severity(self) -> Severity | None:
        """The severity a problem gets at this level; None: it is not reported."""
        return {Level.ERROR: ERROR, Level.WARN: WARNING, Level.INFO: INFO}.get(self)


@dataclass(frozen=True)
class Problem:
    """A problem at `file:line`: `text` is what was written, `message` says what
    is wrong and how to fix it."""

    file: str
    line: int
    kind: str
    text: str
    message: str
    severity: str = ""

    def __post_init__(self) -> None:
        kind = ProblemKind(self.kind)
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "severity", Severity(self.severity) if self.severity else kind.severity)

    def format(self) -> str:
        """One line, as compilers write it: `path:line: kind: message`."""
        text = " ".join(self.text.split())
        if len(text) > 80:
            text = text[:77] + "..."
        quoted = f" «{text}»" if text else ""
        return f"{self.file}:{self.line}: {self.kind}:{quoted} {self.message}"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        return {name: data[name] for name in ("file", "line", "kind", "severity", "text", "message")}


def at_levels(problems: Iterable[Problem], levels: Mapping[ProblemKind, Level]) -> list[Problem]:
    """`problems` at the levels the site sets: a kind set to `ignore` is dropped,
    another takes the severity its level names."""
    kept = []
    for problem in problems:
        level = levels.get(ProblemKind(problem.kind))
        if level is None:
            kept.append(problem)
        elif level.severity is not None:
            kept.append(problem if problem.severity == level.severity else replace(problem, severity=level.severity))
    return kept
