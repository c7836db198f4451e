"""What the checker reports: one `Problem` per thing an editor must look at."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING, INFO = "error", "warning", "info"

#: Every kind a problem can have, and how serious it is.
KINDS = {
    "unsourced": ERROR,
    "unknown-key": ERROR,
    "unsupported": ERROR,
    "off-topic": ERROR,
    "conflict": ERROR,
    "bib-error": ERROR,
    "damaged-entry": ERROR,
    "page-error": ERROR,
    "review-date": ERROR,
    "missing-section": ERROR,
    "working-note": ERROR,
    "review-overdue": WARNING,
    "readability": WARNING,
    "old-source": WARNING,
    "weak-evidence": WARNING,
    "stale-status": WARNING,
    "secondary-source": WARNING,
    "unverified": WARNING,
    "citation-syntax": WARNING,
    "uncited-entry": INFO,
    "waived": INFO,
}


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
        if not self.severity:
            object.__setattr__(self, "severity", KINDS[self.kind])

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
