"""Carry a page's catalog forward to a new handoff, like `msgmerge` but by content, never losing a review.

`carry_forward(old, page)` aligns the old catalog's entries with the new page's pairs (`tm.align`: equal
sources, then similar ones) and builds the new catalog from the page (new ids, lines, notes), taking
translations as follows:

| old entry (aligned)                | new entry                                                        |
|------------------------------------|------------------------------------------------------------------|
| same source, reviewed              | the reviewed msgstr, not fuzzy                                   |
| same source, human but still fuzzy | as it was (msgstr, fuzzy, `#| msgid`): still awaiting its review |
| same source, machine translation   | the new handoff's target, fuzzy                                  |
| similar source, human              | the human msgstr, fuzzy, `#| msgid` = the source it translated   |
|                                    | (not an HT page's translation as the vendor made it: below)      |
| similar source MT, or none         | the new handoff's target (fuzzy on an MT page), with the best    |
|                                    | reviewed translation of a similar source in the tree's `memory`  |
|                                    | as an offer beside it (`tm.offers`); on an MT page, a reviewed   |
|                                    | translation of the same source takes the msgstr (fuzzy, with a   |
|                                    | note naming where, and one keeping the handoff's translation)    |
| no counterpart in the new page     | obsolete (`#~`), kept unless `drop_obsolete`                     |
| none, but an obsolete human entry  | that person's msgstr as for a review of the same source          |
| of this catalog has the source     | elsewhere (fuzzy, or an offer on an HT page), as msgmerge        |
|                                    | revives an obsolete entry whose msgid comes back                 |

Translator comments (`# …`), flags and `tm:` notes follow their entry. An entry without `msgctxt` (a catalog
another tool wrote) is aligned by its source like any other. Plural entries (`msgid_plural`), which no pair can
take, stay as they are after the page's entries while the page is in the handoff, and go obsolete with the
rest when it leaves.

**Provenance.** Each entry's second extracted comment ends with `, vendor ` and a digest of the handoff's
translation (`tm.model.vendor_digest`), which every entry written here takes from the new page. A msgstr
that differs from the translation its entry records was written by a person, and is never replaced by MT:
a reviewed entry (not fuzzy, msgstr set), and a fuzzy one whose msgstr no longer has the recorded digest,
are human. The digest compares with the handoff the catalog was made from, not the new one, whose vendor
may have re-translated unchanged English. GNU gettext tools and PO editors keep extracted comments but
drop flags they do not know, so the flag `tm-human` (`#, fuzzy, tm-human`, also read from gettext's `#=`
sticky-flag lines) is still written and read (catalogs of older tm record no digest) but not relied on.
A human fuzzy entry's `#| msgid` stays the source that person translated, however many handoffs go by.

**Idempotence.** Updating twice to the same handoff changes nothing: every entry written by the first run
aligns exactly with its pair, and each rule above maps its own output to itself.

Everything here is pure: catalogs and pages in, catalogs out.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from tm.align import DEFAULT_THRESHOLD, Link, align
from tm.extract import PageEntries, page_to_catalog
from tm.formats import po
from tm.model import (
    HUMAN_FLAG,
    NOTE_PREFIX,
    Catalog,
    Entry,
    LazyCatalog,
    Page,
    is_human,
    vendor_ht,
)
from tm.offers import HANDOFF_NOTE, handoff_note, offer_note
from tm.update_memory import Memory, Offer, Reviews, offers, reviews

__all__ = [
    "HUMAN_FLAG", "OUTCOMES", "Memory", "Offer", "PageUpdate", "PageUpdateText", "Reviews", "carry_forward",
    "is_human", "obsolete_catalog", "offer_lookups", "offers", "reviews", "update_page", "update_page_text",
]

OUTCOMES = ("kept", "pending", "carried", "offered", "handoff", "offers", "obsolete", "dropped")

# Header fields that describe the page and its handoff: taken from the new page; the others (translator,
# team, revision date, plural forms) are the catalog's own and stay.
# `X-Tm-Update` is the record of the page a catalog was last updated against (`tm.jobs.stamp`).
_PAGE_FIELDS = ("Project-Id-Version", "POT-Creation-Date", "X-Generator", "X-Page", "X-Page-Title", "X-Tm-Update")


@dataclass(frozen=True, slots=True)
class PageUpdate:
    """The updated catalog, how many entries took each path (`OUTCOMES`), and whether a memory was missed.

    `wants_memory` is True when some segment would have been looked up in a memory but none was given: the
    CLI updates such pages once the whole tree's memory is known.
    """

    catalog: Catalog
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    wants_memory: bool = False


def carry_forward(
    old: Catalog, new_page: Page, *, threshold: float = DEFAULT_THRESHOLD, memory: Memory | None = None
) -> Catalog:
    """The catalog of `new_page`, with what `old` holds carried forward (see the module docstring); `old` is
    left untouched.

    >>> from tm.page import parse_page
    >>> def page(source, target, pair_id):
    ...     return parse_page("p.md", f'<span data-ttu-id="{pair_id}">{target}</span><span class="sxs-lookup">'
    ...                       f'<span data-stu-id="{pair_id}">{source}</span></span>').page
    >>> old = Catalog([Entry("a-1", "Install Visual Studio 2017.", "Installez VS 2017 (relu).")])
    >>> entry = carry_forward(old, page("Install Visual Studio 2019.", "Installer VS 2019", "b-1")).entries[0]
    >>> entry.id, entry.target, entry.fuzzy, entry.flags, entry.previous_source
    ('b-1', 'Installez VS 2017 (relu).', True, ('tm-human',), 'Install Visual Studio 2017.')
    """
    return update_page(old, new_page, threshold=threshold, memory=memory).catalog


def update_page(
    old: Catalog | None,
    page: Page,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    memory: Memory | None = None,
    where: str = "",
    drop_obsolete: bool = False,
) -> PageUpdate:
    """`carry_forward` with counts; `old=None` for a new page; `where` names this catalog in the memory."""
    locale = (old.locale if old else "") or page.locale
    fresh = page_to_catalog(page, locale=locale)
    active = [e for e in old.active if not e.plural] if old else []
    counts = dict.fromkeys(OUTCOMES, 0)
    entries: list[Entry | None] = [None] * len(fresh.entries)
    vanished: list[Entry] = []
    wants_memory = False
    sources = [e.source for e in active]
    links = _prefer_human(align(sources, [e.source for e in fresh.entries], threshold=threshold), sources,
                          lambda i: is_human(active[i]))
    returned = _returned(old.obsolete, where) if old else None
    for link in links:
        before = active[link.old] if link.old is not None else None
        if link.new is None:
            assert before is not None
            vanished.append(_obsolete(before))
            continue
        entry, outcome, missed = _take(before, fresh.entries[link.new], link.score, memory, threshold, where,
                                       returned)
        wants_memory |= missed
        entries[link.new] = entry
        counts[outcome] += 1
    result = [e for e in entries if e is not None]
    result += [e for e in old.active if e.plural] if old else []  # no pair takes them: kept as they are
    obsolete = _obsolete_tail(old.obsolete if old else [], vanished, counts, drop_obsolete)
    header = _header(old.header if old else {}, fresh.header)
    catalog = Catalog(result + obsolete, header, locale, page.relpath,
                      old.header_comments if old else fresh.header_comments)
    return PageUpdate(catalog, counts, wants_memory)


@dataclass(slots=True)
class PageUpdateText:
    """`update_page` as PO text: the header, one chunk per entry (`po.generate`'s), and the counts.

    Given no memory, the entries that would have asked one are written as the handoff gives them and listed
    in `lookups` (chunk index, entry): `offer_lookups` applies a memory to them later, when the whole tree's
    is known, without aligning the page again.
    """

    header: dict[str, str]
    locale: str
    header_comments: tuple[str, ...]
    chunks: list[str]
    reviewed: int
    counts: dict[str, int]
    lookups: list[tuple[int, Entry]]

    @property
    def wants_memory(self) -> bool:
        """As `PageUpdate.wants_memory`: some entry waits for a memory."""
        return bool(self.lookups)


def update_page_text(
    old: LazyCatalog,
    page: PageEntries,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    memory: Memory | None = None,
    where: str = "",
    drop_obsolete: bool = False,
) -> PageUpdateText:
    """`update_page` for a page `tm.extract.text_entries` takes apart: the same catalog, written as PO text.

    The hot path of `tm update`: most entries of a handoff are the handoff's own (machine translation
    nobody reviewed), and those are copied as extract writes them; only the others become `Entry`s, on
    both sides (`LazyCatalog`, `PageEntries`). The tests compare both functions on generated catalogs and
    on every page of the corpus.
    """
    counts = dict.fromkeys(OUTCOMES, 0)
    chunks: list[str | None] = [None] * len(page.sources)
    vanished: list[Entry] = []
    lookups: list[tuple[int, Entry]] = []
    reviewed = 0
    plain, kept = old.plain, old.reviewed
    links: Iterable[tuple[int | None, int | None, float]]
    if old.sources == page.sources:  # most pages: every entry pairs with the one in its place (no `Link`s made)
        reviewed, left = _copy_in_place(old, page, chunks, counts)
        links = [(k, k, 1.0) for k in left]
    else:
        links = _prefer_human(align(old.sources, page.sources, threshold=threshold), old.sources,
                              lambda i: old.by_person(i) if plain[i] else is_human(old.entry(i)))
    returned = _returned(old.obsolete, where) if old.obsolete else None
    for i, k, score in links:
        if k is None:
            assert i is not None
            vanished.append(_obsolete(old.entry(i)))
            continue
        if i is not None and old.sources[i] == page.sources[k]:
            if plain[i] and (old.targets[i] == page.targets[k] or not old.by_person(i)):
                chunks[k] = page.texts[k]  # the handoff's entry, as `_from_handoff` gives it
                counts["handoff"] += 1
                reviewed += page.reviewed(k)
                continue
            target = kept.get(i)
            if target is not None:  # a review without comments or flags, as `_carry` keeps it
                chunks[k] = page.reviewed_text(k, target)
                counts["kept"] += 1
                reviewed += 1
                continue
        before = old.entry(i) if i is not None else None
        entry, outcome, missed = _take(before, page.entry(k), score, memory, threshold, where, returned)
        if missed:
            lookups.append((k, entry))
        chunks[k] = po.entry_text(entry)
        reviewed += entry.reviewed
        counts[outcome] += 1
    obsolete = _obsolete_tail(old.obsolete, vanished, counts, drop_obsolete)
    assert None not in chunks  # every pair of the page is linked: `lookups` index the chunks as they are
    texts = [*chunks, *map(po.entry_text, old.kept), *map(po.entry_text, obsolete)]
    return PageUpdateText(_header(old.header, page.header), old.locale or page.locale, old.header_comments,
                          texts, reviewed, counts, lookups)  # type: ignore[arg-type]


def _copy_in_place(old: LazyCatalog, page: PageEntries, chunks: list[str | None], counts: dict[str, int]
                   ) -> tuple[int, list[int]]:
    """`update_page_text`'s loop for the entries a page with the old catalog's sources copies (most entries of a
    handoff): the handoff's own where the old entry was plain, the review where it kept one as is. Fills
    their `chunks` and `counts`; returns how many written entries are reviewed, and the indexes left."""
    texts, kept, left = page.texts, old.reviewed, []
    targets, new_targets = old.targets, page.targets
    handoff = reviews = 0
    for k, plain in enumerate(old.plain):
        # a plain entry holds the vendor's translation, unless a person changed it (and the flag was lost)
        if plain and (targets[k] == new_targets[k] or not old.by_person(k)):
            chunks[k] = texts[k]  # the handoff's entry, as `_from_handoff` gives it
            handoff += 1
        elif (target := kept.get(k)) is not None:  # a review without comments or flags, as `_carry` keeps it
            chunks[k] = page.reviewed_text(k, target)
            reviews += 1
        else:
            left.append(k)
    counts["handoff"] += handoff
    counts["kept"] += reviews
    if page.machine_translated:  # its entries are fuzzy: none of the handoff's is reviewed
        return reviews, left
    return reviews + sum(page.reviewed(k) for k, text in enumerate(chunks) if text is texts[k]), left


def offer_lookups(result: PageUpdateText, memory: Memory, *, threshold: float = DEFAULT_THRESHOLD, where: str = ""
                  ) -> PageUpdateText:
    """`result`, computed without a memory, given the memory's offers for its `lookups` (in place): what
    `update_page_text` gives when given `memory` in the first place."""
    for k, entry in result.lookups:
        offered, outcome = _offer(entry, memory, threshold, where)
        if offered is not entry:
            result.chunks[k] = po.entry_text(offered)
            result.counts["handoff"] -= 1
            result.counts[outcome] += 1
            result.reviewed += offered.reviewed - entry.reviewed
    result.lookups = []
    return result


def _take(before: Entry | None, new: Entry, score: float, memory: Memory | None, threshold: float, where: str,
          returned: dict[str, Offer] | None = None) -> tuple[Entry, str, bool]:
    """`_carry`, then the catalog's own obsolete review of the same source (`returned`), then the memory's
    offer for what it leaves open; True when that needed a memory not given."""
    entry, outcome = _carry(before, new, score)
    if outcome != "lookup":
        return entry, outcome, False
    own = returned.get(new.source) if returned else None
    if own is not None:
        entry, outcome = _offer(entry, Memory([own]), threshold, where)
        if outcome != "handoff":
            return entry, outcome, False
    if memory is None:
        return entry, "handoff", True
    entry, outcome = _offer(entry, memory, threshold, where)
    return entry, outcome, False


def _obsolete_tail(before: list[Entry], vanished: list[Entry], counts: dict[str, int], drop_obsolete: bool
                   ) -> list[Entry]:
    """The obsolete entries that end the catalog (none with `drop_obsolete`), counted in `counts`: those of the
    old catalog (`before`), then the ones that vanished now."""
    obsolete = _obsolete_entries(before, vanished)
    counts["obsolete"] = len(vanished)
    if drop_obsolete:
        counts["dropped"] = len(obsolete)
        return []
    return obsolete


def _prefer_human(links: list[Link], sources: list[str], human: Callable[[int], bool]) -> list[Link]:
    """Among old entries with the same source, let the human ones take the exact links.

    Alignment pairs duplicates in order, but when a page loses or edits one of two identical sentences,
    the reviewed one must stay as it is while the machine-translated one is the one that goes or changes.
    Swapping two old entries with the same source leaves every score as it was. `human(i)`: `is_human`
    of the i-th old entry.
    """
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for k, link in enumerate(links):
        if link.old is not None and not link.exact and human(link.old):
            waiting[sources[link.old]].append(k)
    if not waiting:
        return links
    links = list(links)
    for k, link in enumerate(links):
        if not link.exact or link.old is None or human(link.old):
            continue
        queue = waiting.get(sources[link.old])
        if queue:
            j = queue.popleft()
            other = links[j]
            links[k] = Link(other.old, link.new, link.score)
            links[j] = Link(link.old, other.new, other.score)
    return links


def _carry(before: Entry | None, new: Entry, score: float) -> tuple[Entry, str]:
    """The entry for one aligned pair and its outcome; "lookup" means: ask the memory, else take `new`."""
    if before is None:
        return new, "lookup"
    if before.source == new.source:
        if before.reviewed:
            return _made(new, before.target, False, before.flags, before.comments, _notes(new, before), None), "kept"
        if is_human(before) and not (before.target == new.target and _plain(before)):
            return _made(new, before.target, True, _with(before.flags, HUMAN_FLAG), before.comments,
                         _notes(new, before), before.previous_source), "pending"
        return _from_handoff(new, before, _notes(new, before)), "handoff"
    if is_human(before) and not vendor_ht(before):
        translated = before.previous_source if before.fuzzy and before.previous_source else before.source
        return _made(new, before.target, True, _with(before.flags, HUMAN_FLAG), before.comments, _notes(new, before),
                     translated if translated != new.source else None), "carried"
    return _from_handoff(new, before), "lookup"


def _plain(entry: Entry) -> bool:
    """No translator comment, flag or `tm:` note: a fuzzy entry like this whose msgstr is the new handoff's is
    the handoff's entry, whoever wrote it (the same text; `update_page_text` copies it without building it)."""
    return not entry.comments and not entry.flags and not any(n.startswith(NOTE_PREFIX) for n in entry.notes)


