"""Synthetic sites for the build benchmarks.

`generate_site(out_dir, pages, stats_per_page, bib_entries, seed)` writes

    out_dir/docs/                 index.md, bibliography.md, evidence.md and
                                  section-NN/page-NNNN.md (20 pages a section)
    out_dir/references.bib        `bib_entries` valid BibTeX entries
    out_dir/mkdocs-plain.yml      Material, no citation processing
    out_dir/mkdocs-ours.yml       the project's hooks and overrides
    out_dir/mkdocs-bibtex.yml     the mkdocs-bibtex plugin

Every page states `stats_per_page` statistics in the forms the checker reads
(percentages, ranges, word fractions, "one in five", multipliers, counts with
magnitude, comma-grouped counts, money, percentage points, bounds and hedges),
each with a citation in its sentence, list item or table row, and every cited
entry records in `findings` a value the stated number matches: the site builds
with `mkdocs build --strict` under the project's hooks. Pages also carry what
the checker must skip (code, URLs, DOIs, names such as DSM-5 and PHQ-9, plain
numbers) so the benchmark exercises the real grammar, not only the happy path.

Everything comes from `random.Random` seeded per entry and per page, so the
output is byte-for-byte reproducible, and entry N (and page N) is the same
whatever the total counts: a site with 10,000 entries contains the one with
1,000, which is what the "unused entries" scaling run needs (`cited_pool`
limits the entries pages cite from).

Run alone: `python benchmarks/generate.py OUT --pages 200 --stats 20 --entries 1000`.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOOKS = REPO / "hooks" / "claimcheck_hooks.py"
OVERRIDES = REPO / "overrides"
PAGES_PER_SECTION = 20

SURNAMES = [
    "Garcia", "Chen", "Okafor", "Nowak", "Rossi", "Kim", "Haddad", "Larsen", "Silva", "Tanaka",
    "Murphy", "Schmidt", "Ivanova", "Dubois", "Patel", "Novak", "Andersson", "Moreau", "Khan", "Fischer",
    "Costa", "Yamamoto", "Kowalski", "Ahmed", "Berg", "Lindqvist", "Romero", "Nguyen", "Hughes", "Weber",
    "Mensah", "Ortiz", "Sato", "Jensen", "Bauer", "Ferreira", "Walsh", "Kaur", "Petrov", "Olsen",
]
GIVEN = ["A.", "B.", "C.", "D.", "E.", "F.", "G.", "H.", "J.", "K.", "L.", "M.", "N.", "P.", "R.", "S.", "T.", "W."]
JOURNALS = [
    "Journal of Affective Disorders", "American Journal of Psychiatry", "JAMA Psychiatry",
    "The Lancet Psychiatry", "British Journal of Psychiatry", "Psychological Medicine",
    "Acta Psychiatrica Scandinavica", "Depression and Anxiety", "Biological Psychiatry",
    "Journal of Clinical Psychiatry", "BMC Psychiatry", "Neuropsychopharmacology",
]
TITLE_A = [
    "Augmentation strategies", "Long-term outcomes", "Predictors of response", "Relapse prevention",
    "Cognitive effects", "Health-care costs", "Patterns of prescribing", "Quality of life",
    "Sequential treatment", "Remission rates", "Adverse events", "Service use",
]
TITLE_B = [
    "in treatment-resistant depression", "after two failed antidepressant trials",
    "in older adults with major depression", "in a national cohort", "in primary care",
    "with electroconvulsive therapy", "with esketamine nasal spray", "with lithium augmentation",
    "with repetitive transcranial magnetic stimulation", "with psychotherapy added to medication",
]
TITLE_C = [
    "a randomised controlled trial", "a systematic review and meta-analysis", "a cohort study",
    "a register-based study", "a pragmatic trial", "a naturalistic follow-up", "a secondary analysis",
]
THEMES = [
    "ketamine", "esketamine", "electroconvulsive therapy", "lithium augmentation", "rTMS",
    "psychotherapy", "antipsychotic augmentation", "switching antidepressants", "combination therapy",
    "deep brain stimulation", "vagus nerve stimulation", "exercise programmes",
]
GROUPS = ["patients", "participants", "adults", "people treated", "older adults", "outpatients", "inpatients"]
OUTCOMES = ["remission", "response", "relapse", "dropout", "adherence", "recovery", "hospital admission"]

# Sentences with no statistic: the checker must find nothing in them. Names with
# digits (DSM-5, ICD-10, PHQ-9, CYP2D6, 5-HT1A), plain numbers and years are not claims.
FILLER = [
    "Trials used the DSM-5 criteria for a major depressive episode and rated symptoms with the PHQ-9 or the MADRS.",
    "Most definitions require that at least two adequate antidepressant trials have failed in the current episode.",
    "Outcomes were usually assessed at week 8, and some studies followed participants until week 52.",
    "Genetic testing for CYP2D6 and CYP2C19 variants is sometimes offered but rarely changes the choice of drug.",
    "Drugs acting on the 5-HT1A receptor were studied in the 1990s with mixed results.",
    "Staging models such as the Maudsley Staging Method grade resistance by duration, severity and the number of failed treatments.",
    "Side effects were recorded with structured checklists at every visit.",
    "The review excluded bipolar depression, which is managed differently.",
    "Participants were told they could stop at any time and continue usual care.",
    "Clinicians should agree a plan with the patient before changing treatment.",
    "Diagnostic codes in ICD-10 and ICD-11 do not have a separate category for this condition.",
    "Adherence was checked by pill counts and, in some trials, by blood levels.",
    "The authors noted that placebo response has grown in trials published since 2000.",
    "Results from small open-label studies should be read with caution.",
    "Guidance in several countries advises specialist review when two treatments have not helped.",
    "Measurement-based care means rating symptoms at each appointment and acting on the scores.",
]
WORD = re.compile(r"(?:\[[^\]]*\]|\S)+")
CODE_BLOCKS = [
    "```text\nHAM-D-17 total: 24 -> 11 (week 6)\nMADRS: 31 -> 14\n```",
    "```python\nresponse = (baseline - week8) / baseline >= 0.5  # 50% reduction\n```",
    "```yaml\nvisits: [0, 2, 4, 8, 12]\ndropout_threshold: 20%\n```",
]


# --------------------------------------------------------------------------- bibliography


@dataclass
class Finding:
    id: str
    value: str  # as written in `findings`
    kind: str
    number: float  # percent for percentages, raw otherwise
    extra: tuple = ()


@dataclass
class BibEntry:
    index: int
    key: str
    authors: list[str]
    title: str
    journal: str
    year: int
    volume: int
    number: int
    first_page: int
    findings: list[Finding] = field(default_factory=list)

    def bibtex(self) -> str:
        findings = "; ".join(f"{f.id}: {f.value}" for f in self.findings)
        return (
            f"@article{{{self.key},\n"
            f"  author   = {{{' and '.join(self.authors)}}},\n"
            f"  title    = {{{self.title}}},\n"
            f"  journal  = {{{self.journal}}},\n"
            f"  year     = {{{self.year}}},\n"
            f"  volume   = {{{self.volume}}},\n"
            f"  number   = {{{self.number}}},\n"
            f"  pages    = {{{self.first_page}--{self.first_page + 9}}},\n"
            f"  doi      = {{10.5555/bench.{self.index}}},\n"
            f"  findings = {{{findings}}}\n"
            "}\n"
        )


FRACTIONS = [  # (words as written, share in percent)
    ("a third", 100 / 3), ("two-thirds", 200 / 3), ("a quarter", 25.0), ("three-quarters", 75.0),
    ("half", 50.0), ("one in five", 20.0), ("one in four", 25.0), ("seven out of ten", 70.0),
    ("two in five", 40.0), ("a fifth", 20.0),
]
FINDING_KINDS = ["pct_dec", "fraction", "count_mag", "fold", "range", "count_big", "money", "pp"]


def _finding(rng: random.Random, kind: str, ident: str) -> Finding:
    if kind == "pct_dec":
        value = round(rng.uniform(5, 95), 1)
        if value == round(value):
            value += 0.3
        return Finding(ident, f"{value:.1f}%", kind, value)
    if kind == "pct_int":
        value = rng.randint(12, 88)
        return Finding(ident, f"{value}%", kind, value)
    if kind == "fraction":
        words, share = rng.choice(FRACTIONS)
        value = round(share * (1 + rng.uniform(-0.08, 0.08)), 1)
        return Finding(ident, f"{value:.1f}%", kind, value, (words,))
    if kind == "count_mag":
        value = round(rng.uniform(1.1, 9.9), 1)
        magnitude = rng.choice(["million", "thousand"])
        return Finding(ident, f"{value} {magnitude}", kind, value, (magnitude,))
    if kind == "fold":
        value = round(rng.uniform(1.2, 4.5), 1)
        return Finding(ident, f"{value}x", kind, value)
    if kind == "range":
        low = rng.randint(10, 45)
        high = low + rng.randint(8, 40)
        return Finding(ident, f"{low}-{high}%", kind, low, (high,))
    if kind == "count_big":
        value = rng.randint(1, 9) * 1000 + rng.randint(100, 999)
        return Finding(ident, f"{value:,}", kind, value)
    if kind == "money":
        value = round(rng.uniform(1.1, 95.0), 1)
        return Finding(ident, f"${value} billion", kind, value)
    if kind == "pp":
        value = round(rng.uniform(2.1, 15.0), 1)
        return Finding(ident, f"{value} pp", kind, value)
    raise ValueError(kind)


def make_entry(seed: int, index: int) -> BibEntry:
    """Entry `index`, the same whatever the size of the bibliography."""
    rng = random.Random(f"{seed}-entry-{index}")
    surname = rng.choice(SURNAMES)
    year = rng.randint(1995, 2025)
    authors = [f"{surname}, {rng.choice(GIVEN)}"] + [
        f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}" for _ in range(rng.randint(0, 5))
    ]
    title = f"{rng.choice(TITLE_A)} {rng.choice(TITLE_B)}: {rng.choice(TITLE_C)}"
    key = f"{surname.lower()}{year}n{index:05d}"
    entry = BibEntry(index, key, authors, title, rng.choice(JOURNALS), year, rng.randint(1, 80), rng.randint(1, 12), rng.randint(1, 900))
    topic = rng.choice(OUTCOMES).replace(" ", "-")
    # A range finding goes last: a stated number is attached to the first finding it
    # matches, and a hedged number may overlap a range it was not written from.
    kinds = sorted(rng.sample(FINDING_KINDS, 2) + ["pct_int"], key=lambda k: k == "range")
    for j, kind in enumerate(kinds):
        entry.findings.append(_finding(rng, kind, f"{topic}-{index}-{chr(97 + j)}"))
    return entry


def make_bibliography(seed: int, entries: int) -> list[BibEntry]:
    return [make_entry(seed, i) for i in range(entries)]


# --------------------------------------------------------------------------- prose


def _stated(rng: random.Random, f: Finding) -> str:
    """A way of writing the finding's value that the checker matches to it."""
    v = f.number
    if f.kind == "pct_dec":
        return rng.choice([f"{v:.1f}%", f"about {round(v)}%", f"{v:.1f} per cent", f"{round(v)}%", f"approximately {v:.1f}%"])
    if f.kind == "pct_int":
        v = int(v)
        return rng.choice([f"{v}%", f"{v}%", f"at least {v - 2}%", f"up to {v + 2}%", f"nearly {v + 1}%", f"more than {v - 1}%", f"≥{v}%"])
    if f.kind == "fraction":
        words = f.extra[0]
        if words == "half":
            return "half of"
        of = " of" if words.startswith("a ") or words.endswith(("thirds", "quarters")) else ""
        if words.startswith(("a ", "one ")) and rng.random() < 0.5:
            return f"about {words}{of}"
        return words + of
    if f.kind == "count_mag":
        return rng.choice([f"{v} {f.extra[0]}", f"an estimated {v} {f.extra[0]}"])
    if f.kind == "fold":
        if 1.8 <= v <= 2.2 and rng.random() < 0.5:
            return "twice as"
        return rng.choice([f"{v}-fold", f"{v} times more", f"{v}-fold"])
    if f.kind == "range":
        low, high = int(v), f.extra[0]
        return rng.choice([f"{low}-{high}%", f"between {low} and {high}%", f"{low}% to {high}%", f"{low}–{high}%"])
    if f.kind == "count_big":
        return f"{int(v):,}"
    if f.kind == "money":
        return f"${v} billion"
    if f.kind == "pp":
        return f"{v} percentage points"
    raise ValueError(f.kind)


