"""The catalog tree: where the catalog of a page lives, and reading a tree of catalogs back.

A page `core/intro.md` of locale `fr-FR` has its catalog at `fr-FR/core/intro.po` (the `.md` is dropped,
as po4a and mdpo do); other pages keep their suffix (`index.yml` → `index.yml.po`) so `index.md` and
`index.yml` never collide.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from tm.errors import BadArgument, InputError, SourceError
from tm.fileio import read_file
from tm.formats import catalog_suffixes, for_data
from tm.model import Catalog, EntryText, LazyCatalog, canonical_locale, entry_texts
from tm.sources import content, walk_files


def catalog_relpath(page_relpath: str, suffix: str = ".po") -> str:
    """`core/intro.md` → `core/intro.po`; `index.yml` → `index.yml.po`."""
    stem = page_relpath[:-3] if page_relpath.lower().endswith(".md") else page_relpath
    return stem + suffix


def page_relpath(catalog_rel: str) -> str:
    """Inverse of `catalog_relpath`: `core/intro.po` → `core/intro.md`."""
    stem = catalog_rel.rsplit(".", 1)[0] if "." in catalog_rel.rsplit("/", 1)[-1] else catalog_rel
    return stem if stem.lower().endswith((".yml", ".yaml", ".md")) else stem + ".md"


@dataclass(frozen=True, slots=True)
class CatalogFile:
    """A catalog file found on disk: its path, the page it belongs to, and (once read) its catalog."""

    path: Path
    page: str


def find_catalogs(paths: list[str]) -> Iterator[CatalogFile]:
    """The catalog files under each path (or the path itself), with the page each belongs to.

    In a directory the page comes from the file's place in the tree; a file named directly is matched to
    its page by its `X-Page` header when it has one (see `read_catalog`), else by its name.
    """
    for relpath, path in _walk_catalogs(paths):
        yield CatalogFile(Path(path), page_relpath(relpath))


def catalogs_by_page(paths: list[str]) -> dict[str, str]:
    """`find_catalogs` as `{page: path}` in plain strings, for `tm update`: ~12,500 `Path`s and `CatalogFile`s
    took longer than the walk."""
    return {page_relpath(relpath): path for relpath, path in _walk_catalogs(paths)}


def catalog_paths(paths: list[str]) -> list[str]:
    """`find_catalogs`' files as plain strings, for commands that need no page (check, stats): a handoff has
    ~12,500 catalogs, and making a `Path` and a page name for each took longer than the walk."""
    return [path for _, path in _walk_catalogs(paths)]


# A folder named like a locale (`fr-FR`, `pt_BR`, `zh-Hant-TW`, `de`): what `extract --out` puts under its root.
_LOCALE_NAME = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", re.IGNORECASE)
# The page a PO catalog belongs to, as `tm extract` writes it: one line of the header (no wrapping).
_X_PAGE = re.compile(rb'^"X-Page: ((?:[^"\\\n]|\\.)*)\\n"\r?$', re.MULTILINE)


def locale_folders(root: str) -> list[str]:
    """The locale folders of a catalog tree: a locales root (only folders named like locales: `fr-FR/`,
    `de-DE/`) gives each of them, any other folder itself."""
    try:
        children = [e for e in os.scandir(root) if not e.name.startswith(".")]
    except OSError:
        return [root]
    if children and all(e.is_dir() and _LOCALE_NAME.fullmatch(e.name) for e in children):
        return sorted(e.path for e in children)
    return [root]


def locale_folder(root: str) -> str:
    """The one locale folder of a tree (`locales` holding only `fr-FR/` means `locales/fr-FR`); a locales root
    of several locales is refused (`several_locales`: a command that writes one locale's catalogs cannot take
    it)."""
    folders = locale_folders(root)
    if len(folders) > 1:
        raise several_locales(root, [os.path.basename(f) for f in folders])
    return folders[0]


def several_locales(root: str, names: list[str]) -> BadArgument:
    """The refusal of a folder holding the trees of locales `names` where one locale's tree is wanted."""
    which = f"several locales ({', '.join(names)})" if len(names) > 1 else f"the locale folder {names[0]}"
    return BadArgument(f"{root.rstrip('/')} holds {which}: give one locale folder, such as "
                       f"{os.path.join(root, names[0])}")


