"""What a long run shows: a progress bar and warnings on a terminal's stderr, nothing extra when piped or quiet."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

T = TypeVar("T")


class Reporter:
    """Prints `error:`/`warning:` lines to stderr and drives an optional progress bar.

    Errors are always printed (one line each, `error: path:line: message`); warnings only when not quiet.
    """

    def __init__(self, *, quiet: bool = False, stderr: Console | None = None) -> None:
        self.quiet = quiet
        self.console = stderr or Console(stderr=True, highlight=False, soft_wrap=True)
        self.errors: list[str] = []
        self.warnings = 0

    @property
    def interactive(self) -> bool:
        return not self.quiet and self.console.is_terminal and sys.stderr.isatty()

    def error(self, message: str) -> None:
        self.errors.append(message)
        self.console.print(f"error: {message}", markup=False, highlight=False)

    def warning(self, message: str) -> None:
        self.warnings += 1
        if not self.quiet:
            self.console.print(f"warning: {message}", markup=False, highlight=False)

    def track(self, items: Iterable[T], *, total: int, label: str) -> Iterator[T]:
        """Iterate `items`, with a bar on a terminal when there are enough of them to wait for."""
        if not self.interactive or total < 50:
            yield from items
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=self.console, transient=True) as progress:
            task = progress.add_task(label, total=total)
            for item in items:
                yield item
                progress.advance(task)
