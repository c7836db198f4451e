"""The editor's loop: how long `mkdocs serve` takes to rebuild after a save.

    .venv/bin/python benchmarks/editor.py --pages 200 --rounds 5
    .venv/bin/python benchmarks/editor.py --quick

Drives real `mkdocs serve` processes on the benchmark site (benchmarks/generate.py),
one for plain Material and one with the project's hooks, each on its own copy of
the site so a save wakes only one server. Round after round it saves one page of
the plain site, one page of ours, then one entry of ours' references.bib (plain
does not read the bibliography), and times each save until the server logs
"Reloading browsers" (the rebuild done). Every save writes new text, as an editor
does, so no rebuild finds its page in claimcheck's cache. The ratios compare ours
with the plain page rebuild measured in the same rounds.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate_site  # noqa: E402

RELOADED = "Reloading browsers"
SERVING = "Serving on"
#: What is timed in a round, in its order: (server, file saved).
EDITS = (("plain", "page"), ("ours", "page"), ("ours", "bib"))
GOAL_PAGE = 1.10
GOAL_BIB = 1.20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """One `mkdocs serve` whose log lines arrive on a queue, read by a thread."""

    def __init__(self, site: Path, variant: str, cache_dir: Path) -> None:
        self.site, self.variant = site, variant
        env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore", CLAIMCHECK_CACHE_DIR=str(cache_dir))
        command = [sys.executable, "-m", "mkdocs", "serve", "-f", str(site / f"mkdocs-{variant}.yml"),
                   "--dev-addr", f"127.0.0.1:{_free_port()}"]
        self.process = subprocess.Popen(command, cwd=site, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, errors="replace")
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float) -> float:
        """Seconds (perf_counter) when a line containing `text` was read; TimeoutError else."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None and self.lines.empty():
                raise TimeoutError(f"{self.variant}: no {text!r} within {timeout:.0f} s (exit {self.process.poll()})")
            try:
                line = self.lines.get(timeout=min(left, 1.0))
            except queue.Empty:
                continue
            if text in line:
                return time.perf_counter()

    def drain(self) -> None:
        while not self.lines.empty():
            self.lines.get_nowait()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def edit_page(site: Path, round_no: int) -> None:
    """Append a new sentence (no number, no citation) to the first page."""
    page = next(iter(sorted((site / "docs").rglob("page-*.md"))))
    page.write_text(page.read_text(encoding="utf-8") + f"\nThis page was edited {'once more ' * (round_no + 1)}today.\n",
                    encoding="utf-8")


def edit_bib(site: Path, round_no: int) -> None:
    """Change the title of the bibliography's first entry (a cited one)."""
    bib = site / "references.bib"
    text = bib.read_text(encoding="utf-8")
    start = text.index("  title    = {") + len("  title    = {")
    end = text.index("}", start)
    bib.write_text(text[:start] + text[start:end].split(" (revised")[0] + f" (revised {'again ' * round_no}today)" + text[end:],
                   encoding="utf-8")


def timed_save(server: Server, edit: str, round_no: int, timeout: float) -> float:
    server.drain()
    start = time.perf_counter()
    (edit_page if edit == "page" else edit_bib)(server.site, round_no)
    return server.wait_for(RELOADED, timeout) - start


def bench_editor(site: Path, rounds: int, timeout: float = 300.0, log=print) -> dict[str, object]:
    """Medians of the timed saves (see the module docstring), after one untimed save of each."""
    servers: dict[str, Server] = {}
    times: dict[str, list[float]] = {f"{v}-{e}": [] for v, e in EDITS}
    try:
        for variant in ("plain", "ours"):
            copy = site.parent / f"{site.name}-serve-{variant}"
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(site, copy, ignore=shutil.ignore_patterns("site-*", "cache-*"))
            shutil.rmtree(copy / "cache", ignore_errors=True)
            servers[variant] = Server(copy, variant, copy / "cache")
        for server in servers.values():
            server.wait_for(SERVING, timeout)
        for variant, edit in EDITS:  # untimed: the first rebuild of a server
            timed_save(servers[variant], edit, 0, timeout)
        for round_no in range(1, rounds + 1):
            line = []
            for variant, edit in EDITS:
                seconds = timed_save(servers[variant], edit, round_no, timeout)
                times[f"{variant}-{edit}"].append(seconds)
                line.append(f"{variant} {edit} {seconds:.2f}s")
            log(f"  editor round {round_no}/{rounds}: " + ", ".join(line))
    finally:
        for server in servers.values():
            server.stop()
        for variant in servers:
            shutil.rmtree(site.parent / f"{site.name}-serve-{variant}", ignore_errors=True)
    medians = {name: statistics.median(values) for name, values in times.items()}
    plain = medians["plain-page"]
    return {"rounds": rounds, "seconds": times, "median": medians,
            "ratios": {"page": medians["ours-page"] / plain, "bib": medians["ours-bib"] / plain}}


def editor_md(section: dict[str, object]) -> str:
    median, ratio = section["median"], section["ratios"]

    def verdict(value: float, goal: float) -> str:
        return f"≤ {goal:.2f}× {'✅ met' if value <= goal else '❌ not met'}"

    return "\n".join([
        (f"`mkdocs serve`, time from saving a file until the server logs \"{RELOADED}\"; median of {section['rounds']} "
         "alternating rounds after one untimed save of each. Every save writes new text."),
        "",
        "| save | median rebuild | / plain page rebuild | goal |",
        "|---|---:|---:|---|",
        f"| plain Material, one page | {median['plain-page']:.2f} s | 1.00× | |",
        f"| with the hooks, one page | {median['ours-page']:.2f} s | {ratio['page']:.2f}× | {verdict(ratio['page'], GOAL_PAGE)} |",
        f"| with the hooks, one entry of references.bib | {median['ours-bib']:.2f} s | {ratio['bib']:.2f}× | {verdict(ratio['bib'], GOAL_BIB)} |",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time `mkdocs serve` rebuilds after a save: plain vs the hooks.")
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--stats", type=int, default=20)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="a tiny site, one round: a smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.pages, args.stats, args.entries, args.rounds = 4, 3, 20, 1
    site = HERE / "out" / f"editor-{args.pages}p-{args.stats}s-{args.entries}e"
    generate_site(site, args.pages, args.stats, args.entries, args.seed)
    print(editor_md(bench_editor(site, args.rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
