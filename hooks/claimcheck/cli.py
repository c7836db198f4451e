"""`claimcheck`: check pages and bibliography without building the site.

Exit status: 0 when no error-level problem, 1 when there is one, 2 on a usage
or configuration error. `claimcheck diff BASE` lists the claims a change adds,
alters and removes instead (exit 0, or 2 when BASE cannot be compared).
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path

from .bibliography import load_bibliography
from .config import ConfigError, Settings, load_settings
from .diff import DiffError, claim_diff
from .diff import as_json as diff_as_json
from .diff import as_markdown as diff_as_markdown
from .diff import as_text as diff_as_text
from .pages import MARKDOWN_SUFFIXES, markdown_files, shown_from
from .pipeline import check_files
from .report import as_explanation, as_github, as_json, as_text, summary


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimcheck", description="Check every statistic in the guide against its cited sources.",
                                     epilog="claimcheck diff BASE: the claims added, changed and removed since git revision BASE (claimcheck diff --help)")
    parser.add_argument("paths", nargs="*", type=Path, help="Markdown files or folders (default: docs_dir of mkdocs.yml)")
    parser.add_argument("--bib", type=Path, help="BibTeX file (default: extra.claimcheck.bibliography of mkdocs.yml)")
    parser.add_argument("--config", type=Path, help="mkdocs.yml to take defaults from (default: the nearest mkdocs.yml in this folder or above)")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text")
    parser.add_argument("--quiet", action="store_true", help="do not list info-level notes in text output")
    parser.add_argument("--explain", metavar="FILE:LINE", help="say why each claim on that line passed or failed, finding by finding")
    return parser


def _diff_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="claimcheck diff", description="List the claims added, changed and removed between git revision BASE and the working tree.")
    parser.add_argument("base", metavar="BASE", help="git revision to compare with: a branch, tag or commit")
    parser.add_argument("--config", type=Path, help="mkdocs.yml of the site (default: the nearest mkdocs.yml in this folder or above)")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["diff"]:
        return _diff(_diff_parser().parse_args(argv[1:]))
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


class UsageError(Exception):
    """A run that cannot start: the one line to print, exit status 2."""


def _find_config() -> Path | None:
    """mkdocs.yml in the current folder or the nearest folder above it."""
    here = Path.cwd()
    return next((folder / "mkdocs.yml" for folder in (here, *here.parents) if (folder / "mkdocs.yml").is_file()), None)


def _settings(args: argparse.Namespace) -> tuple[Settings, Path]:
    """The settings, and the repository root (the folder holding the config,
    else the current folder) that GitHub annotation paths are relative to."""
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"{args.config}: no such config file; pass the path of mkdocs.yml")
    config = args.config or _find_config()
    if config is not None:
        return load_settings(config), config.resolve().parent
    if args.paths and args.bib:
        return Settings(docs_dir=Path("docs"), bibliography=args.bib), Path.cwd()
    raise ConfigError("mkdocs.yml: not found in this folder or above; pass --config, or both PATH and --bib")


def _pages(paths: list[Path], docs_dir: Path) -> list[tuple[Path, str]]:
    """The Markdown pages to check, or a `UsageError` saying why there are none."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
        if path.is_file() and path.suffix.lower() not in MARKDOWN_SUFFIXES:
            raise UsageError(f"{path}: not a Markdown page (expected {', '.join(MARKDOWN_SUFFIXES)}); pass Markdown files or folders")
    files = markdown_files(paths, docs_dir)
    if not files:
        raise UsageError(f"{', '.join(str(p) for p in paths)}: no pages found (no {', '.join(MARKDOWN_SUFFIXES)} files)")
    return files


def _is_subset(paths: list[Path], docs_dir: Path) -> bool:
    """Do the PATHs given leave pages of the site out? A single page does, and so
    does a folder inside the docs folder; other folders are taken as a site."""
    docs = docs_dir.resolve()
    return any(path.is_file() or (path != docs and docs in path.parents) for path in (p.resolve() for p in paths))


def _run(args: argparse.Namespace) -> int:
    try:
        settings, root = _settings(args)
        if args.explain:
            return _explain(args.explain, args, settings, root)
        files = _pages(args.paths or [settings.docs_dir], settings.docs_dir)
        bib = args.bib or settings.bibliography
        if not bib.is_file():
            raise UsageError(f"{bib}: no such bibliography file; pass --bib FILE or fix `extra.claimcheck.bibliography` in mkdocs.yml")
    except (ConfigError, UsageError) as exc:
        print(f"claimcheck: {exc}", file=sys.stderr)
        return 2
    bibliography = load_bibliography(bib, _from_root(bib, root))
    snippets = shown_from(settings.snippets, root)
    report = check_files(files, bibliography, settings.options, whole_site=not _is_subset(args.paths, settings.docs_dir), snippets=snippets,
                         status_max_age_years=settings.status_max_age_years, levels=settings.levels, grade_limits=settings.grade_limits)
    if args.format == "json":
        print(as_json(report))
    elif args.format == "github":
        shown = [p for p in report.problems if p.severity != "info"]
        locations = {shown_as: _from_root(file, root) for file, shown_as in files}
        locations[bibliography.path] = bibliography.path
        if shown:
            print(as_github(shown, locations))
    else:
        shown = [p for p in report.problems if not (args.quiet and p.severity == "info")]
        if shown:
            print(as_text(shown))
        print(summary(report), file=sys.stderr)
    return 1 if report.errors else 0


def _diff(args: argparse.Namespace) -> int:
    """`claimcheck diff BASE`: the claim diff, in the format asked for."""
    config = args.config or _find_config()
    try:
        if config is None or not config.is_file():
            raise ConfigError(f"{config or 'mkdocs.yml'}: not found; pass --config with the site's mkdocs.yml")
        diff = claim_diff(config, args.base)
    except (ConfigError, DiffError) as exc:
        print(f"claimcheck diff: {exc}", file=sys.stderr)
        return 2
    print({"text": diff_as_text, "json": diff_as_json, "markdown": diff_as_markdown}[args.format](diff))
    return 0


def _explain(where: str, args: argparse.Namespace, settings: Settings, root: Path) -> int:
    """`--explain FILE:LINE`: check that one page and explain its claims on LINE."""
    file, _, line = where.rpartition(":")
    if not file or not line.isdigit():
        raise UsageError(f"--explain {where}: give FILE:LINE, for example docs/how-common.md:12")
    page = Path(file)
    bib = args.bib or settings.bibliography
    if not page.is_file() or not bib.is_file():
        raise UsageError(f"--explain {where}: {file if not page.is_file() else bib}: no such file")
    bibliography = load_bibliography(bib)
    report = check_files([(page, page.as_posix())], bibliography, settings.options, whole_site=False,
                         snippets=shown_from(settings.snippets, root), status_max_age_years=settings.status_max_age_years,
                         levels=settings.levels, grade_limits=settings.grade_limits)
    if not report.pages:
        raise UsageError(f"--explain {where}: the page could not be read")
    print(as_explanation(report.pages[0], int(line), bibliography, report.abbreviations))
    return 0


def _from_root(path: Path, root: Path) -> str:
    """`path` as GitHub wants it: relative to the repository root, with `/`."""
    absolute = path.resolve()
    return absolute.relative_to(root).as_posix() if root in absolute.parents else absolute.as_posix()


if __name__ == "__main__":
    sys.exit(main())
