"""The job of `tm update` for one page: its catalog read, updated (`tm.update`) and staged, in a worker.

The same job runs in both passes of an update (`tm.jobs.update`). In pass 1 (`FirstPass`) it has no memory
of the tree's reviews: a page that would take a reviewed translation from elsewhere in the tree is set aside
(`SetAside`), as are added pages and catalogs whose page left (they may be a rename); every other page is
done, and what the pass learnt of the page and its catalog (`Survey`) goes to the memory and the refusals.
In pass 2 (`SecondPass`) the memory is a field of the job, set before the workers fork, and every page is
done (`Written`).

A catalog is written to the tree's staging area (`tm.jobs.tree.Staging`) only when its bytes change, and a
catalog to delete is listed (`Written.deletes`): the parent commits them once the update is not refused.
A PO catalog whose stamp (`tm.jobs.stamp`) says it is up to date is left without being parsed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from tm.catalogs import catalog_relpath
from tm.errors import InputError
from tm.extract import text_entries
from tm.fileio import read_file, write_file
from tm.formats import for_path, po
from tm.jobs.pages import page_bytes, page_model, page_text, where
from tm.jobs.stamp import encode, page_stamp, stamped, stamped_po
from tm.jobs.tree import STAGE_NAME, lost_reviews
from tm.model import LazyCatalog, Page, canonical_locale
from tm.sources import Content
from tm.update import OUTCOMES, Memory, PageUpdateText, Reviews, obsolete_catalog, offer_lookups, reviews, update_page
from tm.update import update_page_text as update_text

__all__ = ["FirstPass", "FirstResult", "Item", "Pending", "ReviewsJob", "SecondPass", "SecondResult", "SetAside",
           "Survey", "Written", "tree_name"]

_KEPT = "; its catalog left as it was"


@dataclass(frozen=True, slots=True)
class Pending:
    """A page pass 1 updated but for the memory's offers (`PageUpdateText.lookups`), its stamp, and the
    reviewed entries its update makes obsolete."""

    result: PageUpdateText
    stamp: str
    lost: int


@dataclass(frozen=True, slots=True)
class Item:
    """One page to update: its bytes or path (None: the page left the handoff), its catalog's path (None:
    the page is new), the page it was renamed from, and the work pass 1 left pending."""

    relpath: str
    data: Content | None
    catalog: str | None
    renamed_from: str = ""
    pending: Pending | None = None


@dataclass(slots=True)
class Written:
    """What became of a page's catalog: the outcome of its entries (`tm.update.OUTCOMES`), the files
    written, left as they were and deleted, and the tree's reviewed entries it made obsolete."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    deleted: int = 0
    lost: int = 0
    deletes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SetAside:
    """A page pass 1 leaves to pass 2: its bytes or path (None: only its catalog is left), its sources (to
    pair renamed pages by content), and the update waiting for offers, if it is done but for them."""

    data: Content | None
    sources: list[str] = field(default_factory=list)
    pending: Pending | None = None


@dataclass(slots=True)
class Survey:
    """What pass 1 learns of a page and its old catalog: its reviewed entries (`reviews`, for the memory;
    `unread` when the stamp spared reading a catalog that has some), and for `tm.jobs.tree.refusals`, how
    many there are, whether the page has pairs and the locale it declares when not the tree's."""

    reviews: Reviews | None = None
    unread: bool = False
    reviewed: int = 0
    pairs: bool = False
    other_locale: str = ""


@dataclass(slots=True)
class FirstResult:
    """Pass 1 of a page: what it learnt, and either the page done (`written`) or set aside (`later`)."""

    relpath: str
    survey: Survey
    errors: list[str]
    written: Written | None = None
    later: SetAside | None = None


@dataclass(slots=True)
class SecondResult:
    """Pass 2 of a page: its catalog done."""

    relpath: str
    errors: list[str]
    written: Written


