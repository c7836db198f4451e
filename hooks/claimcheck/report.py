"""Problems and claims → text, JSON and GitHub Actions annotations."""

from __future__ import annotations

import json

from .check import SiteReport
from .problems import Problem


def as_json(report: SiteReport, include_info: bool = True) -> str:
    """The stable claims.json shape other tools read (compact: json's C encoder
    only runs without `indent`, and the file is for programs)."""
    problems = [p for p in report.problems if include_info or p.severity != "info"]
    data = {
        "claims": [c.as_dict() for c in report.claims],
        "status_claims": [c.as_dict() for c in report.status_claims],
        "problems": [p.as_dict() for p in problems],
    }
    return json.dumps(data, ensure_ascii=False)


def as_text(problems: list[Problem]) -> str:
    return "\n".join(p.format() for p in problems)


def _escape_property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def as_github(problems: list[Problem], prefix: str = "", unprefixed: str = "") -> str:
    """`::error file=...,line=...::message` lines, so pull requests show problems in
    place. Page paths get `prefix` (the docs folder); the file `unprefixed` (the
    bibliography) is already relative to the repository."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for p in problems:
        title = _escape_property(p.kind)
        location = _escape_property(p.file if p.file == unprefixed else prefix + p.file)
        lines.append(f"::{level[p.severity]} file={location},line={p.line},title={title}::{_escape_data(p.format())}")
    return "\n".join(lines)


def summary(report: SiteReport) -> str:
    counts: dict[str, int] = {}
    for p in report.problems:
        counts[p.severity] = counts.get(p.severity, 0) + 1
    claims = report.claims
    supported = sum(1 for c in claims if c.status == "supported")
    return (f"{len(report.pages)} pages, {len(claims)} claims ({supported} matched to a finding); "
            f"{counts.get('error', 0)} errors, {counts.get('warning', 0)} warnings, {counts.get('info', 0)} notes")
