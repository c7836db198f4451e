"""The clinic pages that motivated the guide, pasted in as an editor would:
every statistic in them is unsourced; no list marker, date or title is a claim."""

from __future__ import annotations

from pathlib import Path

from claimcheck.bibliography import parse_bibliography
from claimcheck.check import check_page
from claimcheck.document import parse_document

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"

#: Every percentage, proportion and count in the seed pages, found by reading them.
EXPECTED = {
    ("000_4468053a0b2b1386.md", 9, "a third"),
    ("002_8d7605e292e3f5fd.md", 1, "one third"),
    ("002_8d7605e292e3f5fd.md", 1, "6 million"),
    ("002_8d7605e292e3f5fd.md", 19, "70%"),
    ("002_8d7605e292e3f5fd.md", 23, "70-80%"),
    ("004_e9f6baaf43945690.md", 20, "50%"),
    ("004_e9f6baaf43945690.md", 56, "80%"),
    ("004_e9f6baaf43945690.md", 56, "40%"),
    ("004_e9f6baaf43945690.md", 60, "one-third"),
    ("004_e9f6baaf43945690.md", 60, "one third"),
}


def test_every_seed_statistic_is_unsourced_and_nothing_else_is_a_claim():
    bibliography = parse_bibliography("", "references.bib")
    found = []
    for page in sorted(SEEDS.glob("*.md")):
        document = parse_document(page.read_text(encoding="utf-8"), page.name)
        report = check_page(document, bibliography)
        assert {p.kind for p in report.problems} <= {"unsourced"}
        found.extend((p.file, p.line, p.text) for p in report.problems)
    assert set(found) == EXPECTED
    # "one third" stands twice on line 60: both are reported.
    assert found.count(("004_e9f6baaf43945690.md", 60, "one third")) == 2
