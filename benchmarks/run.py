"""Build-time benchmark: plain Material vs the project's hooks vs mkdocs-bibtex.

    .venv/bin/python benchmarks/run.py              # default comparison + pathological check
    .venv/bin/python benchmarks/run.py --quick      # small site, one round: a sanity run
    .venv/bin/python benchmarks/run.py --scaling    # also pages 50/200/800/2,000 and entries 100/1,000/10,000
    .venv/bin/python benchmarks/run.py --only-scaling --rounds 3
    .venv/bin/python benchmarks/run.py --only-pathological
    .venv/bin/python benchmarks/run.py --only-editor --rounds 7   # the editor's loop in `mkdocs serve`

The same synthetic site (benchmarks/generate.py) is built three ways in one run,
alternating plain / ours / bibtex (then `claimcheck` alone) round after round, each
build a fresh `python -m mkdocs build -q` subprocess whose wall time and peak RSS
(from `os.wait4`) are recorded. One untimed warm-up round comes first (it also
checks that every variant builds, ours with `--strict`).

plain and ours run with the interpreter running this script (the project's .venv:
what editors use); mkdocs-bibtex runs from benchmarks/.venv-bibtex, created on first
use from the project's requirements-lock.txt plus a pinned mkdocs-bibtex, so all
three use the same MkDocs, Material, Markdown and pybtex versions.

The editor's loop (benchmarks/editor.py) drives real `mkdocs serve` processes, plain
and ours, saves a page (and, for ours, an entry of references.bib) and times each
save until the rebuild is logged.

Results go to stdout, benchmarks/results.json (latest of each section) and
benchmarks/RESULTS.md (rendered from it, with the machine each section ran on).
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
BIBTEX_VENV = HERE / ".venv-bibtex"
MKDOCS_BIBTEX = "mkdocs-bibtex==4.4.0"
LOCK = REPO / "requirements-lock.txt"
RESULTS_JSON = HERE / "results.json"
RESULTS_MD = HERE / "RESULTS.md"
#: Issue 19's goals, ratios to plain Material in the same run (wall time).
GOAL_OURS = 1.05
GOAL_OURS_COLD = 1.30
GOAL_CLAIMCHECK = 0.05
GOAL_CLAIMCHECK_COLD = 0.20
GOAL_MEMORY = 1.30

sys.path.insert(0, str(HERE))
from editor import bench_editor, editor_md  # noqa: E402
from generate import generate_site  # noqa: E402
from pathological import exponent  # noqa: E402

# --------------------------------------------------------------------------- environment


def log(message: str) -> None:
    print(message, flush=True)


def claimcheck_command() -> list[str]:
    script = Path(sys.executable).parent / "claimcheck"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "claimcheck"]


def ensure_bibtex_venv() -> tuple[Path | None, str]:
    """The mkdocs-bibtex interpreter, creating its venv on first use; or None and why not."""
    python = BIBTEX_VENV / "bin" / "python"
    stamp = BIBTEX_VENV / ".installed"
    want = hashlib.sha256(LOCK.read_bytes() + MKDOCS_BIBTEX.encode()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text().strip() == want:
        return python, ""
    log(f"creating {BIBTEX_VENV.relative_to(REPO)} ({MKDOCS_BIBTEX} + requirements-lock.txt); this takes a minute or two")
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    steps = [
        [base, "-m", "venv", "--clear", str(BIBTEX_VENV)],
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(LOCK)],
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", MKDOCS_BIBTEX],
    ]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            error = (done.stderr or done.stdout).strip().splitlines()
            return None, f"`{' '.join(step)}` failed (exit {done.returncode}): " + " | ".join(error[-5:])
    stamp.write_text(want + "\n")
    return python, ""


def package_version(python: str | Path, name: str) -> str:
    done = subprocess.run([str(python), "-c", f"import importlib.metadata as m; print(m.version({name!r}))"], capture_output=True, text=True)
    return done.stdout.strip() or "?"


def machine() -> dict[str, str]:
    info = {"nproc": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        info["cpu"] = platform.processor() or "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    info["os"] = f"{platform.system()} {platform.release()}"
    info["python"] = platform.python_version()
    digest = hashlib.sha256()
    for source in sorted((REPO / "hooks").rglob("*.py")):
        digest.update(source.read_bytes())
    info["hooks"] = digest.hexdigest()[:12]
    info["mkdocs"] = package_version(sys.executable, "mkdocs")
    info["material"] = package_version(sys.executable, "mkdocs-material")
    with contextlib.suppress(OSError):
        info["load"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    info["date"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return info


# --------------------------------------------------------------------------- measuring


def measure(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run a command; its wall time, CPU time and peak RSS (its own, from wait4), exit status."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore", **(env or {}))
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-6:]
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": wall, "cpu": cpu, "rss_mb": usage.ru_maxrss / 1024, "rc": process.returncode, "stderr": tail}


def build_command(python: Path | str, site: Path, variant: str, strict: bool = False) -> list[str]:
    command = [str(python), "-m", "mkdocs", "build", "-q", "-f", str(site / f"mkdocs-{variant}.yml"), "-d", str(site / f"site-{variant}")]
    return command + (["--strict"] if strict else [])


def check_command(site: Path) -> list[str]:
    return claimcheck_command() + ["--bib", "references.bib", "--config", "mkdocs-ours.yml", "--quiet", "docs"]


#: What is timed, in the order of a round. claimcheck keeps a cache of parsed
#: bibliographies and checked pages outside the project (hooks/claimcheck/cache.py):
#: "warm" runs share a cache folder of the benchmark's, filled by the warm-up round
#: (an editor's `mkdocs serve` or second build); "cold" runs get an empty one every
#: time (a first build, or CI).
RUNS = ("plain", "ours", "ours-cold", "bibtex", "claimcheck", "claimcheck-cold")
LABELS = {
    "plain": "plain Material (no citations)",
    "ours": "Material + claimcheck hooks, warm cache",
    "ours-cold": "Material + claimcheck hooks, cold cache",
    "bibtex": "Material + mkdocs-bibtex",
    "claimcheck": "`claimcheck` alone (no build), warm cache",
    "claimcheck-cold": "`claimcheck` alone (no build), cold cache",
}


def bench_site(site: Path, pythons: dict[str, Path | str | None], rounds: int, names: tuple[str, ...] = RUNS) -> dict[str, dict[str, object]]:
    """Alternate the runs for `rounds` rounds after one warm-up round; medians and peaks.
    `pythons` maps plain/ours/bibtex to the interpreter that builds them (None: skip)."""
    warm_cache, cold_cache = site / "cache-warm", site / "cache-cold"
    shutil.rmtree(warm_cache, ignore_errors=True)
    runs: dict[str, tuple[list[str], dict[str, str]]] = {}
    for name in names:
        variant = name.removesuffix("-cold")
        env = {"CLAIMCHECK_CACHE_DIR": str(cold_cache if name.endswith("-cold") else warm_cache)}
        if variant == "claimcheck":
            runs[name] = (check_command(site), env)
        elif pythons.get(variant) is not None:
            runs[name] = (build_command(pythons[variant], site, variant), env)

    def run(name: str, strict: bool = False) -> dict[str, object]:
        command, env = runs[name]
        if name.endswith("-cold"):
            shutil.rmtree(cold_cache, ignore_errors=True)
        if strict:  # MkDocs drops warnings under -q before --strict counts them
            command = [part for part in command if part != "-q"] + ["--strict"]
        return measure(command, site, env)

    failed: dict[str, str] = {}
    for name in runs:  # warm-up: fills the warm cache; ours must pass --strict
        strict = name.startswith("ours")
        result = run(name, strict)
        if result["rc"] != 0:
            failed[name] = f"exit {result['rc']}{' (--strict)' if strict else ''}: " + " | ".join(result["stderr"])
            log(f"  warm-up: {name} failed: {failed[name]}")
    timed = [name for name in runs if name not in failed or name.startswith(("ours", "claimcheck"))]
    results: dict[str, list[dict[str, object]]] = {name: [] for name in timed}
    for round_no in range(rounds):
        line = []
        for name in timed:
            result = run(name)
            results[name].append(result)
            if result["rc"] != 0 and not name.startswith("claimcheck"):
                failed.setdefault(name, f"exit {result['rc']}: " + " | ".join(result["stderr"]))
            line.append(f"{name} {result['wall']:.2f}s/{result['cpu']:.2f}s")
        log(f"  round {round_no + 1}/{rounds} (wall/CPU): " + ", ".join(line))
    shutil.rmtree(cold_cache, ignore_errors=True)
    summary: dict[str, dict[str, object]] = {}
    for name, measured in results.items():
        walls = [r["wall"] for r in measured]
        summary[name] = {
            "median": statistics.median(walls), "min": min(walls), "max": max(walls),
            "cpu": statistics.median(r["cpu"] for r in measured),
            "rss_mb": max(r["rss_mb"] for r in measured), "rc": [r["rc"] for r in measured],
        }
        if name in failed:
            summary[name]["error"] = failed[name]
    return summary


def bib_parse_time(bib: Path, repeats: int = 3) -> float:
    """Median CPU seconds for claimcheck to parse the bibliography (in a fresh interpreter)."""
    code = (
        "import sys, time; sys.path.insert(0, sys.argv[1]);"
        "from claimcheck.bibliography import parse_bibliography;"
        "text = open(sys.argv[2], encoding='utf-8').read(); t = time.process_time();"
        "parse_bibliography(text); print(time.process_time() - t)"
    )
    times = []
    for _ in range(repeats):
        done = subprocess.run([sys.executable, "-c", code, str(REPO / "hooks"), str(bib)], capture_output=True, text=True)
        try:
            times.append(float(done.stdout.strip()))
        except ValueError:
            return float("nan")
    return statistics.median(times)


def claims_summary(site: Path) -> str:
    done = subprocess.run(check_command(site), cwd=site, capture_output=True, text=True,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    lines = done.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit {done.returncode}"


# --------------------------------------------------------------------------- runs


def run_comparison(pages: int, stats: int, entries: int, rounds: int, bibtex_python: Path | None, seed: int) -> dict[str, object]:
    site = OUT / f"site-{pages}p-{stats}s-{entries}e"
    described = generate_site(site, pages, stats, entries, seed)
    log(f"comparison: {pages} pages x {stats} statistics, {entries} entries ({fmt_bytes(described['docs_bytes'])} of Markdown), {rounds} rounds")
    claims = claims_summary(site)
    log(f"  claimcheck on the site: {claims}")
    pythons = {"plain": sys.executable, "ours": sys.executable, "bibtex": bibtex_python}
    summary = bench_site(site, pythons, rounds)
    return {"site": described, "rounds": rounds, "results": summary, "claims": claims}


def ratios(results: dict[str, dict[str, object]], key: str = "median") -> dict[str, float | None]:
    """Ratios of medians (key "median": wall time; "cpu": CPU time)."""
    def value(name: str) -> float | None:
        r = results.get(name)
        return r.get(key) if r and "error" not in r else None

    def ratio(a: str, b: str) -> float | None:
        x, y = value(a), value(b)
        return x / y if x and y else None

    return {
        "ours/plain": ratio("ours", "plain"), "ours-cold/plain": ratio("ours-cold", "plain"),
        "ours/bibtex": ratio("ours", "bibtex"), "ours-cold/bibtex": ratio("ours-cold", "bibtex"),
        "bibtex/plain": ratio("bibtex", "plain"),
        "claimcheck/plain": ratio("claimcheck", "plain"), "claimcheck-cold/plain": ratio("claimcheck-cold", "plain"),
    }


def memory_ratios(results: dict[str, dict[str, object]]) -> dict[str, float | None]:
    """Peak RSS of a build with the hooks (warm, cold) over plain's."""
    plain = results.get("plain", {}).get("rss_mb")
    return {name: (results[name]["rss_mb"] / plain if plain and name in results else None) for name in ("ours", "ours-cold")}


