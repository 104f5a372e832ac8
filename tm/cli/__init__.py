"""The `tm` command line: one function per command, options → one library call → text or JSON → exit code.

`run` is the single error boundary: a `TmError` becomes one `error: …` line on stderr and its exit code;
anything else is a bug and keeps its traceback. Per-file problems do not stop a run: commands print them
as they are met, still write the good files, and exit 2 at the end.
"""

from __future__ import annotations

import sys

import click

from tm.cli import commands_handoffs  # noqa: F401
from tm.cli import commands_formats  # noqa: F401 - registers export
from tm.cli import commands_pages  # noqa: F401 - registers extract and merge
from tm.cli import commands_review  # noqa: F401 - registers stats and check
from tm.cli._app import app
from tm.errors import TmError

__all__ = ["app", "main", "run"]


def run(argv: list[str] | None = None) -> int:
    """Run the CLI in-process and return its exit status (tests call this)."""
    try:
        result = app(args=argv, prog_name="tm", standalone_mode=False)
    except TmError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        print("error: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    return result if isinstance(result, int) else 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))