def outcome_of(f: Finding) -> str:
    """"hospital admission" for the finding `hospital-admission-12-b`."""
    return f.id.rsplit("-", 2)[0].replace("-", " ")


def _claim_sentence(rng: random.Random, f: Finding, cite: str) -> str:
    """A sentence stating `f` with the citation `cite` before its full stop."""
    s = _stated(rng, f)
    # The outcome the finding measures (its id starts with it), so the topic check matches.
    theme, group, outcome = rng.choice(THEMES), rng.choice(GROUPS), outcome_of(f)
    if f.kind in ("pct_dec", "pct_int", "range"):
        templates = [
            f"With {theme}, {outcome} was reported in {s} of {group} {cite}.",
            f"In the pooled analysis, {s} of {group} reached {outcome} after {theme} {cite}.",
            f"The rate of {outcome} was {s} among {group} who received {theme} {cite}.",
            f"Follow-up found {outcome} in {s} of {group} {cite}.",
        ]
    elif f.kind == "fraction":
        templates = [
            f"Across the trials of {theme}, {s} {group} reached {outcome} {cite}.",
            f"Taken together, {s} {group} had {outcome} within a year {cite}.",
        ]
    elif f.kind == "count_mag":
        templates = [
            f"{outcome.capitalize()} affects {s} {group} in the country studied {cite}.",
            f"Each year, {s} {group} start {theme} after {outcome} {cite}.",
        ]
    elif f.kind == "fold":
        if s.endswith("fold"):
            templates = [f"Previous {theme} carried a {s} higher risk of {outcome} {cite}.",
                         f"Those given {theme} showed a {s} increase in {outcome} {cite}."]
        else:
            templates = [f"{group.capitalize()} given {theme} were {s} likely to reach {outcome} {cite}."]
    elif f.kind == "count_big":
        templates = [f"The register study followed {s} {group} for {outcome} {cite}.",
                     f"Data on {outcome} came from {s} {group} {cite}."]
    elif f.kind == "money":
        templates = [f"Care after {outcome} took {s} a year in the national estimate {cite}.",
                     f"Services for {outcome} were estimated at {s} a year {cite}."]
    elif f.kind == "pp":
        templates = [f"Adding {theme} raised {outcome} by {s} over placebo {cite}.",
                     f"The difference in {outcome} was {s} in favour of {theme} {cite}."]
    else:
        raise ValueError(f.kind)
    return rng.choice(templates)


