"""The `tm` command line: one function per command, options → one library call → text or JSON → exit code.

`run` is the single error boundary: a `TmError` becomes one `error: …` line on stderr and its exit code;
anything else is a bug and keeps its traceback. Per-file problems do not stop a run: commands print them
as they are met, still write the good files, and exit 2 at the end.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from tm.cli import (
    commands_formats,  # noqa: F401 - registers export
    commands_handoffs,  # noqa: F401
    commands_memory,  # noqa: F401 - registers the memory group
    commands_normalize,  # noqa: F401 - registers normalize
    commands_pages,  # noqa: F401 - registers extract and merge
    commands_review,  # noqa: F401 - registers stats and check
    commands_review_package,  # noqa: F401 - registers review pack and review apply
    commands_sync,  # noqa: F401 - registers sync
)
from tm.cli._app import app
from tm.errors import Interrupted, TmError

__all__ = ["app", "main", "run"]


def run(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return its exit status (tests call this)."""
    try:
        with _interrupts_as_errors():
            result = app(args=argv, prog_name="tm", standalone_mode=False)
    except TmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        return 1
    except OSError as exc:  # a write outside `tm.fileio` (which raises OutputError): still one line
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        if _is_busy_memory(exc):
            print(f"error: memory: {exc} (another tm memory add or update --memory is writing it); run this again "
                  "when it has finished", file=sys.stderr)
            return 2
        if not _is_parser_exception(exc):
            raise
        if type(exc).__name__ == "Abort":
            print("error: interrupted", file=sys.stderr)
            return 130
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        return int(getattr(exc, "exit_code", 2))
    return result if isinstance(result, int) else 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Interrupted()


@contextmanager
def _interrupts_as_errors() -> Iterator[None]:
    """Ctrl-C raises `Interrupted` (a `TmError`) rather than KeyboardInterrupt, which click would turn into a
    blank line and `Abort`; worker processes ignore it and the parent stops them (`tm.jobs`)."""
    try:
        previous = signal.signal(signal.SIGINT, _interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _is_busy_memory(exc: Exception) -> bool:
    """SQLite's "database is locked" once its busy timeout is over: another process writes the memory file (a
    harvest of a whole history holds it for minutes). Told by module, so that tm does not import sqlite3 at start."""
    return type(exc).__module__ == "sqlite3" and type(exc).__name__ == "OperationalError" and "locked" in str(exc)


def _is_parser_exception(exc: Exception) -> bool:
    """Usage errors, `Exit` and `Abort` of typer or click. typer >= 0.20 vendors click (`typer._click`) and
    older releases use click itself, so they are recognised by module, not imported by name.
    """
    module = type(exc).__module__
    return module.startswith(("typer", "click")) and (hasattr(exc, "exit_code") or type(exc).__name__ == "Abort")


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))
