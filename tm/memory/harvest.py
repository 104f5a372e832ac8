"""Filling the memory: from git history (commit by commit), page trees, catalog trees and TMX files.

Every input is read once: commits already harvested are skipped, and so is every page version (git blob) or
file whose content was read before (files are keyed by their git blob id, so a checkout of a harvested
commit adds nothing either). A page version that comes back later (a revert, a rename) is not parsed again:
the translations it held are marked as seen once more. A second run with nothing new reads only the log.

Pairs are found with the page parser's own regex (`tm.page.parse.PAIR`) on Markdown pages, and with
`parse_page` on the others (YAML pages, escaped quotes, malformed pairs: its good pairs are kept).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from operator import itemgetter
from pathlib import Path

from tm.catalogs import page_relpath, read_catalog
from tm.errors import InputError, SourceError, TmError
from tm.fileio import read_file
from tm.memory.store import HT, MT, REVIEWED, Batch, seen_blobs, seen_revs
from tm.model import Catalog, canonical_locale, is_human, vendor_ht
from tm.page.meta import front_matter_end, read_meta
from tm.page.parse import PAIR, YAML_SUFFIXES, all_paired, decode_page, parse_page, raw_is_text
from tm.sources import PAGE_SUFFIXES, walk_files

FLUSH_EVERY = 300_000  # translations held in memory before a batch is written
Key = tuple[str, str, str]


@dataclass
class AddReport:
    """What one `tm memory add` read and found."""

    commits: int = 0
    files: int = 0  # page versions, catalogs and TMX files read
    replayed: int = 0  # page versions already read that came back
    skipped: int = 0  # files already read
    pairs: int = 0
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"commits": self.commits, "files": self.files, "replayed": self.replayed, "skipped": self.skipped,
                "pairs": self.pairs, "errors": self.errors}


@dataclass(frozen=True, slots=True)
class PagePairs:
    """The translated (source, target) pairs of one page version, its locale, and how the page was translated."""

    locale: str
    pairs: set[tuple[str, str]]
    origin: int
    handoff: str

    @property
    def keys(self) -> list[Key]:
        """The pairs as memory keys (source, locale, target)."""
        return [(source, self.locale, target) for source, target in self.pairs]


_SOURCE_TARGET = itemgetter(3, 2)  # of a `PAIR.findall` tuple (quote, id, target, source)
_TARGET = itemgetter(1)


def page_pairs(relpath: str, data: bytes, *, locale: str = "") -> PagePairs | None:
    """Every translated pair of a page; None for a page without pairs or locale.

    Raises `InputError` for a page that is not UTF-8 text.
    """
    text, _ = decode_page(relpath, data)
    if "data-ttu-id=" not in text:
        return None
    yaml_page = relpath.lower().endswith(YAML_SUFFIXES)
    yaml_end = front_matter_end(text, yaml_page=yaml_page)
    meta = read_meta(text, yaml_page=yaml_page, end=yaml_end)
    locale = locale or canonical_locale(meta.get("ms.contentlocale", ""))
    if not locale:
        return None
    found = PAIR.findall(text) if raw_is_text(relpath, text, yaml_end) else None
    if found is not None and all_paired(text, len(found)):
        pairs = set(filter(_TARGET, map(_SOURCE_TARGET, found)))
    else:
        pairs = {(p.source, p.target) for p in parse_page(relpath, text).page.pairs if p.target}
    origin = HT if meta.get("ms.translationtype", "MT").upper() == "HT" else MT
    return PagePairs(locale, pairs, origin, meta.get("ms.lasthandoff", ""))


def handoff_time(value: str) -> int:
    """`09/15/2020`, `2020-09-15` or `2020-09-15 00:00+0000` → Unix time (UTC midnight); 0 when unreadable."""
    value = value.strip()[:10]
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return int(datetime.strptime(value, fmt).replace(tzinfo=timezone.utc).timestamp())
        except ValueError:
            continue
    return 0


def _handoff_rev(batch: Batch, kind: str, handoff: str) -> tuple[int, int]:
    """(date, rev id) of a handoff read from a tree: one rev per kind of input and handoff date."""
    date = handoff_time(handoff)
    label = datetime.fromtimestamp(date, timezone.utc).strftime("%Y-%m-%d") if date else "undated"
    return date, batch.rev(f"{kind} {label}", date)


def blob_id(data: bytes) -> bytes:
    """The git blob id of a file's content, so files and git objects are keyed alike."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).digest()


# Git history.


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: int
    blobs: list[tuple[str, str]]  # (path, new blob sha) of the pages it added or changed


