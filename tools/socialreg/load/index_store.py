"""The index store: every record's index entry between runs, in a SQLite file, found by key.

Checking one changed file (the pre-commit hook, `socialreg validate accounts/x/y.yaml`) still
needs what the cross-file rules know of every other record. Reading and checking 50,000 index
entries takes seconds; this store answers "which records share one of these keys" (a handle,
an address, an id: rules/relations.py lists them) from an index, so a one-file check reads the
few entries that matter. Each row also says how its file was when it was read (the Git blob,
the size and modification time), so that a row is used only while the file is unchanged; the
callers decide that (check/context_store.py). It also remembers each record folder's
modification time, so that finding the record files needs one `lstat` per folder rather than
a walk of every folder (load/discover.py, `discover_changes`).

It lives in `.socialreg-cache/` (ignored by Git) and is only an accelerator: a store that
cannot be opened, read or written (a read-only checkout, a broken file, another version of the
tool, another run writing at the same moment) is rebuilt, kept in memory or left as it is, and
the check is the same, only slower.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialreg.load.index_cache import (
    CACHE_FOLDER,
    ExactStamp,
    cache_folder_usable,
    local_key,
    make_cache_folder,
)

STORE_FILE = CACHE_FOLDER / "index.sqlite"
# A value that changes whenever the folders table does: whoever read the folders with it knows,
# by reading it again, whether they still are what it read (load/look_ahead.py).
FOLDERS_TOKEN = "folders-token"
_FORMAT = "9"  # the layout of the tables and of the values kept; another makes the store anew
_CHUNK = 500  # parameters per statement (SQLite allows 999 in old builds)

# `meta` has rowids, unlike the other tables keyed by text: it holds values of megabytes (Git's
# listing), and a lookup in a table WITHOUT ROWID that meets a row spilling over its page reads
# all of that row to compare keys: a lookup could read the whole listing, depending on where its
# search landed (3 to 10 ms a lookup at 60,000 files).
# Keys are stored as 63-bit hashes: a tenth of the size of the strings, and two keys with the
# same hash only fetch an extra record, which the rules then find unrelated.
_TABLES = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB);
CREATE TABLE files (
    id INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, folder TEXT NOT NULL, blob TEXT,
    size INTEGER, mtime INTEGER, ctime INTEGER, inode INTEGER, entry TEXT
);
CREATE TABLE keys (key INTEGER NOT NULL, file INTEGER NOT NULL, PRIMARY KEY (key, file))
    WITHOUT ROWID;
CREATE TABLE near (grp INTEGER NOT NULL, mask INTEGER NOT NULL, file INTEGER NOT NULL);
CREATE TABLE folders (path TEXT PRIMARY KEY, stamp INTEGER NOT NULL) WITHOUT ROWID;
"""


_SECONDARY_INDEXES = [
    ("files_by_folder", "files (folder)"),
    ("keys_by_file", "keys (file)"),
    ("near_by_group", "near (grp)"),
    ("near_by_file", "near (file)"),
]
_BULK = 5_000
# The rows of a writer before `finish`: temporary tables, which this connection alone sees,
# numbered in the order they came (a path staged again replaces its row, and its number).
_STAGING = """
DROP TABLE IF EXISTS temp.staged_files;
DROP TABLE IF EXISTS temp.staged_keys;
DROP TABLE IF EXISTS temp.staged_near;
CREATE TEMP TABLE staged_files (
    number INTEGER PRIMARY KEY, path TEXT UNIQUE NOT NULL, folder TEXT NOT NULL, blob TEXT,
    size INTEGER, mtime INTEGER, ctime INTEGER, inode INTEGER, entry TEXT
);
CREATE TEMP TABLE staged_keys (key INTEGER NOT NULL, number INTEGER NOT NULL);
CREATE TEMP TABLE staged_near (grp INTEGER NOT NULL, mask INTEGER NOT NULL, number INTEGER NOT NULL)
"""


def hashed_key(key: str) -> int:
    data = key.encode("utf-8", "surrogatepass")
    return (zlib.adler32(data) << 31) ^ zlib.crc32(data)  # < 2**63: an SQLite integer


