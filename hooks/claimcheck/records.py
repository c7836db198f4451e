"""Results of the reading-grade and status checks that page and site reports
carry: here, below `check.py` that holds the reports and `standards.py` and
`status.py` that produce them, so none of the three imports another in a cycle.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class ReadingGrades:
    """Flesch-Kincaid grades of a page's body and of its "In short" box, measured
    apart: the box is read first and must be the simpler. `summary` is None
    when the page has no box; `summary_line` is where the (first) box starts."""

    body: float
    summary: float | None = None
    summary_line: int = 0


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
