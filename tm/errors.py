"""The one exception tree of `tm`; the CLI catches `TmError` once and exits with its code.

    TmError (exit 1)
    ├── BadArgument (2)   a command line that cannot be run as given
    ├── InputError (2)    a file that cannot be read as what it claims to be: carries path and line
    ├── OutputError (2)   a file that cannot be written (`--out` is a file, disk full): carries path
    ├── SourceError (2)   a source that cannot be listed (missing directory, unknown git revision)
    └── Interrupted (130) Ctrl-C (SIGINT), raised by the CLI's handler instead of KeyboardInterrupt

Anything else that escapes is a bug and is allowed to print a traceback.
"""

from __future__ import annotations


class TmError(Exception):
    """Base of every error `tm` reports to a user instead of crashing."""

    exit_code = 1


class BadArgument(TmError):
    """The command line names something that cannot work (unknown format, missing option)."""

    exit_code = 2


class SourceError(TmError):
    """A source of pages cannot be listed: a missing directory, a bad git revision."""

    exit_code = 2


class InputError(TmError):
    """Bad content in one file; `str()` is `path:line: message` so editors can jump to it."""

    exit_code = 2

    def __init__(self, path: str, line: int | None, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class OutputError(TmError):
    """A file that cannot be written; `str()` is `path: message`. Raised in worker processes too, so it
    pickles by its arguments."""

    exit_code = 2

    def __init__(self, path: str, message: str) -> None:
        super().__init__(path, message)
        self.path = path
        self.message = message

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class Interrupted(TmError):
    """The user pressed Ctrl-C: the run stops, and says so in one line (exit 130, as shells report SIGINT)."""

    exit_code = 130

    def __str__(self) -> str:
        return "interrupted"
