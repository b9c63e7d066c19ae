"""Open a repository file only when it is a plain file inside the repository.

A pull request can add anything Git can hold where a record should be: a symbolic link to a
file outside the repository (whose content would come back in messages, and so in a public
comment), a link to /dev/zero or /dev/stdin, and, on a checked-out machine, a FIFO that blocks
whoever opens it. So the file's own entry is looked at first, without following links, and
only a regular file is opened, with flags that refuse to follow a link or to wait on a pipe
(in case the entry changed in between).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

# Why each kind of entry is refused, in words for the people who added it.
_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFDIR: "a folder",
}
_CHUNK = 65_536
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


class NotAPlainFile(OSError):
    """The entry is not a regular file; `str()` says what it is, for a finding."""


def entry_problem(mode: int) -> str | None:
    """Why an entry with this `st_mode` must not be read, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    kind = _KINDS.get(stat.S_IFMT(mode), "not a regular file")
    return (
        f"This is {kind}, not a regular file. Records and org/ files must be plain files in "
        "the repository; it was not opened. Replace it with the file itself."
    )


def read_plain_file(path: str | Path, limit: int) -> bytes:
    """Up to `limit` bytes of the regular file at `path`.

    Raises `NotAPlainFile` for links, pipes, devices, sockets and folders, and `OSError` when
    the file cannot be read.
    """
    return read_plain_file_and_status(path, limit)[0]


def read_plain_file_and_status(path: str | Path, limit: int) -> tuple[bytes, os.stat_result]:
    """`read_plain_file`, with what `lstat` said of the file before it was read (its stamp
    then, for a cache of what it held)."""
    status = os.lstat(path)
    problem = entry_problem(status.st_mode)
    if problem is not None:
        raise NotAPlainFile(problem)
    descriptor = os.open(path, _OPEN_FLAGS)
    try:
        opened = os.fstat(descriptor)
        problem = entry_problem(opened.st_mode)  # the entry may have changed
        if problem is not None:
            raise NotAPlainFile(problem)
        # Reads of the size the file has (and one byte more, to see one that grew), not a
        # buffered file object: a run reads every record, and a finding's line reads one again.
        chunks = []
        left = limit
        while left > 0:
            chunk = os.read(descriptor, min(left, max(opened.st_size + 1, _CHUNK)))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks), status
    finally:
        os.close(descriptor)


def is_plain_file_inside(root: Path, relative: Path) -> bool:
    """Whether `root / relative` is a regular file reached without following any link: a
    folder on the way that is a link could lead outside the repository."""
    current = root
    for part in relative.parts:
        current = current / part
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            return False
        if stat.S_ISLNK(mode):
            return False
    return is_plain_file(current)


def is_plain_file(path: str | Path) -> bool:
    """Whether `path` exists as a regular file itself (a link to a file does not count)."""
    try:
        return entry_problem(os.lstat(path).st_mode) is None
    except OSError:
        return False


@contextlib.contextmanager
def lookups_below(root: Path) -> Iterator[tuple[str, int | None]]:
    """How to name a path below `root` for `os.stat`/`os.lstat`: `(prefix, dir_fd)`, as in
    `os.lstat(prefix + relative, dir_fd=dir_fd)`.

    From the root's open folder when it can be opened: each lookup then skips the folders
    above the root (the stamps of 60,000 files, or of 25,000 folders, took a tenth to a fifth
    less). By the whole path when it cannot be (no file descriptor to spare, say)."""
    try:
        folder = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield f"{root}/", None
        return
    try:
        yield "", folder
    finally:
        os.close(folder)