def _made(new: Entry, target: str, fuzzy: bool, flags: tuple[str, ...], comments: tuple[str, ...],
          notes: tuple[str, ...], previous: str | None) -> Entry:
    """`new` with another translation (built directly: `dataclasses.replace` is slow for 400,000 entries)."""
    return Entry(new.id, new.source, target, fuzzy, flags, previous, None, comments, notes, new.references, False,
                 new.line)


def _from_handoff(new: Entry, before: Entry, notes: tuple[str, ...] | None = None) -> Entry:
    """The handoff's entry, with the old entry's translator comments and flags (and `notes` if given)."""
    notes = new.notes if notes is None else notes
    if not before.comments and not before.flags and notes is new.notes:
        return new
    return _made(new, new.target, new.fuzzy, _without(before.flags, HUMAN_FLAG), before.comments, notes, None)


def _notes(new: Entry, before: Entry) -> tuple[str, ...]:
    """The page's notes, then the `tm:` notes the old entry carried (offers, where a translation came from);
    a note keeping the handoff's translation shows the new handoff's."""
    if not before.notes or not any(n.startswith(NOTE_PREFIX) for n in before.notes):
        return new.notes
    carried = tuple(n if not n.startswith(HANDOFF_NOTE) else handoff_note(new.target)
                    for n in before.notes if n.startswith(NOTE_PREFIX))
    return new.notes + carried


