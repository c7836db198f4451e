"""`claimcheck diff BASE`: the claims a change adds, alters and removes.

Both sides are checked with the ordinary pipeline (`pipeline.check_files`): the
working tree as it is, and BASE as `git archive` exports it into a temporary
folder, each with its own mkdocs.yml settings and bibliography. Claims are then
paired, so a reviewer sees only what changed:

- a page git reports as renamed (`git diff -M`) is the same page under its new name;
- on the same page, pairs are taken best first: a claim with the same value and
  the same citations whose sentence is at least `REWORDED` similar (a reworded
  sentence); then a claim that kept its value or its citations (not both) whose
  sentence is at least `EDITED` similar (the figure or its source edited); then,
  among the claims still unpaired, one with the same value and citations, or with
  the same citations and the same matched finding (a figure updated to the
  source's new value), however much its sentence changed (rewritten, or moved
  within the page);
- among pairs of one kind, the more similar sentence wins, then the nearer line.

Similarity is difflib's ratio over the sentences' lowercased words (1 = same
words in the same order). Paired claims whose value (with its qualifier, such
as "about"), citations or verdict (status and matched finding) differ are
"changed"; the rest are unchanged, however far they moved. Records have the
`claims.json` shape plus `sentence`, `value` and `qualifier`.
"""

from __future__ import annotations

import difflib
import io
import json
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bibliography import load_bibliography
from .check import Claim
from .config import ConfigError, load_settings
from .pages import markdown_files, shown_from
from .pipeline import check_files

#: Sentence similarity above which a claim with the same value and citations is
#: the same claim reworded.
REWORDED = 0.6
#: Sentence similarity above which a claim that changed its value or its
#: citations (not both) is the same claim edited.
EDITED = 0.8

Record = dict[str, Any]


class DiffError(Exception):
    """BASE cannot be compared: the one line to print, exit status 2."""


def record(claim: Claim) -> Record:
    """A claim as `claims.json` records it, with the sentence it stands in and
    its value as a `findings` VALUE (so "70 per cent" and "70%" are one value)."""
    return claim.as_dict() | {"sentence": claim.sentence, "value": claim.quantity.describe(), "qualifier": claim.quantity.qualifier}


@dataclass
class ClaimDiff:
    """Claims of BASE against the working tree, paired."""

    base: str
    added: list[Record] = field(default_factory=list)
    removed: list[Record] = field(default_factory=list)
    #: (before, after, what changed: any of "value", "citations", "verdict")
    changed: list[tuple[Record, Record, tuple[str, ...]]] = field(default_factory=list)
    unchanged: int = 0
    #: unchanged claims on a renamed page or in a reworded sentence
    moved: int = 0

    def summary(self) -> str:
        return (f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed; "
                f"{self.unchanged} unchanged ({self.moved} of them moved or reworded)")


def _git(top: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, check=False)
    except OSError as exc:
        raise DiffError(f"cannot run git ({exc.strerror or exc}); install git") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(f"git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout


def _repository_root(folder: Path) -> Path:
    try:
        return Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip()).resolve()
    except DiffError:
        raise DiffError(f"{folder}: not inside a git repository; `claimcheck diff` compares with a git revision") from None


def _export(top: Path, revision: str, into: Path) -> None:
    """The tree of `revision` written into `into` (without touching the repository)."""
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{tree}}")
    except DiffError:
        raise DiffError(f"{revision}: not a revision of {top}; give a branch, tag or commit (fetch it first in a shallow clone)") from None
    archive = _git(top, "archive", "--format=tar", revision)
    try:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.11.4 and later: refuse links out of `into`
                tar.extractall(into, filter="data")
            else:
                tar.extractall(into)
    except (tarfile.TarError, OSError) as exc:
        raise DiffError(f"{revision}: cannot unpack its files ({exc})") from None


def _site_claims(config: Path) -> tuple[list[Record], Path]:
    """Every claim of the site that `config` (a mkdocs.yml) describes, checked,
    and its docs folder."""
    settings = load_settings(config)
    if not settings.bibliography.is_file():
        raise DiffError(f"{settings.bibliography}: no such bibliography file (from {config})")
    files = markdown_files([settings.docs_dir], settings.docs_dir) if settings.docs_dir.is_dir() else []
    bibliography = load_bibliography(settings.bibliography)
    report = check_files(files, bibliography, settings.options, snippets=shown_from(settings.snippets, config.parent),
                         status_max_age_years=settings.status_max_age_years, grade_limits=settings.grade_limits)
    return [record(claim) for claim in report.claims], settings.docs_dir


