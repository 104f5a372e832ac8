"""The core model: a page is its original text plus the span pairs found in it; a catalog is a list of entries.

Nothing here does I/O or knows a file format. Pages are lossless: every character of the input is either
between pairs or inside one, addressed by offsets into `Page.text`, so rendering a page unchanged gives back
the exact input (see `tm.page.render_page`).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


class Escape(str, enum.Enum):
    """How the text of a pair is escaped in the file, so a new translation can be written back the same way."""

    NONE = ""          # Markdown or plain YAML: the text is written as is
    YAML_DOUBLE = "dq"  # inside a double-quoted YAML scalar: `\"` and `\\`
    YAML_SINGLE = "sq"  # inside a single-quoted YAML scalar: `''`


@dataclass(slots=True)
class Pair:
    """One translatable segment: `<span data-ttu-id=ID>target</span><span class="sxs-lookup">…source…</span>`.

    `start`/`end` delimit the whole pair in `Page.text`; `target_start`/`target_end` and
    `source_start`/`source_end` the raw texts inside it. `target` and `source` are the unescaped texts (see `Escape`).
    """

    id: str
    target: str
    source: str
    line: int
    start: int
    end: int
    target_start: int
    target_end: int
    source_start: int
    source_end: int
    escape: Escape = Escape.NONE


@dataclass(frozen=True, slots=True)
class Page:
    """A bilingual page: its decoded text (BOM removed, line endings kept) and the pairs in document order."""

    relpath: str
    text: str
    pairs: tuple[Pair, ...]
    meta: dict[str, str] = field(default_factory=dict)
    bom: bool = False

    @property
    def locale(self) -> str:
        """The page's `ms.contentlocale`, canonically cased (`fr-fr` → `fr-FR`), or "" if it has none."""
        return canonical_locale(self.meta.get("ms.contentlocale", ""))

    @property
    def machine_translated(self) -> bool:
        """True unless the page says `ms.translationtype: HT` (human translation)."""
        return self.meta.get("ms.translationtype", "MT").upper() != "HT"


@dataclass(slots=True)
class Entry:
    """One catalog entry, as PO editors see it: `msgctxt` is the pair id, `msgid` the source, `msgstr` the target.

    `fuzzy` marks a translation nobody has reviewed yet (machine translation, or a carried-forward guess).
    `previous_source` is the old English of a fuzzy match (`#| msgid`).
    """

    id: str
    source: str
    target: str = ""
    fuzzy: bool = False
    flags: tuple[str, ...] = ()
    previous_source: str | None = None
    previous_id: str | None = None
    comments: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    obsolete: bool = False
    line: int = field(default=0, compare=False)

    @property
    def reviewed(self) -> bool:
        """A translation a person accepted: not fuzzy, not empty, not obsolete."""
        return bool(self.target) and not self.fuzzy and not self.obsolete


@dataclass(slots=True)
class Catalog:
    """The entries of one page (or of any PO file), with the header fields in file order."""

    entries: list[Entry] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)
    locale: str = ""
    page: str = ""
    header_comments: tuple[str, ...] = ()

    @property
    def active(self) -> list[Entry]:
        """The entries that are not obsolete."""
        return [e for e in self.entries if not e.obsolete]

    @property
    def obsolete(self) -> list[Entry]:
        """The obsolete entries (`#~`), in file order."""
        return [e for e in self.entries if e.obsolete]


# Starts the extracted comments `tm update` adds to an entry (where an offered translation came from).
NOTE_PREFIX = "tm: "


EntryText = tuple[str, str, str, bool, int]
"""What checks look at in an entry: `(id, source, target, fuzzy, line)`."""


def entry_texts(entries: Iterable[Entry]) -> list[EntryText]:
    """The `EntryText` of each active (not obsolete) entry."""
    return [(e.id, e.source, e.target, e.fuzzy, e.line) for e in entries if not e.obsolete]


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def is_language_tag(tag: str) -> bool:
    """Whether `tag` has the shape of a BCP 47 language tag: a locale names a folder of the catalog tree, so
    `../x` or `/tmp/x` from a page's `ms.contentlocale` must never become a path.

    >>> is_language_tag("fr-FR"), is_language_tag("zh-Hant-TW"), is_language_tag("es-419"), is_language_tag("../ESC")
    (True, True, True, False)
    """
    return _LANGUAGE_TAG.fullmatch(tag) is not None


def canonical_locale(tag: str) -> str:
    """BCP 47 casing: language lower, script title, region upper.

    >>> canonical_locale("fr-fr"), canonical_locale("zh_hant_tw"), canonical_locale("")
    ('fr-FR', 'zh-Hant-TW', '')
    """
    parts = tag.strip().replace("_", "-").split("-")
    if not parts[0]:
        return ""
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif len(part) in (2, 3):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


class LazyCatalog:
    """A catalog whose active entries are built only when asked for, for `tm update`.

    Most entries of a handoff are machine translation nobody touched: an update copies the new handoff's
    entry in their place and needs only their sources. Building ~420,000 `Entry`s it then threw away was a
    third of an update. `plain[i]` says the i-th active entry is such an entry: no translator comment, no
    flag but `fuzzy`, and fuzzy or empty (so not a person's work); `entry(i)` builds it. `reviewed` holds the
    msgstr of the reviewed entries as plain (no comment, no flag, no `NOTE_PREFIX` note), which an update
    keeps as they are.
    """

    __slots__ = ("_build", "_entries", "header", "header_comments", "locale", "obsolete", "page", "plain",
                 "reviewed", "sources")

    def __init__(self, head: Catalog, sources: list[str], plain: list[bool], build: Callable[[int], Entry],
                 obsolete: list[Entry] | None = None, reviewed: dict[int, str] | None = None) -> None:
        """`head`: a catalog with the header (its entries are not looked at)."""
        self.header, self.locale, self.page, self.header_comments = (head.header, head.locale, head.page,
                                                                     head.header_comments)
        self.sources, self.plain, self.obsolete = sources, plain, obsolete or []
        self.reviewed = reviewed or {}
        self._build = build
        self._entries: dict[int, Entry] = {}

    @classmethod
    def of(cls, catalog: Catalog) -> LazyCatalog:
        """A catalog already read in full (another format, another layout) behind the same interface."""
        active = catalog.active
        plain = [not e.comments and not e.flags and (e.fuzzy or not e.target) for e in active]
        reviewed = {i: e.target for i, e in enumerate(active) if e.reviewed and not e.comments and not e.flags
                    and not any(n.startswith(NOTE_PREFIX) for n in e.notes)}
        lazy = cls(catalog, [e.source for e in active], plain, active.__getitem__, catalog.obsolete, reviewed)
        lazy._entries = dict(enumerate(active))
        return lazy

    def __len__(self) -> int:
        return len(self.sources)

    def entry(self, i: int) -> Entry:
        """The i-th active entry (built once)."""
        found = self._entries.get(i)
        if found is None:
            found = self._entries[i] = self._build(i)
        return found

    def catalog(self) -> Catalog:
        """Every entry built: the `Catalog` a full read gives."""
        active = [self.entry(i) for i in range(len(self.sources))]
        return Catalog(active + self.obsolete, self.header, self.locale, self.page, self.header_comments)
