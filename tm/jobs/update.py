"""`run_update`: a catalog tree carried forward to a new handoff, in two passes over worker processes.

1. every page with a catalog is updated and staged, except those with a segment that could take a reviewed
   translation from elsewhere in the tree: those come back updated but for these offers; meanwhile the
   reviewed entries of all catalogs are collected, and added pages and orphaned catalogs are set aside
   (`tm.jobs.update_page.FirstPass`);
2. with the tree's memory complete (and pages renamed detected by content), the pending pages get their
   offers, and the set-aside pages are done (`SecondPass`, which holds the memory).

Each catalog is read once in the common case and written only when its bytes change, so a second run
writes nothing. A `Planner` (`tm.jobs.update_record`, for a handoff read from git) may say beforehand which
pages and catalogs the update would leave as they are (`Settled`): they are not read, and their share of what
pass 1 learns (counts, reviews for the memory) is taken from it, so the run gives the same catalogs. The tree
is locked for the run, and the staged catalogs are committed together once both passes are done, unless the
update is refused (`tm.jobs.tree`: lock, staging, refusals).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Protocol, TypeVar

from tm.align import DEFAULT_THRESHOLD, match_pages
from tm.catalogs import catalog_relpath
from tm.jobs.pages import where
from tm.jobs.pool import freeze, gc_paused
from tm.jobs.tree import Losses, Staging, TreeLock, catalog_stats, page_key, refusals, tree_catalogs, tree_locale, under
from tm.jobs.update_page import FirstPass, FirstResult, Item, ReviewsJob, SecondPass, SecondResult, SetAside, Written
from tm.sources import Source, deferred
from tm.update import OUTCOMES, Memory, Reviews

__all__ = ["Orphan", "PassMap", "Planner", "Settled", "UpdateOptions", "UpdateSummary", "run_update", "second_items",
           "serial_map", "tree_memory"]

T = TypeVar("T")
R = TypeVar("R")


class PassMap(Protocol):
    """`map` over one pass of the update (as `tm.diff.Mapper`), told how many items come and what the pass
    does (`update`, `memory`), for a progress bar."""

    def __call__(self, func: Callable[[T], R], items: Iterable[T], /, *, total: int, label: str) -> Iterable[R]: ...


def serial_map(func: Callable[[T], R], items: Iterable[T], /, *, total: int, label: str) -> Iterable[R]:
    """The `PassMap` of a run in this process."""
    return map(func, items)


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateOptions:
    """How to update: the least similarity of an edited segment, whether obsolete entries (and the catalogs
    of pages that left) are removed, whether a refused update is committed anyway, and how messages name
    the handoff (its directory or revision)."""

    threshold: float = DEFAULT_THRESHOLD
    drop_obsolete: bool = False
    force: bool = False
    shown: str = ""


@dataclass(frozen=True, slots=True)
class Settled:
    """Pages and catalogs an update is known to leave as they are (their stamps hold for the handoff's pages):
    their page keys (`page_key`), what pass 1 would count of them (catalogs, those with a page in the
    handoff, their reviewed entries), and the catalogs among them whose reviews the memory needs: known, or
    to read."""

    keys: frozenset[str] = frozenset()
    catalogs: int = 0
    with_pages: int = 0
    reviewed: int = 0
    unread: tuple[str, ...] = ()
    known: tuple[Reviews, ...] = ()  # the reviews of settled catalogs, as `ReviewsJob` read them before


class Planner(Protocol):
    """What `run_update` asks, under the tree's lock, of a handoff whose unchanged pages it need not read."""

    def plan(self, by_page: dict[str, str], stats: dict[str, tuple[int, int]], skip: list[str]
             ) -> tuple[Source, Settled]:
        """The pages to read, and what is settled, given the tree's catalogs (`{page key: path}`, and
        `{path: (mtime_ns, size)}`)."""
        ...

    def stage(self, staging: Staging) -> None:
        """Stage what the tree records with the catalogs (committed with them)."""
        ...

    def record(self, summary: UpdateSummary) -> None:
        """After the commit: remember what the next update need not read."""
        ...


@dataclass(slots=True)
class UpdateSummary:
    """What an update did to the catalog tree `tree` (nothing written when `refused`), and the messages of its run
    in the order they were met: `errors` (refusals last) and `warnings`."""

    tree: str
    pages: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    files_written: int = 0
    files_unchanged: int = 0
    files_deleted: int = 0
    pages_added: list[str] = field(default_factory=list)
    pages_removed: list[str] = field(default_factory=list)
    pages_renamed: dict[str, str] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    losses: Losses = field(default_factory=Losses)
    deletes: list[str] = field(default_factory=list)
    pages_read: int = 0  # pages of the handoff read (all of them, unless a `Planner` settled some)
    incremental: bool = False  # some pages were settled without being read
    done: set[str] = field(default_factory=set)  # page keys of pass 1's items
    failed: set[str] = field(default_factory=set)  # page keys whose catalog an error left as it was
    reviews_read: list[Reviews] = field(default_factory=list)  # of the catalogs pass 1 did not read
    spared: dict[str, tuple[int, bool]] = field(default_factory=dict)  # page key → (reviewed, unread) of a
    # catalog pass 1 found up to date by its stamp
    seen: dict[str, tuple[int, int]] = field(default_factory=dict)  # catalog path → (mtime_ns, size) when listed

    def add(self, relpath: str, errors: list[str], done: Written | None) -> None:
        """A page's final outcome (pass 1 if not set aside, else pass 2)."""
        self.errors += errors
        if errors:
            self.failed.add(page_key(relpath))
        if done is None:
            return
        for key, n in done.counts.items():
            self.counts[key] += n
        self.files_written += done.written
        self.files_unchanged += done.unchanged
        self.files_deleted += done.deleted
        self.pages += done.pages
        self.losses.lost += done.lost
        self.deletes += done.deletes

    def settle(self, settled: Settled) -> None:
        """What pass 1 would have learnt of the settled pages: each catalog unchanged, as its stamp says."""
        self.incremental = bool(settled.keys)
        self.pages += settled.catalogs
        self.files_unchanged += settled.catalogs
        self.losses.reviewed += settled.reviewed
        self.losses.pages_with_pairs += settled.with_pages

    def note(self, first: FirstResult) -> None:
        """What pass 1 learnt of every page and catalog: pairs, declared locale, reviews before the update."""
        survey = first.survey
        self.losses.reviewed += survey.reviewed
        self.losses.pages_with_pairs += survey.pairs
        if survey.other_locale:
            self.losses.other_locales.setdefault(survey.other_locale, []).append(first.relpath)

    def to_json(self) -> dict[str, object]:
        return {"pages": self.pages, "entries": self.counts, "files_written": self.files_written,
                "files_unchanged": self.files_unchanged, "files_deleted": self.files_deleted,
                "pages_added": self.pages_added, "pages_removed": self.pages_removed,
                "pages_renamed": self.pages_renamed, "refused": bool(self.refused), "errors": self.errors,
                "pages_read": self.pages_read, "incremental": self.incremental}


def run_update(base: str, pages: Source, *, options: UpdateOptions = UpdateOptions(), pmap: PassMap = serial_map,
               more_reviews: Sequence[Reviews] = (), planner: Planner | None = None) -> UpdateSummary:
    """Update the catalog tree `base` (one locale's, as `tm.jobs.tree.update_root` finds it) to the handoff
    `pages`; `pmap` may run the pages in parallel. `more_reviews` are reviewed translations from outside the
    tree (a memory database, another tree), offered where the tree's own have none; `planner` settles the
    pages that need not be read. Nothing is written unless both passes are done and the update is not refused
    (`tm.jobs.tree.refusals`, unless `options.force`)."""
    locale = tree_locale(base)
    first = FirstPass(base, options.threshold, options.drop_obsolete, options.shown, locale, None)
    summary = UpdateSummary(base)
    with TreeLock(base):
        staging = Staging(base)
        recovered = staging.recover()
        if recovered:
            summary.warnings.append(f"{base}: {recovered}")
        try:
            _passes(first, pages, pmap, summary, more_reviews, planner)
        except BaseException:
            staging.discard()
            raise
        if not options.force:
            summary.refused = refusals(summary.losses, tree=base, shown=options.shown, locale=locale,
                                       removed=summary.pages_removed, drop=options.drop_obsolete)
        summary.errors += summary.refused
        if summary.refused:
            staging.discard()
            summary.files_written = summary.files_deleted = 0
        else:
            if planner is not None:
                planner.stage(staging)
            changed = staging.commit(summary.deletes, seen=summary.seen)
            summary.errors += [f"{path}: saved by someone else while the update ran (in an editor?); nothing "
                               "written, run the update again" for path in changed]
            if changed:
                summary.files_written = summary.files_deleted = 0
            elif planner is not None:
                planner.record(summary)
    return summary


def _passes(first: FirstPass, source: Source, pmap: PassMap, summary: UpdateSummary, more: Sequence[Reviews],
            planner: Planner | None = None) -> None:
    """Both passes (see the module docstring), catalogs staged, what they did added to `summary`."""
    by_page, skip, problems = tree_catalogs(first.base, source)
    summary.errors += problems
    summary.seen = catalog_stats(by_page.values())  # before any is read: `Staging.commit` compares
    settled = Settled()
    if planner is not None:
        source, settled = planner.plan(by_page, summary.seen, skip)
        summary.settle(settled)
    later: list[FirstResult] = []
    collected: list[Reviews] = []
    unread: list[str] = list(settled.unread)
    clashes: list[str] = []
    total = len(source) + max(0, len(by_page) - len(settled.keys) - len(source))
    pages = _items(source, by_page, skip, first.shown, clashes, settled.keys, summary)
    for done in pmap(first, pages, total=total, label="update"):
        summary.note(done)
        if done.survey.reviews is not None:
            collected.append(done.survey.reviews)
        if done.survey.unread:
            unread.append(by_page[page_key(done.relpath)])
        if done.later is not None:
            summary.errors += done.errors
            if done.errors:
                summary.failed.add(page_key(done.relpath))
            later.append(done)
        else:
            summary.add(done.relpath, done.errors, done.written)
            if done.written is not None and done.written.unchanged and done.survey.reviews is None:
                summary.spared[page_key(done.relpath)] = (done.survey.reviewed, done.survey.unread)
    summary.errors += clashes
    if later:  # the memory needs the reviews of the catalogs pass 1 did not read
        collected.extend(settled.known)
    if later and unread:
        summary.reviews_read = list(pmap(ReviewsJob(first.base), unread, total=len(unread), label="memory"))
        collected.extend(summary.reviews_read)
    second = SecondPass(first.base, first.threshold, first.drop_obsolete, first.shown, first.locale,
                        tree_memory(collected, prepare=bool(later), more=more))
    items = list(second_items(later, by_page, summary))
    result: SecondResult
    for result in pmap(second, items, total=len(items), label="update"):
        summary.add(result.relpath, result.errors, result.written)


def _items(source: Source, by_page: dict[str, str], skip: list[str], shown: str, clashes: list[str],
           settled: frozenset[str], summary: UpdateSummary) -> Iterator[Item]:
    """The pages of pass 1, then the catalogs whose page is not in the handoff, but for the `settled` ones;
    two pages of one catalog name (`P.md`, `P.MD`) are a clash, recorded in `clashes`. Their page keys go
    to `summary.done` (and `failed`), the pages read are counted."""
    seen: dict[str, str] = {}
    for relpath, data in deferred(source):
        key = page_key(relpath)
        if under(key, skip):
            continue
        summary.done.add(key)
        if key in seen:
            clashes.append(f"{where(shown, relpath)}: its catalog {catalog_relpath(relpath)} is also the catalog "
                           f"of {seen[key]}; not updated (rename one of the two pages)")
            summary.failed.add(key)
            continue
        seen[key] = relpath
        summary.pages_read += 1
        yield Item(relpath, data, by_page.get(key))
    for relpath, path in by_page.items():
        if relpath not in seen and relpath not in settled and not under(relpath, skip):
            summary.done.add(relpath)
            yield Item(relpath, None, path)


def tree_memory(collected: list[Reviews], *, prepare: bool, more: Sequence[Reviews] = ()) -> Memory:
    """The memory of the tree's reviews (`collected`, emptied on the way) in tree order, then of `more`
    (the first offer of a source wins); its similarity index built now when `prepare` (before the workers
    fork, so that they share it). It lives as long as the run, so it is kept out of the garbage collector's
    sight."""
    collected.sort(key=itemgetter(0))  # by `where`: tree order, however the passes went
    with gc_paused():
        memory = Memory.of_reviews(chain(collected, more))
        collected.clear()  # the memory holds what it needs: the rest goes before the index is built
        if prepare and len(memory):
            memory.prepare()
        freeze()
    return memory


@dataclass(frozen=True, slots=True)
class Orphan:
    """The catalog of a page an earlier step removed (`tm sync` keeps it, as it was, under `.tm/orphans/`):
    its file, its sources (to pair it with an added page by content), and the catalog the page left behind
    in the tree (obsolete), if any, which goes when the orphan is adopted."""

    catalog: str
    sources: list[str]
    left_behind: str | None = None


def second_items(later: list[FirstResult], by_page: dict[str, str], summary: UpdateSummary, *,
                 renames: Mapping[str, str] | None = None, orphans: Mapping[str, Orphan] | None = None
                 ) -> Iterator[Item]:
    """The set-aside pages: renames paired by content (then by `renames`, `{old: new}` as git found them,
    among the pages content leaves), added pages paired by content with `orphans` (`{page: Orphan}`), then
    new pages, orphaned catalogs, deferred updates."""
    aside: dict[str, SetAside] = {d.relpath: d.later for d in later if d.later is not None}
    added = {p: s for p, s in aside.items() if s.data is not None and by_page.get(page_key(p)) is None}
    removed = {p: s for p, s in aside.items() if s.data is None and s.pending is None}
    renamed = match_pages({p: s.sources for p, s in removed.items()}, {p: s.sources for p, s in added.items()})
    for old, new in (renames or {}).items():
        if old in removed and new in added and old not in renamed and new not in renamed.values():
            renamed[old] = new
    adopted: dict[str, str] = {}  # added page: the orphan it is
    left = {p: s.sources for p, s in added.items() if p not in renamed.values()}
    if orphans and left:
        for old, new in match_pages({p: o.sources for p, o in orphans.items()}, left).items():
            adopted[new] = old
            renamed[old] = new
    summary.pages_renamed = renamed
    summary.pages_added = sorted(set(added) - set(renamed.values()))
    # A catalog already all obsolete left with an earlier handoff: not removed again.
    summary.pages_removed = sorted(p for p in set(removed) - set(renamed) if removed[p].sources)
    for new, old in adopted.items():
        orphan = (orphans or {})[old]
        if orphan.left_behind is not None:
            summary.deletes.append(orphan.left_behind)
        yield Item(new, added[new].data, orphan.catalog, renamed_from=old)
    for relpath, put in aside.items():
        if relpath in renamed or relpath in adopted:
            continue
        if relpath in renamed.values():
            old_path = next(p for p, n in renamed.items() if n == relpath)
            yield Item(relpath, put.data, by_page[page_key(old_path)], renamed_from=old_path)
        else:
            yield Item(relpath, put.data, by_page.get(page_key(relpath)), pending=put.pending)