@dataclass
class PageWriter:
    rng: random.Random
    bib: list[BibEntry]
    pool: int
    blocks: list[str] = field(default_factory=list)
    stats: int = 0
    cites: int = 0

    def _entry(self) -> BibEntry:
        return self.bib[self.rng.randrange(self.pool)]

    def claim(self, narrative_ok: bool = True) -> str:
        """One cited statistic (occasionally a range backed by two entries)."""
        rng = self.rng
        self.stats += 1
        self.cites += 1
        if rng.random() < 0.08:
            a, b = self._entry(), self._entry()
            fa, fb = (next(f for f in e.findings if f.kind == "pct_int") for e in (a, b))
            if fa.number < fb.number and a.key != b.key:
                group = rng.choice(GROUPS)
                outcomes = " or ".join(dict.fromkeys((outcome_of(fa), outcome_of(fb))))
                return f"Trials of {rng.choice(THEMES)} reported {outcomes} in {int(fa.number)}% to {int(fb.number)}% of {group} [@{a.key}; @{b.key}]."
        entry = self._entry()
        finding = rng.choice(entry.findings)
        if narrative_ok and rng.random() < 0.1:
            sentence = _claim_sentence(rng, finding, "")
            sentence = sentence.replace(" .", ".")
            return f"As @{entry.key} reported, {sentence[0].lower()}{sentence[1:]}"
        if rng.random() < 0.05:
            return _claim_sentence(rng, finding, f"[@{entry.key}, p. {rng.randint(2, 300)}]")
        return _claim_sentence(rng, finding, f"[@{entry.key}]")

    def cited_filler(self) -> str:
        self.cites += 1
        return f"{self.rng.choice(FILLER)[:-1]} [@{self._entry().key}]."

    def filler(self) -> str:
        return self.rng.choice(FILLER)