def run_scaling(rounds: int, bibtex_python: Path | None, with_bibtex: bool, seed: int, quick: bool) -> dict[str, object]:
    # --quick: a tiny run that shows the script works (a smoke test), no figures.
    page_steps = (3, 6, 12) if quick else (50, 200, 800, 2000)
    entry_steps = (20, 100, 300) if quick else (100, 1000, 10000)
    fixed_pages, page_entries, pool = (3, 50, 10) if quick else (200, 1000, 100)
    pythons = {"plain": sys.executable, "ours": sys.executable, "bibtex": bibtex_python if with_bibtex else None}
    by_pages = []
    for pages in page_steps:
        site = OUT / f"scale-pages-{pages}"
        described = generate_site(site, pages, 20, page_entries, seed)
        log(f"scaling: {pages} pages, {page_entries:,} entries, {rounds} rounds")
        by_pages.append({"pages": pages, "site": described, "results": bench_site(site, pythons, rounds)})
    by_entries = []
    for entries in entry_steps:
        site = OUT / f"scale-entries-{entries}"
        # Pages cite only the first `pool` entries, so the pages are identical in
        # every run and the rest of the bibliography is unused.
        described = generate_site(site, fixed_pages, 20, entries, seed, cited_pool=pool)
        log(f"scaling: {fixed_pages} pages citing {pool} entries, bibliography of {entries:,} entries, {rounds} rounds")
        by_entries.append({"entries": entries, "site": described, "parse_s": bib_parse_time(site / "references.bib"),
                           "results": bench_site(site, pythons, rounds)})
    return {"rounds": rounds, "by_pages": by_pages, "by_entries": by_entries}


