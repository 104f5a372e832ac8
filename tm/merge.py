"""Catalogs × pages → page texts: put reviewed translations back into the handoff pages. Nothing here writes files.

Only reviewed entries (not fuzzy, not empty) replace the page's own translation; a reviewed entry whose msgid
no longer equals the page's source for that id is stale (the English changed since it was reviewed): it is
not applied, and is reported so nobody's review silently disappears. Unreviewed entries are never applied,
so they are neither stale nor counted: the page's own machine translation is the newer one.

A reviewed translation holding a character no page may hold (a NUL, another control character) is not
applied either: it is listed in `PageMerge.unwritable`, and the caller must not write that page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import methodcaller

from tm.model import Catalog, Entry, Page
from tm.page import Mode, render_page
from tm.page.pairs import PairView
from tm.page.parse import PAIR, all_paired
from tm.page.render import BOM


@dataclass(frozen=True, slots=True)
class Stale:
    """A catalog entry that no longer matches its page: where it is, and both sources."""

    id: str
    line: int
    catalog_source: str
    page_source: str


@dataclass(frozen=True, slots=True)
class Refused:
    """A reviewed entry the caller's gate turned down (e.g. it fails an error-level QA check), and why."""

    id: str
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class Unwritable:
    """A reviewed entry whose translation holds a character no page may hold (`char`, the first of them)."""

    id: str
    line: int
    char: str


# What a page may not hold: the characters outside YAML 1.2's printable set (C0 and C1 controls except tab,
# line feed, carriage return and NEL; DEL; lone surrogates; U+FFFE, U+FFFF). A NUL makes extract read the
# page as binary, a surrogate cannot be encoded, the others make a `.yml` page invalid YAML. All of them are
# outside `str.isprintable()`, which is checked first (nearly free, where the regex is not).
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclass(slots=True)
class PageMerge:
    """The merged text of one page and what went into it."""

    text: str
    applied: int = 0
    stale: list[Stale] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    unknown: int = 0  # reviewed entries whose pair id the page does not have
    first_unknown: Entry | None = None
    unwritable: list[Unwritable] = field(default_factory=list)  # when any, the page must not be written


Gate = Callable[[Entry], "str | None"]


def merge_page(page: Page, catalog: Catalog | None, mode: Mode = Mode.TARGET, *, gate: Gate | None = None
               ) -> PageMerge:
    """Render `page` in `mode` with the reviewed translations of `catalog` (the page's own targets elsewhere).

    `gate`, when given, sees each reviewed entry before it is applied and returns a reason to refuse it
    (or None); a refused entry leaves the page's own translation in place.

    >>> from tm.page import parse_page
    >>> from tm.model import Catalog, Entry
    >>> page = parse_page("p.md", '<span data-ttu-id="a-1">Bonjour</span><span class="sxs-lookup">'
    ...                    '<span data-stu-id="a-1">Hello</span></span>!').page
    >>> merge_page(page, Catalog([Entry("a-1", "Hello", "Salut")])).text
    'Salut!'
    >>> merge_page(page, Catalog([Entry("a-1", "Hello", "Salut", fuzzy=True)])).text
    'Bonjour!'
    """
    if catalog is None or not page.pairs or not any(entry.reviewed for entry in catalog.entries):
        return PageMerge(render_page(page, mode))
    result = PageMerge("")
    pairs = PairView.of(page)
    targets = choose_targets(catalog, dict(zip(pairs.ids(), pairs.sources())), result, gate)
    result.text = render_page(page, mode, targets)
    return result


def merge_unreviewed(text: str, catalog: Catalog | None, mode: Mode = Mode.TARGET, *, bom: bool = False
                     ) -> PageMerge | None:
    """`merge_page` of a page's text when `catalog` has no reviewed entry (or is None), the common case of a
    merge: the page with its own translations, by one regex substitution over the text instead of a parse.
    None when there is something to apply, or when some span is in no pair (parse the page: it says which).

    >>> merge_unreviewed('<span data-ttu-id="a-1">Bonjour</span><span class="sxs-lookup">'
    ...                  '<span data-stu-id="a-1">Hello</span></span>!', None).text
    'Bonjour!'
    """
    if catalog is not None and any(entry.reviewed for entry in catalog.entries):
        return None
    rendered, found = PAIR.subn(_OWN[mode], text)
    if not all_paired(text, found):
        return None
    return PageMerge(BOM + rendered if bom else rendered)


# What stands for each pair when nothing changes; `methodcaller` keeps `re.subn` in C.
_OWN = {Mode.TARGET: methodcaller("group", "target"), Mode.SOURCE: methodcaller("group", "source"),
        Mode.BILINGUAL: methodcaller("group", 0)}


def choose_targets(catalog: Catalog, sources: dict[str, str], result: PageMerge, gate: Gate | None = None
                   ) -> dict[str, str]:
    """The reviewed translations to apply, by pair id, given the page's sources by id; counts the rest in `result`."""
    targets: dict[str, str] = {}
    for entry in catalog.entries:
        if not entry.reviewed:
            continue
        page_source = sources.get(entry.id)
        if page_source is None:
            result.unknown += 1
            result.first_unknown = result.first_unknown or entry
        elif entry.source != page_source:
            result.stale.append(Stale(entry.id, entry.line, entry.source, page_source))
        elif not entry.target.isprintable() and (bad := _UNWRITABLE.search(entry.target)) is not None:
            result.unwritable.append(Unwritable(entry.id, entry.line, bad.group()))
        else:
            reason = gate(entry) if gate is not None else None
            if reason is None:
                targets[entry.id] = entry.target
            else:
                result.refused.append(Refused(entry.id, entry.line, reason))
    result.applied = len(targets)
    return targets