def locale_name(name: str) -> str:
    """The locale a folder's name says when it is named as `tm extract` names a locale's tree: a language with
    a script or a region, in BCP 47 casing (`fr-FR`, `zh-Hant`, `es-419`); "" for any other name (`de`,
    `pt_BR`, `api`), which may as well be a folder of pages.

    >>> locale_name("fr-FR"), locale_name("zh-Hant-TW"), locale_name("fr-fr"), locale_name("api")
    ('fr-FR', 'zh-Hant-TW', '', '')
    """
    if "-" not in name or not _LOCALE_NAME.fullmatch(name) or canonical_locale(name) != name:
        return ""
    return name


def page_catalogs(paths: list[str]) -> dict[str, str]:
    """`{page: catalog path}` of the catalogs under `paths` (files, one locale folder or a locales root of one
    locale).

    A catalog's page is its `X-Page` header (the page `extract` wrote it from), else its place in its locale
    folder (`fr-FR/core/intro.po` → `core/intro.md`), which is also where a file that cannot be read goes: the
    reader of its entries reports it, and its page is not merged without it. Two catalogs of one page are a
    `BadArgument`.
    """
    by_page: dict[str, str] = {}
    for name in paths:
        for relpath, path in _walk_catalogs([locale_folder(name) if os.path.isdir(name) else name]):
            try:
                page = header_page(path) or page_relpath(relpath)
            except InputError:
                page = page_relpath(relpath)
            if page in by_page:
                raise BadArgument(f"{by_page[page]} and {path} are both catalogs of {page}; give one of them")
            by_page[page] = path
    return by_page


class CatalogTreeSource:
    """The catalogs of one locale folder as a `tm.sources.Source`, each named for its page (`page_catalogs`:
    its `X-Page` header, else its place), so that a catalog moved or renamed in the tree by hand or by another
    tool still stands for its page when `tm diff` compares it."""

    def __init__(self, root: str) -> None:
        self._paths = sorted((catalog_relpath(page, _suffix(path)), path) for page, path in page_catalogs([root]).items())

    def __len__(self) -> int:
        return len(self._paths)

    def files(self) -> Iterator[tuple[str, bytes]]:
        for relpath, path in self._paths:
            yield relpath, content(path)


def _suffix(path: str) -> str:
    name = path.lower()
    return next((s for s in catalog_suffixes() if name.endswith(s)), os.path.splitext(path)[1])


def header_page(path: str) -> str:
    """The `X-Page` of a catalog file's header, "" if it has none. Of a PO file, the first 4 KiB are read
    when they hold the header (as `extract` writes it): `merge` looks up every catalog of a handoff this way
    before any work starts. Other formats, and unusual headers, are read whole."""
    try:
        data = read_file(path, limit=4096)
    except OSError as exc:
        raise InputError(path, None, exc.strerror or "cannot read") from None
    adapter = for_data(os.path.basename(path), data)
    if adapter is not None and adapter.NAME == "po":
        found = _X_PAGE.search(data)
        if found is not None:
            return re.sub(r"\\(.)", r"\1", found.group(1).decode("utf-8", "replace"))
        if b"X-Page" not in data and b"\n\n" in data:  # the whole header was read, and names no page
            return ""
    try:
        return read_catalog(path).page
    except InputError:
        return ""  # reported when the catalog is read for its entries