def run_pathological(quick: bool) -> dict[str, object] | None:
    target = OUT / "pathological.json"
    command = [sys.executable, str(HERE / "pathological.py"), "--json", str(target), "--timeout", "30"] + (["--quick"] if quick else [])
    log("pathological inputs (benchmarks/pathological.py):")
    done = subprocess.run(command)
    if done.returncode not in (0, 1) or not target.exists():
        log(f"  pathological.py failed (exit {done.returncode})")
        return None
    return json.loads(target.read_text())


# --------------------------------------------------------------------------- reporting


def fmt_bytes(value: int) -> str:
    return f"{value / 1e6:.1f} MB" if value >= 1e6 else f"{value / 1e3:.0f} kB"


def fmt_s(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def fmt_x(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def comparison_md(section: dict[str, object]) -> str:
    site, results = section["site"], section["results"]
    wall, cpu = ratios(results), ratios(results, "cpu")
    lines = [
        f"Site: {site['pages']} pages × {site['stats_per_page']} cited statistics, {site['bib_entries']:,}-entry bibliography "
        f"({fmt_bytes(site['docs_bytes'])} of Markdown, seed {site['seed']}); median of {section['rounds']} alternating rounds "
        f"after one warm-up round. `claimcheck`: {section['claims']}.",
        "",
        "| run | median wall | min | max | median CPU | peak RSS |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name in RUNS:
        if name not in results:
            continue
        x = results[name]
        note = f" — **failed**: {x['error']}" if "error" in x else ""
        lines.append(f"| {LABELS[name]}{note} | {fmt_s(x['median'])} | {fmt_s(x['min'])} | {fmt_s(x['max'])} | {fmt_s(x.get('cpu'))} | {x['rss_mb']:.0f} MB |")

    def verdict(value: float | None, goal: float) -> str:
        return "" if value is None else ("✅ met" if value <= goal else "❌ not met")

    lines += ["", "| ratio | wall | CPU | goal (wall) |", "|---|---:|---:|---|"]
    rows = [
        ("ours / plain (warm cache)", "ours/plain", GOAL_OURS),
        ("ours / plain (cold cache)", "ours-cold/plain", GOAL_OURS_COLD),
        ("ours / mkdocs-bibtex (warm cache)", "ours/bibtex", None),
        ("ours / mkdocs-bibtex (cold cache)", "ours-cold/bibtex", None),
        ("mkdocs-bibtex / plain", "bibtex/plain", None),
        ("claimcheck / plain (warm cache)", "claimcheck/plain", GOAL_CLAIMCHECK),
        ("claimcheck / plain (cold cache)", "claimcheck-cold/plain", GOAL_CLAIMCHECK_COLD),
    ]
    for label, key, goal in rows:
        target = f"≤ {goal:.2f}× {verdict(wall[key], goal)}" if goal else ""
        lines.append(f"| {label} | {fmt_x(wall[key])} | {fmt_x(cpu[key])} | {target} |")
    memory = memory_ratios(results)
    for name, label in (("ours", "warm"), ("ours-cold", "cold")):
        value = memory[name]
        lines.append(f"| peak RSS ours / plain ({label} cache) | {fmt_x(value)} | | ≤ {GOAL_MEMORY:.2f}× {verdict(value, GOAL_MEMORY)} |")
    if "bibtex_error" in section:
        lines += ["", f"mkdocs-bibtex could not be set up: {section['bibtex_error']}"]
    return "\n".join(lines)


def scaling_md(section: dict[str, object]) -> str:
    def get(res: dict, name: str, key: str = "median") -> float | None:
        r = res.get(name)
        return r.get(key) if r and "error" not in r else None

    def s(value: float | None) -> str:
        return "—" if value is None else f"{value:.2f} s"

    def ms(value: float | None) -> str:
        return "—" if value is None else f"{value * 1000:.1f} ms"

    def diff(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else a - b

    lines = [f"Median of {section['rounds']} alternating rounds each, after a warm-up round. *Overhead* is ours − plain, "
             "the cost of all rendering and checks, in wall and in CPU time (user + system; other work on the machine "
             "disturbs it less). Cold: empty claimcheck cache; warm: cache filled by the warm-up round.", "",
             f"**Pages** (20 statistics a page, {section['by_pages'][0]['site']['bib_entries']:,} entries):", "",
             "| pages | plain | ours warm | ours cold | overhead warm / page | overhead cold / page | CPU overhead cold / page "
             "| claimcheck warm | claimcheck cold | claimcheck cold CPU / page | mkdocs-bibtex | peak RSS ours cold |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    by_pages = section["by_pages"]
    for row in by_pages:
        res, n = row["results"], row["pages"]
        plain, warm, cold = get(res, "plain"), get(res, "ours"), get(res, "ours-cold")
        cpu_cold = diff(get(res, "ours-cold", "cpu"), get(res, "plain", "cpu"))
        check_cpu = get(res, "claimcheck-cold", "cpu")
        rss = res.get("ours-cold", {}).get("rss_mb")
        lines.append(
            f"| {n} | {s(plain)} | {s(warm)} | {s(cold)} | {ms(diff(warm, plain) and diff(warm, plain) / n)} "
            f"| {ms(diff(cold, plain) and diff(cold, plain) / n)} | {ms(cpu_cold and cpu_cold / n)} "
            f"| {s(get(res, 'claimcheck'))} | {s(get(res, 'claimcheck-cold'))} | {ms(check_cpu and check_cpu / n)} "
            f"| {s(get(res, 'bibtex'))} | {'—' if rss is None else f'{rss:.0f} MB'} |")
    sizes = [row["pages"] for row in by_pages]
    fitted = []
    for name, label in (("plain", "plain"), ("ours", "ours warm"), ("ours-cold", "ours cold"),
                        ("claimcheck", "claimcheck warm"), ("claimcheck-cold", "claimcheck cold")):
        k = exponent(sizes, [get(row["results"], name) for row in by_pages])
        fitted.append(f"{label} {'—' if k is None else f'{k:.2f}'}")
    lines += ["", "Growth exponent k of wall time ≈ a + b·pagesᵏ (fitted as for the pathological inputs; 1 is linear): "
              + ", ".join(fitted) + "."]
    pages = section["by_entries"][0]["site"]["pages"]
    pool = section["by_entries"][0]["site"]["cited_pool"]
    lines += ["", f"**Bibliography size** ({pages} pages citing the same {pool} entries; the rest of the bibliography unused). "
              "*parse*: CPU time of `parse_bibliography` alone on the file.", "",
              "| entries | plain | ours warm | ours cold | CPU overhead warm | CPU overhead cold | parse | CPU overhead cold − parse "
              "| claimcheck warm CPU | claimcheck cold CPU | claimcheck cold CPU − parse | peak RSS ours cold |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in section["by_entries"]:
        res, parse = row["results"], row["parse_s"]
        over_warm = diff(get(res, "ours", "cpu"), get(res, "plain", "cpu"))
        over_cold = diff(get(res, "ours-cold", "cpu"), get(res, "plain", "cpu"))
        rss = res.get("ours-cold", {}).get("rss_mb")
        lines.append(
            f"| {row['entries']:,} | {s(get(res, 'plain'))} | {s(get(res, 'ours'))} | {s(get(res, 'ours-cold'))} "
            f"| {s(over_warm)} | {s(over_cold)} | {s(parse)} | {s(diff(over_cold, parse))} "
            f"| {s(get(res, 'claimcheck', 'cpu'))} | {s(get(res, 'claimcheck-cold', 'cpu'))} "
            f"| {s(diff(get(res, 'claimcheck-cold', 'cpu'), parse))} | {'—' if rss is None else f'{rss:.0f} MB'} |")
    return "\n".join(lines)


def pathological_md(section: dict[str, object]) -> str:
    lines = ["Each input at 1/16, 1/8, 1/4, 1/2 and all of its size, one fresh process per function and size "
             f"(stopped after {section.get('timeout', 60):.0f} s). Times are CPU seconds of one call, with the garbage collector paused as the hooks and `claimcheck` run the checks. *Exponent*: k in time ≈ a + b·lengthᵏ, "
             "fitted by least squares over every size that finished (the constant a takes start-up costs, so they cannot hide a "
             "quadratic term), else a log-log slope — 1 is linear, 2 quadratic; above 1.3 is flagged. Calls under 1 s: best of five.", "",
             ]
    for case in section["cases"]:
        unit = "" if case.get("unit") == "bytes" else case.get("unit", "")
        lines += [f"**{case['label']}** — sizes {' / '.join(case['size_labels'])}{' ' + unit if unit else ''}:", "",
                  "| function | seconds at each size | exponent | verdict |", "|---|---|---:|---|"]
        for fn in case["functions"]:
            times = " / ".join("—" if t is None else f"{t:.3f}" for t in fn["times"])
            exponent = "—" if fn["exponent"] is None else f"{fn['exponent']:.2f}"
            verdict = f"**{fn['verdict']}**" if fn["verdict"].startswith("SUPER") else fn["verdict"]
            lines.append(f"| `{fn['name']}` | {times} | {exponent} | {verdict} |")
        lines.append("")
    if section.get("flagged"):
        lines.append("Super-linear: " + "; ".join(section["flagged"]) + ".")
    return "\n".join(lines)


def machine_md(info: dict[str, str]) -> str:
    return (f"*Taken {info['date']} on {info['nproc']} cores of {info.get('cpu', '?')}, {info.get('memory', '?')} RAM, "
            f"{info['os']}, Python {info['python']}, MkDocs {info['mkdocs']}, Material {info['material']}"
            + (f"; load average {info['load']} at the start" if "load" in info else "")
            + (f"; hooks/ source digest {info['hooks']}" if "hooks" in info else "") + ".*")


def write_results(results: dict[str, object]) -> None:
    RESULTS_JSON.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    parts = ["# Benchmark results", "",
             "Written by `benchmarks/run.py` (`make bench`); each section keeps the figures of the last run that produced it.",
             "Do not edit by hand.", ""]
    if "comparison" in results:
        parts += ["## Plain vs claimcheck hooks vs mkdocs-bibtex", "", machine_md(results["comparison"]["machine"]), "",
                  comparison_md(results["comparison"]), ""]
    if "editor" in results:
        parts += ["## The editor's loop", "", machine_md(results["editor"]["machine"]), "", editor_md(results["editor"]), ""]
    if "scaling" in results:
        parts += ["## Scaling", "", machine_md(results["scaling"]["machine"]), "", scaling_md(results["scaling"]), ""]
    if "pathological" in results:
        parts += ["## Pathological inputs", "", machine_md(results["pathological"]["machine"]), "", pathological_md(results["pathological"]), ""]
    RESULTS_MD.write_text("\n".join(parts), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the site build: plain vs claimcheck hooks vs mkdocs-bibtex.")
    parser.add_argument("--rounds", type=int, default=None, help="alternating rounds, medians taken (default 7; 3 for scaling; 1 with --quick)")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--stats", type=int, default=20, help="cited statistics per page")
    parser.add_argument("--entries", type=int, default=1000, help="bibliography entries")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="small site, one round, small pathological inputs")
    parser.add_argument("--scaling", action="store_true", help="also run the scaling runs")
    parser.add_argument("--only-scaling", action="store_true", help="run only the scaling runs")
    parser.add_argument("--scaling-bibtex", action="store_true", help="include mkdocs-bibtex in the scaling runs")
    parser.add_argument("--scaling-rounds", type=int, default=None, help="rounds for the scaling runs (default 3)")
    parser.add_argument("--no-bibtex", action="store_true", help="skip mkdocs-bibtex")
    parser.add_argument("--no-pathological", action="store_true")
    parser.add_argument("--only-pathological", action="store_true", help="run only the pathological inputs")
    parser.add_argument("--no-editor", action="store_true", help="skip the editor's loop in `mkdocs serve`")
    parser.add_argument("--only-editor", action="store_true", help="run only the editor's loop")
    parser.add_argument("--no-write", action="store_true", help="do not update results.json / RESULTS.md")
    args = parser.parse_args(argv)
    if args.quick:
        args.pages, args.stats, args.entries = min(args.pages, 20), min(args.stats, 10), min(args.entries, 100)
    rounds = args.rounds or (1 if args.quick else 7)
    scaling_rounds = args.scaling_rounds or args.rounds or (1 if args.quick else 3)
    OUT.mkdir(exist_ok=True)
    # As pip does for every installed package (plain's and mkdocs-bibtex's included), the
    # hooks' bytecode is compiled once, so no run pays for compiling their source (a machine
    # setting PYTHONDONTWRITEBYTECODE, as this one may, never writes it on import).
    compileall.compile_dir(str(REPO / "hooks"), quiet=1)
    info = machine()
    log(machine_md(info).strip("*"))
    only = args.only_scaling or args.only_pathological or args.only_editor
    bibtex_python, bibtex_error = (None, "skipped (--no-bibtex)") if args.no_bibtex or args.only_editor else ensure_bibtex_venv()
    if bibtex_python is None:
        log(f"mkdocs-bibtex unavailable: {bibtex_error}")
    else:
        log(f"mkdocs-bibtex {package_version(bibtex_python, 'mkdocs-bibtex')} from {bibtex_python.parent.parent.relative_to(REPO)}")
    results: dict[str, object] = {}
    if RESULTS_JSON.exists():
        try:
            results = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
        except ValueError:
            results = {}
    failed = False
    if not only:
        section = run_comparison(args.pages, args.stats, args.entries, rounds, bibtex_python, args.seed)
        if bibtex_python is None:
            section["bibtex_error"] = bibtex_error
        section["machine"] = info
        log("")
        log(comparison_md(section))
        log("")
        failed |= any("error" in r for n, r in section["results"].items() if n != "bibtex")
        if not args.quick:
            results["comparison"] = section
    if (not only or args.only_pathological) and not args.no_pathological:
        patho = run_pathological(args.quick)
        if patho is not None and not args.quick:
            patho["machine"] = info
            results["pathological"] = patho
    if (not only or args.only_editor) and not args.no_editor:
        site = OUT / f"site-{args.pages}p-{args.stats}s-{args.entries}e"
        generate_site(site, args.pages, args.stats, args.entries, args.seed)
        log(f"editor's loop: `mkdocs serve` on {args.pages} pages, {rounds} rounds")
        editor = bench_editor(site, rounds, log=log)
        editor["machine"] = info
        log("")
        log(editor_md(editor))
        log("")
        if not args.quick:
            results["editor"] = editor
    if (args.scaling or args.only_scaling) and not args.only_pathological and not args.only_editor:
        section = run_scaling(scaling_rounds, bibtex_python, args.scaling_bibtex, args.seed, args.quick)
        section["machine"] = info
        log("")
        log(scaling_md(section))
        if not args.quick:
            results["scaling"] = section
    if not args.no_write and not args.quick:
        write_results(results)
        log(f"\nwrote {RESULTS_MD.relative_to(REPO)} and {RESULTS_JSON.relative_to(REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
