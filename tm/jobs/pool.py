"""Worker processes and the garbage collector: the one module of `tm` that touches either.

A handoff is ~12,500 independent pages, so the commands map one job over the files with a pool of forked
processes (`parallel_map`). A job is an object holding a command's options (and, for the second pass of an
update, the tree's memory of reviews): it is registered before the workers fork, so each worker inherits it
instead of receiving a pickled copy with every batch. Large structures built once and kept for the whole
run (an index, a memory) are built with the collector paused (`gc_paused`) and then frozen (`freeze`), so
that no collection scans them again and forked workers do not copy the pages the collector would touch.

This module imports nothing from `tm`, so that any layer may use it.
"""

from __future__ import annotations

import gc
import itertools
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

__all__ = ["batches", "default_jobs", "freeze", "gc_paused", "parallel_map"]

T = TypeVar("T")
R = TypeVar("R")

# The jobs of the pools alive in this process, by number: a forked worker finds its job here.
_JOBS: dict[int, Callable[[Any], Any]] = {}
_NUMBERS = itertools.count()


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def parallel_map(func: Callable[[T], R], items: Iterable[T], *, jobs: int, total: int | None = None) -> Iterator[R]:
    """`map(func, items)` in order, over `jobs` forked processes (serially when jobs <= 1).

    `func` is inherited by the workers, never pickled, so it may hold large read-only data. Items go to
    the workers in batches (`batches`) so that the workers finish together.
    """
    if jobs <= 1:
        yield from map(func, items)
        return
    import multiprocessing  # here, and only for workers: the lower layers import this module for the collector

    if "fork" not in multiprocessing.get_all_start_methods():
        yield from map(func, items)
        return
    number = next(_NUMBERS)
    _JOBS[number] = func
    try:
        freeze()  # what the parent built stays out of the workers' collections: fewer copy-on-write pages
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # until each worker ignores Ctrl-C
        try:
            pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_quiet_worker)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        with pool:
            batch: _Batch[T, R] = _Batch(number)
            for results in pool.imap(batch, batches(items, jobs=jobs, total=total)):
                yield from results
    finally:
        del _JOBS[number]


def _quiet_worker() -> None:
    """Ctrl-C reaches the whole process group: a worker ignores it (the parent stops the pool, and says so
    once). The parent's SIGTERM takes its default action (`tm.fileio` holds it back while a file is written)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def batches(items: Iterable[T], *, jobs: int, total: int | None = None, largest: int = 256) -> Iterator[list[T]]:
    """`items` in lists for `jobs` workers: guided self-scheduling, each batch an eighth of a worker's share
    of what is left (at most `largest`, at least 1), so that the last batches are small and no worker
    waits long for the other's last one. Without `total`, batches of 32.

    >>> sizes = [len(b) for b in batches(range(10_000), jobs=2, total=10_000)]
    >>> sizes[:2], sizes[-4:], len(sizes), sum(sizes)
    ([256, 256], [1, 1, 1, 1], 134, 10000)
    """
    left = total
    batch: list[T] = []
    size = 32 if left is None else max(1, min(largest, left // (jobs * 8)))
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
            if left is not None:
                left -= size
                size = max(1, min(largest, left // (jobs * 8)))
    if batch:
        yield batch


@dataclass(frozen=True, slots=True)
class _Batch(Generic[T, R]):
    """The job of pool `number` over a batch of items, in a worker (which inherited the job at its fork)."""

    number: int

    def __call__(self, items: list[T]) -> list[R]:
        return list(map(_JOBS[self.number], items))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building large acyclic structures (an index, a memory).

    Its collections scan every live container, and while ~100,000 new sets and lists pile up they would
    run again and again. Freeing by reference counting goes on; whatever cycles are made meanwhile are
    collected afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze() -> None:
    """Move every object alive now out of the collector's sight for the rest of the run (`gc.freeze`):
    what is built once and kept (a memory of reviews, the parent's state before a fork) is never scanned."""
    gc.freeze()