def git_commits(repo: Path, revs: list[str], paths: tuple[str, ...] = ()) -> Iterator[Commit]:
    """The first-parent commits of `revs`, oldest first, each with the page blobs it added or changed."""
    args = ["git", "-C", str(repo), "log", "--first-parent", "--reverse", "--diff-merges=first-parent", "--root",
            "--raw", "--no-abbrev", "--no-renames", "-z", "--format=%x01%H %ct", *revs, "--", *paths]
    done = subprocess.run(args, capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"{repo}: git log: {message[-1] if message else 'failed'}")
    for chunk in done.stdout.split(b"\x01")[1:]:
        head, _, raw = chunk.partition(b"\0")
        sha, date = head.decode().split()
        fields = raw.lstrip(b"\n").split(b"\0")
        blobs = []
        for meta, name in zip(fields[::2], fields[1::2]):
            parts = meta.split()
            path = name.decode("utf-8", "surrogateescape")
            if len(parts) == 5 and parts[4] in (b"A", b"M", b"T") and parts[1] != b"120000" \
                    and path.lower().endswith(PAGE_SUFFIXES):
                blobs.append((path, parts[3].decode()))
        yield Commit(sha, int(date), blobs)


def read_blobs(repo: Path, shas: list[str]) -> Iterator[tuple[str, bytes]]:
    """`(sha, content)` of each blob, in order, from one `git cat-file --batch` (fed by a thread, so neither
    side waits on the other's pipe)."""
    proc = subprocess.Popen(["git", "-C", str(repo), "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, bufsize=1 << 20)
    assert proc.stdin is not None and proc.stdout is not None
    stdin = proc.stdin

    def feed() -> None:
        try:
            stdin.write("".join(f"{sha}\n" for sha in shas).encode())
        except BrokenPipeError:
            pass
        finally:
            stdin.close()

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        for sha in shas:
            header = proc.stdout.readline().split()
            if len(header) != 3:
                raise SourceError(f"{repo}: git cat-file: no blob {sha}")
            yield sha, proc.stdout.read(int(header[2]))
            proc.stdout.read(1)
    finally:
        proc.stdout.close()
        feeder.join()
        proc.wait()


def add_history(con: sqlite3.Connection, repo: Path, revs: list[str], *, paths: tuple[str, ...] = (),
                locale: str = "") -> AddReport:
    """Harvest the commits of `revs` (a branch, or `A..B`) not harvested yet, oldest first: the page versions
    each commit added or changed (a version read before, come back with a revert, is read again for its date)."""
    report = AddReport()
    tips = _tips(repo, revs)
    key = "tips:" + "\0".join([str(repo.resolve()), *revs, "--", *paths])
    stored = con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    if stored is not None and stored[0] == tips:
        return report  # nothing new since the last run: the log is not even read
    done_revs = seen_revs(con)
    commits = [c for c in git_commits(repo, revs, paths) if c.sha not in done_revs]
    if commits:
        _harvest(con, report, repo, commits, paths, locale)
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, tips))
    return report


def _tips(repo: Path, revs: list[str]) -> str:
    """The commits `revs` name now (`git rev-parse`), to tell a run with nothing new at once."""
    done = subprocess.run(["git", "-C", str(repo), "rev-parse", *revs, "--"], capture_output=True, check=False)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"{repo}: git rev-parse: {message[0] if message else 'failed'}")
    return done.stdout.decode().replace("\n", " ").strip()


def _harvest(con: sqlite3.Connection, report: AddReport, repo: Path, commits: list[Commit],
             paths: tuple[str, ...], locale: str) -> None:
    known = seen_blobs(con)
    with Batch(con) as batch:
        _read_commits(batch, report, repo, commits, known, paths, locale)
    report.pairs = batch.pairs


def _read_commits(batch: Batch, report: AddReport, repo: Path, commits: list[Commit], known: set[bytes],
                  paths: tuple[str, ...], locale: str) -> None:
    contents = read_blobs(repo, [sha for commit in commits for _, sha in commit.blobs])
    for commit in commits:
        when = (commit.date, batch.rev(commit.sha, commit.date))
        for path, sha in commit.blobs:
            _, data = next(contents)
            raw = bytes.fromhex(sha)
            if raw in known:
                report.replayed += 1
            else:
                known.add(raw)
                report.files += 1
                batch.add_blob(raw)
            _add_version(batch, report, path, f"{commit.sha[:12]}:{path}", data, when,
                         batch.page_id(_relative(path, paths)), locale)
        report.commits += 1
        if len(batch.seen) > FLUSH_EVERY:
            batch.flush()


def _add_version(batch: Batch, report: AddReport, path: str, name: str, data: bytes, when: tuple[int, int],
                 page: int, locale: str) -> None:
    try:
        found = page_pairs(name, data, locale=locale)
    except InputError as exc:
        report.errors.append(str(exc))
        found = None
    if found is None:  # a version without pairs ends the runs of the previous one
        batch.add_version(path, "", set(), MT, when, page)
    else:
        batch.add_version(path, found.locale, found.pairs, found.origin, when, page)


