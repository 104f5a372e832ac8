"""The catalog tree `tm update` works on: one update at a time, all or nothing, and never a destructive one.

- **Which tree.** `update_root`: one locale's tree (`locales/fr-FR`, or `locales` holding only `fr-FR/`); a
  folder holding the trees of several locales is refused, as every command refuses it
  (`tm.catalogs.several_locales`). The tree's locale is its folder's name when that names a locale
  (`tm.catalogs.locale_name`).
- **Lock.** An update holds `fcntl.flock` on `<tree>/.tm.lock` while it runs; a second update of the same
  tree is refused at once (the lock goes with the process, however it ends). The file stays, empty but for
  the pid of the last holder: removing it would let two updates lock two different files.
- **Staging.** Workers write the catalogs an update changes under `<tree>/.tm-update/files/` (a hidden folder
  no walk of the tree lists), and the parent commits them once every page is done and the update is not
  refused: it writes `.tm-update/commit` (the catalogs to delete), then moves each staged file into place,
  deletes, and removes `.tm-update`. A run that finds `.tm-update` left by an interrupted update finishes
  the commit if `commit` is there, else throws the staging away: either way the tree is the one a clean run
  started from or ended with, so running again gives the bytes of one clean run. (Written in place, an
  interrupted update left some catalogs updated and others not; the next run built its memory of reviews
  from that mix, and offered other translations than a clean run.)
- **Stale temporary files.** `.NAME.tmpPID` files that `tm.fileio.write_atomic` leaves when a process is
  killed mid-write are removed when no process has that pid.
- **Refusals** (`refusals`): a handoff without pages with pairs, pages of another locale than the tree's,
  and an update that would make obsolete most of the tree's reviewed entries are not committed, unless
  `--force`; the message says what would be dropped.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType

from tm.catalogs import catalog_relpath, locale_folder, locale_name, page_relpath, several_locales
from tm.errors import BadArgument
from tm.fileio import write_atomic
from tm.formats import catalog_suffixes
from tm.sources import DirectorySource, MultiSource, Source, walk_files
from tm.update import Reviews

try:
    import fcntl
except ImportError:  # not on a POSIX system: no lock
    fcntl = None  # type: ignore[assignment]

__all__ = ["LOCK_NAME", "STAGE_NAME", "Losses", "Staging", "TreeLock", "clean_stale", "locale_dirs",
           "lost_reviews", "page_key", "refusals", "tree_catalogs", "tree_locale", "under", "unreadable_parts",
           "update_root"]

LOCK_NAME = ".tm.lock"
STAGE_NAME = ".tm-update"
_COMMIT = "commit"
_TMP = re.compile(r"\..+\.tmp(\d+)\Z")  # `tm.fileio.write_atomic`'s temporary names
_SHOWN = 5  # pages named in a refusal


class TreeLock:
    """`with TreeLock(tree):` holds the tree's update lock, or raises `BadArgument` if another update does."""

    def __init__(self, base: str) -> None:
        self.path = os.path.join(base, LOCK_NAME)
        self._fd = -1

    def __enter__(self) -> None:
        try:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError as exc:
            raise BadArgument(f"{self.path}: cannot lock the tree: {exc.strerror}") from None
        if fcntl is None:
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(self._fd, 32).decode("ascii", "replace").strip()
            os.close(self._fd)
            raise BadArgument(f"{os.path.dirname(self.path)}: another tm update is running on this tree"
                              f"{f' (pid {holder})' if holder else ''}; run this one when it has finished") from None
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        os.close(self._fd)  # releases the lock