def _walk_catalogs(paths: list[str]) -> Iterator[tuple[str, str]]:
    """`(relpath, path)` of the catalog files under each path, in order. A missing path, a folder holding no
    catalog file and a folder that cannot be listed are `SourceError`s: a command would otherwise report on
    (or merge without) catalogs it never saw, and exit 0."""
    suffixes = catalog_suffixes()
    for name in paths:
        if os.path.isdir(name):
            unreadable: list[str] = []
            found = sorted(walk_files(name, suffixes, unreadable=unreadable))
            if unreadable:
                raise SourceError(f"{os.path.join(name, unreadable[0]).rstrip(os.sep)}: cannot list this folder")
            if not found:
                raise SourceError(f"{name}: no catalog ({', '.join(suffixes)}) under it")
            yield from found
        elif os.path.exists(name):  # a file, or a FIFO or device that reading refuses with a message
            yield os.path.basename(name), name
        else:
            raise SourceError(f"{name}: no such file or directory")


def read_texts(path: Path | str) -> list[EntryText]:
    """`(id, source, target, fuzzy, line)` of each active entry of a catalog file in any format (for checks)."""
    adapter, data = _open(path)
    if adapter.NAME == "po":
        texts: list[EntryText] = adapter.read_texts(data, path=str(path))
        return texts
    return entry_texts(adapter.read(data, path=str(path)).entries)


_PO_LANGUAGE = re.compile(rb'^"Language:[ \t]*([^"\\\r\n]*)', re.MULTILINE)


def read_texts_and_language(path: Path | str) -> tuple[list[EntryText], str]:
    """`read_texts`, and the catalog's language (a PO header's `Language`, an XLIFF target language; "" if none).

    A PO file's header is searched for in its first 4 KB, where tm and the editors write it.
    """
    adapter, data = _open(path)
    if adapter.NAME == "po":
        found = _PO_LANGUAGE.search(data, 0, 4096)
        language = found.group(1).decode("ascii", "replace").strip() if found else ""
        texts: list[EntryText] = adapter.read_texts(data, path=str(path))
        return texts, language
    catalog = adapter.read(data, path=str(path))
    return entry_texts(catalog.entries), catalog.locale


def catalog_language(path: Path | str) -> str:
    """A catalog's language: its PO header's `Language` (looked for in the first 4 KB, where tm and the editors
    write it), an XLIFF file's target language; "" if it names none."""
    adapter, data = _open(path)
    if adapter.NAME == "po":
        found = _PO_LANGUAGE.search(data, 0, 4096)
        return found.group(1).decode("ascii", "replace").strip() if found else ""
    locale: str = adapter.read(data, path=str(path)).locale
    return locale


def read_catalog(path: Path | str, *, reviewed_only: bool = False, comments: bool = True, header: bool = True
                 ) -> Catalog:
    """Read one catalog file in whatever format its suffix and root element say.

    `reviewed_only` keeps only the reviewed entries, and lets the PO reader skip building the others;
    `comments=False` lets it skip comments and references, `header=False` the header (other formats read
    everything regardless).
    """
    adapter, data = _open(path)
    if adapter.NAME == "po":
        catalog: Catalog = adapter.read(data, path=str(path), reviewed_only=reviewed_only, comments=comments,
                                        header=header)
        return catalog
    catalog = adapter.read(data, path=str(path))
    if reviewed_only:
        catalog.entries = [e for e in catalog.entries if e.reviewed]
    return catalog


def read_lazy_catalog(path: Path | str) -> LazyCatalog:
    """`read_catalog` whose entries are built only when asked for (`LazyCatalog`; a PO file `tm` wrote is read
    as `tm update` reads it), for counting states without building every machine-translated entry."""
    adapter, data = _open(path)
    if adapter.NAME == "po":
        lazy: LazyCatalog = adapter.read_lazy(data, path=str(path))
        return lazy
    return LazyCatalog.of(adapter.read(data, path=str(path)))


def _open(path: Path | str) -> tuple[ModuleType, bytes]:
    """A catalog file's format adapter and bytes; an unreadable file or an unknown format is an `InputError`."""
    try:
        data = read_file(path)
    except OSError as exc:
        raise InputError(str(path), None, exc.strerror or "cannot read") from None
    adapter = for_data(os.path.basename(path), data)
    if adapter is None:
        raise InputError(str(path), None, "not a catalog file (unknown suffix)")
    return adapter, data
