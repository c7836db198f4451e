"""Pathological inputs: is every checker function linear in the size of its input?

    .venv/bin/python benchmarks/pathological.py                 # all cases, 3 sizes each
    .venv/bin/python benchmarks/pathological.py --quick         # sizes / 8
    .venv/bin/python benchmarks/pathological.py --profile para-citations --size 10000

Inputs, each at 1/16, 1/8, 1/4, 1/2 and all of the size the issue names:

- `big-page`: a 5 MB Markdown page of realistic cited prose;
- `digits`: a line of 100,000 digits in a cited paragraph;
- `nested-list`: a list nested 1,000 deep, a cited statistic at each level (the
  text grows with the square of the depth: exponents are against text length);
- `sentence-citations`: 10,000 citations in one sentence;
- `para-citations`: one paragraph of 10,000 cited sentences, each with a statistic;
- `same-figure`: 10,000 sentences stating one figure from one source (conflict
  checks once compared every pair of claims of a finding);
- `treatment-page`: a treatment page of 16,000 cited claims under `##` sections
  (`check_sources`, in the site stage, once listed the headings again per claim);
- `bibliography`: a BibTeX file of 10,000 entries (parse_bibliography).

Every stage at every size runs in a fresh subprocess, killed after `--timeout`
seconds of wall time (larger sizes of that stage are then skipped), and is timed
in CPU seconds of that process (steadier than wall time on a shared machine): parse_document,
find_citations, find_quantities (on the prose), check_page, render_markdown (the
hooks' per-page rendering), reading_grade, and for the citation cases check_site (every site check, `check_sources` included),
bibliography_html and ledger_html (the generated pages). Calls under 1 s are
timed five times, best kept (but reading_grade and render_markdown, which cache
results, only once). The *exponent* k of time ~ a + b * length^k is the best
least-squares fit over every size that finished (the constant a takes start-up
costs, so they cannot hide a quadratic term), else a log-log slope: ~1 for
linear, ~2 for quadratic; above 1.3 is flagged SUPER-LINEAR. Exit status 1 when
something is flagged.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import multiprocessing
import queue
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "hooks"))
sys.path.insert(0, str(HERE))

SEED = 6
POOL = 1000
FRONT = "---\ntitle: Pathological\nreviewed: 2026-11-01\naudience: clinicians\n---\n\n# Pathological input\n\n"
THRESHOLD = 1.3
NOISE_FLOOR = 0.02  # seconds: below this, growth is noise
REPEAT_BELOW = 1.0  # seconds: faster calls are timed five times, best kept


def _bib():
    from generate import make_bibliography

    return make_bibliography(SEED, POOL)


def _claims(n: int, bib) -> list[str]:
    """n cited statistics as sentences, each matching its entry's findings."""
    import random

    from generate import PageWriter

    writer = PageWriter(random.Random(f"{SEED}-claims"), bib, len(bib))
    return [writer.claim(narrative_ok=False) for _ in range(n)]


def make_input(case: str, size: int) -> str:
    bib = _bib()
    if case == "big-page":
        from generate import make_page

        parts, total, number = [FRONT], len(FRONT), 0
        while total < size:
            page = make_page(SEED, number, bib, len(bib), 20, 20, 0, 10**6)
            body = page.split("\n---\n", 1)[1]  # drop the front matter
            parts.append(body)
            total += len(body) + 1
            number += 1
        return "\n".join(parts)[:size]
    if case == "digits":
        return FRONT + f"A reference number of {size:,} digits follows: " + "7" * size + f" [@{bib[0].key}].\n\n" + _claims(1, bib)[0] + "\n"
    if case == "nested-list":
        claims = _claims(size, bib)
        return FRONT + "\n".join(f"{'  ' * level}- {claims[level]}" for level in range(size)) + "\n"
    if case == "sentence-citations":
        keys = " ".join(f"[@{bib[i % len(bib)].key}]" for i in range(size))
        return FRONT + f"{_claims(1, bib)[0][:-1]} and further sources {keys}.\n"
    if case == "para-citations":
        return FRONT + " ".join(_claims(size, bib)) + "\n"
    if case == "same-figure":
        return FRONT + " ".join(_claims(1, bib) * size) + "\n"
    if case == "multi-clause":
        clauses = [claim.rstrip(".") for claim in _claims(size, bib)]
        return FRONT + ", and ".join(clauses) + ".\n"
    if case == "clause-citations":
        keys = " ".join(f"[@{bib[i % len(bib)].key}]" for i in range(size))
        numbers = ", ".join(f"{i * 9 + 5}%" for i in range(10))  # each number weighs every cited finding: keep them few
        return FRONT + f"Figures of {numbers} were reported {keys}; and (in brackets {keys}) more.\n"
    if case == "headings":
        claims = _claims(size, bib)
        return FRONT + "\n\n".join(f"{'#' * (2 + n % 4)} Section {n}: about {n % 90 + 5}% of them\n\n{claims[n]}" for n in range(size)) + "\n"
    if case == "treatment-page":
        claims = _claims(size, bib)
        sections = ("Benefits", "Risks and side effects")
        body = "".join((f"## {sections[n // 10 % 2]}\n\n" if n % 10 == 0 else "") + f"{claims[n]}\n\n" for n in range(size))
        return FRONT.replace("audience: clinicians", "audience: clinicians\ntype: treatment") + body
    raise ValueError(case)


