"""Remember the data of each org/ file between runs, keyed by file size and mtime.

Checking one changed file (a pre-commit hook, `socialreg validate accounts/x/y.yaml`) needs the
org/ files, and an organisation of thousands of units has a units.yaml of megabytes, which
takes longer to parse and schema-check than the rest of the check. A file whose size or
modification time differs from the cache is parsed again, so the cache is never trusted over
the file. It lives in `.socialreg-cache/` (ignored by git), beside the index store of the
records (load/index_store.py), and is only an accelerator: if it cannot be read or written,
everything still works, only slower.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import secrets
import stat as stat_module
import time
from pathlib import Path
from typing import Any

from socialreg import __version__

CACHE_FOLDER = Path(".socialreg-cache")


def org_cache_file(name: str) -> Path:
    """Where an org/ file's data is cached: one file each, so that a worker that needs only
    the policy does not read the thousands of units."""
    return CACHE_FOLDER / f"org-{name}.json"


Stamp = tuple[int, int]  # size in bytes, modification time in nanoseconds
# size, modification and change times in nanoseconds, inode: what `lstat` says of a file that
# changes when its content does, even when a copy keeps the modification time (`cp -a`)
ExactStamp = tuple[int, int, int, int]
# A file or folder changed this recently may change again within the same tick of the file system's
# clock without its stamp changing: a stamp this young is never trusted later.
RECENT_NS = 2_000_000_000


def exact_stamp(path: str, folder: int | None = None) -> ExactStamp | None:
    """The stamp of the file at `path` (relative to the open `folder`, if given: see
    files.lookups_below)."""
    try:
        return stamp_of(os.lstat(path, dir_fd=folder))
    except OSError:
        return None


def stamp_of(status: os.stat_result) -> ExactStamp:
    return (status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)


def changed_since(current: ExactStamp, moment: int) -> bool:
    """Whether a file with this stamp may have changed at or after `moment` (nanoseconds):
    within RECENT_NS before it too, as a file system's clock may be that coarse."""
    return max(current[1], current[2]) >= moment - RECENT_NS


def trustworthy(current: ExactStamp, now: int | None = None) -> ExactStamp:
    """The stamp to remember of a file just read: itself, or one that matches nothing when
    the file changed too recently to tell a later change by its stamp."""
    if changed_since(current, time.time_ns() if now is None else now):
        return (-1, *current[1:])
    return current


@functools.cache
def local_key() -> str | None:
    """This machine's key for the caches, kept outside every repository.

    A cache holds what the check believes about files it does not read again; a cache that
    came with the repository (committed, or left behind by a checkout) could say anything. Every
    cache written here carries this key, and one without it is never read. None when there is
    no place for the key (then no cache is read or written: everything is read from the files).
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    file = Path(base) / "socialreg" / "cache-key"
    try:
        return file.read_text(encoding="ascii").strip() or None
    except FileNotFoundError:
        pass
    except (OSError, UnicodeError, RuntimeError):
        return None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temporary = file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(secrets.token_hex(16), encoding="ascii")
        os.replace(temporary, file)
        return file.read_text(encoding="ascii").strip() or None  # another run's, if it won
    except OSError:
        return None


def cache_folder_usable(root: Path) -> bool:
    """Whether the cache folder can be ours: absent, or a real folder (a link could lead
    anywhere, into the repository itself), and this machine has a key."""
    try:
        if stat_module.S_ISLNK(os.lstat(root / CACHE_FOLDER).st_mode):
            return False
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return local_key() is not None


def stamp(path: str) -> Stamp | None:
    try:
        # lstat: a link is stamped as itself, never by what it points to (it is not read)
        status = os.lstat(path)  # a plain string: pathlib costs more than the stat here
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns)


class IndexCache:
    def __init__(self, root: Path, fingerprint: str, file: Path) -> None:
        self._file = root / file
        # Entries depend on the tool's version and on which keys are indexed; a cache this
        # machine did not write is never read (local_key).
        self._usable = cache_folder_usable(root)
        self._version = f"{__version__}:{fingerprint}:{local_key()}"
        self._entries: dict[str, list[Any]] = self._read() if self._usable else {}
        self._changed = False

    def _read(self) -> dict[str, list[Any]]:
        try:
            content = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(content, dict) or content.get("version") != self._version:
            return {}
        entries = content.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, path: str, current: ExactStamp) -> tuple[bool, Any]:
        """(True, value) when the cache holds `path` at this stamp; value may be None."""
        entry = self._entries.get(path)
        if isinstance(entry, list) and entry[:-1] == list(current):
            return True, entry[-1]
        return False, None

    def put(self, path: str, current: ExactStamp, value: Any) -> None:
        entry = [*current, value]
        if self._entries.get(path) != entry:
            self._entries[path] = entry
            self._changed = True

    def forget_missing(self, present: set[str]) -> None:
        for path in [path for path in self._entries if path not in present]:
            del self._entries[path]
            self._changed = True

    def save(self) -> None:
        if self._changed and self._usable:
            content = json.dumps({"version": self._version, "entries": self._entries})
            write_cache_file(self._file, content.encode())


_IGNORE_ALL = b"*\n"


def make_cache_folder(folder: Path) -> None:
    """Make the cache folder if need be, kept out of Git by a .gitignore of its own.

    The .gitignore is written only when it is not already so: every run opens the folder, and
    rewriting it each time changed its times for nothing. One that cannot be written is left
    (a cache that Git shows is still never trusted if committed: `GitFacts.store_tracked`,
    `local_key`), rather than stopping the cache, which would make every run start again.
    Raises OSError when the folder cannot be made.
    """
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    try:
        if ignore.read_bytes() == _IGNORE_ALL:
            return
    except OSError:
        pass  # not there yet, or not a file
    with contextlib.suppress(OSError):
        ignore.write_bytes(_IGNORE_ALL)


def write_cache_file(file: Path, content: bytes) -> None:
    """Replace a file of the cache folder at once (never half-written), the folder kept out of
    Git; a read-only checkout writes nothing, and the next run does the work again."""
    try:
        make_cache_folder(file.parent)
        temporary = file.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(content)
        os.replace(temporary, file)
    except OSError:
        pass