def _offer(new: Entry, memory: Memory, threshold: float, where: str) -> tuple[Entry, str]:
    """The handoff's entry `new` with the memory's offer: a reviewed translation of the same source takes the
    msgstr of an MT entry (fuzzy, the handoff's translation kept in a note); any other offer (a similar source,
    or an HT page) is a note beside the handoff's translation (see `tm.offers`)."""
    found = memory.lookup(new.source, threshold=threshold, where=where)
    if found is None or found[0].target == new.target:
        return new, "handoff"
    offer, score = found
    if score == 1.0 and (new.fuzzy or not new.target):  # machine translation, or none
        notes: tuple[str, ...] = (f"{NOTE_PREFIX}reviewed translation of this source in {offer.where}",)
        if new.target:
            notes += (handoff_note(new.target),)
        return replace(new, target=offer.target, fuzzy=True, flags=_with(new.flags, HUMAN_FLAG),
                       notes=new.notes + notes), "offered"
    note = offer_note(score, "reviewed", offer.where, offer.source, offer.target, new.source)
    return replace(new, notes=new.notes + (note,)), "offers"


def _returned(obsolete: list[Entry], where: str) -> dict[str, Offer]:
    """The person's translations among a catalog's obsolete entries, by source: a segment that left a handoff
    and comes back gets its review again (as msgmerge revives an obsolete entry whose msgid returns), through
    the rule for a review of the same source elsewhere (`_offer`)."""
    found: dict[str, Offer] = {}
    for entry in obsolete:
        if is_human(entry) and not entry.plural:
            found.setdefault(entry.source, Offer(entry.source, entry.target,
                                                 f"the obsolete entries of {where or 'this catalog'}"))
    return found