CASES = {
    # name: (label, [full size], size unit)
    "big-page": ("5 MB Markdown page", [5_000_000], "bytes"),
    "digits": ("line of 100,000 digits", [100_000], "digits"),
    "nested-list": ("list nested 1,000 deep", [1_000], "levels"),
    "sentence-citations": ("10,000 citations in one sentence", [10_000], "citations"),
    "para-citations": ("10,000 cited sentences in one paragraph", [10_000], "citations"),
    "same-figure": ("10,000 sentences stating one figure", [10_000], "sentences"),
    "multi-clause": ("one sentence of 5,000 cited clauses", [5_000], "clauses"),
    "clause-citations": ("10 numbers and 10,000 citations in one clause", [10_000], "citations"),
    "headings": ("page of 5,000 headings stating numbers", [5_000], "headings"),
    "treatment-page": ("treatment page of 16,000 cited claims in sections", [16_000], "claims"),
    "bibliography": ("10,000-entry bibliography", [10_000], "entries"),
}
SITE_CASES = ("sentence-citations", "para-citations", "same-figure", "multi-clause", "clause-citations", "headings", "treatment-page")


STAGES = ["parse_document", "find_citations", "find_quantities", "check_page", "render_markdown", "reading_grade",
          "check_site", "bibliography_html", "ledger_html"]
#: What a stage needs computed (untimed) before it runs.
NEEDS = {"check_site": "check_page", "bibliography_html": "check_page", "ledger_html": "check_page"}


def _worker(case: str, size: int, stage: str, out) -> None:
    """Time one stage on one input, in a fresh process; report ("start"), then the seconds."""
    from claimcheck.bibliography import parse_bibliography
    from claimcheck.check import check_page
    from claimcheck.citations import find_citations
    from claimcheck.document import parse_document
    from claimcheck.pipeline import check_site
    from claimcheck.quantities import find_quantities
    from claimcheck.render import PageLink, bibliography_html, ledger_html, render_markdown
    from claimcheck.standards import reading_grades

    # Pay one-off costs (textstat's dictionary, regex compilation) before timing.
    warm = parse_document(FRONT + "About a third of patients improve [@x].\n")
    reading_grades(warm)
    find_quantities(warm.prose)
    links = {"pathological.md": PageLink("pathological/", "Pathological"), "bibliography.md": PageLink("bibliography/", "Bibliography")}
    if case == "bibliography":
        from generate import make_bibliography

        text = "\n".join(e.bibtex() for e in make_bibliography(SEED, size))
        out.put(("size", len(text)))
        call = lambda: parse_bibliography(text)  # noqa: E731
    else:
        bibliography = parse_bibliography("\n".join(e.bibtex() for e in _bib()))
        source = make_input(case, size)
        out.put(("size", len(source)))
        document = parse_document(source, "pathological.md") if stage != "render_markdown" else None
        report = check_page(document, bibliography) if stage in NEEDS else None
        site = check_site([report], bibliography) if stage in ("bibliography_html", "ledger_html") else None
        if stage == "bibliography_html":  # each entry formatted once, as a build's cache holds them: time the listing
            from claimcheck.formatting import author_year, reference_html

            for entry in bibliography.entries.values():
                reference_html(entry), author_year(entry)
        call = {
            "parse_document": lambda: parse_document(source, "pathological.md"),
            "find_citations": lambda: find_citations(document.prose),
            "find_quantities": lambda: find_quantities(document.prose),
            "check_page": lambda: check_page(document, bibliography),
            "render_markdown": lambda: render_markdown(source, bibliography),
            "reading_grade": lambda: reading_grades(document),
            "check_site": lambda: check_site([report], bibliography),
            "bibliography_html": lambda: bibliography_html(site, links, "bibliography/"),
            "ledger_html": lambda: ledger_html(site, links, "evidence/"),
        }[stage]
    out.put(("start", 0))
    best = math.inf
    # textstat memoises its results and pybtex's formatted references are cached per
    # entry: time only the first call of those, as a build makes it.
    repeats = 1 if stage in ("reading_grade", "render_markdown") else 5
    for _ in range(repeats):
        # With the collector paused, as the hooks and `claimcheck` run the checks: its full
        # collections walk every live object, the large input included, so with it on any
        # function allocating as it goes grows a little faster than linearly (find_citations
        # on a 3 MB page: 0.277 s paused, 0.335 s on, at 1.6 MB 0.136 / 0.155 s).
        gc.collect()
        gc.disable()
        begin = time.process_time()  # CPU time: other work on the machine moves it far less than wall time
        call()
        best = min(best, time.process_time() - begin)
        gc.enable()
        if best >= REPEAT_BELOW:
            break
    out.put(("seconds", best))


