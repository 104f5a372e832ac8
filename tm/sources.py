"""Where pages and catalogs come from: a file, a directory tree, or a git revision read from git objects.

A `Source` yields `(relpath, bytes)` pairs; relpaths use `/` and are relative to the directory given (or
to the path given inside the git revision), so `tm extract docs/` and `tm extract --repo . --rev X docs`
name pages the same way. Tests use `MemorySource` and need no files at all.
"""

from __future__ import annotations

import copy
import os
import subprocess
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from tm.errors import SourceError
from tm.fileio import read_file

PAGE_SUFFIXES = (".md", ".yml", ".yaml")


class Source(Protocol):
    """Anything that lists files: `files()` yields `(relpath, content)` in a stable (sorted) order."""

    def files(self) -> Iterator[tuple[str, bytes]]: ...

    def __len__(self) -> int: ...


Content = bytes | str
"""A file's bytes, or the path to read them from (worker processes read files on disk themselves)."""


def deferred(source: Source) -> Iterator[tuple[str, Content]]:
    """`(relpath, bytes or path)`: paths for files on disk, so a process pool does not pipe every byte."""
    if isinstance(source, DirectorySource):
        yield from source.paths()
    elif isinstance(source, MultiSource):
        for part in source.sources:
            yield from deferred(part)
    else:
        yield from source.files()


def content(data: Content) -> bytes:
    """The bytes of a `Content`."""
    if isinstance(data, bytes):
        return data
    return read_file(data)


@dataclass
class DirectorySource:
    """A file, or the files under a directory whose names end with one of `suffixes`."""

    root: Path
    suffixes: tuple[str, ...] = PAGE_SUFFIXES
    _paths: list[tuple[str, str]] = field(default_factory=list, init=False, repr=False)
    unreadable: list[str] = field(default_factory=list, init=False, repr=False)
    """The folders under `root` that could not be listed, relative to it (their files are not in the source)."""

    def __post_init__(self) -> None:
        root = Path(self.root)
        if root.is_dir():
            self._paths = sorted(walk_files(root, self.suffixes, unreadable=self.unreadable))
        elif root.exists():  # a file, or a FIFO or device that reading refuses with a message
            self._paths = [(root.name, str(root))]
        else:
            raise SourceError(f"{root}: no such file or directory")

    def __len__(self) -> int:
        return len(self._paths)

    def files(self) -> Iterator[tuple[str, bytes]]:
        for relpath, path in self._paths:
            yield relpath, content(path)

    def paths(self) -> list[tuple[str, str]]:
        """`(relpath, path)` of every file, without reading them."""
        return list(self._paths)