def _git_folder(folder: Path, top: Path) -> str | None:
    """`folder` as git names paths under it from the repository root `top`:
    relative, with a trailing `/` ("" for the root itself); None outside it."""
    try:
        relative = folder.resolve().relative_to(top).as_posix()
    except ValueError:
        return None
    return "" if relative == "." else relative + "/"


def renamed_pages(top: Path, revision: str, old_docs: str, new_docs: str) -> dict[str, str]:
    """{page at BASE: the same page now}, as shown in reports, for every page git
    detects as renamed or moved between `revision` and the working tree."""
    out = _git(top, "diff", "--no-color", "--no-ext-diff", "-M", "--name-status", "-z", revision, "--").decode("utf-8", "replace").split("\0")
    renames: dict[str, str] = {}
    index = 0
    while index < len(out) and out[index]:
        status = out[index]
        if status.startswith(("R", "C")):
            old, new = out[index + 1], out[index + 2]
            if status.startswith("R") and old.startswith(old_docs) and new.startswith(new_docs):
                renames[old[len(old_docs):]] = new[len(new_docs):]
            index += 3
        else:
            index += 2
    return renames


def similarity(before: str, after: str) -> float:
    """How alike two sentences are: difflib's ratio over their lowercased words."""
    return difflib.SequenceMatcher(None, before.lower().split(), after.lower().split(), autojunk=False).ratio()


def _value(claim: Record) -> tuple[object, object]:
    return claim["value"], claim["qualifier"]


def _verdict(claim: Record) -> tuple[object, object]:
    finding = claim["finding"]
    return claim["status"], finding["id"] if isinstance(finding, dict) else None


def _changes(before: Record, after: Record) -> tuple[str, ...]:
    what = []
    if _value(before) != _value(after):
        what.append("value")
    if set(before["citations"]) != set(after["citations"]):
        what.append("citations")
    if _verdict(before) != _verdict(after):
        what.append("verdict")
    return tuple(what)


def _score(before: Record, after: Record) -> tuple[int, float, int] | None:
    """How well `before` pairs with `after` on the same page (higher is better),
    or None when they are different claims."""
    same_value = _value(before) == _value(after)
    same_citations = set(before["citations"]) == set(after["citations"])
    if not (same_value or same_citations):
        return None
    alike = similarity(before["sentence"], after["sentence"])
    same_finding = _verdict(before)[1] is not None and _verdict(before)[1] == _verdict(after)[1]
    if same_value and same_citations:
        tier = 3 if alike >= REWORDED else 1
    elif alike >= EDITED:
        tier = 2
    elif same_citations and same_finding:
        tier = 1
    else:
        return None
    return tier, alike, -abs(before["line"] - after["line"])


def pair(base: str, before: list[Record], after: list[Record], renames: dict[str, str]) -> ClaimDiff:
    """Pair BASE's claims with the working tree's, best pairs first, page by page."""
    result = ClaimDiff(base)
    pages: dict[str, tuple[list[Record], list[Record]]] = {}
    for claim in before:
        pages.setdefault(renames.get(str(claim["file"]), str(claim["file"])), ([], []))[0].append(claim)
    for claim in after:
        pages.setdefault(str(claim["file"]), ([], []))[1].append(claim)
    for olds, news in pages.values():
        candidates = []
        for i, old in enumerate(olds):
            for j, new in enumerate(news):
                score = _score(old, new)
                if score is not None:
                    candidates.append((score, i, j))
        candidates.sort(key=lambda item: item[0], reverse=True)
        paired_old: set[int] = set()
        paired_new: set[int] = set()
        for _, i, j in candidates:
            if i in paired_old or j in paired_new:
                continue
            paired_old.add(i)
            paired_new.add(j)
            old, new = olds[i], news[j]
            what = _changes(old, new)
            if what:
                result.changed.append((old, new, what))
            else:
                result.unchanged += 1
                result.moved += old["file"] != new["file"] or old["sentence"] != new["sentence"]
        result.removed.extend(old for i, old in enumerate(olds) if i not in paired_old)
        result.added.extend(new for j, new in enumerate(news) if j not in paired_new)
    by_place = lambda claim: (claim["file"], claim["line"])  # noqa: E731
    result.added.sort(key=by_place)
    result.removed.sort(key=by_place)
    result.changed.sort(key=lambda item: by_place(item[1]))
    return result


