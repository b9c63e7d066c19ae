"""What a check of a few files asks Git and the file system, started before the checking code
is imported.

A one-file check (the pre-commit hook) of a registry of 50,000 records waits for two answers:
Git's view of the tracked files (load/git_view.py: `git diff-files` compares 60,000 files with
Git's index) and which record folders changed since the index store saw them (one `lstat` per
folder, `walk_folders`). Each takes about as long as importing the checking code (YAML, the
schemas, the rules), so `LookAhead` asks first: Git in two background processes, the walk in a
forked one, and `socialreg validate` imports the rest meanwhile. This module imports only what
those two need.

`validate --staged` compares with the records as Git's index holds them: it needs neither
`diff-files` nor the walk (files Git does not track are not part of a commit), only the listing,
and of the org/ files which the commit holds otherwise than the work tree.

Outside a Git work tree nothing vouches for the files, so a third process compares each file
the store has a row of with the stamp of that row (`stale_files`, one `lstat` each), and sends
back only the files that differ.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from socialreg.load.discover import discover_changes
from socialreg.load.files import lookups_below
from socialreg.load.git_view import GitFacts, GitView, StagedOrgFile, StagedOrgFiles
from socialreg.load.index_cache import exact_stamp
from socialreg.load.index_store import FOLDERS_TOKEN, STORE_FILE, path_from_store
from socialreg.load.kinds import RecordKind
from socialreg.parallel import Channel, WorkerError, forked_workers

# Up to this many files, `validate` checks them against the index store's rows of the others
# (check/pipeline.py, `check_few`), instead of indexing every record.
FEW_RECORDS = 64

# Processes that compare the store's rows with the files outside Git, each with its share of
# the rows: on two cores, two finish well before one alone (the check imports meanwhile).
STAMPERS = 2


def is_few(paths: tuple[str, ...], base: str | None) -> bool:
    """Whether `validate` of these paths is a check of a few files (no comparison with a base)."""
    return base is None and 0 < len(paths) <= FEW_RECORDS


class LookAhead:
    """Git's view and the folder walk, running while the caller does other work (with
    `staged`, Git's listing alone)."""

    def __init__(self, root: Path, staged: bool = False) -> None:
        self.staged = staged
        # The first staged check makes the store from the work tree, as any first check does:
        # it needs both answers too.
        listing_only = staged and (root / STORE_FILE).is_file()
        self._git = GitView(root, compare=not listing_only)
        # The commit's org/ files: those that differ from the work tree are read from Git.
        self._org = StagedOrgFiles(root) if staged else None
        self._facts: GitFacts | None = None
        self._git_read = False
        self._stack = contextlib.ExitStack()
        self._walk: Channel | None = None
        self._stamps: list[Channel] = []
        if listing_only:
            return
        # Without fork, the check walks the folders itself.
        with contextlib.suppress(OSError, ValueError):
            self._walk = self._stack.enter_context(forked_workers([root], _folder_walker))[0]
            if _outside_git(root):
                shares = [(root, part, STAMPERS) for part in range(STAMPERS)]
                self._stamps = self._stack.enter_context(forked_workers(shares, _stamper))

    def git_facts(self) -> GitFacts | None:
        """What Git says (None when it cannot say: not a work tree, no git, an error)."""
        if not self._git_read:
            self._facts = self._git.facts()
            self._git_read = True
            self._git.close()
        return self._facts

    def staged_org_files(self) -> dict[str, StagedOrgFile] | None:
        """With `staged`, the org/ files the commit holds otherwise than the work tree
        (`StagedOrgFiles.differing`); else None, as when Git cannot say."""
        return self._org.differing() if self._org is not None else None

    def walked(self) -> FolderChanges | None:
        """The walk's result, or None when it could not be made."""
        channel, self._walk = self._walk, None
        walked: FolderChanges | None = _received(channel)
        return walked

    def stale(self) -> StaleFiles | None:
        """`stale_files`, or None when it was not asked (in Git) or could not be made."""
        channels, self._stamps = self._stamps, []
        if not channels:
            return None
        return joined_shares([_received(channel) for channel in channels])

    def close(self) -> None:
        self._git.close()
        if self._org is not None:
            self._org.close()
        self._stack.close()

    def __enter__(self) -> LookAhead:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _folder_walker(channel: Channel, root: Path) -> None:
    channel.send(walk_folders(root))


def _stamper(channel: Channel, share: tuple[Path, int, int]) -> None:
    channel.send(stale_files(*share))


def _received(channel: Channel | None) -> Any:
    if channel is None:
        return None
    try:
        return channel.receive()
    except WorkerError:
        return None


def _outside_git(root: Path) -> bool:
    """Whether Git will not vouch for the files here: no `.git` here or above (as Git looks
    for one). A wrong guess costs time, not findings: the stamps are only used without Git."""
    if "GIT_DIR" in os.environ:
        return False
    root = root.absolute()
    return not any(os.path.lexists(folder / ".git") for folder in (root, *root.parents))