@dataclass(frozen=True, slots=True)
class _Job:
    """What both passes share: the tree (paths are plain strings: a `Path` per catalog costs), the options,
    the tree's locale when its folder says it (`tm.jobs.tree.tree_locale`), and the memory (pass 2)."""

    base: str
    threshold: float
    drop_obsolete: bool
    shown: str
    locale: str
    memory: Memory | None

    @property
    def final(self) -> bool:
        return self.memory is not None

    def update(self, item: Item, survey: Survey, errors: list[str]) -> Written | SetAside | None:
        """Update one page's catalog; None when it cannot be done (`errors` say why)."""
        if item.pending is not None:
            return self._offer_pending(item, item.pending)
        data: bytes | None = None
        if item.data is not None:
            data = page_bytes(item.data, self._where(item), errors, _KEPT)
            if data is None:
                return None
        raw = self._read_catalog(item.catalog, errors) if item.catalog else None
        if item.catalog and raw is None:
            return None
        stamp = page_stamp(data if data is not None else b"", threshold=self.threshold,
                           drop_obsolete=self.drop_obsolete)  # b"": the page left
        if raw is not None and not self.final and not item.renamed_from:
            reviewed = stamped(raw, stamp)
            if reviewed is not None:  # nothing changed since the last update
                unread = reviewed > 0 or has_obsolete_review(raw)  # obsolete reviews are the memory's too
                survey.unread, survey.reviewed, survey.pairs = unread, reviewed, data is not None
                return Written(pages=1, unchanged=1)
        old = self._decode(item.catalog, raw, errors) if item.catalog and raw is not None else None
        if item.catalog and old is None:
            return None
        if old is not None:  # pass 2 reads it again for a renamed page: `lost_reviews` needs it
            survey.reviews = reviews(old, self._catalog_name(item.catalog or ""))
            survey.reviewed = 0 if self.final else len(survey.reviews.sources)
        if data is None:
            return self._orphan(item, old, raw, survey) if old is not None else None
        given = item.data if isinstance(item.data, str) else data  # set aside as its path when given one
        return self._update_page(item, data, given, old, raw, stamp, survey, errors)

    def _update_page(self, item: Item, data: bytes, given: Content, old: LazyCatalog | None, raw: bytes | None,
                     stamp: str, survey: Survey, errors: list[str]) -> Written | SetAside | None:
        decoded = page_text(item.relpath, data, self._where(item), errors, _KEPT)
        if decoded is None:
            return None
        text, bom = decoded
        if old is not None and item.catalog is not None and item.catalog.endswith(".po"):
            done = self._update_fast(item, text, old, raw, stamp, survey)
            if done is not None:
                return done
        page = page_model(item.relpath, text, bom, self._where(item), errors, _KEPT)
        if page is None or (old is None and not page.pairs):
            return None
        if page.pairs:
            self._check_locale(page.locale, old, survey)
        if old is None and not self.final:
            return SetAside(given, [p.source for p in page.pairs])
        return self._update_model(item, given, page, old, raw, stamp, survey)

    def _update_model(self, item: Item, given: Content, page: Page, old: LazyCatalog | None, raw: bytes | None,
                      stamp: str, survey: Survey) -> Written | SetAside:
        where = self._catalog_name(item.catalog) if item.catalog else ""
        result = update_page(old.catalog() if old else None, page, threshold=self.threshold, memory=self.memory,
                             where=where, drop_obsolete=self.drop_obsolete)
        if result.wants_memory and not self.final:  # pass 2 updates it again, with the memory
            return SetAside(given)
        suffix = item.catalog[item.catalog.rfind("."):] if item.catalog else ".po"
        target = os.path.join(self.base, catalog_relpath(item.relpath, suffix))
        done = self._replace(item, target, encode(target, result.catalog, stamp), result.counts, raw)
        done.lost = lost_reviews(survey.reviews, [pair.source for pair in page.pairs], result.counts)
        return done

    def _check_locale(self, declared: str, old: LazyCatalog | None, survey: Survey) -> None:
        """Note a page with pairs, and the locale it declares when that is not the tree's (or its catalog's)."""
        survey.pairs = True
        expected = self.locale or (old.locale if old is not None else "")
        if declared and expected and declared != expected:
            survey.other_locale = declared

    def _update_fast(self, item: Item, text: str, old: LazyCatalog, raw: bytes | None, stamp: str,
                     survey: Survey) -> Written | SetAside | None:
        """`update_page_text` for a PO catalog whose page `text_entries` takes apart; None: take the model path."""
        assert item.catalog is not None
        page = text_entries(item.relpath, text, locale=old.locale)
        if page is None:
            return None
        if page.sources:
            self._check_locale(canonical_locale(page.header.get("X-Ms-Contentlocale", "")), old, survey)
        result = update_text(old, page, threshold=self.threshold, memory=self.memory,
                             where=self._catalog_name(item.catalog), drop_obsolete=self.drop_obsolete)
        lost = lost_reviews(survey.reviews, page.sources, result.counts)
        if result.wants_memory and not self.final:  # done but for the offers: pass 2 adds them
            return SetAside(None, pending=Pending(result, stamp, lost))
        done = self._write_text(item, result, stamp, raw)
        done.lost = lost
        return done

    def _offer_pending(self, item: Item, pending: Pending) -> Written:
        """Pass 2 of a page pass 1 updated but for the memory's offers: add them, and write the catalog."""
        assert item.catalog is not None
        result = offer_lookups(pending.result, self.memory or Memory([]), threshold=self.threshold,
                               where=self._catalog_name(item.catalog))
        done = self._write_text(item, result, pending.stamp, None)
        done.lost = pending.lost
        return done

    def _write_text(self, item: Item, result: PageUpdateText, stamp: str, raw: bytes | None) -> Written:
        data = stamped_po(result.header, result.header_comments, "".join(result.chunks), result.reviewed, stamp)
        return self._replace(item, os.path.join(self.base, catalog_relpath(item.relpath, ".po")), data,
                             result.counts, raw)

    def _orphan(self, item: Item, old: LazyCatalog, raw: bytes | None, survey: Survey) -> Written | SetAside:
        """A catalog whose page left: in pass 1 set aside (it may be a rename), in pass 2 made obsolete."""
        if not self.final:
            return SetAside(None, old.sources)
        assert item.catalog is not None
        result = obsolete_catalog(old.catalog(), drop_obsolete=self.drop_obsolete)
        if self.drop_obsolete:
            done = Written(result.counts, deleted=1, deletes=[item.catalog])
        else:
            stamp = page_stamp(b"", threshold=self.threshold, drop_obsolete=self.drop_obsolete)
            done = self._put(item.catalog, encode(item.catalog, result.catalog, stamp), raw)
            done.counts = result.counts
        done.lost = len(survey.reviews.sources) if survey.reviews else 0
        return done

    def _replace(self, item: Item, target: str, data: bytes, counts: dict[str, int], raw: bytes | None) -> Written:
        """Write the updated catalog at `target`; the old file goes when the catalog moved (a renamed page)."""
        done = self._put(target, data, raw if item.catalog == target else None, raw)
        done.counts = counts
        if item.catalog is not None and item.catalog != target:
            done.deletes.append(item.catalog)
            done.deleted = 1
        return done

    def _put(self, path: str, data: bytes, raw: bytes | None, like: bytes | None = None) -> Written:
        """Stage `data` for `path` unless the file already holds these very bytes (`raw`). A PO file keeps the
        line ends and BOM of the catalog it replaces (`like`, the old catalog of a renamed page, else `raw`)."""
        if raw is None:
            try:
                raw = read_file(path)
            except OSError:
                raw = None
        like = raw if raw is not None else like
        if like is not None and path.endswith(".po"):
            data = po.with_layout(data, like)
        if raw == data:
            return Written(pages=1, unchanged=1)
        write_file(self._staged(path), data)
        return Written(pages=1, written=1)

    def _staged(self, path: str) -> str:
        """Where the catalog `path` of the tree is staged (`tm.jobs.tree.Staging.path`, without its `relpath`)."""
        return os.path.join(self.base, STAGE_NAME, "files", path[len(os.path.join(self.base, "")):])

    def _read_catalog(self, path: str, errors: list[str]) -> bytes | None:
        try:
            return read_file(path)
        except OSError as exc:
            errors.append(f"{path}: {exc.strerror or 'cannot read'}; catalog left as it was")
            return None

    def _decode(self, path: str, raw: bytes, errors: list[str]) -> LazyCatalog | None:
        """The old catalog; a PO file's entries are built only as the update needs them (`po.read_lazy`)."""
        adapter = for_path(os.path.basename(path))
        try:
            if adapter is None:
                raise InputError(path, None, "not a catalog file (unknown suffix)")
            if adapter is po:
                return po.read_lazy(raw, path=path)
            return LazyCatalog.of(adapter.read(raw, path=path))
        except InputError as exc:
            errors.append(f"{exc}; catalog left as it was")
            return None

    def _where(self, item: Item) -> str:
        return where(self.shown, item.relpath)

    def _catalog_name(self, path: str) -> str:
        return tree_name(self.base, path)