def make_page(seed: int, number: int, bib: list[BibEntry], pool: int, stats: int, cites: int, section: int, pages: int) -> str:
    rng = random.Random(f"{seed}-page-{number}")
    w = PageWriter(rng, bib, pool)
    theme = rng.choice(THEMES)
    out = [
        "---",
        f"title: {theme.capitalize()} — evidence note {number}",
        f"description: Synthetic benchmark page {number} about {theme}.",
        "reviewed: 2026-11-01",
        "audience: clinicians",
        "---",
        "",
        f"# {theme.capitalize()}: evidence note {number}",
        "",
    ]
    # Extra cited sentences without statistics, spread over the page.
    extra = max(0, cites - stats)
    section_no = 0
    while w.stats < stats:
        if section_no % 2 == 1:
            out += [f"## {rng.choice(OUTCOMES).capitalize()} with {rng.choice(THEMES)}", ""]
        section_no += 1
        left = stats - w.stats
        kind = rng.choices(["para", "list", "table", "note", "code"], weights=[6, 2, 1, 1, 1])[0]
        if kind == "para" or left < 3:
            sentences = []
            for _ in range(min(left, rng.randint(2, 4))):
                sentences.append(w.claim())
                if rng.random() < 0.5:
                    sentences.append(w.filler())
            if extra > 0:
                sentences.append(w.cited_filler())
                extra -= 1
            if rng.random() < 0.3:
                sentences.append(f"See also `{theme.replace(' ', '_')}_v2.csv` and the [registry](https://clinicaltrials.example.org/study/NCT0{rng.randint(1000000, 9999999)}).")
            lines, line = [], ""
            for sentence in sentences:  # wrap at about 100 characters, never inside a [citation]
                for word in WORD.findall(sentence):
                    if line and len(line) + len(word) > 100:
                        lines.append(line)
                        line = word
                    else:
                        line = f"{line} {word}" if line else word
            lines.append(line)
            out += lines + [""]
        elif kind == "list":
            out += [f"Key figures on {rng.choice(OUTCOMES)}:", ""]
            for _ in range(3):
                out.append(f"- {w.claim(narrative_ok=False)}")
            out.append("")
        elif kind == "table":
            out += ["| Treatment | What the studies found |", "|---|---|"]
            for _ in range(3):
                out.append(f"| {rng.choice(THEMES).capitalize()} | {w.claim(narrative_ok=False)} |")
            out.append("")
        elif kind == "note":
            out += ['!!! note "Key figure"', "", f"    {w.claim()}", f"    {w.filler()}", ""]
        else:
            out += [rng.choice(CODE_BLOCKS), ""]
    while extra > 0:
        out += [w.cited_filler(), ""]
        extra -= 1
    sibling = section * PAGES_PER_SECTION + (number + 1) % PAGES_PER_SECTION
    if sibling >= pages:
        sibling = section * PAGES_PER_SECTION
    out += [
        "## Related pages",
        "",
        f"Back to the [overview](../index.md), or see [another note](page-{sibling:04d}.md).",
        "Trial protocols often list a DOI such as doi:10.5555/protocol.2019.77 or a PMID such as PMID: 31234567.",
        "",
    ]
    return "\n".join(out)


