"""The index entries of the records a check does not check in full, kept in the index store.

A check of some files still compares them with every other record (the context). Reading
those files again on every run would make the pre-commit hook as slow as a whole check, so each
one's index entry is kept in the index store (load/index_store.py) with how the file was when it
was read, and read again only when the file changed: Git says so (load/git_view.py) or its size
or modification time does. A check of a few files then reads from the store only the entries
that share a key with them (rules/relations.py); a larger one reads them all.

`validate --staged` compares with the records as Git's index holds them instead
(`sync_staged`): a row made from the blob a record's line names is current for it, whatever
the work tree holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, NamedTuple, TypeGuard

from socialreg import __version__
from socialreg.check.kept_view import NO_VIEW, kept_view, view_to_keep
from socialreg.identity.keys import IdentityKeys, catalogue_fingerprint
from socialreg.load.discover import (
    Job,
    discover_changes,
    is_record_path,
    record_kind,
    record_place,
)
from socialreg.load.git_view import GitFacts
from socialreg.load.gitbase import BaseError, read_objects
from socialreg.load.index_cache import ExactStamp, changed_since, exact_stamp, trustworthy
from socialreg.load.index_store import (
    FOLDERS_TOKEN,
    FileRow,
    IndexStore,
    StoredFile,
    StoreWriter,
    encoded,
    folder_of,
    hashed_key,
)
from socialreg.load.look_ahead import FolderChanges, StaleFiles, folder_changes, new_stamps
from socialreg.load.model import INDEX_KEYS, RecordKind, RecordSummary, Repository
from socialreg.rules.relations import Near, id_key, record_keys

# (the entry as the store keeps it (JSON), the keys it is found by, its sketches), the keys and
# the sketches' groups hashed (index_store.hashed_key)
StoredForm = tuple[str | None, list[int], list[tuple[int, int]]]


class ContextLoaded(NamedTuple):
    """A context record as its file (or the blob given for it) says now."""

    path: str
    fields: dict[str, Any] | None  # None: no index entry (not a mapping, say)
    identity: IdentityKeys | None
    form: StoredForm
    # Found by load/index_scan.py: the file is not known to be a record until read in full.
    scanned: bool
    # The file's, taken just before it was read; None when it is gone (or a blob was given).
    stamp: ExactStamp | None


# Loads the jobs' files, or the contents given for them (path -> bytes); it may scan them.
# What it loaded comes as it is loaded, in any order.
Loader = Callable[[list[Job], Mapping[str, bytes] | None, bool], Iterable[ContextLoaded]]
# The stamp of a row made from a blob, not from a file: it matches no file.
NO_STAMP: ExactStamp = (-1, -1, -1, -1)
# Up to this many paths to look at, each is found in Git's listing on its own; more, and the
# listing is split once.
_FEW_PATHS = 32
# From this many files to read, as in a first run, they are scanned for their index fields
# (load/index_scan.py), and only those the check then needs are read in full: 50,000 first
# read in full took longer than the rest of the check.
_SCAN_FROM = 1_000
# What ends the entry of a scanned row: `_cached_entry` takes it for one to read in full.
_SCANNED = "scanned"
# Rows given to the store at a time, as the files are read.
_ROWS_AT_A_TIME = 2_000
_SCANNED_ENDING = f',"{_SCANNED}"]'


def stored_form(
    path: str,
    kind: RecordKind,
    fields: dict[str, Any] | None,
    identity: IdentityKeys | None,
    scanned: bool = False,
) -> StoredForm:
    """A record's row, but for how its file was: made where the record is loaded (in the
    workers of a first run, which would otherwise wait for the parent to make 50,000)."""
    place = record_place(path)
    if fields is None or place is None:
        return None, [], []
    keys, near = record_keys(kind, place.id, place.folder_unit, fields, identity)
    return (
        encoded(_entry_value(fields, identity, scanned)),
        [hashed_key(key) for key in keys],
        [(hashed_key(group), mask) for group, mask in near],
    )


def _entry_value(
    fields: dict[str, Any], identity: IdentityKeys | None, scanned: bool = False
) -> list[Any]:
    value = [fields, None if identity is None else identity.as_list()]
    return [*value, _SCANNED] if scanned else value


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
        self._for_the_index = False  # the rows stand for Git's index (`sync_staged`)

    # --- bringing the rows up to date ------------------------------------------------------

    def refresh(self, files: Iterable[tuple[str, RecordKind]], present: Collection[str]) -> None:
        """Make the rows of `files` current, by their stamps, and forget the rows of files that
        are not `present`. Git's view and the folders are not kept: the next `sync_with_git`
        or `sync_by_folders` starts from scratch."""
        self._known = self._store.files()
        removed = [path for path in self._known if path not in present]
        with self._store.writing() as writer:
            vouched, _, gone = self._read_again(files, writer)
            self._write(writer, [*removed, *gone], vouched, forget_folders=True)

    def sync_by_folders(
        self, walked: FolderChanges | None = None, stale: StaleFiles | None = None
    ) -> None:
        """Make every row current, finding the record files by the folders that changed and
        knowing each is unchanged by its stamp.

        With the folders that changed (`walked`) and the rows whose file's stamp is not theirs
        (`stale`), both found by other processes since the folders the store holds now, only
        the files of those folders and those rows are looked at here.
        """
        token = self._store.value(FOLDERS_TOKEN)
        if (
            walked is not None
            and stale is not None
            and walked.known
            and walked.token is not None
            and walked.token == stale.token == token
        ):
            present, removed = self._look_at(set(stale.paths), walked)
            with self._store.writing() as writer:
                vouched, _, vanished = self._read_again(present, writer, may_scan=True)
                self._write(writer, [*removed, *vanished], vouched, walked.changed, walked.gone)
            return
        self._known = self._store.files()
        folders = self._store.folders()
        if _usable_walk(walked, token, self._store) and walked.token is None:
            listed, files = walked.changed, walked.files  # a first run's: every folder
        else:
            known = {path: row.folder for path, row in self._known.items()}
            found = discover_changes(self._root_path, folders, known)
            listed, files = found.folders, found.files
        removed = [path for path in self._known if path not in files]
        gone = [folder for folder in folders if folder not in listed]
        changed = new_stamps(listed, folders)
        with self._store.writing() as writer:
            vouched, _, vanished = self._read_again(files.items(), writer, may_scan=True)
            self._write(writer, [*removed, *vanished], vouched, changed, gone)

    def sync_with_git(self, facts: GitFacts, walked: FolderChanges | None = None) -> None:
        """Make every row current, with what Git says of the files.

        New and removed files show as folders that changed (an `lstat` each,
        load/discover.py; `walked` when another process already looked, since the folders
        the store holds now). After the first time, only the files of those folders, the files
        whose line in Git's listing changed since the last run, and those Git does not vouch
        for now or did not then (changed, untracked or not compared) are looked at: every other
        row was current then, and its file has not changed since.
        """
        if not facts.compared:
            raise ValueError("the work tree can only be synced with Git's diff-files")
        kept = kept_view(self._store)
        token = self._store.value(FOLDERS_TOKEN)
        if not _usable_walk(walked, token, self._store):
            walked = folder_changes(self._root_path, self._store.folders(), token)
        blobs = None
        if kept.listing is not None and kept.loose is not None and walked.known:
            changed_folders, gone = walked.changed, walked.gone
            candidates = facts.lines_differing(kept.listing) | facts.changed
            candidates.update(json.loads(kept.loose))
            present, removed = self._look_at(candidates, walked)
            if len(present) > _FEW_PATHS:  # each found alone reads the listing (3 MB) again
                blobs = facts.blobs()
        else:  # the first time (or after a run that did not keep Git's view): read every folder
            if walked.known:
                walked = folder_changes(self._root_path, {}, token)
                folders = self._store.folders()
                gone = [folder for folder in folders if folder not in walked.changed]
                changed_folders = new_stamps(walked.changed, folders)
            else:  # no folders recorded: the walk already listed them all
                changed_folders, gone = walked.changed, walked.gone
            blobs = facts.blobs()
            self._known = self._store.files()
            present = list(walked.files.items())
            removed = [path for path in self._known if path not in walked.files]
        with self._store.writing() as writer:
            vouched, unvouched, vanished = self._read_again(
                present, writer, facts, blobs, may_scan=True
            )
            # With the files Git's index holds that the work tree does not (deleted, say): they
            # have no row, and a check with `--staged` must look at them (sync_staged).
            unvouched.extend(path for path in facts.changed if is_record_path(path))
            view = view_to_keep(facts.listing, set(unvouched), kept)
            self._write(
                writer, [*removed, *vanished], vouched, changed_folders, gone, view, kept.as_read
            )

    def _look_at(
        self, candidates: set[str], walked: FolderChanges
    ) -> tuple[list[tuple[str, RecordKind]], list[str]]:
        """Of `candidates`, the files of the folders that changed and the rows of the files
        in them, which record files are there (to read again where their rows are not
        current) and which rows are of files no longer there."""
        unsure = walked.scanned | set(walked.gone)  # whose rows may be of removed files
        candidates = {*candidates, *walked.files, *self._store.paths_in(unsure)}
        self._known = self._store.files(candidates)
        present = [
            (path, record_kind(path))
            for path in candidates
            if path in walked.files
            or (path in self._known and folder_of(path) not in unsure and is_record_path(path))
        ]
        kept = {path for path, _ in present}
        return present, [path for path in candidates if path in self._known and path not in kept]

    def sync_staged(self, facts: GitFacts, checked: Collection[str]) -> frozenset[str] | None:
        """Make the rows of the records Git's index holds current with its blobs (the records
        as the commit will hold them), and return the paths of the other rows (files Git does
        not track, merge conflicts, links), which a check of `checked` must leave out. None
        when the store holds no Git view yet: the caller syncs with the work tree first.

        It starts from the view the last sync kept, as `sync_with_git` does: a record whose line
        in Git's listing is the same, and which Git vouched for then, has a row made from the
        blob its line names. The others are looked at, and each whose row is not of its blob
        now is read from Git (`git cat-file`), never from the work tree. Rows are never removed
        (the work tree's files are still there for the next check without `--staged`), and the
        files not vouched for stay in the view's list of them, with `checked` (whose rows the
        caller writes from the work tree), so that every sync looks at them again.
        Raises `gitbase.BaseError` when Git cannot give a blob.
        """
        kept = kept_view(self._store)
        if kept.listing is None or kept.loose is None:
            return None
        self._for_the_index = True
        candidates = {
            path
            for path in facts.lines_differing(kept.listing).union(json.loads(kept.loose), checked)
            if is_record_path(path)
        }
        self._known = self._store.files(candidates)
        blob_of = facts.staged_blob if len(candidates) <= _FEW_PATHS else facts.staged_blobs().get
        staged = {path: blob for path in candidates if (blob := blob_of(path)) is not None}
        stale = [
            (path, blob)
            for path, blob in sorted(staged.items())
            if path not in checked and ((row := self._known.get(path)) is None or row.blob != blob)
        ]
        found = read_objects(self._root_path, [blob for _, blob in stale])
        contents = {
            path: raw for (path, _), raw in zip(stale, found, strict=True) if raw is not None
        }
        if len(contents) < len(stale):
            # Git lacks a blob its index names (`cat-file` says "missing" of a corrupt one
            # too): left out, the record would not be compared with, and nothing would say so.
            missing = next(path for path, _ in stale if path not in contents)
            raise BaseError(f"Git cannot read the staged {missing}")
        loaded = {
            path: (fields, identity, form)
            for path, fields, identity, form, _, _ in self._load(
                [Job(path, record_kind(path), False) for path in contents], contents, False
            )
        }
        rows = [
            self._row(path, blob, NO_STAMP, *loaded[path]) for path, blob in stale if path in loaded
        ]
        current = {path for path in staged if path not in checked} - {
            path for path, _ in stale if path not in loaded
        }
        with self._store.writing(len(rows)) as writer:
            writer.add(rows)
            view = view_to_keep(facts.listing, candidates - current, kept)
            self._write(writer, [], [], values=view, values_read=kept.as_read)
        # The rows of `checked` are the caller's (written from the work tree): they count, as
        # accounts for a suggestion among all of them, say.
        counted = current.union(checked)
        return frozenset(path for path in self._known if path not in counted)

    def _read_again(
        self,
        files: Iterable[tuple[str, RecordKind]],
        writer: StoreWriter,
        facts: GitFacts | None = None,
        blobs: dict[str, str] | None = None,
        may_scan: bool = False,
    ) -> tuple[list[tuple[str, str, ExactStamp]], list[str], list[str]]:
        """Read again the files of `files` whose row is not current, and add their new rows to
        `writer` as they come; returns the blobs Git now vouches for of rows that are current,
        the files Git does not vouch for, and those that are gone (their rows are removed: one
        `validate --staged` made may be of a file the work tree no longer has). With
        `may_scan`, for a check that then reads only the entries it needs
        (`entries_with_keys`), many files are scanned rather than read in full."""
        # path -> (job, blob, stamp now) of the files to read; no stamp when there is no row to
        # compare it with: the file's is taken where it is read (in the workers of a first run).
        stale: dict[str, tuple[Job, str | None, ExactStamp | None]] = {}
        vouched: list[tuple[str, str, ExactStamp]] = []
        unvouched: list[str] = []
        gone: list[str] = []
        for path, kind in files:
            row = self._known.get(path)
            blob = facts.blob_if_unchanged(path, blobs) if facts is not None else None
            if blob is None:
                unvouched.append(path)
            elif row is not None and row.blob == blob:
                continue  # Git vouches the file is what the row was made from
            if row is None:
                stale[path] = (Job(path, kind, False), blob, None)
                continue
            current = exact_stamp(self._root + path)
            if current is None:
                gone.append(path)
                continue  # gone meanwhile: no entry, as if never found
            if blob is not None and facts is not None and changed_since(current, facts.asked_at):
                blob = None  # changed after Git compared it (as below)
                unvouched.append(path)
            if row.stamp == current and (blob is None or row.blob is None):
                if blob is not None:
                    vouched.append((path, blob, current))  # next time, Git's word will do
                continue
            stale[path] = (Job(path, kind, False), blob, current)
        jobs = [job for job, _, _ in stale.values()]
        writer.expect(len(jobs))
        rows: list[FileRow] = []
        # In the order the workers send them: each batch is written while they read on.
        for result in self._load(jobs, None, may_scan and len(jobs) >= _SCAN_FROM):
            job, blob, current = stale[result.path]
            stamp = result.stamp
            if stamp is None:
                if current is not None:
                    gone.append(job.path)
                continue  # gone meanwhile: no entry, as if never found
            if blob is not None and facts is not None and changed_since(stamp, facts.asked_at):
                # Changed after Git compared it (or too near that moment to tell): what was read
                # may not be its blob, and a row said to be the blob's would make later
                # `--staged` checks compare with the work tree. Git is asked again next time.
                blob = None
                unvouched.append(job.path)
            rows.append(
                self._row(
                    job.path,
                    blob,
                    trustworthy(stamp),
                    result.fields,
                    result.identity,
                    result.form,
                    result.scanned,
                )
            )
            if len(rows) == _ROWS_AT_A_TIME:
                writer.add(rows)
                rows = []
        writer.add(rows)
        return vouched, unvouched, gone

    def _write(
        self,
        writer: StoreWriter,
        removed: list[str],
        vouched: list[tuple[str, str, ExactStamp]],
        folders: Mapping[str, int] | None = None,
        gone_folders: Iterable[str] = (),
        values: Mapping[str, Any] | None = None,
        values_read: Mapping[str, Any] | None = None,
        forget_folders: bool = False,
    ) -> None:
        """What a sync found besides the rows added to `writer`, which then writes it all in
        one transaction: a run that stops half-way (or cannot write) leaves the store as the
        last run left it, which the next run starts from. `values_read`: the values of Git's
        view the sync started from (`KeptView.as_read`; see StoreWriter.finish)."""
        if forget_folders:  # the rows changed without the folders being looked at
            gone_folders = list(self._store.folders())
            values = dict(NO_VIEW)
        elif folders is not None and values is None:
            values = dict(NO_VIEW)  # Git's view was not looked at
        writer.finish(
            removed, vouched, (folders or {}).items(), gone_folders, values or {}, values_read
        )
        for path in removed:
            self._known.pop(path, None)

    def remember(
        self, jobs: list[Job], stamps: Mapping[str, ExactStamp], entries: list[IndexEntry]
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
            rows.append(self._row(job.path, None, trustworthy(current), fields, identity, form))
        self._store.update(rows)

    def _row(
        self,
        path: str,
        blob: str | None,
        current: ExactStamp,
        fields: dict[str, Any] | None,
        identity: IdentityKeys | None,
        form: StoredForm,
        scanned: bool = False,
    ) -> FileRow:
        self._read_now[path] = None if fields is None else _entry_value(fields, identity, scanned)
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
        kinds = {path: record_kind(path) for path in found}
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
        for path, (fields, identity) in self._read_in_full(unusable).items():
            entries.extend(_entry(path, kinds[path], fields, identity))
        return entries

    def _read_in_full(
        self, jobs: list[Job]
    ) -> dict[str, tuple[dict[str, Any] | None, IdentityKeys | None]]:
        """The fields and identity keys of files whose rows cannot be used as they are: scanned
        (it is not known yet that the file is a record), or not given back as written. Their
        new rows are stored, so the next check uses them.

        For a `--staged` check, which takes a row Git vouched for as its blob's, such a row is
        read from that blob, the content it was made from: the work tree may hold another by
        now. The row keeps its stamp and blob. Other rows are read from their files, which
        the sync just found to be what the rows were made from, as is a row whose blob Git
        cannot give."""
        if not jobs:
            return {}
        known = self._store.files([job.path for job in jobs])
        contents = self._blobs_of(known) if self._for_the_index else {}
        from_files = [job for job in jobs if job.path not in contents]
        from_blobs = [job for job in jobs if job.path in contents]
        found: dict[str, tuple[dict[str, Any] | None, IdentityKeys | None]] = {}
        rows = []
        loaded = [
            *(self._load(from_blobs, contents, False) if from_blobs else []),
            *(self._load(from_files, None, False) if from_files else []),
        ]
        for result in loaded:
            found[result.path] = result.fields, result.identity
            if result.path in contents:  # as the row was: its blob, its stamp
                blob, stamp = known[result.path].blob, known[result.path].stamp
            elif result.stamp is not None:
                blob, stamp = None, trustworthy(result.stamp)
            else:
                continue  # gone meanwhile
            rows.append(
                self._row(result.path, blob, stamp, result.fields, result.identity, result.form)
            )
        self._store.update(rows)
        return found

    def _blobs_of(self, rows: Mapping[str, StoredFile]) -> dict[str, bytes]:
        """path -> content of the blob of each row that has one and Git can give."""
        vouched = [(path, row.blob) for path, row in rows.items() if row.blob]
        try:
            found = read_objects(self._root_path, [blob for _, blob in vouched])
        except BaseError:  # Git cannot give them: the files are read
            return {}
        return {path: raw for (path, _), raw in zip(vouched, found, strict=True) if raw is not None}

    def account_ids(self, leave_out: Collection[str] = ()) -> frozenset[str]:
        """The id of every account with an index entry, but those of `leave_out` (for a
        suggestion among them all). A scanned row counts once its file is read in full."""
        ids = set()
        scanned = []
        for path, is_scanned in self._store.paths_with_entries("accounts/", _SCANNED_ENDING):
            place = record_place(path)
            if path in leave_out or place is None or place.kind != "account":
                continue
            if is_scanned:
                scanned.append(Job(path, place.kind, False))
            else:
                ids.add(place.id)
        read = self._read_in_full(scanned)
        ids.update(
            place.id
            for path, (fields, _) in read.items()
            if fields is not None and (place := record_place(path)) is not None
        )
        return frozenset(ids)

    def discard(self) -> None:
        """Delete the store (it is broken)."""
        self._store.discard()

    def close(self) -> None:
        self._store.close()


def _usable_walk(
    walked: FolderChanges | None, token: str | None, store: IndexStore
) -> TypeGuard[FolderChanges]:
    """Whether `walked` (found by another process) tells how the folders differ from those
    the store holds now: changes since the folders that had this `token`, or, for a store
    that was never written (no token, no folders, no rows: every write gives it a token),
    a walk of every folder."""
    if walked is None or walked.token != token:
        return False
    if token is not None:
        return True
    return not walked.known and not store.folders() and not store.has_rows()


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
    """What a row's entry holds, or None when it is not usable (the file is read again): a
    scanned row's is not, until the file is read in full."""
    if value is None:
        return None, None  # the file has no index entry (not a mapping, say)
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], dict):
        return None
    identity = IdentityKeys.from_list(value[1])
    if kind == "account" and identity is None:
        return None
    return value[0], identity
