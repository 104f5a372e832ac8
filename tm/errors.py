"""The one exception tree of `tm`; the CLI catches `TmError` once and exits with its code.

    TmError (exit 1)
    ├── BadArgument (2)   a command line that cannot be run as given
    ├── InputError (2)    a file that cannot be read as what it claims to be: carries path and line
    └── SourceError (2)   a source that cannot be listed (missing directory, unknown git revision)

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