def walk_files(root: Path | str, suffixes: tuple[str, ...], *, unreadable: list[str] | None = None,
               hidden: list[str] | None = None) -> Iterator[tuple[str, str]]:
    """`(relpath, path)` of the files under `root` whose names end with a suffix, hidden ones left out.

    A folder that cannot be listed is added to `unreadable` (as a relpath, "" for `root`) when given: its
    files are missing from the walk, and a caller that would take them as gone must know. The paths of
    hidden files are added to `hidden` when given. Plain strings, not `Path`s: a handoff has ~13,000 files,
    and `Path` objects made the walk 6x slower.
    """
    top = os.fspath(root)
    cut = len(os.path.join(top, ""))

    def failed(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append(os.fspath(error.filename)[cut:].replace(os.sep, "/"))

    for folder, dirs, names in os.walk(top, onerror=failed):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            if name.lower().endswith(suffixes) and not name.startswith("."):
                path = os.path.join(folder, name)
                yield path[cut:].replace(os.sep, "/"), path
            elif hidden is not None and name.startswith("."):
                hidden.append(os.path.join(folder, name))


@dataclass
class GitSource:
    """The files of a git revision, read with `git cat-file --batch`: no checkout, no temporary files.

    `paths` limit the listing (directories or files); relpaths are relative to the path that matched, as
    with `DirectorySource` on that path.
    """

    repo: Path
    rev: str
    paths: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = PAGE_SUFFIXES
    _blobs: list[tuple[str, str]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.rev.startswith("-"):  # git would take it as an option (`--output=FILE` writes a file)
            raise SourceError(f"--rev {self.rev}: not a revision (it starts with '-')")
        self._blobs = sorted(self._list())

    def __len__(self) -> int:
        return len(self._blobs)

    def blobs(self) -> list[tuple[str, str]]:
        """`(relpath, blob id)` of the files, in path order (listed, not read)."""
        return list(self._blobs)

    def only(self, relpaths: Container[str]) -> GitSource:
        """The same revision's files, limited to `relpaths`."""
        subset = copy.copy(self)
        subset._blobs = [(relpath, sha) for relpath, sha in self._blobs if relpath in relpaths]
        return subset

    def _git(self, *args: str, data: bytes | None = None) -> bytes:
        return run_git(self.repo, *args, data=data)

    def _list(self) -> Iterator[tuple[str, str]]:
        prefixes = [p.strip("/") for p in self.paths] or [""]
        listing = self._git("ls-tree", "-r", "-z", "--full-tree", self.rev, "--", *[p or "." for p in prefixes])
        for record in listing.split(b"\0"):
            if not record:
                continue
            meta, _, name_bytes = record.partition(b"\t")
            mode, kind, sha = meta.decode().split()
            name = name_bytes.decode("utf-8", "surrogateescape")
            if kind != "blob" or mode == "120000" or not name.lower().endswith(self.suffixes):
                continue
            yield _relative(name, prefixes), sha

    def files(self) -> Iterator[tuple[str, bytes]]:
        if not self._blobs:
            return
        proc = subprocess.Popen(
            ["git", "-C", str(self.repo), "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        )
        assert proc.stdin is not None and proc.stdout is not None
        try:
            for relpath, sha in self._blobs:
                proc.stdin.write(sha.encode() + b"\n")
                proc.stdin.flush()
                header = proc.stdout.readline().split()
                size = int(header[2])
                content = proc.stdout.read(size)
                proc.stdout.read(1)
                yield relpath, content
        finally:
            proc.stdin.close()
            proc.stdout.close()
            proc.wait()


def run_git(repo: Path, *args: str, data: bytes | None = None) -> bytes:
    """`git -C repo ARGS` (fed `data`): its output; `SourceError` with git's last line when it fails."""
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True, check=False)
    except FileNotFoundError:
        raise SourceError("git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SourceError(f"{repo}: git {args[0]}: {message[-1] if message else 'failed'}")
    return done.stdout


def _relative(name: str, prefixes: list[str]) -> str:
    for prefix in prefixes:
        if prefix and name == prefix:
            return name.rsplit("/", 1)[-1]
        if prefix and name.startswith(prefix + "/"):
            return name[len(prefix) + 1 :]
    return name


@dataclass
class MemorySource:
    """Files held in memory, for tests: `MemorySource({"a.md": b"..."})`."""

    contents: dict[str, bytes]

    def __len__(self) -> int:
        return len(self.contents)

    def files(self) -> Iterator[tuple[str, bytes]]:
        yield from sorted(self.contents.items())


@dataclass
class MultiSource:
    """Several sources read one after the other, as when a command is given several paths."""

    sources: list[Source]

    def __len__(self) -> int:
        return sum(len(s) for s in self.sources)

    def files(self) -> Iterator[tuple[str, bytes]]:
        for source in self.sources:
            yield from source.files()


def open_sources(paths: Iterable[str], *, repo: str | None = None, rev: str | None = None,
                 suffixes: tuple[str, ...] = PAGE_SUFFIXES) -> Source:
    """The source the command line names: `--repo/--rev` with optional paths inside, or files/directories."""
    if rev is not None:
        return GitSource(Path(repo or "."), rev, tuple(paths), suffixes)
    sources: list[Source] = [DirectorySource(Path(p), suffixes) for p in paths]
    return sources[0] if len(sources) == 1 else MultiSource(sources)


def check_listed(source: Source) -> None:
    """A `SourceError` for the first folder of `source` that could not be listed: a command would take its
    pages as absent (extract writing no catalog for them, diff calling them removed) and exit 0. `tm update`
    instead reports each such folder and leaves the catalogs of its pages as they were."""
    if isinstance(source, MultiSource):
        for part in source.sources:
            check_listed(part)
    elif isinstance(source, DirectorySource) and source.unreadable:
        folder = os.path.join(str(source.root), source.unreadable[0]).rstrip(os.sep)
        raise SourceError(f"{folder}: cannot list this folder")
