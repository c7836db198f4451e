"""`claimcheck`: check pages and bibliography without building the site.

Exit status: 0 when no error-level problem, 1 when there is one, 2 on a usage
or configuration error.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from .bibliography import load_bibliography
from .config import ConfigError, Settings, load_settings
from .pages import check_files, markdown_files
from .report import as_github, as_json, as_text, summary


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimcheck", description="Check every statistic in the guide against its cited sources.")
    parser.add_argument("paths", nargs="*", type=Path, help="Markdown files or folders (default: docs_dir of mkdocs.yml)")
    parser.add_argument("--bib", type=Path, help="BibTeX file (default: extra.claimcheck.bibliography of mkdocs.yml)")
    parser.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml to take defaults from")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text")
    parser.add_argument("--quiet", action="store_true", help="do not list info-level notes in text output")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # A run builds ~100,000 objects that live until it ends (cached pages and
    # the bibliography); cyclic garbage collection passes over them would cost
    # about a fifth of a warm run and free nothing (mypy's main does the same).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run(args)
    finally:
        if collecting:
            gc.enable()


def _run(args: argparse.Namespace) -> int:
    try:
        if args.config.exists():
            settings = load_settings(args.config)
        elif args.paths and args.bib:
            settings = Settings(docs_dir=Path("docs"), bibliography=args.bib)
        else:
            raise ConfigError(f"{args.config}: not found; pass --config, or both PATH and --bib")
    except ConfigError as exc:
        print(f"claimcheck: {exc}", file=sys.stderr)
        return 2
    paths = args.paths or [settings.docs_dir]
    missing = [p for p in paths if not p.exists()]
    if missing:
        print(f"claimcheck: {missing[0]}: no such file or folder", file=sys.stderr)
        return 2
    bibliography = load_bibliography(args.bib or settings.bibliography)
    report = check_files(markdown_files(paths), bibliography, settings.options, status_max_age_years=settings.status_max_age_years)
    if args.format == "json":
        print(as_json(report))
    elif args.format == "github":
        shown = [p for p in report.problems if p.severity != "info"]
        prefix = "" if args.paths else settings.docs_dir.as_posix().rstrip("/") + "/"
        if shown:
            print(as_github(shown, prefix, bibliography.path))
    else:
        shown = [p for p in report.problems if not (args.quiet and p.severity == "info")]
        if shown:
            print(as_text(shown))
        print(summary(report), file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
