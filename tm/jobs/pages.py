"""How every job reads a page: its bytes, its text, its model, each problem recorded as one message.

Extract, merge and update read pages the same way, so a page that cannot be read (a missing file, a binary
file, invalid UTF-8, a malformed pair) is reported by all of them in the same words, `where:line: message`,
followed by what the command did about it (`then`, such as "; its catalog left as it was"). The page is
then skipped: the other pages of the run go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tm.errors import InputError
from tm.model import Page
from tm.page import parse_page
from tm.page.parse import decode_page
from tm.sources import Content, content

if TYPE_CHECKING:  # the checks are imported by the commands that run them: update and sync start faster
    from tm.checks import Finding

__all__ = ["FileResult", "page_bytes", "page_model", "page_text", "read_page", "where"]


@dataclass(slots=True)
class FileResult:
    """What one job of extract, merge, check or export did: counts for the summary and `path:line: message`
    errors."""

    pages: int = 0
    segments: int = 0
    words: int = 0
    files_written: int = 0
    applied: int = 0
    unknown_ids: int = 0
    stale: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def where(shown: str, relpath: str) -> str:
    """How a page is named in messages: under the directory or revision the user gave."""
    return f"{shown}/{relpath}" if shown else relpath


def page_bytes(data: Content, name: str, errors: list[str], then: str = "") -> bytes | None:
    """The page's bytes (read here when `data` is a path), or None after recording why not; `name` is how
    messages name the page (`where`)."""
    try:
        return content(data)
    except OSError as exc:
        errors.append(f"{name}: {exc.strerror or 'cannot read'}{then}")
        return None


def page_text(relpath: str, data: bytes, name: str, errors: list[str], then: str = "") -> tuple[str, bool] | None:
    """The page's text and whether it had a BOM, or None after recording why it cannot be decoded."""
    try:
        return decode_page(relpath, data)
    except InputError as exc:
        errors.append(str(InputError(name, exc.line, exc.message + then)))
        return None


def read_page(relpath: str, data: Content, name: str, errors: list[str], then: str = "") -> tuple[str, bool] | None:
    """`page_bytes`, then `page_text`."""
    raw = page_bytes(data, name, errors, then)
    return None if raw is None else page_text(relpath, raw, name, errors, then)


def page_model(relpath: str, text: str, bom: bool, name: str, errors: list[str], then: str = "") -> Page | None:
    """The parsed page, or None after recording its errors (a page with a malformed pair is skipped)."""
    parsed = parse_page(relpath, text, bom=bom)
    for diag in parsed.diagnostics:
        errors.append(str(InputError(name, diag.line, f"{diag.message} [{diag.code}]{then}")))
    return None if parsed.diagnostics else parsed.page
