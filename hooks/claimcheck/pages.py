"""Finding and reading pages on disk (`pipeline.check_files` checks them)."""

from __future__ import annotations

from pathlib import Path

from .document import normalise
from .problems import Problem
from .text import decode_utf8


def read_text(path: Path, shown: str) -> str | Problem:
    """A page's text as MkDocs reads it (UTF-8, BOM dropped, any line endings),
    or the one problem that stops it being read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(shown, 1, "page-error", "", f"cannot read the page ({exc.strerror or exc})")
    text = decode_utf8(raw, shown, "page-error")
    return text if isinstance(text, Problem) else normalise(text)


#: What counts as a Markdown page (the checker reads pages the way MkDocs's default `docs_dir` holds them).
MARKDOWN_SUFFIXES = (".md",)


def shown_from(files: tuple[Path, ...], root: Path) -> list[tuple[Path, str]]:
    """(file, path shown in reports): relative to `root` where it lies inside it."""
    shown = []
    for file in files:
        try:
            shown.append((file, file.resolve().relative_to(root.resolve()).as_posix()))
        except ValueError:
            shown.append((file, file.as_posix()))
    return shown


def markdown_files(paths: list[Path], docs_dir: Path | None = None) -> list[tuple[Path, str]]:
    """(file, path shown in reports) for every .md file under `paths`, sorted;
    files in a folder are shown relative to it, as MkDocs shows docs pages, and
    so is a single file inside `docs_dir`; another single file by its name."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found.extend((f, f.relative_to(path).as_posix()) for f in sorted(path.rglob("*")) if f.suffix.lower() in MARKDOWN_SUFFIXES and f.is_file())
        elif docs_dir is not None and docs_dir.resolve() in path.resolve().parents:
            found.append((path, path.resolve().relative_to(docs_dir.resolve()).as_posix()))
        else:
            found.append((path, path.name))
    return found
