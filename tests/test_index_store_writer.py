"""The index store's writes, a batch at a time in one transaction (load/index_store.py,
StoreWriter): a first run's rows are written while its workers read on, and the store still
holds all of a sync's changes or none of them.

The module's last tests run the store's change sequence and random histories with every row
sent and written on its own and the bulk path taken from the first row, so that a batch that
lost or kept a row it should not would show as a finding missed or made up.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from socialreg.check import context_store, pipeline
from socialreg.load import index_store
from socialreg.load.index_cache import ExactStamp
from socialreg.load.index_store import STORE_FILE, FileRow, IndexStore, StoreBroken, hashed_key
from tests import test_index_scan_store, test_index_store
from tests import test_index_store_histories as histories

G = "g"


def _row(path: str, entry: int, *keys: str) -> FileRow:
    near = [(hashed_key(G), entry)]
    return FileRow(path, "a", None, (entry, 1, 1, 1), f'{{"n": {entry}}}', _hashed(*keys), near)


def _hashed(*keys: str) -> list[int]:
    return [hashed_key(key) for key in keys]


def _tables(root: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, ids replaced by paths (a replaced row's id changes)."""
    with sqlite3.connect(root / STORE_FILE) as database:
        paths = dict(database.execute("SELECT id, path FROM files"))
        files = database.execute("SELECT path, entry, size FROM files ORDER BY path").fetchall()
        keys = database.execute("SELECT key, file FROM keys").fetchall()
        near = database.execute("SELECT grp, mask, file FROM near").fetchall()
        meta = database.execute("SELECT name FROM meta WHERE name LIKE 'value:%'").fetchall()
        indexes = database.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        index_names = sorted(name for (name,) in indexes if not name.startswith("sqlite_"))
    return {
        "files": files,
        "keys": sorted((key, paths.get(file)) for key, file in keys),
        "near": sorted((group, mask, paths.get(file)) for group, mask, file in near),
        "meta": sorted(meta),
        "indexes": [(name,) for name in index_names],
    }


def _no_orphans(root: Path) -> None:
    """No key and no near sketch of a file the store no longer has."""
    tables = _tables(root)
    assert all(path is not None for _, path in tables["keys"])
    assert all(path is not None for *_, path in tables["near"])


def _store_with_a_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> tuple[IndexStore, dict[str, list[tuple[object, ...]]]]:
    """A store holding one row (a/1.yaml, key k1), written in bulk or row by row from now
    on; and its tables."""
    if bulk:
        monkeypatch.setattr(index_store, "_BULK", 0)
    store = IndexStore(tmp_path, "test")
    store.update([_row("a/1.yaml", 1, "k1")])
    return store, _tables(tmp_path)


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "bulk"])
def test_rows_added_in_batches_are_the_rows_added_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    if bulk:
        monkeypatch.setattr(index_store, "_BULK", 0)
    first = [_row(f"a/{n}.yaml", n, f"k{n}", "shared") for n in range(7)]
    later = [_row("a/1.yaml", 11, "k11"), _row("a/8.yaml", 8, "k8", "shared")]
    at_once, in_batches = tmp_path / "at-once", tmp_path / "in-batches"
    for root in (at_once, in_batches):
        root.mkdir()
    store = IndexStore(at_once, "test")
    store.update(first)
    with store.writing(len(later)) as writer:  # all at once, as one update
        writer.add(later)
        writer.finish(["a/2.yaml"], values={"x": b"y"})
    store.close()
    store = IndexStore(in_batches, "test")
    for rows, removed, values in [(first, [], None), (later, ["a/2.yaml"], {"x": b"y"})]:
        with store.writing(len(rows)) as writer:
            for row in rows:
                writer.add([row])
            writer.finish(removed, values=values)
    assert set(dict(store.entries_with_keys(["shared"]))) == {
        f"a/{n}.yaml" for n in (0, 3, 4, 5, 6, 8)
    }  # not 1, replaced by a row without the key, nor 2, removed
    assert dict(store.entries_with_keys(["k1"])) == {}  # replaced: its old keys are gone
    assert dict(store.entries_with_keys(["k11"])) == {"a/1.yaml": {"n": 11}}
    assert dict(store.entries_with_keys(["k2"])) == {}  # removed
    store.close()
    assert _tables(in_batches) == _tables(at_once)
    kept = {row.path: row for row in [*first, *later] if row.path != "a/2.yaml"}
    assert _tables(in_batches)["files"] == [
        (path, row.entry, row.stamp[0]) for path, row in sorted(kept.items())
    ]
    assert _tables(in_batches)["keys"] == sorted(
        (key, path) for path, row in kept.items() for key in row.keys
    )
    assert _tables(in_batches)["near"] == sorted(
        (group, mask, path) for path, row in kept.items() for group, mask in row.near
    )
    _no_orphans(in_batches)
    assert len(_tables(in_batches)["indexes"]) == len(index_store._SECONDARY_INDEXES)


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "bulk"])
def test_nothing_is_written_unless_the_writer_finishes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    store, before = _store_with_a_row(tmp_path, monkeypatch, bulk)
    with pytest.raises(RuntimeError), store.writing(2) as writer:
        writer.add([_row("a/1.yaml", 2, "k2"), _row("a/2.yaml", 2, "k2")])
        raise RuntimeError("the run stopped half-way")
    with store.writing(2) as writer:
        writer.add([_row("a/1.yaml", 3, "k3")])  # and never finished
    assert _tables(tmp_path) == before
    # Its own connection too: nothing of it is left in a transaction still open.
    assert dict(store.entries_with_keys(["k1", "k2", "k3"])) == {"a/1.yaml": {"n": 1}}
    store.update([_row("a/1.yaml", 4, "k4")])
    assert dict(store.entries_with_keys(["k1", "k2", "k3"])) == {}
    assert dict(store.entries_with_keys(["k4"])) == {"a/1.yaml": {"n": 4}}
    store.close()
    _no_orphans(tmp_path)


