"""Reading pages from disk and checking a whole set of them."""

from __future__ import annotations

from pathlib import Path

from .bibliography import Bibliography
from .check import PageReport, SiteReport, check_page, check_site
from .document import Document, normalise, parse_document
from .problems import Problem


def read_page(path: Path, shown: str) -> Document | Problem:
    """A page as MkDocs reads it (UTF-8, BOM dropped, any line endings), or the
    one problem that stops it being read."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(shown, 1, "page-error", "", f"cannot read the page ({exc.strerror or exc})")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return Problem(shown, line, "page-error", "", f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8")
    return parse_document(normalise(text), shown)


def markdown_files(paths: list[Path]) -> list[tuple[Path, Path]]:
    """(file, folder it is shown relative to) for every .md file under `paths`, sorted."""
    found: list[tuple[Path, Path]] = []
    for path in paths:
        if path.is_dir():
            found.extend((f, path) for f in sorted(path.rglob("*.md")) if f.is_file())
        else:
            found.append((path, path.parent))
    return found


def check_files(files: list[tuple[Path, Path]], bibliography: Bibliography, options: frozenset[str] = frozenset()) -> SiteReport:
    reports: list[PageReport] = []
    unreadable: list[Problem] = []
    for file, base in files:
        try:
            shown = file.relative_to(base).as_posix()
        except ValueError:
            shown = file.as_posix()
        document = read_page(file, shown)
        if isinstance(document, Problem):
            unreadable.append(document)
            continue
        reports.append(check_page(document, bibliography, options))
    report = check_site(reports, bibliography)
    report.problems[:0] = unreadable
    return report