@dataclass(frozen=True, slots=True)
class FolderChanges:
    """How the record folders differ from those the index store recorded, and which record
    that was (FOLDERS_TOKEN: None when the store had none)."""

    token: str | None
    known: bool  # the store had recorded folders
    changed: dict[str, int]  # the folders that are new or changed -> their stamps now
    gone: list[str]  # the folders recorded that are no longer there
    scanned: set[str]  # the folders listed again (changed or new)
    files: dict[str, RecordKind]  # the record files in them


def folder_changes(root: Path, folders: Mapping[str, int], token: str | None) -> FolderChanges:
    """What changed since `folders` (folder -> stamp) were recorded: one `lstat` per folder,
    and a listing of those that changed (load/discover.py, `discover_changes`)."""
    found = discover_changes(root, folders, {})
    changed = new_stamps(found.folders, folders)
    gone = [folder for folder in folders if folder not in found.folders]
    return FolderChanges(token, bool(folders), changed, gone, found.scanned, found.files)


def new_stamps(folders: Mapping[str, int], before: Mapping[str, int]) -> dict[str, int]:
    """The folders whose stamps are new (25,000 rows are not written again on every run)."""
    return {folder: stamp for folder, stamp in folders.items() if before.get(folder) != stamp}


@dataclass(frozen=True, slots=True)
class StaleFiles:
    """The store's rows whose file does not have the row's stamp (changed, gone, or a row
    not made from the file), and the FOLDERS_TOKEN of the store they were read from."""

    token: str | None
    paths: list[str]
    # The highest row id when they were read. A run that writes a file's row gives it a new
    # id, higher than any before: shares read before and after another run's write differ here
    # even when the folders, and so the token, did not change.
    newest: int = 0


def joined_shares(shares: list[StaleFiles | None]) -> StaleFiles | None:
    """The `stale_files` of every share as one, or None when a share could not be made or the
    shares were read from different states of the store. (A row rewritten between two reads
    gets a new id, which may move it from the share not yet read to the one already read:
    neither would compare its file.)"""
    read = [share for share in shares if share is not None]
    if not read or len(read) < len(shares):
        return None
    if len({(share.token, share.newest) for share in read}) != 1:
        return None
    return StaleFiles(
        read[0].token, [path for share in read for path in share.paths], read[0].newest
    )


def stale_files(root: Path, part: int = 0, parts: int = 1) -> StaleFiles | None:
    """`StaleFiles` of the store at `root`, for another process to find while the check
    imports its code (an `lstat` for each of 60,000 files takes longer than the rest of a
    one-file check outside Git). None when there is no store to read.

    With `parts`, only the rows whose id leaves `part` when divided by `parts`: as many
    processes share the work (`LookAhead`). (The id's absolute value: SQLite's remainder of a
    negative id is negative, and a row no share holds would never be compared.)"""
    query = "SELECT path, size, mtime, ctime, inode FROM files WHERE abs(id) % ? = ?"
    read = _read_store(root, (query, (parts, part)), ("SELECT max(id) FROM files", ()))
    if read is None:
        return None
    token, (rows, ((newest,),)) = read
    stale = []
    with lookups_below(root) as (prefix, folder):
        for stored, *stamp in rows:
            path = path_from_store(stored)
            if exact_stamp(prefix + path, folder) != tuple(stamp):
                stale.append(path)
    return StaleFiles(token, stale, newest or 0)


def _read_store(
    root: Path, *queries: tuple[str, tuple[object, ...]]
) -> tuple[str | None, list[list[Any]]] | None:
    """The store's FOLDERS_TOKEN and the rows of each (query, parameters), in one read; None
    without a store."""
    file = root / STORE_FILE
    if not file.is_file():
        return None
    try:
        database = sqlite3.connect(f"{file.absolute().as_uri()}?mode=ro", uri=True)
        try:
            with database:  # one read: the token and the rows it stands for
                database.execute("BEGIN")
                tokens = database.execute(
                    "SELECT value FROM meta WHERE name = ?", (f"value:{FOLDERS_TOKEN}",)
                ).fetchall()
                rows = [database.execute(*query).fetchall() for query in queries]
        finally:
            database.close()
    except sqlite3.Error:
        return None
    token = tokens[0][0] if tokens and isinstance(tokens[0][0], str) else None
    return token, rows


def walk_folders(root: Path) -> FolderChanges:
    """`folder_changes` since the store's folders, for another process to find at the same
    time as the check imports its code and reads the org/ files (one `lstat` for each of
    25,000 folders is a large part of a one-file check at 50,000 records). Only the changes
    travel back, with the token that says which folders they are changes of. Without a store
    (a first run, which reads a large units.yaml meanwhile), every folder is listed, with no
    token: the store the check then opens has none either unless another run wrote it."""
    read = _read_store(root, ("SELECT path, stamp FROM folders ORDER BY path", ()))
    token, rows = (read[0], read[1][0]) if read is not None else (None, [])
    return folder_changes(root, {path_from_store(path): stamp for path, stamp in rows}, token)