def _stored(path: str) -> str:
    """A path (or folder) as the store keeps it. SQLite's text is UTF-8, and a file name that
    is not (os.fsdecode made its bytes lone surrogates, which Python will not encode) would
    stop every check: a path that is not ASCII is kept as its bytes, one character each."""
    return path if path.isascii() else os.fsencode(path).decode("latin-1")


def path_from_store(text: str) -> str:
    """The path (or folder) that `_stored` kept as `text`."""
    return text if text.isascii() else os.fsdecode(text.encode("latin-1"))


def _differ_in_few_bits(first: int, second: int) -> bool:
    return (first ^ second).bit_count() <= 2


@dataclass(frozen=True, slots=True)
class StoredFile:
    """How a file was when its row was made."""

    id: int
    folder: str
    blob: str | None  # its Git blob, when Git vouched for it then
    stamp: ExactStamp


@dataclass(frozen=True, slots=True)
class FileRow:
    path: str
    folder: str  # the folder it is in, relative to the root ("accounts/library")
    blob: str | None
    stamp: ExactStamp
    entry: str | None  # what the caller needs of the record, in JSON; None: no index entry
    # The keys other records' checks find it by, and (group, mask) pairs by which it is found
    # with a mask a few bits away, the keys and groups hashed (`hashed_key`): where the row is
    # made, in the workers of a first run, rather than 300,000 times in the parent.
    keys: Sequence[int]
    near: Sequence[tuple[int, int]] = ()


class StoreBroken(Exception):
    """The store could not be read: the caller starts again with a new one."""