def run_stage(case: str, size: int, stage: str, timeout: float, setup_timeout: float = 600.0) -> tuple[int, float | None]:
    """(input length, seconds) for one stage at one size; seconds None if it took over `timeout`."""
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    process = context.Process(target=_worker, args=(case, size, stage, out))
    process.start()
    deadline = time.monotonic() + setup_timeout
    length, seconds = 0, None
    while True:
        try:
            name, value = out.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            if time.monotonic() >= deadline or not process.is_alive():
                break
            continue
        if name == "size":
            length = value
        elif name == "start":
            deadline = time.monotonic() + timeout
        elif name == "seconds":
            seconds = value
            break
    if process.is_alive():
        process.terminate()
    process.join()
    return length, seconds


def exponent(sizes: list[int | None], times: list[float | None]) -> float | None:
    """Growth exponent k of time ~ a + b * size^k.

    With three or more sizes that finished, the k (0.5 to 3, by hundredths) whose
    least-squares fit of a + b * size^k has the smallest relative error over all
    of them: the constant a absorbs one-off costs (formatting every cited
    reference once, say), so they cannot hide a quadratic term, and one noisy
    point moves k less than an estimate from the last three sizes alone did
    (that one flagged find_citations at 1.30-1.41 on runs where it measured 1.09
    alone; a best of five timings, not three, steadies the largest sizes too).
    Otherwise the slope of log(time) on log(size). None below the noise
    floor or with too few points."""
    points = [(s, t) for s, t in zip(sizes, times) if t is not None and s and t >= NOISE_FLOOR]
    if len(points) >= 3:
        best: tuple[float, float] | None = None
        for hundredths in range(50, 301):
            k = hundredths / 100
            xs = [(s / points[0][0]) ** k for s, _ in points]
            ts = [t for _, t in points]
            n, sx, st = len(xs), sum(xs), sum(ts)
            sxx, sxt = sum(x * x for x in xs), sum(x * t for x, t in zip(xs, ts))
            b = (n * sxt - sx * st) / (n * sxx - sx * sx)
            a = (st - b * sx) / n
            if b <= 0:
                continue
            error = sum(((a + b * x) - t) ** 2 / t**2 for x, t in zip(xs, ts))
            if best is None or error < best[0]:
                best = (error, k)
        if best is not None:
            return best[1]
    logs = [(math.log(s), math.log(t)) for s, t in points]
    if len(logs) < 2:
        return None
    mean_x = sum(x for x, _ in logs) / len(logs)
    mean_y = sum(y for _, y in logs) / len(logs)
    spread = sum((x - mean_x) ** 2 for x, _ in logs)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in logs) / spread


