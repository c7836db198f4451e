"""A cache, outside the project, of work that depends only on file contents:
parsed bibliographies (with their formatted references) and checked pages.

Keys hash the inputs and this package's own code, so a stale entry is never
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
import tempfile
import time
from pathlib import Path
from typing import Any


def cache_dir() -> Path | None:
    if os.environ.get("CLAIMCHECK_CACHE", "").lower() in ("0", "off", "no", "false"):
        return None
    base = os.environ.get("CLAIMCHECK_CACHE_DIR")
    if not base:
        base = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "trd-guide-claimcheck")
    return Path(base)


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    digest = hashlib.sha256()
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(*parts: str) -> str:
    digest = hashlib.sha256(_code_version().encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


KEEP_DAYS = 30
DAY = 86400


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


@functools.lru_cache(maxsize=None)
def _prune_once(folder: Path) -> None:
    """Delete the entries in `folder` that no run has used for `KEEP_DAYS`."""
    cutoff = time.time() - KEEP_DAYS * DAY
    for entry in os.scandir(folder):
        try:
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                os.remove(entry.path)
        except OSError:  # another run removed or replaced it: fine
            continue
