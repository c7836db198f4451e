"""A cache, outside the project, of work that depends only on file contents:
parsed bibliographies (with their formatted references) and checked pages.

Keys hash the inputs, the code whose output is cached (the module named and
the package modules it imports, transitively: editing `cli.py` keeps every
entry), and the versions of Python and of the libraries that shape the output
(`make lock` upgrading pybtex changes every key), so a stale entry is never
used and the folder can be deleted at any time. It lives in
`$CLAIMCHECK_CACHE_DIR`, else `$XDG_CACHE_HOME/trd-guide-claimcheck` (or
`~/.cache/...`); `CLAIMCHECK_CACHE=off` turns it off. It never writes in the project.
Entries unused for `KEEP_DAYS` are deleted (once a run, when it first saves),
so every edit of a page leaving a stale entry behind does not grow it forever.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).parent
#: Libraries whose output ends up in cached objects (parsed entries, formatted
#: references, parsed Markdown, reading grades, front matter read by PyYAML).
LIBRARIES = ("pybtex", "markdown-it-py", "mdit-py-plugins", "textstat", "PyYAML")


def cache_dir() -> Path | None:
    if os.environ.get("CLAIMCHECK_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    base = os.environ.get("CLAIMCHECK_CACHE_DIR")
    if not base:
        base = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "trd-guide-claimcheck")
    return Path(base)


@functools.cache
def environment() -> str:
    """Python's version and the cached libraries' versions, one a line."""
    lines = [f"python {sys.version}"]
    for name in LIBRARIES:
        try:
            lines.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            lines.append(f"{name} absent")
    return "\n".join(lines)


#: A relative import, at any indentation (also inside functions): `from .x import y`,
#: `from . import x, y` or `from . import (x,\n y)`.
RELATIVE_IMPORT = re.compile(r"^[ \t]*from[ \t]+\.(\w*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.MULTILINE)


def package_imports(module: str) -> list[str]:
    """The package modules `module` imports (relative imports, also those inside
    functions). Read with a pattern, not parsed (every run computes its cache keys,
    and parsing the package took half of a warm `claimcheck`); one matched in a
    string only widens the key."""
    found = []
    for match in RELATIVE_IMPORT.finditer((PACKAGE / f"{module}.py").read_text(encoding="utf-8")):
        if match.group(1):
            found.append(match.group(1))
        else:
            found.extend(name.split()[0] for name in match.group(2).strip("()").replace("\n", " ").split(",") if name.strip())
    return [name for name in found if (PACKAGE / f"{name}.py").is_file()]


@functools.cache
def code_modules(module: str) -> tuple[str, ...]:
    """`module` and every package module it needs, transitively, sorted."""
    seen = {module}
    todo = [module]
    while todo:
        for name in package_imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return tuple(sorted(seen))


@functools.cache
def code_version(module: str) -> str:
    """A hash of the code that produces what `module` caches, and of the environment."""
    digest = hashlib.sha256(environment().encode())
    for name in code_modules(module):
        digest.update(b"\0" + name.encode() + b"\0" + (PACKAGE / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


def cache_key(module: str, *parts: str) -> str:
    """The key of an object `module` (a name such as "pipeline") computes from `parts`."""
    digest = hashlib.sha256(code_version(module).encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


KEEP_DAYS = 30
DAY = 86400


def has(kind: str, key: str) -> bool:
    """Whether an entry is stored (not read: it may still be stale or damaged)."""
    folder = cache_dir()
    return folder is not None and (folder / kind / key).is_file()


def load(kind: str, key: str) -> Any | None:
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / kind / key
    try:
        with open(path, "rb") as handle:
            value = pickle.load(handle)
            if time.time() - os.fstat(handle.fileno()).st_mtime > DAY:
                os.utime(path)  # still in use: keep it from being pruned
            return value
    except Exception:  # missing, truncated or from another Python: recompute
        return None


def save(kind: str, key: str, value: Any) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        (folder / kind).mkdir(parents=True, exist_ok=True)
        _prune_once(folder / kind)
        with tempfile.NamedTemporaryFile(dir=folder / kind, delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, folder / kind / key)
    except Exception:  # a cache that cannot be written is only slower
        return


@functools.cache
def _prune_once(folder: Path) -> None:
    """Delete the entries in `folder` that no run has used for `KEEP_DAYS`."""
    cutoff = time.time() - KEEP_DAYS * DAY
    for entry in os.scandir(folder):
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                os.remove(entry.path)
        except OSError:  # another run removed or replaced it: fine
            continue
