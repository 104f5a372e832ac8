"""Catalog file formats: one adapter module per format, registered in `FORMATS` by name.

Every adapter exposes `NAME`, `SUFFIXES`, `read(data, *, path) -> Catalog` and `write(catalog) -> bytes`;
`for_path` picks one by file suffix, and `for_data` also looks at the root element, since tools write
XLIFF 2 into `.xlf` files and XLIFF 1.2 into `.xliff` ones as often as not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from importlib import import_module
from types import ModuleType
from typing import Protocol

from tm.errors import BadArgument, InputError
from tm.formats import po
from tm.model import Catalog


class CatalogFormat(Protocol):
    """What every adapter module provides."""

    NAME: str
    SUFFIXES: tuple[str, ...]

    def read(self, data: bytes, *, path: str) -> Catalog: ...

    def write(self, catalog: Catalog) -> bytes: ...


# Each adapter's suffixes, so that a file is matched to its format without importing the XML adapters
# (and lxml) until a command reads or writes XML. A test holds them equal to each adapter's `SUFFIXES`.
_SUFFIXES = {"po": po.SUFFIXES, "xliff": (".xlf",), "xliff2": (".xliff",), "tmx": (".tmx",)}


class _Formats(Mapping[str, ModuleType]):
    """The adapters by name, each imported when first looked up."""

    def __getitem__(self, name: str) -> ModuleType:
        if name not in _SUFFIXES:
            raise KeyError(name)
        return import_module(f"tm.formats.{name}")

    def __iter__(self) -> Iterator[str]:
        return iter(_SUFFIXES)

    def __len__(self) -> int:
        return len(_SUFFIXES)


FORMATS: Mapping[str, ModuleType] = _Formats()
_XML_ROOT = re.compile(rb"<(xliff|tmx)\b([^>]*)>")
_VERSION = re.compile(rb"\bversion\s*=\s*[\"']([0-9.]+)")


# The formats that hold a plural entry (`msgid_plural`, `msgstr[n]`); the others would drop its forms.
_PLURALS = ("po", "xliff")


def check_writable(name: str, catalog: Catalog, *, path: str) -> None:
    """Raise `InputError` (at the first plural entry) when format `name` cannot hold every message of `catalog`
    read from `path`: tm refuses rather than write a catalog with other messages."""
    if name in _PLURALS:
        return
    plural = next((e for e in catalog.entries if e.plural), None)
    if plural is not None:
        raise InputError(path, plural.line or None, f"plural entries (msgid_plural) cannot be written as {name}: "
                                                    "export to po or xliff")


def get_format(name: str) -> ModuleType:
    """The adapter named `name` (`po`, `xliff`, `xliff2`, `tmx`); an unknown name is a `BadArgument`."""
    try:
        return FORMATS[name]
    except KeyError:
        raise BadArgument(f"unknown format {name!r} (choose from {', '.join(FORMATS)})") from None


def for_path(path: str) -> ModuleType | None:
    """The adapter whose suffix ends `path`, or None when the file is not a catalog."""
    lower = path.lower()
    for name, suffixes in _SUFFIXES.items():
        if lower.endswith(suffixes):
            return FORMATS[name]
    return None


def catalog_suffixes() -> tuple[str, ...]:
    """Every suffix some adapter reads."""
    return tuple(s for suffixes in _SUFFIXES.values() for s in suffixes)


def for_data(path: str, data: bytes) -> ModuleType | None:
    """The adapter for a file: XML files by their root element (`<xliff version="2.0">`, `<tmx>`), others by suffix."""
    adapter = for_path(path)
    if adapter is None or adapter is po:
        return adapter
    root = _XML_ROOT.search(data[:4096])
    if root is None:
        return adapter
    if root.group(1) == b"tmx":
        return FORMATS["tmx"]
    version = _VERSION.search(root.group(2))
    return FORMATS["xliff2" if version and version.group(1).startswith(b"2") else "xliff"]
