"""Reading inputs and writing outputs: no reader ever sees half a file (a temporary sibling, renamed over)."""

from __future__ import annotations

import errno
import os
import signal
import stat
import time
from pathlib import Path

from tm.errors import OutputError

# Directories this process already made: a handoff writes ~12,500 files into ~1,000 directories, and a
# `makedirs` per file is a measurable part of a run. A directory removed behind our back is made again.
_made: set[str] = set()
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)
# O_NONBLOCK: a FIFO opens without waiting for a writer (and is then refused as not a regular file).
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)
# This process's id, for temporary names (a system call each time otherwise); workers fork and get their own.
_pid = os.getpid()


# Held back while a file is written and renamed: a worker that its pool stops (SIGTERM, the default action)
# then dies after the rename, never between, so it leaves no temporary file. The default action, not a handler:
# a Python-level handler in pool workers made `Pool.terminate` wait forever now and then.
_DEFERRED = {signal.SIGTERM}


def _new_pid() -> None:
    global _pid
    _pid = os.getpid()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_pid)


class NotRegularFile(OSError):
    """A path that names a FIFO, a device (a link to /dev/zero), a socket where a file was expected:
    reading it would wait forever or never end, so it is refused; `strerror` says what it is."""


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def read_file(path: Path | str, *, limit: int | None = None) -> bytes:
    """The bytes of a regular file (its first `limit` bytes if given), read with a size hint and no buffered
    file object (which costs four more system calls per file: a handoff is ~13,000 pages, and as many
    catalogs). Anything but a regular file is a `NotRegularFile` error."""
    fd = os.open(path, _READ_FLAGS)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
        if not stat.S_ISREG(info.st_mode):
            raise NotRegularFile(errno.EINVAL, f"{_kind(info.st_mode)}, not a regular file", os.fspath(path))
        if limit is not None:
            return os.read(fd, limit)
        size = info.st_size
        data = os.read(fd, size + 1)  # one byte more: a file that grew since is still read to its end
        if len(data) <= size:
            return data
        chunks = [data]
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def write_atomic(path: Path | str, data: bytes) -> None:
    """Replace `path` with `data` in one step (temp file in the same directory + `os.replace`); a file that
    cannot be written (a parent that is a file, a full disk) is an `OutputError`, and leaves nothing behind."""
    name = os.fspath(path)
    try:
        _write_atomic(name, data)
    except OSError as exc:
        raise OutputError(name, _why_not_written(name, exc)) from None


def _why_not_written(name: str, exc: OSError) -> str:
    """`cannot write: out is a file, not a directory` rather than `[Errno 17] File exists: 'out/fr-FR'`."""
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        folder = os.path.dirname(name)
        while folder and not os.path.exists(folder):
            folder = os.path.dirname(folder)
        if folder and not os.path.isdir(folder):
            return f"cannot write: {folder} is a file, not a directory"
    return f"cannot write: {exc.strerror or exc}"


def _write_atomic(name: str, data: bytes) -> None:
    folder, base = os.path.split(name)
    tmp = os.path.join(folder, f".{base}.tmp{_pid}")
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        write_file(tmp, data)
        os.replace(tmp, name)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def write_file(path: str, data: bytes) -> None:
    """Write `data` at `path` in place (no temporary sibling), making its folder if needed: for files no
    reader sees while they are written, such as the catalogs `tm update` stages before committing them."""
    folder = os.path.dirname(path)
    if folder not in _made:
        os.makedirs(folder or ".", exist_ok=True)
        _made.add(folder)
    try:
        fd = os.open(path, _FLAGS, 0o666)
    except FileNotFoundError:  # made earlier by this process, and removed since
        os.makedirs(folder or ".", exist_ok=True)
        fd = os.open(path, _FLAGS, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def ignore_in_git(folder: str, lines: str) -> None:
    """Add to `folder/.gitignore` those of `lines` (a comment, then patterns) it lacks, keeping what it holds:
    `tm sync` and `tm memory` share a catalog tree's `.tm/`, and each keeps its own derived files out of git."""
    path = os.path.join(folder, ".gitignore")
    try:
        held = read_file(path).decode("utf-8", "replace")
    except FileNotFoundError:
        held = ""
    missing = [line for line in lines.splitlines() if line.startswith("#") or line not in held.splitlines()]
    if any(not line.startswith("#") for line in missing):
        write_atomic(path, (held + ("" if not held or held.endswith("\n") else "\n") + "\n".join(missing) + "\n").encode())


def trusted_mtime(info: os.stat_result) -> int:
    """The mtime to record a file read now under, for telling later whether it changed by (mtime, size): -1
    (read it again next time) while a write in the same tick of the file system's clock could give it the same
    mtime, as git treats racy files: 2 s where mtimes are whole seconds (ext3, HFS+, FAT, network shares),
    10 ms else."""
    tick = 2 * 10**9 if info.st_mtime_ns % 10**9 == 0 else 10**7
    return -1 if time.time_ns() - info.st_mtime_ns < tick else info.st_mtime_ns