def run_all(cases: list[str], quick: bool, timeout: float, tiny: bool = False) -> dict[str, object]:
    results = []
    flagged = []
    for case in cases:
        label, (largest,), unit = CASES[case]
        steps = (4096, 2048, 1024) if tiny else (32, 16, 8) if quick else (16, 8, 4, 2, 1)
        sizes = [max(4, largest // step) for step in steps]
        stages = ["parse_bibliography"] if case == "bibliography" else [s for s in STAGES if case in SITE_CASES or s not in NEEDS]
        lengths: list[int | None] = [None] * len(sizes)
        functions = []
        print(f"{label} ({' / '.join(f'{s:,}' for s in sizes)} {unit}):", flush=True)
        gave_up: dict[str, int] = {}
        for stage in stages:
            times: list[float | None] = [None] * len(sizes)
            stuck_at = None
            for i, size in enumerate(sizes):
                need = NEEDS.get(stage)
                if stuck_at is not None or (need in gave_up and gave_up[need] <= i):
                    continue
                length, seconds = run_stage(case, size, stage, timeout)
                lengths[i] = lengths[i] or length
                times[i] = seconds
                if seconds is None:
                    stuck_at = i
                    gave_up[stage] = i
            exp = exponent(lengths, times)
            if exp is not None and exp > THRESHOLD:
                verdict = "SUPER-LINEAR"
            elif exp is None:
                verdict = "fast (below noise)" if all(t is not None for t in times) else "not measured"
            else:
                verdict = "linear"
            if stuck_at is not None:
                verdict += f"; over {timeout:.0f} s at {sizes[stuck_at]:,} {unit}"
                if exp is None:
                    verdict = f"SUPER-LINEAR?: over {timeout:.0f} s at {sizes[stuck_at]:,} {unit}"
            if verdict.startswith("SUPER"):
                flagged.append(f"{case}: {stage}")
            elif NEEDS.get(stage) in gave_up and None in times:
                verdict += f" (larger sizes not run: {NEEDS[stage]} too slow)"
            functions.append({"name": stage, "times": times, "exponent": exp, "verdict": verdict})
            shown = " / ".join("   —   " if t is None else f"{t:7.3f}" for t in times)
            print(f"  {stage:<18} {shown} s   exponent {'  —' if exp is None else f'{exp:4.2f}'}  {verdict}", flush=True)
        megabytes = [f"{s / 1e6:g} MB" for s in sizes]
        counts = [f"{s:,}" + (f" ({n / 1e6:.2f} MB)" if n and n > 200_000 else "") for s, n in zip(sizes, lengths)]
        size_labels = megabytes if unit == "bytes" else counts
        results.append({"case": case, "label": label, "unit": unit, "sizes": sizes, "lengths": lengths,
                        "size_labels": size_labels, "functions": functions})
    return {"cases": results, "flagged": flagged, "timeout": timeout, "quick": quick}


def profile(case: str, size: int, top: int) -> None:
    import cProfile
    import pstats

    from claimcheck.bibliography import parse_bibliography
    from claimcheck.check import check_page
    from claimcheck.document import parse_document
    from claimcheck.pipeline import check_site
    from claimcheck.render import PageLink, bibliography_html, ledger_html, render_markdown
    from claimcheck.standards import reading_grades

    bibliography = parse_bibliography("\n".join(e.bibtex() for e in _bib()))
    source = make_input(case, size)
    profiler = cProfile.Profile()
    profiler.enable()
    document = parse_document(source, "pathological.md")
    report = check_page(document, bibliography)
    render_markdown(source, bibliography)
    reading_grades(document)
    site = check_site([report], bibliography)
    links = {"pathological.md": PageLink("pathological/", "Pathological"), "bibliography.md": PageLink("bibliography/", "Bibliography")}
    bibliography_html(site, links, "bibliography/")
    ledger_html(site, links, "evidence/")
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the checker on pathological inputs at growing sizes.")
    parser.add_argument("cases", nargs="*", choices=[[], *CASES], default=[], help="cases to run (default all)")
    parser.add_argument("--quick", action="store_true", help="sizes 1/32, 1/16 and 1/8 of the full ones")
    parser.add_argument("--tiny", action="store_true", help="sizes 1/4096 to 1/1024: a smoke test of the script, no figures")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for one stage at one size")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--profile", choices=list(CASES), help="cProfile one case at --size instead")
    parser.add_argument("--size", type=int, default=None)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile, args.size or CASES[args.profile][1][0], args.top)
        return 0
    results = run_all(args.cases or list(CASES), args.quick, args.timeout, args.tiny)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    if results["flagged"]:
        print("super-linear: " + "; ".join(results["flagged"]), flush=True)
        return 0 if args.tiny else 1  # tiny sizes time noise: a smoke run, no verdict
    return 0


if __name__ == "__main__":
    sys.exit(main())
