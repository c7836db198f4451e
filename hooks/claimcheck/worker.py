"""The machine's second core, for one run: a single worker process that takes
work this process would otherwise do itself (checking some of the pages,
formatting references), started when first given work.

A run's results never depend on it: work sent to it is the same pure function
of its arguments, and whatever it fails to deliver (it died, it could not start)
is done here instead.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def forks() -> bool:
    """Whether a worker started now is forked (at once, with everything imported)
    rather than spawned (about half a second of start-up and imports): fork when
    this is the only thread, as in `mkdocs build` and `claimcheck`; `mkdocs serve`
    runs threads, whose held locks a forked child would inherit."""
    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


class Worker:
    """One worker process, started at the first `submit`; `release` lets it end
    after the work already submitted."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork" if forks() else "spawn"))
        return self._pool.submit(function, *args)

    def release(self) -> None:
        """No more work: the worker ends after what was submitted (this process does not wait)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False)