def claim_diff(config: Path, base: str) -> ClaimDiff:
    """The claims of the site `config` describes, at git revision `base` against
    the working tree (the same config path at `base` gives its settings)."""
    config = config.resolve()
    top = _repository_root(config.parent)
    after, docs = _site_claims(config)
    with tempfile.TemporaryDirectory(prefix="claimcheck-diff-") as folder:
        tree = Path(folder).resolve()
        _export(top, base, tree)
        old_config = tree / config.relative_to(top)
        if not old_config.is_file():
            return pair(base, [], after, {})  # the site is new since BASE: every claim is added
        try:
            before, old_docs = _site_claims(old_config)
        except (ConfigError, DiffError) as exc:  # name BASE's files as git does, not by the temporary folder
            raise DiffError(f"at {base}: {str(exc).replace(str(tree) + '/', '')}") from None
        old_folder, new_folder = _git_folder(old_docs, tree), _git_folder(docs, top)
        renames = {} if old_folder is None or new_folder is None else renamed_pages(top, base, old_folder, new_folder)
    return pair(base, before, after, renames)


# Formats ----------------------------------------------------------------------


def _verdict_text(claim: Record) -> str:
    status, finding = _verdict(claim)
    return f"{status} ({finding})" if finding else str(status)


def _sources(claim: Record) -> str:
    return " ".join(f"@{key}" for key in claim["citations"]) or "no citation"


def _place(claim: Record) -> str:
    return f"{claim['file']}:{claim['line']}"


def _arrow(before: str, after: str) -> str:
    return after if before == after else f"{before} → {after}"


def as_text(diff: ClaimDiff) -> str:
    lines = [f"Claims against {diff.base}: {diff.summary()}"]
    for sign, claims in (("+", diff.added), ("-", diff.removed)):
        for claim in claims:
            lines.append(f"{sign} {_place(claim)}: «{claim['text']}» {_sources(claim)}; {_verdict_text(claim)}")
            lines.append(f"    {claim['sentence']}")
    for before, after, what in diff.changed:
        moved = f" (was {_place(before)})" if before["file"] != after["file"] else ""
        lines.append(f"~ {_place(after)}{moved}: «{_arrow(str(before['text']), str(after['text']))}» "
                     f"{_arrow(_sources(before), _sources(after))}; {_arrow(_verdict_text(before), _verdict_text(after))} [{', '.join(what)}]")
        if before["sentence"] != after["sentence"]:
            lines.append(f"    was: {before['sentence']}")
        lines.append(f"    {after['sentence']}")
    return "\n".join(lines)


def as_json(diff: ClaimDiff) -> str:
    return json.dumps({
        "base": diff.base,
        "added": diff.added,
        "removed": diff.removed,
        "changed": [{"before": before, "after": after, "changes": list(what)} for before, after, what in diff.changed],
        "unchanged": diff.unchanged,
        "moved": diff.moved,
    }, ensure_ascii=False)


def _cell(text: object) -> str:
    """Text safe in a Markdown table cell of a job summary (no HTML, no cell break)."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("|", "\\|").replace("\r", " ").replace("\n", " "))


def as_markdown(diff: ClaimDiff) -> str:
    """For the pull-request job summary: one table per kind of change."""
    out = [f"### Claims against `{_cell(diff.base)}`", "", diff.summary() + "."]
    header = "| Page | Claim | Sentence | Sources | Verdict |"
    for title, claims in (("Added", diff.added), ("Removed", diff.removed)):
        if claims:
            out += ["", f"#### {title}", "", header, "|---|---|---|---|---|"]
            out += [f"| `{_cell(_place(c))}` | {_cell(c['text'])} | {_cell(c['sentence'])} | {_cell(_sources(c))} | {_cell(_verdict_text(c))} |"
                    for c in claims]
    if diff.changed:
        out += ["", "#### Changed", "", header + " What changed |", "|---|---|---|---|---|---|"]
        for before, after, what in diff.changed:
            place = f"`{_cell(_place(after))}`" + (f" (was `{_cell(_place(before))}`)" if before["file"] != after["file"] else "")
            sentence = _cell(after["sentence"]) if before["sentence"] == after["sentence"] else f"{_cell(after['sentence'])}<br>was: {_cell(before['sentence'])}"
            out.append(f"| {place} | {_cell(_arrow(str(before['text']), str(after['text'])))} | {sentence} | "
                       f"{_cell(_arrow(_sources(before), _sources(after)))} | {_cell(_arrow(_verdict_text(before), _verdict_text(after)))} | {', '.join(what)} |")
    if not (diff.added or diff.removed or diff.changed):
        out += ["", "No claim was added, changed or removed."]
    return "\n".join(out)