def test_a_store_locked_by_another_run_is_left_as_it_was(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, "test")
    store.update([_row("a/1.yaml", 1, "k1")])
    store._database.execute("PRAGMA busy_timeout = 50")  # not the five seconds it waits
    before = _tables(tmp_path)
    other = sqlite3.connect(tmp_path / STORE_FILE, isolation_level=None)
    with store.writing(3) as writer:
        writer.add([_row("a/2.yaml", 2, "k2")])
        writer.add([_row("a/3.yaml", 3, "k3")])
        other.execute("BEGIN IMMEDIATE")  # another run writes: SQLite says "locked"
        writer.finish(values={"x": b"y"})  # waits, then gives up: no exception
        other.execute("ROLLBACK")
    other.close()
    assert _tables(tmp_path) == before
    store.update([_row("a/4.yaml", 4, "k4")])  # the next write works
    assert set(dict(store.entries_with_keys(["k1", "k2", "k3", "k4"]))) == {"a/1.yaml", "a/4.yaml"}
    store.close()


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "bulk"])
def test_another_run_writes_while_a_long_load_adds_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    """A first run adds rows as its workers read 60,000 files, for seconds: the store's lock
    is not held meanwhile, so another run (the pre-commit hook) writes without waiting, and
    the first run's rows replace its rows of the same files when it finishes."""
    store, _ = _store_with_a_row(tmp_path, monkeypatch, bulk)
    hook = IndexStore(tmp_path, "test")
    hook._database.execute("PRAGMA busy_timeout = 0")  # it would wait, then give up
    with store.writing(3) as writer:
        writer.add([_row("a/2.yaml", 2, "k2"), _row("a/1.yaml", 11, "k11")])
        hook.update([_row("a/2.yaml", 22, "k22"), _row("a/5.yaml", 5, "k5")], ["a/1.yaml"])
        assert dict(hook.entries_with_keys(["k22", "k5"])) == {
            "a/2.yaml": {"n": 22},
            "a/5.yaml": {"n": 5},
        }
        writer.add([_row("a/3.yaml", 3, "k3")])
        writer.finish()
    hook.close()
    assert {path: entry for path, entry, _ in _tables(tmp_path)["files"]} == {
        "a/1.yaml": '{"n": 11}',
        "a/2.yaml": '{"n": 2}',
        "a/3.yaml": '{"n": 3}',
        "a/5.yaml": '{"n": 5}',
    }
    assert dict(store.entries_with_keys(["k1", "k22"])) == {}  # replaced, with their keys
    assert set(dict(store.entries_with_keys(["k11", "k2", "k3", "k5"]))) == {
        "a/1.yaml",
        "a/2.yaml",
        "a/3.yaml",
        "a/5.yaml",
    }
    store.close()
    _no_orphans(tmp_path)


class _FailingReads:
    """A connection whose reads fail once it is armed, as they do when the disk is full and
    SQLite needs room for a temporary result."""

    def __init__(self, database: sqlite3.Connection) -> None:
        self._database, self.armed = database, False

    def __getattr__(self, name: str) -> object:
        return getattr(self._database, name)

    def execute(self, sql: str, parameters: object = ()) -> object:
        if self.armed and sql.lstrip().upper().startswith("SELECT"):
            raise sqlite3.OperationalError("database or disk is full")
        return self._database.execute(sql, parameters)  # type: ignore[arg-type]


