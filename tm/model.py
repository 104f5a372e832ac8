"""The core model: a page is its original text plus the span pairs found in it; a catalog is a list of entries.

Nothing here does I/O or knows a file format. Pages are lossless: every character of the input is either
between pairs or inside one, addressed by offsets into `Page.text`, so rendering a page unchanged gives back
the exact input (see `tm.page.render_page`).
"""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
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
    """A bilingual page: its decoded text (BOM removed, line endings kept) and the pairs in document order.

    `tm.page.parse_page` gives a `tm.page.pairs.PairView` as `pairs`, which builds the `Pair`s only when read.
    """

    relpath: str
    text: str
    pairs: Sequence[Pair]
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

    Catalogs written by others may hold what a page's pair never makes, kept so that they are written back as
    the same messages: `has_context` is False for an entry without `msgctxt` (its `id` is then ""; gettext
    tells it from `msgctxt ""`); a plural entry has its `msgid_plural` as `plural_source` and its
    `msgstr[1]`, `msgstr[2]`, … as `plural_targets` (`msgstr[0]` is `target`).
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
    has_context: bool = True
    plural_source: str | None = None
    plural_targets: tuple[str, ...] = ()
    previous_plural_source: str | None = None

    @property
    def reviewed(self) -> bool:
        """A translation a person accepted: not fuzzy, not empty (no plural form empty), not obsolete."""
        return (bool(self.target) and not self.fuzzy and not self.obsolete
                and (not self.plural_targets or all(self.plural_targets)))

    @property
    def plural(self) -> bool:
        """A plural entry (`msgid_plural`): no page's pair is one."""
        return self.plural_source is not None


@dataclass(slots=True)
class Catalog:
    """The entries of one page (or of any PO file), with the header fields in file order.

    `header_flags` are the header entry's flags (a template's or a new catalog's header is often `fuzzy`).
    """

    entries: list[Entry] = field(default_factory=list)
    header: dict[str, str] = field(default_factory=dict)
    locale: str = ""
    page: str = ""
    header_comments: tuple[str, ...] = ()
    header_flags: tuple[str, ...] = ()

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

# Ends the second extracted comment of every entry: ", vendor " + `vendor_digest` of the handoff's translation.
VENDOR_MARK = ", vendor "
_RECORDED = re.compile(r"(?:^|[ ,])vendor ([0-9a-f]{12})$")


def vendor_digest(text: str) -> str:
    """A short digest of the handoff's (the vendor's) translation of a segment, recorded beside the entry.

    An entry's msgstr that no longer has this digest was changed by a person, whatever its flags say: this is
    how `tm update` tells reviews from machine translation after an editor dropped the flags it does not know.

    >>> vendor_digest("Installez Visual Studio.")
    'f17f62d75174'
    """
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


def recorded_digest(notes: tuple[str, ...]) -> str | None:
    """The vendor digest an entry's extracted comments record (the last one), or None (catalogs of older tm)."""
    for note in reversed(notes):
        found = _RECORDED.search(note)
        if found:
            return found.group(1)
    return None


def changed_by_person(entry: Entry) -> bool:
    """The msgstr is set and is not the vendor translation the entry records: a person wrote it.

    False when nothing is recorded (catalogs of older tm, catalogs made by other tools).
    """
    if not entry.target:
        return False
    recorded = recorded_digest(entry.notes)
    return recorded is not None and recorded != vendor_digest(entry.target)


# The flag tm writes on a fuzzy entry whose msgstr a person wrote. gettext tools and editors drop flags they do
# not know, so it is read but not relied on: `changed_by_person` is the rule that survives them.
HUMAN_FLAG = "tm-human"

# Where a translation comes from, best first: a person's review, the vendor's human translation (HT), the
# vendor's machine translation (MT). TMX exports (`tm export`, `tm memory export`) and the memory use these names
# (`origin`).
ORIGINS = ("reviewed", "ht", "mt")

HT_NOTE = "human translation (HT)"  # starts the second extracted comment of an HT page's entries (`tm.extract`)


def is_human(entry: Entry) -> bool:
    """The msgstr is a person's work: reviewed, or fuzzy but not the vendor translation the entry records
    (`changed_by_person`), or flagged `tm-human` (in `#,` or in a `#=` sticky line)."""
    return bool(entry.target) and (not entry.fuzzy or HUMAN_FLAG in entry.flags or changed_by_person(entry))


