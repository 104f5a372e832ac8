"""`tm sync --memory`: what a sync records in the memory of `tm memory` (`tm.memory`), when one is configured.

A run records, before its first commit, the catalogs changed since the tree was last recorded (the reviews
people made between two syncs, as `tm update --memory` records the tree before it changes it), and after its
last commit the commits it applied (`tm.memory.add_history`: their pages' pairs, dated by the commit). The
memory is `--memory DB`, else the tree's own `<tree>/.tm/memory.sqlite` when it exists: a sync never creates
one (`tm memory add` does), and a dry run records nothing. The memory is derived data; a failure to record
is a warning, not a failed sync.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from tm.errors import TmError

__all__ = ["Remembered", "memory_of", "record_catalogs", "record_commits"]


@dataclass(slots=True)
class Remembered:
    """What a run recorded in the memory at `path`."""

    path: str
    catalogs: int = 0  # catalogs read (changed since the tree was last recorded)
    commits: int = 0
    pairs: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "catalogs": self.catalogs, "commits": self.commits, "pairs": self.pairs,
                "errors": self.errors}


def memory_of(base: str, given: Path | None) -> Path | None:
    """The memory a sync of the tree `base` records in: `given`, else the tree's own if it exists."""
    from tm.memory.store import default_db

    if given is not None:
        return given
    found = default_db(base)
    return found if os.path.isfile(found) else None


def record_catalogs(db: Path, base: str, locale: str) -> Remembered:
    """The tree's catalogs changed since it was last recorded, added to the memory."""
    from tm.memory.offers import record_tree

    remembered = Remembered(str(db))
    try:
        report = record_tree(db, base, locale=locale, only_changed=True)
    except (TmError, OSError, sqlite3.Error) as exc:
        remembered.errors.append(f"{db}: not recorded: {exc}")
        return remembered
    remembered.catalogs, remembered.pairs = report.files, report.pairs
    remembered.errors += [f"{db}: not recorded: {message}" for message in report.errors]
    return remembered


def record_commits(remembered: Remembered, repo: Path, start: str, end: str, paths: tuple[str, ...],
                   locale: str) -> None:
    """The first-parent commits after `start` up to `end` (those the run applied) added to the memory."""
    from tm.memory import add_history, open_memory

    try:
        with open_memory(remembered.path) as con:
            report = add_history(con, repo, [f"{start}..{end}"], paths=paths, locale=locale)
    except (TmError, OSError, sqlite3.Error) as exc:
        remembered.errors.append(f"{remembered.path}: commits not recorded: {exc}")
        return
    remembered.commits += report.commits
    remembered.pairs += report.pairs
    remembered.errors += [f"{remembered.path}: not recorded: {message}" for message in report.errors]