def _obsolete(entry: Entry) -> Entry:
    return replace(entry, obsolete=True, notes=(), references=())


def _obsolete_entries(before: list[Entry], vanished: list[Entry]) -> list[Entry]:
    """The old catalog's obsolete entries, then the newly vanished ones, each (id, source, target) once."""
    seen: set[tuple[str, str, str]] = set()
    out = []
    for entry in before + vanished:
        key = (entry.id, entry.source, entry.target)
        if key not in seen:
            seen.add(key)
            out.append(entry)
    return out


def obsolete_catalog(old: Catalog, *, drop_obsolete: bool = False) -> PageUpdate:
    """The catalog of a page that left the handoff: every entry obsolete (reviews kept), or none at all."""
    counts = dict.fromkeys(OUTCOMES, 0)
    counts["obsolete"] = len(old.active)
    entries = _obsolete_entries(old.obsolete, [_obsolete(e) for e in old.active])
    if drop_obsolete:
        counts["dropped"] = len(entries)
        entries = []
    header = {k: v for k, v in old.header.items() if k != "X-Tm-Update"}
    return PageUpdate(Catalog(entries, header, old.locale, old.page, old.header_comments), counts)


def _header(old: dict[str, str], fresh: dict[str, str]) -> dict[str, str]:
    """The old header in its order, with the page's fields (handoff, dates, X-Ms-*) from the new page."""
    if not old:
        return dict(fresh)
    out: dict[str, str] = {}
    for key, value in old.items():
        if not _is_page_field(key):
            out[key] = value
        elif key in fresh:
            out[key] = fresh[key]
    for key, value in fresh.items():
        out.setdefault(key, value)
    return out


def _is_page_field(key: str) -> bool:
    return key in _PAGE_FIELDS or key.startswith("X-Ms-")


def _with(flags: tuple[str, ...], flag: str) -> tuple[str, ...]:
    return flags if flag in flags else flags + (flag,)


def _without(flags: tuple[str, ...], flag: str) -> tuple[str, ...]:
    return tuple(f for f in flags if f != flag)
