"""Catalog file formats: one adapter module per format, registered in `FORMATS` by name.

Every adapter exposes `NAME`, `SUFFIXES`, `read(data, *, path) -> Catalog` and `write(catalog) -> bytes`;
`for_path` picks one by file suffix (and, for `.xml`-like ambiguity, the caller may sniff the root element).
"""

from __future__ import annotations

from types import ModuleType
from typing import Protocol

from tm.errors import BadArgument
from tm.formats import po
from tm.model import Catalog


class CatalogFormat(Protocol):
    """What every adapter module provides."""

    NAME: str
    SUFFIXES: tuple[str, ...]

    def read(self, data: bytes, *, path: str) -> Catalog: ...

    def write(self, catalog: Catalog) -> bytes: ...


FORMATS: dict[str, ModuleType] = {"po": po}


def get_format(name: str) -> ModuleType:
    """The adapter named `name` (`po`, `xliff`, `xliff2`, `tmx`); an unknown name is a `BadArgument`."""
    try:
        return FORMATS[name]
    except KeyError:
        raise BadArgument(f"unknown format {name!r} (choose from {', '.join(FORMATS)})") from None


def for_path(path: str) -> ModuleType | None:
    """The adapter whose suffix ends `path`, or None when the file is not a catalog."""
    lower = path.lower()
    for adapter in FORMATS.values():
        if lower.endswith(adapter.SUFFIXES):
            return adapter
    return None


def catalog_suffixes() -> tuple[str, ...]:
    """Every suffix some adapter reads."""
    return tuple(s for adapter in FORMATS.values() for s in adapter.SUFFIXES)