INDEX = """---
title: Benchmark site
reviewed: 2026-11-01
audience: clinicians
---

# Synthetic evidence guide

This site is generated for benchmarks. Every page states statistics with citations, and
every cited source records the figures it supports.

- [Bibliography](bibliography.md)
- [Evidence ledger](evidence.md)
"""

BIBLIOGRAPHY = """---
title: Bibliography
type: generated
---

# Bibliography

Every source cited on the site.

<!-- claimcheck:bibliography -->
"""

EVIDENCE = """---
title: Evidence ledger
type: generated
---

# Evidence ledger

Every number on the site, its source and its verdict.

<!-- claimcheck:ledger -->
"""

MARKDOWN_EXTENSIONS = """markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - md_in_html
  - footnotes
  - tables
  - toc:
      permalink: true
  - pymdownx.details
  - pymdownx.superfences
"""


def _yml(variant: str) -> str:
    head = "site_name: Claimcheck benchmark\nsite_url: https://example.org/bench/\n"
    theme = "theme:\n  name: material\n  font: false\n"
    if variant == "ours":
        theme += f"  custom_dir: {OVERRIDES}\n"
    body = head + theme + MARKDOWN_EXTENSIONS
    if variant == "plain":
        body += "plugins:\n  - search\n"
    elif variant == "ours":
        body += "  - claimcheck.markdown_ext\n"
        body += f"plugins:\n  - search\nhooks:\n  - {HOOKS}\nextra:\n  claimcheck:\n    bibliography: references.bib\n"
    elif variant == "bibtex":
        body += "plugins:\n  - search\n  - bibtex:\n      bib_file: references.bib\n"
    else:
        raise ValueError(variant)
    return body


