"""What a long run shows: a progress bar on a terminal's stderr, nothing extra when piped or quiet; warnings always."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, TextIO, TypeVar

if TYPE_CHECKING:
    from rich.console import Console

T = TypeVar("T")


class Reporter:
    """Prints `error:`/`warning:` lines to stderr and drives an optional progress bar.

    Errors and warnings are always printed (one line each, `error: path:line: message`): quiet hides the bar
    (and the command its summary), as gettext's `-q` hides its progress dots, never a warning, which says
    that something a person may need to see (a review not applied, a file not read) happened.
    rich is imported only to draw a bar (it is a fifth of the CLI's start-up), and while the bar is shown
    the lines go through its console, above the bar.
    """

    def __init__(self, *, quiet: bool = False, stderr: TextIO | None = None) -> None:
        self.quiet = quiet
        self._stderr = stderr
        self._console: Console | None = None  # the bar's, while one is shown
        self.errors: list[str] = []
        self.warnings = 0

    @property
    def stderr(self) -> TextIO:
        return self._stderr or sys.stderr  # looked up when used: tests capture sys.stderr

    @property
    def interactive(self) -> bool:
        return not self.quiet and self.stderr.isatty()

    def error(self, message: str) -> None:
        self.errors.append(message)
        self._print(f"error: {message}")

    def warning(self, message: str) -> None:
        self.warnings += 1
        self._print(f"warning: {message}")

    def _print(self, line: str) -> None:
        if self._console is not None:
            self._console.print(line, markup=False, highlight=False)
        else:
            print(line, file=self.stderr, flush=True)

    def track(self, items: Iterable[T], *, total: int, label: str) -> Iterator[T]:
        """Iterate `items`, with a bar on a terminal when there are enough of them to wait for."""
        if not self.interactive or total < 50:
            yield from items
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        self._console = Console(file=self.stderr, highlight=False, soft_wrap=True)
        try:
            with Progress(*columns, console=self._console, transient=True) as progress:
                task = progress.add_task(label, total=total)
                for item in items:
                    yield item
                    progress.advance(task)
        finally:
            self._console = None