def test_a_read_that_fails_in_a_writer_leaves_the_store_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reads a sync makes on the way (the ids of the rows it replaces) fail with the
    disk full: the write is given up, as a write that fails is, and the store is kept (it
    was thrown away, and the next run read every file again)."""
    store, before = _store_with_a_row(tmp_path, monkeypatch, bulk=False)
    failing = _FailingReads(store._database)
    store._database = failing  # type: ignore[assignment]
    with store.writing(1) as writer:
        writer._database = failing  # type: ignore[assignment]
        writer.add([_row("a/1.yaml", 2, "k2")])
        failing.armed = True
        writer.finish(["a/1.yaml"])  # no exception
    failing.armed = False
    assert _tables(tmp_path) == before
    assert dict(store.entries_with_keys(["k1"])) == {"a/1.yaml": {"n": 1}}
    store.close()
    assert (tmp_path / STORE_FILE).exists()


class _Damaged:
    """A connection that fails from its `at`th write on (a damaged page found, or a disk that
    filled up), or when it commits."""

    def __init__(self, database: sqlite3.Connection, error: sqlite3.Error, at: int) -> None:
        self._database, self._error, self._left = database, error, at

    def __getattr__(self, name: str) -> object:
        return getattr(self._database, name)

    def executemany(self, sql: str, parameters: object) -> object:
        self._left -= 1
        if self._left <= 0:
            raise self._error
        return self._database.executemany(sql, parameters)  # type: ignore[arg-type]

    def commit(self) -> None:
        raise self._error


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "bulk"])
def test_a_broken_store_says_so_and_keeps_none_of_the_rows_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    store, before = _store_with_a_row(tmp_path, monkeypatch, bulk)
    damaged = sqlite3.DatabaseError("database disk image is malformed")
    with pytest.raises(StoreBroken), store.writing(3) as writer:
        writer._database = _Damaged(store._database, damaged, at=4)  # type: ignore[assignment]
        writer.add([_row("a/1.yaml", 2, "k2"), _row("a/2.yaml", 2, "k2")])  # three writes
        writer.add([_row("a/3.yaml", 3, "k3")])  # the fourth fails
    assert _tables(tmp_path) == before
    # Its own connection too: nothing of it is left in a transaction still open.
    assert dict(store.entries_with_keys(["k1", "k2", "k3"])) == {"a/1.yaml": {"n": 1}}
    store.update([_row("a/1.yaml", 4, "k4")])
    assert dict(store.entries_with_keys(["k1", "k4"])) == {"a/1.yaml": {"n": 4}}
    store.close()
    _no_orphans(tmp_path)


def test_a_commit_that_fails_keeps_none_of_the_rows_added(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, "test")
    store.update([_row("a/1.yaml", 1, "k1")])
    before = _tables(tmp_path)
    with store.writing(2) as writer:
        full = sqlite3.OperationalError("database or disk is full")
        writer._database = _Damaged(store._database, full, at=99)  # type: ignore[assignment]
        writer.add([_row("a/1.yaml", 2, "k2")])
        writer.add([_row("a/2.yaml", 2, "k2")])
        writer.finish(["a/1.yaml"], values={"x": b"y"})  # no exception: the next run reads
    assert _tables(tmp_path) == before
    assert dict(store.entries_with_keys(["k1"])) == {"a/1.yaml": {"n": 1}}
    store.close()


def test_rows_made_before_another_version_made_the_store_again_are_not_written(
    tmp_path: Path,
) -> None:
    """A run loads with one version of the platform catalogue; meanwhile another run, after
    the catalogue changed, makes the store again. The first run's rows (their keys made with
    the old catalogue) must not go into the new store, which says it is the new version's."""
    old = IndexStore(tmp_path, "catalogue-1")
    with old.writing(2) as writer:
        writer.add([_row("a/1.yaml", 1, "old-key")])
        new = IndexStore(tmp_path, "catalogue-2")  # drops and makes every table again
        writer.finish(values={"x": b"y"})  # no exception: the write is given up
    old.close()
    assert new.files() == {}
    assert dict(new.entries_with_keys(["old-key"])) == {}
    assert new.value("x") is None
    new.update([_row("a/2.yaml", 2, "new-key")])  # the new store takes its own rows
    assert dict(new.entries_with_keys(["new-key"])) == {"a/2.yaml": {"n": 2}}
    new.close()


