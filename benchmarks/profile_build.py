"""Where a build with the claimcheck hooks spends its time: cProfile of one build.

    .venv/bin/python benchmarks/profile_build.py                  # 200 pages, 20 statistics, 1,000 entries
    .venv/bin/python benchmarks/profile_build.py --pages 50 --top 30
    .venv/bin/python benchmarks/profile_build.py --claimcheck     # profile `claimcheck` instead

Generates the site (benchmarks/out/profile-...), runs one warm-up build, then one
build under cProfile in this process (with claimcheck's cache emptied first, unless
--warm), and prints the functions of hooks/ (and of
the libraries they call into) by cumulative time, the hooks' MkDocs events, and
the top of the whole build by own time. (Named profile_build, not profile, so it
does not shadow the standard library module cProfile imports.)
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from generate import generate_site  # noqa: E402

CHECK_ARGS = ["--bib", "references.bib", "--config", "mkdocs-ours.yml", "--quiet", "docs"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="cProfile one build of a synthetic site with the claimcheck hooks.")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--stats", type=int, default=20)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--claimcheck", action="store_true", help="profile the claimcheck command instead of a build")
    parser.add_argument("--warm", action="store_true", help="keep claimcheck's cache from the warm-up (default: profile with an empty cache)")
    parser.add_argument("--save", type=Path, help="also save the raw profile (for snakeviz, pstats)")
    args = parser.parse_args(argv)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    site = HERE / "out" / f"profile-{args.pages}p-{args.stats}s-{args.entries}e"
    generate_site(site, args.pages, args.stats, args.entries, args.seed)
    os.chdir(site)
    # claimcheck's own cache (hooks/claimcheck/cache.py) goes to a folder of the
    # benchmark's: filled by the warm-up, emptied before the profiled run unless --warm.
    cache = site / "cache-profile"
    shutil.rmtree(cache, ignore_errors=True)
    os.environ["CLAIMCHECK_CACHE_DIR"] = str(cache)
    if args.claimcheck:
        from claimcheck.cli import main as claimcheck

        target = lambda: claimcheck(CHECK_ARGS)  # noqa: E731
        subprocess.run([sys.executable, "-m", "claimcheck", *CHECK_ARGS], check=False, capture_output=True)  # warm-up
    else:
        # Warm-up in a subprocess: bytecode compiled, files in the page cache.
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", "mkdocs-ours.yml", "-d", "site-ours"], check=True)
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        def target():
            config = load_config(str(site / "mkdocs-ours.yml"), site_dir=str(site / "site-ours"))
            config.plugins.on_startup(command="build", dirty=False)
            try:
                build(config)
            finally:
                config.plugins.on_shutdown()

    if not args.warm:
        shutil.rmtree(cache, ignore_errors=True)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    target()
    profiler.disable()
    wall = time.perf_counter() - start
    if args.save:
        profiler.dump_stats(args.save)
    what = ("claimcheck" if args.claimcheck else "build with the claimcheck hooks") + (", warm cache" if args.warm else ", cold cache")
    print(f"\n{what}: {args.pages} pages x {args.stats} statistics, {args.entries} entries: {wall:.2f} s under cProfile\n")
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative")
    if not args.claimcheck:
        stream.write("== the hooks' MkDocs events (cumulative) ==\n")
        stats.print_stats(r"claimcheck_hooks\.py:\d+\(on_")
    stream.write(f"== hooks/claimcheck, top {args.top} by cumulative time ==\n")
    stats.print_stats(r"hooks/claimcheck", args.top)
    stream.write(f"== whole run, top {args.top} by own time ==\n")
    stats.sort_stats("tottime").print_stats(args.top)
    text = stream.getvalue()
    # Drop pstats' repeated headers for a shorter report.
    print("\n".join(line for line in text.splitlines() if not line.startswith(("   Random listing", "   List reduced"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
