"""Review packages: send out the entries of a catalog tree that need a person's eyes, and bring the reviewed
ones home.

`pack_catalog` turns one tree catalog into a package catalog holding only its unreviewed entries (fuzzy or
empty), each fuzzy, with the previous source (`#| msgid`) and, when known, the previous translation in an
extracted comment. Every package entry carries a mark, an extracted comment

    tm review: digest=3f2a9c0b1d2e id=ab001-100 page=d0/page-1.md

naming where it belongs (also in the `X-Page` header and `msgctxt`, which some converters drop: po2xliff keeps
extracted comments but not `msgctxt`) and a digest of the tree entry as it was when packed.

`apply_reviews` brings back what a reviewer accepted (not fuzzy, msgstr set) into a tree catalog: matched by
pair id, else by the same source in the page. An entry whose digest differs from the tree entry's now has
changed in the tree since the package was made: it is a conflict and the tree entry is left alone. The digest
covers the source, the review state and the translation unless that translation is plain machine translation
(fuzzy, no previous source, no offer of `tm update`): a newer handoff replacing MT by newer MT does not make a
reviewer's work stale, a changed source or someone else's review does.

Pure functions over catalogs; the files of `tm review` are read and written by `tm.jobs.outputs`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from tm.align import DEFAULT_THRESHOLD, similarity
from tm.model import NOTE_PREFIX, Catalog, Entry

__all__ = ["MARK", "Outcome", "Returned", "apply_reviews", "entry_digest", "moved_hint", "needs_review", "pack_catalog",
           "package_sources", "returned_entries"]

MARK = "tm review: "
_MARK = re.compile(r"tm review: digest=([0-9a-f]+) id=(\S*) page=([^\n]+)")
_PREVIOUS = "previous translation: "
_UPDATE_STAMP = "X-Tm-Update"  # `tm update`'s record of the tree catalog: not the package's


def entry_digest(entry: Entry) -> str:
    """12 hex digits over what a review depends on: the source, the state, and a translation that is a person's.

    >>> mt = Entry("a-1", "Close.", "Fermez.", fuzzy=True)
    >>> entry_digest(mt) == entry_digest(replace(mt, target="Fermer."))
    True
    >>> entry_digest(mt) == entry_digest(replace(mt, source="Close it."))
    False
    """
    machine = entry.fuzzy and entry.previous_source is None and not any(
        n.startswith(NOTE_PREFIX) for n in entry.notes)
    state = "reviewed" if entry.reviewed else "pending"
    text = "\0".join((entry.source, state, "" if machine else entry.target))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def needs_review(entry: Entry) -> bool:
    """An active entry nobody has reviewed: fuzzy (machine translation, a carried-forward guess) or empty."""
    return not entry.obsolete and not entry.reviewed


def pack_catalog(catalog: Catalog, page: str, *, ids: Iterable[str] | None = None,
                 previous: dict[str, str] | None = None) -> Catalog | None:
    """The package catalog of one tree catalog: its entries that need review (only those of `ids` if given),
    or None when there are none. `previous` maps a pair id to the translation it had before (`tm diff`)."""
    wanted = None if ids is None else set(ids)
    entries = [_package_entry(e, page, (previous or {}).get(e.id)) for e in catalog.active
               if needs_review(e) and (wanted is None or e.id in wanted)]
    if not entries:
        return None
    header = {k: v for k, v in catalog.header.items() if k != _UPDATE_STAMP} or {
        "MIME-Version": "1.0", "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit"}
    header["X-Page"] = page
    return Catalog(entries, header, catalog.locale, page, catalog.header_comments)


def _package_entry(entry: Entry, page: str, previous_target: str | None) -> Entry:
    notes = [n for n in entry.notes if not n.startswith(MARK)]
    notes.append(f"{MARK}digest={entry_digest(entry)} id={entry.id} page={page}")
    if previous_target is not None and previous_target != entry.target:
        notes.append(_PREVIOUS + previous_target.replace("\r", "\\r").replace("\n", "\\n"))
    return replace(entry, fuzzy=True, notes=tuple(notes), previous_id=None, line=0)


@dataclass(frozen=True, slots=True)
class Returned:
    """A reviewed entry of a package that came back: where it belongs, what the reviewer wrote, and where it
    was read (`path:line`, for messages)."""

    page: str
    id: str
    source: str
    target: str
    digest: str
    comments: tuple[str, ...]
    where: str


def returned_entries(catalog: Catalog, path: str) -> tuple[list[Returned], int, list[str]]:
    """The reviewed entries of a package catalog, how many marked entries it holds, and the `path:line` of
    reviewed entries that carry no mark (they cannot be checked against the tree, so they are not applied)."""
    returned: list[Returned] = []
    unmarked: list[str] = []
    marked = 0
    for entry in catalog.active:
        found = next((m for n in entry.notes for m in [_MARK.search(n)] if m), None)
        marked += found is not None
        if not entry.reviewed or _is_gettext_header(entry):
            continue
        where = f"{path}:{entry.line}"
        if found is None:
            unmarked.append(where)
            continue
        digest, pair_id, page = found.groups()
        returned.append(Returned(page.strip(), entry.id if entry.id == pair_id else pair_id, entry.source,
                                 entry.target, digest, entry.comments, where))
    return returned, marked, unmarked


def package_sources(catalog: Catalog) -> dict[str, list[str]]:
    """The sources of every marked entry of a package catalog, reviewed or not, by the page its marks name: what
    the page held for review, which `tm review apply` looks for in the tree when the page is gone (a rename)."""
    pages: dict[str, list[str]] = {}
    for entry in catalog.active:
        found = next((m for n in entry.notes for m in [_MARK.search(n)] if m), None)
        if found is not None:
            pages.setdefault(found.group(3).strip(), []).append(entry.source)
    return pages


def _is_gettext_header(entry: Entry) -> bool:
    """The PO header that po2xliff turns into a unit of its own."""
    return "Content-Type:" in entry.source and entry.source == entry.target and "\n" in entry.source


@dataclass(slots=True)
class Outcome:
    """What applying a package did: `(where, id)` of the applied entries, and `(where, reason)` of the others."""

    applied: list[tuple[str, str]]
    conflicts: list[tuple[str, str]]
    unmatched: list[tuple[str, str]]
    unchanged: int = 0
    renamed: dict[str, str] = field(default_factory=dict)  # a package page gone from the tree → the page it became


def apply_reviews(catalog: Catalog, returned: list[Returned], outcome: Outcome,
                  threshold: float = DEFAULT_THRESHOLD) -> Catalog | None:
    """`catalog` with the returned reviews applied (None when nothing changed), adding to `outcome`."""
    entries = list(catalog.entries)
    claimed: set[int] = set()
    changed = False
    for item in returned:
        index, reason = _match(entries, item, claimed, threshold)
        if index is None:
            (outcome.conflicts if reason.startswith("conflict") else outcome.unmatched).append((item.where, reason))
            continue
        claimed.add(index)
        entry = entries[index]
        if entry.reviewed and entry.target == item.target:
            outcome.unchanged += 1
            continue
        if entry_digest(entry) != item.digest:
            outcome.conflicts.append((item.where, f"conflict: {entry.id}: {_how_changed(entry, item)}"))
            continue
        entries[index] = _reviewed(entry, item)
        outcome.applied.append((item.where, entry.id))
        changed = True
    return replace(catalog, entries=entries) if changed else None


def _match(entries: list[Entry], item: Returned, claimed: set[int], threshold: float) -> tuple[int | None, str]:
    """The index of the tree entry `item` belongs to: same id, else the same source (an unclaimed one, the
    one of the same digest first); else why not (a similar source means the source changed: a conflict)."""
    active = [i for i, e in enumerate(entries) if not e.obsolete and i not in claimed]
    by_id = [i for i in active if entries[i].id == item.id]
    if by_id:
        return by_id[0], ""
    same = [i for i in active if entries[i].source == item.source]
    if same:
        return next((i for i in same if entry_digest(entries[i]) == item.digest), same[0]), ""
    if any(similarity(entries[i].source, item.source) >= threshold for i in active):
        return None, f"conflict: {item.id}: its source changed in the tree since it was packed"
    if any(e.obsolete and item.source == e.source for e in entries):
        return None, f"{item.id}: obsolete in the tree (the segment left the handoff; {moved_hint(item.page)})"
    return None, f"{item.id}: no entry of this id or source in {item.page}"


def moved_hint(page: str) -> str:
    """How to apply the reviews of a page to the page its segments went to: `_match` finds entries by page."""
    return f"if it moved to another page, replace page={page} by page=NEW in the package's tm review: comments and " \
           "apply again"


def _how_changed(entry: Entry, item: Returned) -> str:
    if entry.source != item.source:
        return "its source changed in the tree since it was packed"
    if entry.reviewed:
        return "reviewed in the tree since it was packed (left as it is)"
    return "its translation changed in the tree since it was packed"


def _reviewed(entry: Entry, item: Returned) -> Entry:
    """The tree entry as the reviewer left it: their translation, not fuzzy, no previous source, no offer note."""
    notes = tuple(n for n in entry.notes if not n.startswith((NOTE_PREFIX, MARK)))
    return replace(entry, target=item.target, fuzzy=False, previous_source=None, previous_id=None,
                   flags=tuple(f for f in entry.flags if f != "fuzzy"), notes=notes,
                   comments=item.comments or entry.comments)