def vendor_ht(entry: Entry) -> bool:
    """An HT page's entry as the vendor translated it (not fuzzy, the msgstr its vendor digest records): a human
    translation, but nobody here reviewed it (extract writes it not fuzzy), so it is not a review."""
    return (not entry.fuzzy and any(note.startswith(HT_NOTE) for note in entry.notes)
            and not changed_by_person(entry) and recorded_digest(entry.notes) is not None)


def origin(entry: Entry) -> str:
    """Who a translated entry's msgstr is from (`ORIGINS`): `reviewed` when a person wrote or confirmed it (not
    fuzzy, and not an HT page's entry as the vendor wrote it); `ht` for a person's fuzzy translation
    (`is_human`) or the vendor's human translation (`vendor_ht`); `mt` otherwise.

    >>> origin(Entry("a", "Hi", "Salut")), origin(Entry("a", "Hi", "Salut", fuzzy=True))
    ('reviewed', 'mt')
    """
    if not entry.fuzzy:
        return "ht" if vendor_ht(entry) else "reviewed"
    return "ht" if is_human(entry) else "mt"


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
    flag but `fuzzy`, no `NOTE_PREFIX` note, and fuzzy or empty: a person's work only if `by_person(i)` (its
    msgstr is not the vendor translation it records); `entry(i)` builds it. `reviewed` holds the msgstr of
    the reviewed entries as plain (no comment, no flag, no `NOTE_PREFIX` note), which an update keeps as
    they are. `kept` holds the active entries no pair can take (plural entries), which an update
    writes back as they are, after the page's.
    """

    __slots__ = ("_build", "_entries", "header", "header_comments", "kept", "locale", "obsolete", "page", "plain",
                 "recorded", "reviewed", "sources", "targets")

    def __init__(self, head: Catalog, sources: list[str], plain: list[bool], build: Callable[[int], Entry],
                 obsolete: list[Entry] | None = None, reviewed: dict[int, str] | None = None,
                 targets: list[str] | None = None, recorded: Callable[[int], str] | None = None) -> None:
        """`head`: a catalog with the header (its entries are not looked at). `targets`: each active entry's
        msgstr; `recorded(i)`: the vendor digest the i-th one's last note records, or "" (see `by_person`)."""
        self.header, self.locale, self.page, self.header_comments = (head.header, head.locale, head.page,
                                                                     head.header_comments)
        self.sources, self.plain, self.obsolete = sources, plain, obsolete or []
        self.reviewed = reviewed or {}
        self.kept: list[Entry] = []
        self.targets = targets if targets is not None else [build(i).target for i in range(len(sources))]
        self.recorded = recorded if recorded is not None else lambda i: ""
        self._build = build
        self._entries: dict[int, Entry] = {}

    @classmethod
    def of(cls, catalog: Catalog) -> LazyCatalog:
        """A catalog already read in full (another format, another layout) behind the same interface."""
        active = [e for e in catalog.active if not e.plural]
        plain = [not e.comments and not e.flags and (e.fuzzy or not e.target)
                 and not any(n.startswith(NOTE_PREFIX) for n in e.notes) for e in active]
        reviewed = {i: e.target for i, e in enumerate(active) if e.reviewed and not e.comments and not e.flags
                    and not any(n.startswith(NOTE_PREFIX) for n in e.notes)}
        lazy = cls(catalog, [e.source for e in active], plain, active.__getitem__, catalog.obsolete, reviewed,
                   [e.target for e in active], lambda i: recorded_digest(active[i].notes) or "")
        lazy._entries = dict(enumerate(active))
        lazy.kept = [e for e in catalog.active if e.plural]
        return lazy

    def __len__(self) -> int:
        return len(self.sources)

    def by_person(self, i: int) -> bool:
        """`changed_by_person` of the i-th active entry, without building it when its digest was read."""
        target = self.targets[i]
        if not target:
            return False
        recorded = self.recorded(i)
        return recorded != vendor_digest(target) if recorded else changed_by_person(self.entry(i))

    def entry(self, i: int) -> Entry:
        """The i-th active entry (built once)."""
        found = self._entries.get(i)
        if found is None:
            found = self._entries[i] = self._build(i)
        return found

    def catalog(self) -> Catalog:
        """Every entry built: the `Catalog` a full read gives."""
        active = [self.entry(i) for i in range(len(self.sources))]
        return Catalog(active + self.kept + self.obsolete, self.header, self.locale, self.page, self.header_comments)