@dataclass(frozen=True, slots=True)
class Staging:
    """Where an update of the tree `base` stages its catalogs, and how they are committed or thrown away."""

    base: str

    @property
    def root(self) -> str:
        return os.path.join(self.base, STAGE_NAME)

    @property
    def files(self) -> str:
        return os.path.join(self.root, "files")

    def path(self, tree_path: str) -> str:
        """Where the catalog `tree_path` (a path under `base`) is staged."""
        return os.path.join(self.files, os.path.relpath(tree_path, self.base))

    def recover(self) -> str:
        """Finish or throw away what an interrupted update left; says which ("" when nothing was left)."""
        if not os.path.isdir(self.root):
            return ""
        if os.path.exists(os.path.join(self.root, _COMMIT)):
            self._apply()
            return "finished the commit of an interrupted update"
        self.discard()
        return "threw away what an interrupted update had not committed"

    def commit(self, deletes: list[str], *, seen: Mapping[str, tuple[int, int]] | None = None) -> list[str]:
        """Put the staged catalogs in place and delete `deletes` (paths under `base`); resumable (`recover`).
        With `seen` (the (mtime_ns, size) of the tree's catalogs when the update listed them), a catalog to
        replace or delete that someone saved since is not overwritten: nothing is committed, and its path is
        given back."""
        base = os.path.join(self.base, "")
        staged = self._staged()
        deletes = sorted(set(deletes) - {base + rel for rel in staged})
        suffixes = catalog_suffixes()
        changed = _changed(seen, [base + r for r in staged if r.lower().endswith(suffixes) and r[:1] != "."] + deletes)
        if changed:
            self.discard()
            return changed
        if not staged and not deletes:
            self.discard()
            return []
        lines = "".join(p[len(base):] + "\n" for p in deletes)  # paths under `base`, as the walk found them
        write_atomic(os.path.join(self.root, _COMMIT), lines.encode("utf-8", "surrogateescape"))
        self._apply(staged)
        return []

    def discard(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _staged(self) -> list[str]:
        """The staged catalogs, as paths relative to `files` (cut as strings, not by `os.path.relpath` per
        file, which was the bulk of a commit's time)."""
        top = self.files
        cut = len(os.path.join(top, ""))
        found = []
        for folder, _, names in os.walk(top):
            rel = os.path.join(folder[cut:], "") if len(folder) > len(top) else ""
            found += [rel + name for name in names]
        return found

    def _apply(self, staged: list[str] | None = None) -> None:
        """Commit: move the staged catalogs (`_staged()` unless given) into place, then delete; resumable."""
        with open(os.path.join(self.root, _COMMIT), encoding="utf-8", errors="surrogateescape") as lines:
            deletes = [line.rstrip("\n") for line in lines if line.strip()]
        files, base = os.path.join(self.files, ""), os.path.join(self.base, "")
        made: set[str] = set()
        for rel in self._staged() if staged is None else staged:
            folder = os.path.dirname(rel)
            if folder not in made:
                os.makedirs(base + folder, exist_ok=True)
                made.add(folder)
            os.replace(files + rel, base + rel)
        for rel in deletes:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(base + rel)
        self.discard()


def catalog_stats(paths: Iterable[str]) -> dict[str, tuple[int, int]]:
    """`{path: (mtime_ns, size)}` of the catalogs that exist (for `Staging.commit`'s `seen`)."""
    found = {}
    for path in paths:
        with contextlib.suppress(OSError):
            info = os.stat(path)
            found[path] = (info.st_mtime_ns, info.st_size)
    return found


def _changed(seen: Mapping[str, tuple[int, int]] | None, paths: list[str]) -> list[str]:
    """Those of `paths` whose file is not as `seen` says (absent there: there was none)."""
    if seen is None:
        return []
    now = catalog_stats(paths)
    return [path for path in paths if now.get(path) != seen.get(path)]


def clean_stale(hidden: list[str]) -> int:
    """Remove the temporary files of `write_atomic` among `hidden` whose process is gone; how many."""
    removed = 0
    for path in hidden:
        found = _TMP.match(os.path.basename(path))
        if found is None or _alive(int(found.group(1))):
            continue
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def locale_dirs(base: str) -> list[str]:
    """The folders of `base` named as `tm extract` names a locale's tree (`fr-FR`, `zh-Hant`), sorted."""
    with contextlib.suppress(OSError):
        return sorted(e.name for e in os.scandir(base) if e.is_dir() and locale_name(e.name))
    return []


def tree_locale(base: str) -> str:
    """The locale a catalog tree is for, from its folder's name (`locales/fr-FR`), or "" if it does not say."""
    return locale_name(os.path.basename(os.path.normpath(base)))


def update_root(catalog_dir: str) -> str:
    """The locale's tree to update (`tm.catalogs.locale_folder`); a folder holding the trees of locales is
    refused (which one is meant?), also when it holds other files beside them."""
    if not os.path.isdir(catalog_dir):
        raise BadArgument(f"{catalog_dir}: not a directory of catalogs")
    base = locale_folder(catalog_dir)
    if not tree_locale(base):
        found = locale_dirs(base)
        if found:
            raise several_locales(base, found)
    return base


def tree_catalogs(base: str, source: Source) -> tuple[dict[str, str], list[str], list[str]]:
    """`{page: catalog path}` of the tree; the folders (page relpaths) the update must leave alone, those of
    the handoff or of the tree that cannot be listed, whose pages would otherwise look removed or new; and
    an error message for each. Stale temporary files of `write_atomic` are removed on the way."""
    hidden: list[str] = []
    unreadable: list[str] = []
    found = sorted(walk_files(base, catalog_suffixes(), unreadable=unreadable, hidden=hidden))
    clean_stale(hidden)
    errors = [f"{os.path.join(base, rel)}: cannot list this folder of the catalog tree; the catalogs of its pages "
              "left as they were" for rel in unreadable]
    skip = list(unreadable)
    for where, rel in unreadable_parts(source):
        errors.append(f"{where}: cannot list this folder of the handoff; the catalogs of its pages left as they were")
        skip.append(rel)
    return {page_relpath(rel): path for rel, path in found}, skip, errors


def page_key(relpath: str) -> str:
    """The page name of the catalog `relpath` has (`P.MD` and `P.md` both `P.md`: one catalog, `P.po`)."""
    return page_relpath(catalog_relpath(relpath))


def under(relpath: str, folders: list[str]) -> bool:
    """Whether the page `relpath` is in one of `folders` ("" is the whole tree)."""
    return any(not folder or relpath.startswith(folder + "/") for folder in folders)


def unreadable_parts(source: Source) -> list[tuple[str, str]]:
    """`(shown, relpath prefix)` of each folder of the pages given that could not be listed."""
    if isinstance(source, MultiSource):
        return [part for sub in source.sources for part in unreadable_parts(sub)]
    if isinstance(source, DirectorySource):
        root = os.fspath(source.root)
        return [(os.path.join(root, rel) if rel else root, rel) for rel in source.unreadable]
    return []


@dataclass(slots=True)
class Losses:
    """What an update would do to the tree's reviews, gathered from every page's job, for `refusals`."""

    pages_with_pairs: int = 0
    reviewed: int = 0  # active reviewed entries of the tree before the update
    lost: int = 0  # of those, the ones the update makes obsolete (at least)
    other_locales: dict[str, list[str]] = field(default_factory=dict)  # locale → pages that declare it


def lost_reviews(found: Reviews | None, sources: list[str], counts: dict[str, int]) -> int:
    """How many of the old catalog's reviewed entries (`found`) an update to a page of these `sources` makes
    obsolete, at least: those whose source is not among them, but for the ones carried to a similar source.
    (A carried entry may also be a person's fuzzy one: then this counts fewer than the truth, never more.)"""
    if found is None or not found.sources:
        return 0
    missing = Counter(found.sources)
    missing.subtract(sources)
    return max(0, sum(n for n in missing.values() if n > 0) - counts.get("carried", 0))


def refusals(losses: Losses, *, tree: str, shown: str, locale: str, removed: list[str], drop: bool) -> list[str]:
    """Why this update must not be committed (empty when it may), each as one message."""
    found = []
    verb = "delete" if drop else "make obsolete"
    if losses.pages_with_pairs == 0:
        found.append(f"{shown or 'the handoff'}: no page with span pairs; updating {tree} from it would {verb} "
                     f"all its {losses.reviewed:,} reviewed entries")
    for other, pages in sorted(losses.other_locales.items()):
        found.append(f"{shown or 'the handoff'}: {len(pages):,} pages are {other} (ms.contentlocale), not "
                     f"{locale or 'the locale of ' + tree}: {_some(pages)}")
    if not found and losses.reviewed and losses.lost * 2 > losses.reviewed:
        left = f" ({len(removed):,} pages left the handoff: {_some(removed)})" if removed else ""
        found.append(f"{tree}: this update would {verb} {losses.lost:,} of the tree's {losses.reviewed:,} "
                     f"reviewed entries{left}")
    return [f"{message}; nothing written (give --force to update anyway)" for message in found]


def _some(names: list[str]) -> str:
    shown = ", ".join(sorted(names)[:_SHOWN])
    return shown + (f" and {len(names) - _SHOWN:,} more" if len(names) > _SHOWN else "")