@dataclass(frozen=True, slots=True)
class FirstPass(_Job):
    """Pass 1 of a page (`memory` None)."""

    def __call__(self, item: Item) -> FirstResult:
        survey, errors = Survey(), list[str]()
        done = self.update(item, survey, errors)
        if isinstance(done, SetAside):
            return FirstResult(item.relpath, survey, errors, later=done)
        return FirstResult(item.relpath, survey, errors, written=done)


@dataclass(frozen=True, slots=True)
class SecondPass(_Job):
    """Pass 2 of a page, with the tree's memory."""

    def __call__(self, item: Item) -> SecondResult:
        errors: list[str] = []
        done = self.update(item, Survey(), errors)
        assert not isinstance(done, SetAside)
        return SecondResult(item.relpath, errors, done or Written())


def has_obsolete_review(raw: bytes) -> bool:
    """Whether a PO file may hold an obsolete entry a person wrote (`reviews`), without parsing it: an obsolete
    entry whose flags are not `fuzzy` alone (as `tm` writes an obsolete MT entry). Most catalogs of a tree
    updated a few times have obsolete MT entries, and reading them all for none would slow an update down."""
    obsolete = raw.count(b"\n#~ msgstr")
    return obsolete > 0 and obsolete > raw.count(b"\n#, fuzzy\n#~ ")


def tree_name(base: str, path: str) -> str:
    """A catalog's path in the tree (`core/intro.po`): how the memory names it. Catalog paths are found under
    `base` (`tm.jobs.tree.tree_catalogs`), so they start with it."""
    return path[len(os.path.join(base, "")):].replace(os.sep, "/")


@dataclass(frozen=True, slots=True)
class ReviewsJob:
    """The reviewed entries of one catalog pass 1 did not read (its stamp said it was up to date), for the
    memory: active and obsolete."""

    base: str

    def __call__(self, path: str) -> Reviews:
        data = read_file(path)
        if has_obsolete_review(data):  # its obsolete reviews too (`reviews`)
            return reviews(po.read_lazy(data, path=path), tree_name(self.base, path))
        catalog = po.read(data, path=path, reviewed_only=True, header=False)
        return reviews(catalog, tree_name(self.base, path))