def _relative(path: str, prefixes: tuple[str, ...]) -> str:
    for prefix in (p.strip("/") for p in prefixes):
        if prefix and path.startswith(prefix + "/"):
            return path[len(prefix) + 1 :]
    return path


# Trees and files.


def _new_files(con: sqlite3.Connection, files: list[tuple[str, str]], report: AddReport
               ) -> Iterator[tuple[str, str, bytes, bytes]]:
    """(relpath, path, content, blob id) of the files whose content was never read (the others are counted
    as skipped; an unreadable one is an error)."""
    known = seen_blobs(con)
    for relpath, path in files:
        try:
            data = read_file(path)
        except OSError as exc:
            report.errors.append(f"{path}: {exc.strerror or 'cannot read'}")
            continue
        sha = blob_id(data)
        if sha in known:
            report.skipped += 1
            continue
        known.add(sha)
        yield relpath, path, data, sha


def add_pages(con: sqlite3.Connection, root: str, *, locale: str = "") -> AddReport:
    """Harvest a page tree (or one page); its handoff is each page's `ms.lasthandoff`."""
    report = AddReport()
    files = [(os.path.basename(root), root)] if os.path.isfile(root) else sorted(walk_files(root, PAGE_SUFFIXES))
    with Batch(con) as batch:
        for relpath, path, data, sha in _new_files(con, files, report):
            try:
                found = page_pairs(relpath, data, locale=locale)
            except InputError as exc:
                report.errors.append(f"{path}:{exc.line}: {exc.message}" if exc.line else f"{path}: {exc.message}")
                continue
            report.files += 1
            if found is not None:
                batch.add_pairs(found.keys, found.origin, _handoff_rev(batch, "pages", found.handoff),
                                batch.page_id(relpath))
            batch.add_blob(sha)
    report.pairs = batch.pairs
    return report


def catalog_keys(catalog: Catalog, *, locale: str = "") -> list[tuple[Key, int]]:
    """(key, origin) of every entry worth remembering: reviewed ones, people's fuzzy ones, the vendor's HT and MT.

    Provenance follows `tm update`'s rule (`tm.model.is_human`), not a flag an editor may have dropped: a
    msgstr that is not the vendor translation the entry records is a person's. A reviewed entry is `reviewed`
    (an HT one too once a person changed it); a person's fuzzy translation is `ht`, as `tm export` calls it,
    under the source it translates (its previous source when it was carried from one); a vendor translation
    carried from a previous source is left out (it translates another source).
    """
    locale = canonical_locale(locale or catalog.locale)  # po2xliff writes target-language="fr_FR"
    out = []
    for entry in catalog.entries:
        if not entry.target or not locale:
            continue
        if entry.fuzzy:
            if is_human(entry):
                out.append(((entry.previous_source or entry.source, locale, entry.target), HT))
            elif entry.previous_source is None:
                out.append(((entry.source, locale, entry.target), MT))
        elif vendor_ht(entry):  # as tm export (tm.model.origin): nobody here reviewed it
            out.append(((entry.source, locale, entry.target), HT))
        else:
            out.append(((entry.source, locale, entry.target), REVIEWED))
    return out


def add_catalogs(con: sqlite3.Connection, files: list[tuple[str, str]], *, locale: str = "",
                 tmx: bool = False) -> AddReport:
    """Harvest catalog files (any format tm reads) or TMX memories: `files` are (relpath, path) pairs."""
    from tm.formats import tmx as tmx_format

    report = AddReport()
    with Batch(con) as batch:
        for relpath, path, data, sha in _new_files(con, files, report):
            try:
                catalogs = tmx_format.read_many(data, path=path) if tmx else [read_catalog(path)]
            except TmError as exc:
                report.errors.append(str(exc))
                continue
            report.files += 1
            for catalog in catalogs:
                _add_catalog(batch, catalog, relpath, locale, "tmx" if tmx else "catalogs")
            batch.add_blob(sha)
    report.pairs = batch.pairs
    return report


def _add_catalog(batch: Batch, catalog: Catalog, relpath: str, locale: str, kind: str) -> None:
    when = _handoff_rev(batch, kind, catalog.header.get("X-Ms-Lasthandoff", ""))
    page = batch.page_id(catalog.page or ("" if kind == "tmx" else page_relpath(relpath)))
    by_origin: dict[int, list[Key]] = {}
    for key, origin in catalog_keys(catalog, locale=locale):
        by_origin.setdefault(origin, []).append(key)
    for origin, group in sorted(by_origin.items()):
        batch.add_pairs(group, origin, when, page)