VARIANTS = ("plain", "ours", "bibtex")


def generate_site(out_dir: str | Path, pages: int = 200, stats_per_page: int = 20, bib_entries: int = 1000,
                  seed: int = 6, cites_per_page: int | None = None, cited_pool: int | None = None) -> dict[str, object]:
    """Write a synthetic site into `out_dir` (replacing its docs/) and describe it.

    `cites_per_page` (default `stats_per_page`) counts citation groups; every
    statistic has one, extra ones go into sentences without a number.
    `cited_pool` (default all) limits pages to citing the first N entries."""
    out = Path(out_dir)
    pool = min(bib_entries, cited_pool or bib_entries)
    cites = max(stats_per_page, cites_per_page if cites_per_page is not None else stats_per_page)
    bib = make_bibliography(seed, bib_entries)
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(INDEX, encoding="utf-8")
    (docs / "bibliography.md").write_text(BIBLIOGRAPHY, encoding="utf-8")
    (docs / "evidence.md").write_text(EVIDENCE, encoding="utf-8")
    total_bytes = 0
    for number in range(pages):
        section = number // PAGES_PER_SECTION
        folder = docs / f"section-{section + 1:02d}"
        folder.mkdir(exist_ok=True)
        text = make_page(seed, number, bib, pool, stats_per_page, cites, section, pages)
        total_bytes += len(text.encode("utf-8"))
        (folder / f"page-{number:04d}.md").write_text(text, encoding="utf-8")
    (out / "references.bib").write_text(
        "% Synthetic bibliography for the claimcheck benchmarks (benchmarks/generate.py).\n\n" + "\n".join(e.bibtex() for e in bib),
        encoding="utf-8",
    )
    for variant in VARIANTS:
        (out / f"mkdocs-{variant}.yml").write_text(_yml(variant), encoding="utf-8")
    return {"pages": pages, "stats_per_page": stats_per_page, "cites_per_page": cites, "bib_entries": bib_entries,
            "cited_pool": pool, "seed": seed, "docs_bytes": total_bytes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--stats", type=int, default=20)
    parser.add_argument("--cites", type=int, default=None)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--pool", type=int, default=None)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    print(generate_site(args.out, args.pages, args.stats, args.entries, args.seed, args.cites, args.pool))


if __name__ == "__main__":
    main()