class IndexStore:
    def __init__(
        self, root: Path, version: str, file: Path = STORE_FILE, in_memory: bool = False
    ) -> None:
        self._path = root / file
        # A store this machine did not write (it came with the repository) is never read.
        self._version = f"{_FORMAT}:{version}:{local_key()}"
        usable = not in_memory and cache_folder_usable(root)
        self._database = self._open() if usable else self._in_memory()
        self._stager: StoreWriter | None = None  # the writer whose rows are staged

    # --- reading ------------------------------------------------------------------------

    def files(self, paths: Iterable[str] | None = None) -> dict[str, StoredFile]:
        """The files the store has a row for: all of them, or those of `paths`."""
        columns = "SELECT id, path, folder, blob, size, mtime, ctime, inode FROM files"
        if paths is None:
            rows = self._query(columns)
        else:
            rows = [
                row
                for chunk in _chunks(sorted(map(_stored, paths)))
                for row in self._query(
                    f"{columns} WHERE path IN ({','.join('?' * len(chunk))})", chunk
                )
            ]
        found = {
            path_from_store(path): StoredFile(
                number, path_from_store(folder), blob, (size, mtime, ctime, inode)
            )
            for number, path, folder, blob, size, mtime, ctime, inode in rows
        }
        return found

    def paths_in(self, folders: Iterable[str]) -> set[str]:
        """The paths of the rows of files directly in `folders`."""
        return {
            path_from_store(path)
            for chunk in _chunks(sorted(map(_stored, folders)))
            for (path,) in self._query(
                f"SELECT path FROM files WHERE folder IN ({','.join('?' * len(chunk))})", chunk
            )
        }

    def paths_with_entries(self, prefix: str, ending: str) -> list[tuple[str, bool]]:
        """The paths under `prefix` (a folder and its /) of the rows with an entry, each with
        whether its entry ends with `ending`."""
        sql = (
            "SELECT path, substr(entry, -?) = ? FROM files"
            " WHERE entry IS NOT NULL AND substr(path, 1, ?) = ?"
        )
        found = self._query(sql, (len(ending), ending, len(prefix), prefix))  # ASCII both
        return [(path_from_store(path), bool(ends)) for path, ends in found]

    def has_rows(self) -> bool:
        """Whether the store holds a row of any file."""
        return bool(self._query("SELECT 1 FROM files LIMIT 1"))

    def folders(self) -> dict[str, int]:
        """Every record folder listed before (relative to the root), with its stamp then
        (load/discover.folder_stamp)."""
        found = self._query("SELECT path, stamp FROM folders ORDER BY path")
        return {path_from_store(path): stamp for path, stamp in found}

    def value(self, name: str) -> Any:
        """A value a writer's `finish` stored, or None."""
        return self.values(name)[name]

    def values(self, *names: str) -> dict[str, Any]:
        """The values of `names` (None for one never stored), read in one statement: all as
        one write left them, never some from before another run's write and some after."""
        stored = [f"value:{name}" for name in names]
        found = dict(
            self._query(
                f"SELECT name, value FROM meta WHERE name IN ({','.join('?' * len(stored))})",
                stored,
            )
        )
        return {name: found.get(key) for name, key in zip(names, stored, strict=True)}

    def entries(self) -> Iterator[tuple[str, Any]]:
        """(path, entry) of every row with an entry."""
        # One JSON text for them all: one call of the decoder, not one per row.
        rows = self._query(
            "SELECT group_concat(path, char(0)), '[' || group_concat(entry, ',') || ']' "
            "FROM files WHERE entry IS NOT NULL"
        )
        paths, entries = rows[0] if rows else (None, None)
        if paths is None:
            return
        decoded = _decoded(entries)
        names = paths.split("\0")
        if not paths.isascii():
            names = [path_from_store(name) for name in names]
        if isinstance(decoded, list) and len(decoded) == len(names):
            yield from zip(names, decoded, strict=True)
        else:  # a row that is not JSON: each on its own, so only it is read again
            for path, text in self._query("SELECT path, entry FROM files WHERE entry IS NOT NULL"):
                yield path_from_store(path), _decoded(text)

    def entries_with_keys(
        self, keys: Iterable[str], near: Iterable[tuple[str, int]] = ()
    ) -> Iterator[tuple[str, Any]]:
        """(path, entry) of the rows with an entry that have one of `keys`, or a `near` group
        with a mask at most two bits from the one given."""
        files: set[int] = set()
        hashed = sorted({hashed_key(key) for key in keys})
        for start in range(0, len(hashed), _CHUNK):
            chunk = hashed[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT file FROM keys WHERE key IN ({marks})"
            files.update(number for (number,) in self._query(sql, chunk))
        for group, mask in near:
            sql = "SELECT file FROM near WHERE grp = ? AND differ_in_few_bits(mask, ?)"
            files.update(number for (number,) in self._query(sql, (hashed_key(group), mask)))
        found = sorted(files)
        for start in range(0, len(found), _CHUNK):
            chunk = found[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT path, entry FROM files WHERE entry IS NOT NULL AND id IN ({marks})"
            for path, text in self._query(sql, chunk):
                yield path_from_store(path), _decoded(text)

    # --- writing ------------------------------------------------------------------------

    def update(self, rows: Iterable[FileRow] = (), removed: Iterable[str] = ()) -> None:
        """Write rows (replacing those of the same paths) and forget removed files, all at once
        or not at all. A sync, which also records blobs, folders and values, uses `writing`."""
        rows = list(rows)
        with self.writing(len(rows)) as writer:
            writer.add(rows)
            writer.finish(removed)

    @contextlib.contextmanager
    def writing(self, expected: int = 0) -> Iterator[StoreWriter]:
        """A StoreWriter for about `expected` rows: rows are added as they are made, and
        nothing is written unless `finish` is called and everything succeeds."""
        writer = StoreWriter(self)
        writer.expect(expected)
        try:
            yield writer
        finally:
            writer.abandon()  # rolls back what `finish` did not commit

    def close(self) -> None:
        self._database.close()

    # --- opening ------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        """The store's database, made anew when it is missing, broken or of another version;
        in memory when the file cannot be used at all."""
        for attempt in ("as it is", "anew"):
            try:
                if attempt == "anew":
                    self._path.unlink(missing_ok=True)
                make_cache_folder(self._path.parent)
                database = sqlite3.connect(self._path, timeout=5, isolation_level=None)
                self._prepare(database)
                return database
            except (OSError, sqlite3.Error):
                continue
        return self._in_memory()

    def _in_memory(self) -> sqlite3.Connection:
        database = sqlite3.connect(":memory:", isolation_level=None)
        self._prepare(database)
        return database

    def _prepare(self, database: sqlite3.Connection) -> None:
        database.create_function("differ_in_few_bits", 2, _differ_in_few_bits, deterministic=True)
        database.isolation_level = "DEFERRED"  # `with database:` is one transaction
        # A cache: losing the last transaction in a power cut costs a re-read, nothing more.
        database.execute("PRAGMA synchronous = OFF")
        database.execute("PRAGMA journal_mode = WAL")  # readers do not wait for a writer
        database.execute("PRAGMA cell_size_check = ON")  # a damaged page is an error, not data
        version = None
        tables = database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if ("meta",) in tables.fetchall():
            row = database.execute("SELECT value FROM meta WHERE name = 'version'").fetchone()
            version = row[0] if row else None
        if version == self._version:
            return
        with database:
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            ).fetchall():
                database.execute(f'DROP TABLE IF EXISTS "{name}"')
            for statement in _TABLES.split(";"):
                if statement.strip():
                    database.execute(statement)
            for name, definition in _SECONDARY_INDEXES:
                database.execute(f"CREATE INDEX {name} ON {definition}")
            database.execute("INSERT INTO meta VALUES ('version', ?)", (self._version,))

    def _query(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        try:
            return self._database.execute(sql, tuple(parameters)).fetchall()
        except sqlite3.Error as error:
            # Never "no rows": a missing row would be a finding missed.
            raise StoreBroken(str(error)) from error

    def discard(self) -> None:
        """Delete the store's file (it is broken): the next store starts empty."""
        self._database.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self._path}{suffix}")


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def encoded(entry: Any) -> str | None:
    return None if entry is None else json.dumps(entry, separators=(",", ":"))


def _decoded(text: Any) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return False  # not an entry: the caller reads the file again


def folder_of(path: str) -> str:
    return os.path.dirname(path)


class StoreWriter:
    """The writes of one sync, in one transaction: rows added a batch at a time as they are
    made, then what else changed (`finish`), which commits. A first run's workers send 60,000
    rows, and SQLite writes each batch while they read on, rather than all of them after.

    The batches wait in temporary tables of this connection, which take no lock on the store:
    the store's write lock is taken by `finish` alone, for the copy into the store's tables and
    the rest of the sync (under a second after a first run's load of 60,000 files; a few
    milliseconds after a few files). Taken at the first batch, it was held through the whole
    load (four seconds there), and any other run that wrote meanwhile (the pre-commit hook
    while an editor checked the whole repository) waited five seconds for it, then left its
    rows unwritten.

    A row that replaces another gets a new id: the old id's keys are deleted, with the rows of
    removed files, once the indexes are back (without them each deletion reads a whole table).
    Ids, and which rows are replaced, are settled under the lock: another run may have written
    since this one read its rows.

    The store is left as it was when a write fails: locked by another run for longer than the
    connection waits, a full disk, or a read that fails on the way (the next run reads the
    files again); a broken store raises StoreBroken.
    """

    def __init__(self, store: IndexStore) -> None:
        self._store = store
        self._database = store._database
        # Many rows (a first run, see `expect`): the indexes are made again at the end, at once,
        # which is faster than keeping them up to date row by row.
        self._many = False
        self._staging = False  # the temporary tables exist
        self._begun = False  # the store's transaction is open (in `finish`)
        self._failed = False
        self._finished = False
        self._next_number = 0  # of the rows staged, in the order they came
        self._added: set[str] = set()  # the paths of the rows added

    def expect(self, count: int) -> None:
        """Say that about `count` rows will be added (before the first is)."""
        if not self._staging:
            self._many = count > _BULK

    def add(self, rows: Sequence[FileRow]) -> None:
        """Write these rows (replacing those of the same paths)."""
        if self._finished:
            raise RuntimeError("rows added to a store writer that has finished")
        if rows:
            self._attempt(self._add, rows)

    def finish(
        self,
        removed: Iterable[str] = (),
        blobs: Iterable[tuple[str, str, ExactStamp]] = (),
        folders: Iterable[tuple[str, int]] = (),
        removed_folders: Iterable[str] = (),
        values: Mapping[str, Any] | None = None,
        values_read: Mapping[str, Any] | None = None,
    ) -> None:
        """Forget removed files, record the blobs Git now vouches for (path, blob, and the
        stamp of the row it vouches for), the folders listed and named values, and commit
        everything.

        `values_read` are the values (name -> value) that the rows and `values` were made
        from, as the caller read them. When another run has stored others since, `values`
        are not stored: those names and theirs are stored as None, so that the next reader
        starts without them.
        """
        if self._finished:
            raise RuntimeError("a store writer finished twice")
        self._finished = True
        removed, folders, removed_folders = list(removed), list(folders), list(removed_folders)
        values = dict(values or {})
        self._attempt(
            self._finish, removed, list(blobs), folders, removed_folders, values, values_read
        )
        if not self._failed and self._begun:
            self._attempt(self._database.commit)
            self._begun = False
        self._attempt(self._unstage)

    def abandon(self) -> None:
        """Roll back what was not committed, and drop what was staged."""
        if self._begun or self._database.in_transaction:
            self._begun = False
            with contextlib.suppress(sqlite3.Error):
                self._database.rollback()
        if self._database.in_transaction:
            # The rollback failed: nothing may end that transaction but a rollback (dropping
            # the staged tables now would commit it). The next writer's `_stage` drops them.
            self._store._stager = None
            self._staging = False
            return
        with contextlib.suppress(sqlite3.Error):
            self._unstage()

    def _attempt(self, step: Callable[..., None], *arguments: Any) -> None:
        if self._failed:
            return
        try:
            step(*arguments)
        except sqlite3.ProgrammingError:
            self.abandon()
            raise  # a mistake of ours, not of the store
        except sqlite3.OperationalError:
            self._failed = True  # locked by another run, or a full disk
            self.abandon()
        except sqlite3.DatabaseError as error:
            self._failed = True
            self.abandon()
            raise StoreBroken(str(error)) from error
        except StoreBroken as error:  # a read on the way (IndexStore._query)
            self._failed = True
            self.abandon()
            if not isinstance(error.__cause__, sqlite3.OperationalError):
                raise
            # else the read could not be made now (a full disk, say): the store is left as
            # it was, not thrown away.

    def _stage(self) -> None:
        if self._staging:
            return
        if self._store._stager is not None:
            # The staged tables have fixed names: a second writer would drop the first's rows.
            raise RuntimeError("two store writers at once on one connection")
        self._store._stager = self
        database = self._database
        for statement in _STAGING.split(";"):
            if statement.strip():
                database.execute(statement)
        self._staging = True

    def _unstage(self) -> None:
        if not self._staging:
            return
        self._staging = False
        self._store._stager = None
        # Outside any transaction (statements that change a schema do not open one).
        for table in ("staged_files", "staged_keys", "staged_near"):
            self._database.execute(f"DROP TABLE IF EXISTS temp.{table}")

    def _add(self, rows: Sequence[FileRow]) -> None:
        self._stage()
        rows = list({row.path: row for row in rows}.values())  # the last of a path's rows
        numbers = {}
        for row in rows:
            numbers[row.path] = self._next_number
            self._next_number += 1
        self._added.update(numbers)
        database = self._database
        # A path staged again replaces its row there (and so drops its keys: see `_finish`).
        database.executemany(
            "INSERT OR REPLACE INTO staged_files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (numbers[r.path], _stored(r.path), _stored(r.folder), r.blob, *r.stamp, r.entry)
                for r in rows
            ),
        )
        database.executemany(
            "INSERT INTO staged_keys VALUES (?, ?)",
            ((key, numbers[row.path]) for row in rows for key in row.keys),
        )
        database.executemany(
            "INSERT INTO staged_near VALUES (?, ?, ?)",
            ((group, mask, numbers[row.path]) for row in rows for group, mask in row.near),
        )
        database.commit()  # the temporary tables only: no lock on the store is held

    def _begin(self) -> None:
        database = self._database
        if database.in_transaction:
            database.commit()
        database.execute("BEGIN IMMEDIATE")  # the write lock, before ids are read
        self._begun = True

    def _finish(
        self,
        removed: list[str],
        blobs: list[tuple[str, str, ExactStamp]],
        folders: list[tuple[str, int]],
        removed_folders: list[str],
        values: dict[str, Any],
        values_read: Mapping[str, Any] | None,
    ) -> None:
        store = self._store
        self._begin()
        if store._query("SELECT value FROM meta WHERE name = 'version'") != [(store._version,)]:
            # Another version of the tool (or of the catalogue) made the store again since this
            # one opened it: rows made here are not rows of that store.
            raise sqlite3.OperationalError("the store was made again by another version")
        if values_read and store.values(*values_read) != values_read:
            # Under the lock: no run can store others between this comparison and the commit.
            values = {name: None for name in [*values_read, *values]}
        # A path given as removed and as a row keeps its row (as the old update did).
        stored = store.files([path for path in removed if path not in self._added])
        gone = [(row.id,) for row in stored.values()]
        database = self._database
        replaced = self._copy_staged() if self._staging else []  # their rows are gone already
        database.executemany("DELETE FROM files WHERE id = ?", gone)
        for table in ("keys", "near"):
            database.executemany(f"DELETE FROM {table} WHERE file = ?", [*gone, *replaced])
        # Only while the row is the one that was found to be the blob's (same stamp): another
        # run may have made it again since, from a file that changed.
        database.executemany(
            "UPDATE files SET blob = ?"
            " WHERE path = ? AND size = ? AND mtime = ? AND ctime = ? AND inode = ?",
            ((blob, _stored(path), *stamp) for path, blob, stamp in blobs),
        )
        database.executemany(
            "INSERT OR REPLACE INTO folders VALUES (?, ?)",
            ((_stored(path), stamp) for path, stamp in folders),
        )
        database.executemany(
            "DELETE FROM folders WHERE path = ?", ((_stored(path),) for path in removed_folders)
        )
        if folders or removed_folders or store.value(FOLDERS_TOKEN) is None:
            values[FOLDERS_TOKEN] = secrets.token_hex(8)
        database.executemany(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)",
            ((f"value:{name}", value) for name, value in values.items()),
        )

    def _copy_staged(self) -> list[tuple[int]]:
        """Copy the staged rows into the store's tables (under its lock); returns the ids of
        the rows they replace, whose keys are still to be deleted."""
        database = self._database
        # Past every id any table names, so that no key left by a failure is taken for a new
        # row's (each is a lookup in an index: they all exist until the DROP below).
        first_id = 1 + max(
            self._store._query(f"SELECT coalesce(max({column}), 0) FROM {table}")[0][0]
            for table, column in (("files", "id"), ("keys", "file"), ("near", "file"))
        )
        replaced = database.execute(
            "SELECT id FROM main.files WHERE path IN (SELECT path FROM staged_files)"
        ).fetchall()
        if self._many:
            for name, _ in _SECONDARY_INDEXES:
                database.execute(f"DROP INDEX IF EXISTS {name}")
        # The keys and sketches of a row staged again went with it (`number IN ...`); keys in
        # order, so that SQLite appends to the keys' index rather than inserting all over.
        database.execute(
            "INSERT OR REPLACE INTO main.files"
            " SELECT number + ?, path, folder, blob, size, mtime, ctime, inode, entry"
            " FROM staged_files",
            (first_id,),
        )
        database.execute(
            "INSERT OR IGNORE INTO main.keys SELECT key, number + ? FROM staged_keys"
            " WHERE number IN (SELECT number FROM staged_files) ORDER BY key, number",
            (first_id,),
        )
        database.execute(
            "INSERT INTO main.near SELECT grp, mask, number + ? FROM staged_near"
            " WHERE number IN (SELECT number FROM staged_files)",
            (first_id,),
        )
        if self._many:
            for name, definition in _SECONDARY_INDEXES:
                database.execute(f"CREATE INDEX {name} ON {definition}")
            self._many = False
        return replaced
