"""An order-preserving map over worker processes with a bounded number of chunks in flight.

`multiprocessing.Pool.imap` reads its whole input ahead of the workers; here at most `window`
chunks are queued, so memory stays flat on an endless stream. With one job, or when the input
fits in one chunk, everything runs in this process and no worker is started.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def effective_jobs(jobs: int) -> int:
    """0 means every core this process may use."""
    if jobs > 0:
        return jobs
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _context():
    # fork is much the fastest start on Linux and lets workers inherit the loaded banks;
    # elsewhere the initializer rebuilds what it needs from picklable settings.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _worker_start(initializer: Callable[..., Any] | None, initargs: tuple) -> None:
    """A worker leaves quietly: SIGTERM (from the parent's clean-up) ends it without a traceback,
    and Ctrl-C is the parent's to handle."""
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def ordered_map(
    func: Callable[[T], R],
    tasks: Iterable[T],
    jobs: int,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
    window: int | None = None,
) -> Iterator[R]:
    iterator = iter(tasks)
    if jobs <= 1:
        for task in iterator:
            yield func(task)
        return
    head = [task for _, task in zip(range(2), iterator, strict=False)]
    if len(head) < 2:  # one chunk: a worker would only add its start-up time
        for task in head:
            yield func(task)
        return
    limit = window or jobs * 4
    with _context().Pool(jobs, _worker_start, (initializer, initargs)) as pool:
        pending: deque = deque()
        for task in chain(head, iterator):
            pending.append(pool.apply_async(func, (task,)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
