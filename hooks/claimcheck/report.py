"""Problems and claims → text, JSON and GitHub Actions annotations."""

from __future__ import annotations

import json
from collections.abc import Mapping

from .bibliography import Bibliography
from .check import PageReport, SiteReport, reconsider
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


def as_github(problems: list[Problem], locations: dict[str, str]) -> str:
    """`::error file=...,line=...::message` lines, so pull requests show problems in
    place. `locations` maps each file as reports show it to its path from the
    repository root (GitHub places annotations only with those)."""
    level = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for p in problems:
        title = _escape_property(p.kind)
        location = _escape_property(locations.get(p.file, p.file))
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


def as_explanation(page: PageReport, line: int, bibliography: Bibliography, abbreviations: Mapping[str, str]) -> str:
    """Why each claim on one line passed or failed: its clause, its citations,
    every finding of those citations with its value and topic verdicts, and the
    final verdict (`claimcheck --explain FILE:LINE`)."""
    claims = [c for c in page.claims if c.line == line]
    if not claims:
        return f"{page.path}:{line}: no statistic on this line (claims on this page are on lines {', '.join(str(n) for n in sorted({c.line for c in page.claims})) or 'none'})"
    out = []
    for claim in claims:
        out.append(f"{page.path}:{line}: «{claim.text}» ({claim.form}, read as {claim.quantity.describe()}, {claim.quantity.qualifier})")
        out.append(f"  clause: «{claim.clause}»")
        out.append(f"  citations: {', '.join('@' + k for k in claim.citations) or 'none'}")
        judgement = reconsider(claim, page.document, bibliography, abbreviations)
        for item in judgement.considered:
            value = "matches in value" if item.value else "does not match in value"
            out.append(f"    {item.finding.key}: `{item.finding.id}` = {item.finding.text}: {value}; topic: {item.topic.describe()}")
        if claim.citations and not judgement.considered:
            out.append("    (the cited entries record no findings)")
        finding = f" (`{claim.finding.id}` of {claim.finding.key})" if claim.finding is not None else ""
        out.append(f"  verdict: {claim.status}{finding}")
    return "\n".join(out)
