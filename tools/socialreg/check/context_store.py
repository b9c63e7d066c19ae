"""The index entries of the records a check does not check in full, kept in the index store.

A check of some files still compares them with every other record (the context). Reading
those files again on every run would make the pre-commit hook as slow as a whole check, so each
one's index entry is kept in the index store (load/index_store.py) with how the file was when it
was read, and read again only when the file changed: Git says so (load/git_view.py) or its size
or modification time does. A check of a few files then reads from the store only the entries
that share a key with them (rules/relations.py); a larger one reads them all.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path
from typing import Any

from socialreg import __version__
from socialreg.identity.keys import IdentityKeys, catalogue_fingerprint
from socialreg.load.discover import (
    RECORD_FOLDERS,
    Job,
    discover_changes,
    is_checked_path,
    record_place,
)
from socialreg.load.git_view import GitFacts
from socialreg.load.index_cache import Stamp, stamp
from socialreg.load.index_store import FileRow, IndexStore, StoredFile, encoded, folder_of
from socialreg.load.model import INDEX_KEYS, RecordKind, RecordSummary, Repository
from socialreg.rules.relations import Near, id_key, record_keys

# (path, index fields, identity keys) of a context record as its file says now; fields None
# when it has no index entry (not a mapping, say).
# (the entry as the store keeps it (JSON), the keys it is found by, its sketches)
StoredForm = tuple[str | None, list[str], list[Near]]
ContextLoaded = tuple[str, dict[str, Any] | None, IdentityKeys | None, StoredForm]
Loader = Callable[[list[Job]], list[ContextLoaded]]


def stored_form(
    path: str, kind: RecordKind, fields: dict[str, Any] | None, identity: IdentityKeys | None
) -> StoredForm:
    """A record's row, but for how its file was: made where the record is loaded (in the
    workers of a first run, which would otherwise wait for the parent to make 50,000)."""
    place = record_place(path)
    if fields is None or place is None:
        return None, [], []
    keys, near = record_keys(kind, place.id, place.folder_unit, fields, identity)
    return encoded(_entry_value(fields, identity)), keys, near


def _entry_value(fields: dict[str, Any], identity: IdentityKeys | None) -> list[Any]:
    return [fields, None if identity is None else identity.as_list()]


IndexEntry = tuple[RecordSummary, bool]


class ContextStore:
    """The store, for one run: bring its rows up to date, then read entries."""

    def __init__(self, repository: Repository, load: Loader, trusted: bool = True) -> None:
        # Entries hold identity keys, which depend on the policy's platform catalogue.
        fingerprint = catalogue_fingerprint(repository.org_data("policy"))
        self._root_path = repository.root
        self._root = f"{repository.root}/"
        version = f"{__version__}:{','.join(INDEX_KEYS)}:{fingerprint}"
        # A store someone else wrote (committed to the repository) is never read: one in memory.
        self._store = IndexStore(repository.root, version, in_memory=not trusted)
        self._load = load
        self._known: dict[str, StoredFile] = {}  # the rows looked at: all, or a few
        self._read_now: dict[str, Any] = {}  # entries of the files read in this run

    # --- bringing the rows up to date ------------------------------------------------------

    def refresh(self, files: Iterable[tuple[str, RecordKind]], present: Collection[str]) -> None:
        """Make the rows of `files` current, by their size and modification time, and forget
        the rows of files that are not `present`. (Git's view is not kept: the next
        `sync_with_git` starts from scratch.)"""
        self._known = self._store.files()
        removed = [path for path in self._known if path not in present]
        self._bring_up_to_date(files, removed, values={_LISTING: None, _LOOSE: None})

    def sync_by_folders(self) -> None:
        """Make every row current, finding the record files by the folders that changed."""
        self._known = self._store.files()
        known = {path: row.folder for path, row in self._known.items()}
        folders = self._store.folders()
        found = discover_changes(self._root_path, folders, known)
        removed = [path for path in self._known if path not in found.files]
        gone_folders = [folder for folder in folders if folder not in found.folders]
        self._bring_up_to_date(
            found.files.items(), removed, folders=found.folders.items(), gone_folders=gone_folders
        )

    def sync_with_git(self, facts: GitFacts) -> None:
        """Make every row current, with what Git says of the files.

        New and removed files show as folders whose modification time changed (an `lstat`
        each, load/discover.py). After the first time, only the files of those folders, the
        files whose line in Git's listing changed since the last run, and those Git does not
        vouch for now or did not then (changed or untracked) are looked at: every other row was
        current then, and its file has not changed since.
        """
        earlier, loose = self._store.value(_LISTING), self._store.value(_LOOSE)
        folders = self._store.folders()
        found = discover_changes(self._root_path, folders, {})  # files of changed folders
        gone_folders = [folder for folder in folders if folder not in found.folders]
        blobs = None
        if isinstance(earlier, bytes) and isinstance(loose, str) and folders:
            unsure = found.scanned | set(gone_folders)  # whose rows may be of removed files
            candidates = facts.lines_differing(earlier) | facts.changed | set(found.files)
            candidates.update(json.loads(loose))
            candidates.update(self._store.paths_in(unsure))
            self._known = self._store.files(candidates)
            present = [
                (path, RECORD_FOLDERS[path.split("/", 1)[0]])
                for path in candidates
                if path in found.files
                or (path in self._known and folder_of(path) not in unsure and is_record_path(path))
            ]
            kept = {path for path, _ in present}
            removed = [path for path in candidates if path in self._known and path not in kept]
        else:  # the first time: every folder was read
            blobs = facts.blobs()
            self._known = self._store.files()
            present = list(found.files.items())
            removed = [path for path in self._known if path not in found.files]
        unvouched = self._bring_up_to_date(
            present, removed, facts, blobs, found.folders.items(), gone_folders
        )
        values = {_LISTING: facts.listing, _LOOSE: json.dumps(unvouched)}
        if [earlier, loose] != list(values.values()):  # megabytes: written only when changed
            self._store.update(values=values)

    def _bring_up_to_date(
        self,
        files: Iterable[tuple[str, RecordKind]],
        removed: list[str],
        facts: GitFacts | None = None,
        blobs: dict[str, str] | None = None,
        folders: Iterable[tuple[str, int]] = (),
        gone_folders: Iterable[str] = (),
        values: Mapping[str, Any] | None = None,
    ) -> list[str]:
        """Read again the files of `files` whose row is not current, and store it all.
        Returns the files of `files` that Git does not vouch for."""
        stale: list[tuple[Job, str | None, Stamp]] = []
        vouched: list[tuple[str, str]] = []
        unvouched: list[str] = []
        for path, kind in files:
            row = self._known.get(path)
            blob = facts.blob_if_unchanged(path, blobs) if facts is not None else None
            if blob is None:
                unvouched.append(path)
            if row is not None and blob is not None and row.blob is not None:
                if row.blob == blob:
                    continue  # Git vouches the file is what the row was made from
                current = stamp(self._root + path)
            else:
                current = stamp(self._root + path)
                if current is not None and row is not None and row.stamp == current:
                    if blob is not None:
                        vouched.append((path, blob))  # next time, Git's word will do
                    continue
            if current is not None:  # else gone meanwhile: no entry, as if never found
                stale.append((Job(path, kind, False), blob, current))
        loaded = {
            path: (fields, identity, form)
            for path, fields, identity, form in self._load([job for job, _, _ in stale])
        }
        rows = [
            self._row(job.path, blob, current, *loaded[job.path]) for job, blob, current in stale
        ]
        self._store.update(rows, removed, vouched, folders, gone_folders, values)
        for path in removed:
            self._known.pop(path, None)
        return sorted(unvouched)

    def remember(
        self, jobs: list[Job], stamps: Mapping[str, Stamp], entries: list[IndexEntry]
    ) -> None:
        """Store the rows of files checked in full (loaded by the caller), so that the next
        check of another file has them: their index entries without what only a full check
        keeps."""
        summaries = {summary.path: summary for summary, _ in entries}
        rows = []
        for job in jobs:
            current = stamps.get(job.path)
            if current is None:
                continue
            summary = summaries.get(job.path)
            fields = (
                None
                if summary is None
                else {key: summary.fields[key] for key in INDEX_KEYS if key in summary.fields}
            )
            identity = None if summary is None else summary.identity
            form = stored_form(job.path, job.kind, fields, identity)
            rows.append(self._row(job.path, None, current, fields, identity, form))
        self._store.update(rows)

    def _row(
        self,
        path: str,
        blob: str | None,
        current: Stamp,
        fields: dict[str, Any] | None,
        identity: IdentityKeys | None,
        form: StoredForm,
    ) -> FileRow:
        self._read_now[path] = None if fields is None else _entry_value(fields, identity)
        return FileRow(path, folder_of(path), blob, current, *form)

    def entries(self, files: Mapping[str, RecordKind]) -> list[IndexEntry]:
        """The index entries of all of `files` (path -> kind)."""
        found = dict(self._store.entries())
        found.update(self._read_now)
        return self._summaries(((path, found.get(path)) for path in files), files)

    def entries_with_keys(
        self, keys: Iterable[str], near: Iterable[Near], leave_out: Collection[str]
    ) -> list[IndexEntry]:
        """The index entries of the records that have one of `keys` or are `near`, but those
        of `leave_out` (the records checked in full: they have entries of their own)."""
        found = {
            path: entry
            for path, entry in self._store.entries_with_keys(keys, near)
            if path not in leave_out and is_record_path(path)
        }
        # The records that share an id with one found: the index keeps only the first of them.
        twins = {
            id_key(place.kind, place.id) for place in map(record_place, found) if place is not None
        }
        for path, entry in self._store.entries_with_keys(twins):
            if path not in leave_out and is_record_path(path):
                found.setdefault(path, entry)
        kinds = {path: RECORD_FOLDERS[path.split("/", 1)[0]] for path in found}
        return self._summaries(found.items(), kinds)

    def _summaries(
        self, found: Iterable[tuple[str, Any]], kinds: Mapping[str, RecordKind]
    ) -> list[IndexEntry]:
        entries: list[IndexEntry] = []
        unusable: list[Job] = []
        for path, value in found:
            kind = kinds[path]
            cached = _cached_entry(value, kind)
            if cached is None:
                unusable.append(Job(path, kind, False))
                continue
            entries.extend(_entry(path, kind, *cached))
        # A row the store could not give back as it was written: the file is read instead.
        for path, fields, identity, _ in self._load(unusable) if unusable else []:
            entries.extend(_entry(path, kinds[path], fields, identity))
        return entries

    def close(self) -> None:
        self._store.close()


_LISTING = "git-listing"  # Git's listing at the last sync_with_git
_LOOSE = "git-loose"  # the files Git did not vouch for then (JSON list)


def is_record_path(path: str) -> bool:
    """Whether discover_records would find a file at `path` (relative, with /)."""
    return path.split("/", 1)[0] in RECORD_FOLDERS and is_checked_path(path)


def is_record_file(root: Path, path: str) -> bool:
    """Whether discover_records finds a file at `path` (relative to `root`, with /)."""
    return is_record_path(path) and _is_file(f"{root}/{path}")


def _is_file(path: str) -> bool:
    """Whether there is something at `path` that discovery takes for a file: not a folder."""
    try:
        return not stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _entry(
    path: str, kind: RecordKind, fields: dict[str, Any] | None, identity: IdentityKeys | None
) -> list[IndexEntry]:
    place = record_place(path)
    if fields is None or place is None:
        return []
    return [(RecordSummary(kind, place.id, path, place.folder_unit, fields, identity), False)]


def _cached_entry(
    value: object, kind: RecordKind
) -> tuple[dict[str, Any] | None, IdentityKeys | None] | None:
    """What a row's entry holds, or None when it is not usable (the file is read again)."""
    if value is None:
        return None, None  # the file has no index entry (not a mapping, say)
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], dict):
        return None
    identity = IdentityKeys.from_list(value[1])
    if kind == "account" and identity is None:
        return None
    return value[0], identity
