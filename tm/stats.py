"""How much review work is done and left: entries and source words by state, per catalog and in total.

States follow what PO editors show: `reviewed` (translated, not fuzzy), `vendor_ht` (not fuzzy, but an HT
page's entry as the vendor's translators wrote it, which nobody here reviewed: `tm.model.vendor_ht`, the
origin `ht` of `tm export` and `tm memory`), `human_fuzzy` (fuzzy, but a person's
translation: a review carried to an edited source, or edited and not yet confirmed; `tm.model.is_human`, so it
is told from MT by the vendor digest even when an editor dropped the `tm-human` flag), `mt` (fuzzy: machine
translation nobody has touched), `untranslated` (empty target) and `obsolete` (`#~`, kept for memory, not
counted in the percentage). Words are counted by `tm.extract.count_words`: markup such as code
spans, tags and link targets is not translation work and is not counted; Chinese and Japanese characters
count one word each.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import chain

from tm.extract import count_words
from tm.model import Catalog, Entry, LazyCatalog, is_human, vendor_ht

STATES = ("reviewed", "vendor_ht", "human_fuzzy", "mt", "untranslated", "obsolete")


def state_of(entry: Entry) -> str:
    """The review state of one entry (one of `STATES`)."""
    if entry.obsolete:
        return "obsolete"
    if not entry.target or not all(entry.plural_targets):  # a plural entry: every form translated, as polib says
        return "untranslated"
    if not entry.fuzzy:
        return "vendor_ht" if vendor_ht(entry) else "reviewed"
    return "human_fuzzy" if is_human(entry) else "mt"


@dataclass(slots=True)
class Counts:
    """Entries and source words per state."""

    entries: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))
    words: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATES, 0))

    def add(self, other: Counts) -> None:
        for state in STATES:
            self.entries[state] += other.entries[state]
            self.words[state] += other.words[state]

    @property
    def total_entries(self) -> int:
        return sum(self.entries[s] for s in STATES if s != "obsolete")

    @property
    def total_words(self) -> int:
        return sum(self.words[s] for s in STATES if s != "obsolete")

    @property
    def percent_reviewed(self) -> float:
        """Share of the (non-obsolete) source words that are reviewed, in percent, one decimal."""
        total = self.total_words
        return round(100 * self.words["reviewed"] / total, 1) if total else 100.0

    def to_json(self) -> dict[str, object]:
        return {
            "entries": {**self.entries, "total": self.total_entries},
            "words": {**self.words, "total": self.total_words},
            "percent_reviewed": self.percent_reviewed,
        }


def count_catalog(catalog: Catalog | LazyCatalog) -> Counts:
    """The counts of one catalog.

    >>> from tm.model import Entry
    >>> counts = count_catalog(Catalog([Entry("a", "Hello world", "Bonjour", fuzzy=True), Entry("b", "Hi", "Salut")]))
    >>> counts.entries["mt"], counts.words["reviewed"], counts.percent_reviewed
    (1, 1, 33.3)
    """
    if isinstance(catalog, LazyCatalog):
        return _count_lazy(catalog)
    counts = Counts()
    for entry in catalog.entries:
        state = state_of(entry)
        counts.entries[state] += 1
        counts.words[state] += count_words(entry.source)
    return counts


def _count_lazy(catalog: LazyCatalog) -> Counts:
    """`count_catalog` of a catalog read lazily: its plain entries (untouched MT, or a person's edit that only
    the vendor digest tells) are counted without being built, as `tm update` reads them."""
    counts = Counts()
    # Only an HT page's entries can be the vendor's human translation: on other pages (the header says which)
    # a reviewed entry is counted without being built.
    ht_page = catalog.header.get("X-Ms-Translationtype", "HT").upper() == "HT"
    for i, source in enumerate(catalog.sources):
        if catalog.plain[i]:
            state = "untranslated" if not catalog.targets[i] else "human_fuzzy" if catalog.by_person(i) else "mt"
        elif i in catalog.reviewed and not (ht_page and catalog.recorded(i)):
            state = "reviewed"
        else:
            state = state_of(catalog.entry(i))
        counts.entries[state] += 1
        counts.words[state] += count_words(source)
    for entry in chain(catalog.kept, catalog.obsolete):
        state = state_of(entry)
        counts.entries[state] += 1
        counts.words[state] += count_words(entry.source)
    return counts


@dataclass(frozen=True, slots=True)
class StatsReport:
    """Counts per catalog (by the path it was read from) and their sum."""

    pages: dict[str, Counts]
    total: Counts

    def to_json(self, *, by_page: bool = True) -> dict[str, object]:
        data: dict[str, object] = {"total": self.total.to_json(), "catalogs": len(self.pages)}
        if by_page:
            data["pages"] = {name: counts.to_json() for name, counts in self.pages.items()}
        return data


def collect(catalogs: Iterable[tuple[str, Catalog]]) -> StatsReport:
    """Counts for each `(name, catalog)` and in total."""
    return sum_counts((name, count_catalog(catalog)) for name, catalog in catalogs)


def sum_counts(counted: Iterable[tuple[str, Counts]]) -> StatsReport:
    """The report of counts already made per catalog (by worker processes, say)."""
    pages = {}
    total = Counts()
    for name, counts in counted:
        pages[name] = counts
        total.add(counts)
    return StatsReport(pages, total)