class _NoRollback(_Damaged):
    """A connection whose deletions fail (a full disk) and whose rollback fails too."""

    def executemany(self, sql: str, parameters: object) -> object:
        if sql.startswith("DELETE FROM keys"):
            raise self._error
        return self._database.executemany(sql, parameters)  # type: ignore[arg-type]

    def commit(self) -> None:
        self._database.commit()

    def rollback(self) -> None:
        raise sqlite3.OperationalError("disk I/O error")


def test_a_write_whose_rollback_fails_is_never_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write fails half-way, and so does its rollback: the transaction must stay open (the
    connection's end rolls it back), never be committed by the dropping of the staged rows,
    which left the keys of a replaced row behind."""
    store, before = _store_with_a_row(tmp_path, monkeypatch, bulk=True)
    full = sqlite3.OperationalError("database or disk is full")
    with store.writing(1) as writer:
        writer._database = _NoRollback(store._database, full, at=0)  # type: ignore[assignment]
        writer.add([_row("a/1.yaml", 2, "k2")])
        writer.finish()
    assert store._database.in_transaction
    store.close()  # closing rolls back what is left open
    assert _tables(tmp_path) == before
    _no_orphans(tmp_path)


def test_a_second_writer_on_one_connection_is_refused_not_left_to_drop_the_first_rows(
    tmp_path: Path,
) -> None:
    store = IndexStore(tmp_path, "test")
    with store.writing(2) as writer:
        writer.add([_row("a/1.yaml", 1, "k1")])
        with pytest.raises(RuntimeError, match="two store writers"):
            store.update([_row("a/9.yaml", 9, "k9")])
        writer.add([_row("a/2.yaml", 2, "k2")])
        writer.finish()
    assert set(store.files()) == {"a/1.yaml", "a/2.yaml"}
    store.update([_row("a/9.yaml", 9, "k9")])  # once the first has finished
    assert set(store.files()) == {"a/1.yaml", "a/2.yaml", "a/9.yaml"}
    store.close()


def test_a_row_another_run_wrote_since_is_replaced_and_removed_by_its_current_id(
    tmp_path: Path,
) -> None:
    """Two runs at once: the second rewrites and adds rows after the first read the ids of
    its rows. What the first then replaces or removes leaves no row, key or sketch behind."""
    first, second = IndexStore(tmp_path, "test"), IndexStore(tmp_path, "test")
    first.update([_row(f"a/{n}.yaml", n, f"k{n}") for n in range(4)])
    assert set(first.files()) == {f"a/{n}.yaml" for n in range(4)}  # its ids, read now
    second.files()
    second.update([_row("a/1.yaml", 11, "k11"), _row("a/2.yaml", 12, "k12")], ["a/3.yaml"])
    second.update([_row("a/5.yaml", 5, "k5")])
    with first.writing(1) as writer:
        writer.add([_row("a/1.yaml", 21, "k21"), _row("a/3.yaml", 23, "k23")])
        writer.finish(["a/2.yaml"])
    assert set(first.files()) == {"a/0.yaml", "a/1.yaml", "a/3.yaml", "a/5.yaml"}
    for key in ("k1", "k11", "k2", "k12", "k3"):
        assert dict(first.entries_with_keys([key])) == {}, key
    assert dict(first.entries_with_keys(["k21"])) == {"a/1.yaml": {"n": 21}}
    assert dict(first.entries_with_keys(["k5"])) == {"a/5.yaml": {"n": 5}}
    first.close()
    second.close()
    _no_orphans(tmp_path)
    tables = _tables(tmp_path)
    assert {path for _, path in tables["keys"]} == {path for path, *_ in tables["files"]}


def test_a_new_row_takes_no_id_a_key_left_behind_still_names(tmp_path: Path) -> None:
    """A key of a file the store no longer has (left by a write that failed half-way in an
    earlier version, say) must not become a new row's key."""
    store = IndexStore(tmp_path, "test")
    store.update([_row("a/1.yaml", 1, "k1")])
    (last,) = store._database.execute("SELECT max(id) FROM files").fetchone()
    store._database.execute("INSERT INTO keys VALUES (?, ?)", (hashed_key("ghost"), last + 1))
    store._database.execute("INSERT INTO near VALUES (?, 1, ?)", (hashed_key("ghost"), last + 2))
    store._database.commit()
    store.update([_row("a/2.yaml", 2, "k2"), _row("a/3.yaml", 3, "k3")])
    assert dict(store.entries_with_keys(["ghost"])) == {}
    assert dict(store.entries_with_keys([], [("ghost", 1)])) == {}
    store.close()


def _vouch(store: IndexStore, path: str, blob: str, stamp: ExactStamp) -> None:
    """Record that Git vouches for the row of `path` with this stamp, as a sync does."""
    with store.writing() as writer:
        writer.finish(blobs=[(path, blob, stamp)])


def test_a_blob_is_kept_only_for_the_row_it_was_found_to_be(tmp_path: Path) -> None:
    """A run finds a row current and Git vouching for its file; another run makes the row
    again from a file that changed meanwhile. The first run's blob is not the new row's."""
    first, second = IndexStore(tmp_path, "test"), IndexStore(tmp_path, "test")
    first.update([_row("a/1.yaml", 1, "k1")])
    found = first.files(["a/1.yaml"])["a/1.yaml"]  # current: Git vouches for blob X
    second.update([_row("a/1.yaml", 2, "k2")])  # the file changed; another run read it
    _vouch(first, "a/1.yaml", "X", found.stamp)
    assert first.files()["a/1.yaml"].blob is None
    _vouch(first, "a/1.yaml", "Y", first.files()["a/1.yaml"].stamp)
    assert first.files()["a/1.yaml"].blob == "Y"
    first.close()
    second.close()


def test_a_writer_is_finished_once(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, "test")
    with store.writing() as writer:
        writer.finish()
        with pytest.raises(RuntimeError):
            writer.add([_row("a/1.yaml", 1, "k1")])
        with pytest.raises(RuntimeError):
            writer.finish()
    store.close()


@pytest.fixture
def one_row_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every worker sends each record on its own, each is written on its own, and the bulk
    path (indexes made again at the end) is taken from the first row."""
    monkeypatch.setattr(pipeline, "_CONTEXT_BATCH", 1)
    monkeypatch.setattr(context_store, "_ROWS_AT_A_TIME", 1)
    monkeypatch.setattr(index_store, "_BULK", 0)
    monkeypatch.setattr(pipeline, "worker_count", lambda jobs: 2 if jobs > 1 else 1)


@pytest.mark.usefixtures("one_row_at_a_time")
@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_changes_since_the_last_run_are_seen_one_row_at_a_time(
    tmp_path: Path, in_git: bool
) -> None:
    test_index_store.test_changes_since_the_last_run_are_seen(tmp_path, in_git)
    _no_orphans(tmp_path / "repo")


@pytest.mark.usefixtures("one_row_at_a_time")
@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_each_file_alone_finds_what_every_file_finds_one_row_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool
) -> None:
    monkeypatch.setattr(context_store, "_SCAN_FROM", 0)
    test_index_scan_store.test_each_file_alone_finds_what_every_file_finds_from_scanned_rows(
        tmp_path, in_git
    )
    _no_orphans(tmp_path / "repo")


@pytest.mark.usefixtures("one_row_at_a_time")
@pytest.mark.parametrize(("in_git", "seed", "steps"), [(True, 17, 10), (False, 217, 12)])
def test_random_histories_one_row_at_a_time_find_what_the_files_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool, seed: int, steps: int
) -> None:
    histories.test_random_histories_find_what_the_files_say(
        tmp_path, monkeypatch, in_git, seed, steps
    )
    _no_orphans(tmp_path / "repo")


def _bytes_read() -> int:
    """Bytes this process has read through system calls so far, from the page cache or not
    (Linux's /proc/self/io, `rchar`): SQLite reads its pages so."""
    for line in Path("/proc/self/io").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == "rchar":
            return int(value)
    raise AssertionError("no rchar in /proc/self/io")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="Linux's /proc counts the reads")
def test_looking_up_a_small_value_does_not_read_a_large_one(tmp_path: Path) -> None:
    """Git's listing is a value of megabytes; the small values beside it (the folders' token,
    the files Git did not vouch for) are looked up several times a run."""
    store = IndexStore(tmp_path, "test")
    large = bytes(range(256)) * (4 << 12)  # 4 MB, unlike any other value
    with store.writing() as writer:
        writer.finish(values={"listing": large, "loose": "[]", "token": "t"})
    store.close()
    store = IndexStore(tmp_path, "test")  # a new connection: nothing of the file cached yet
    before = _bytes_read()
    assert store.value("loose") == "[]"
    assert store.value("token") == "t"
    assert store.value("no such value") is None
    assert _bytes_read() - before < 256 << 10
    assert store.value("listing") == large
    store.close()
