"""The work of the commands over a whole handoff or catalog tree: per-file jobs run in worker processes.

A handoff is ~12,500 independent pages, so the commands map one job over the files with a process pool
(`pool`). Each job reads what it needs (a page the same way everywhere: `pages`), writes its outputs
atomically and returns a small result for the parent to add up: no page text crosses back to the parent.
This package and the leaf `tm.fileio` are where `tm` reads and writes files; `tm.cli` only parses options,
calls one of these, and renders the result.

- `pool`: `parallel_map`, `default_jobs`, `batches`; the garbage collector (`gc_paused`, `freeze`).
- `extract`, `merge`: the jobs of `tm extract` and `tm merge`.
- `review`, `normalize`: the jobs of `tm check`, `tm stats`, `tm export`, `tm normalize`.
- `update`: `run_update`, both passes of `tm update` (`update_page`: one page's job; `stamp`: how a catalog
  known to be up to date is skipped; `tree`: lock, staging and refusals of the tree).
- `outputs`: the files of `tm diff` and `tm review`.

The names below are imported from their modules when first used, so that importing `tm.jobs.pool` (as the
lower layers do, for the collector) imports nothing else.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tm.jobs.extract import ExtractJob, locale_error
    from tm.jobs.merge import ERROR_RULES, MergeJob, refuse_failing
    from tm.jobs.pages import FileResult
    from tm.jobs.pool import batches, default_jobs, parallel_map
    from tm.jobs.review import CheckJob, ExportJob, count_file

__all__ = ["ERROR_RULES", "CheckJob", "ExportJob", "ExtractJob", "FileResult", "MergeJob", "batches", "count_file",
           "default_jobs", "locale_error", "parallel_map", "refuse_failing"]

_HOMES = {
    "ERROR_RULES": "merge", "CheckJob": "review", "ExportJob": "review", "ExtractJob": "extract",
    "FileResult": "pages", "MergeJob": "merge", "batches": "pool", "count_file": "review",
    "default_jobs": "pool", "locale_error": "extract", "parallel_map": "pool", "refuse_failing": "merge",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'tm.jobs' has no attribute {name!r}")
    value = getattr(import_module(f"tm.jobs.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
