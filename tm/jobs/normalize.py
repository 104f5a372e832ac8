"""The job of `tm normalize`: one PO file in tm's canonical unwrapped layout (`tm.normalize`).

A file is rewritten only when its bytes change and its content does not: a file whose entries would differ
once normalized is left as it is and reported.
"""

from __future__ import annotations

from dataclasses import dataclass

from tm.errors import InputError
from tm.fileio import read_file, write_atomic
from tm.normalize import normalize, same_content

__all__ = ["NormalizeJob", "Outcome"]

Outcome = tuple[str, str, str]
"""`(path, status, error)` of `tm normalize`: status `unchanged`, `changed` (rewritten, or would be under
`--check`) or `error`."""


@dataclass(frozen=True, slots=True)
class NormalizeJob:
    """`tm normalize` of one PO file: whether it changes, and (unless `check`) the file rewritten."""

    check: bool = False

    def __call__(self, path: str) -> Outcome:
        try:
            data = read_file(path)
            out = normalize(data, path=path)
            if out == data:
                return path, "unchanged", ""
            lost = same_content(data, out)
            if lost:
                raise InputError(path, None, f"left as is: normalizing would change its content ({lost})")
            if not self.check:
                write_atomic(path, out)
        except InputError as exc:
            return path, "error", str(exc)
        except OSError as exc:
            return path, "error", f"{path}: {exc.strerror or 'cannot read or write'}"
        return path, "changed", ""
