"""The one orchestration: find the records, load and schema-check them, index them, run the rules.

    load.discover ─▶ load.documents + check.schemas ─▶ index ─▶ check.engine ─▶ findings
     (which files)     (each file on its own)        (whole     (each record, then
                                                       repo)      the whole repository)

Every command that reads a repository comes through here: `validate` and `build` with the
rules (`check_repository`), the audit and the request wizard without them (`load_repository`).

A large run does the same steps in forked workers (`socialreg.parallel`), so that neither full
records nor the index cross a process boundary (sending 10,000 parsed records back costs more
than parsing them), and no process holds every record (100,000 records took 3.9 GB so):

1. each worker, forked once the parent has read the org/ files (a large one in a process of
   its own: `load.apart`), loads and schema-checks its share of the files, runs each record's
   own rules as soon as it is loaded, then lets the record go; it sends back, in batches,
   index entries, which hold every key the rules comparing records read
   (`check.engine.RecordChecker`);
2. the parent builds the index of the whole repository and runs the rules that compare
   records, and the waivers, on each record as its index entry has it; a finding's line is
   where the worker's parse saw the value (`load.documents.DetachedDocument`).

A small run does all of it in this process. Either way the findings are the same.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import os
import sys
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TypeVar

from socialreg.check.context_store import ContextLoaded, ContextStore, stored_form
from socialreg.check.engine import (
    RecordChecker,
    kept_keys,
    narrowed,
    rule_settings,
    run_record_rules,
    run_repository_rules,
)
from socialreg.check.knock_on import without_knock_ons
from socialreg.check.schemas import SchemaSet
from socialreg.codes import UNREADABLE
from socialreg.findings import Finding, Report, Severity, Summary, sorted_findings
from socialreg.identity.catalogue import catalogue_from_policy
from socialreg.identity.keys import IdentityKeys, identity_keys
from socialreg.load.apart import is_large, load_large_file
from socialreg.load.discover import (
    FILE_PLACE,
    Job,
    is_record_file,
    place_problem,
    plan_jobs,
    record_kind,
    record_place,
)
from socialreg.load.documents import (
    MAX_FILE_BYTES,
    MAX_ORG_FILE_BYTES,
    DetachedDocument,
    Document,
    LoadResult,
    load_bytes,
    load_file,
)
from socialreg.load.files import NotAPlainFile, entry_problem, read_plain_file_and_status
from socialreg.load.git_view import GitFacts, git_facts
from socialreg.load.gitbase import BaseError, BaseTree, read_base, staged_versions
from socialreg.load.index_cache import (
    ExactStamp,
    IndexCache,
    exact_stamp,
    org_cache_file,
    stamp_of,
    trustworthy,
)
from socialreg.load.index_scan import IndexScanner
from socialreg.load.index_store import StoreBroken
from socialreg.load.look_ahead import FolderChanges, LookAhead, is_few
from socialreg.load.model import (
    INDEX_KEYS,
    ORG_FILES,
    Record,
    RecordKind,
    RecordSummary,
    Repository,
    Schemas,
)
from socialreg.load.org_units import UnitsCache
from socialreg.load.yaml_hints import explain as explain_yaml
from socialreg.parallel import (
    Channel,
    WorkerError,
    answers,
    begun_apart,
    collector_paused,
    forked_workers,
    interleaved,
    worker_count,
)
from socialreg.rules.base import EarlyLookup
from socialreg.rules.relations import policy_senders, wanted_keys
from socialreg.wording import FEW, first_few

__all__ = [
    "CheckResult",
    "Publish",
    "ValidateOptions",
    "WorkerError",
    "check_at_base",
    "check_changed",
    "check_few",
    "check_repository",
    "load_repository",
    "validate",
]

# What a caller keeps of each record checked in full (the site keeps its public part); runs
# where the record is, so a parallel run sends back only what is kept.
Publish = Callable[[Record], Record | None]
Loaded = tuple[Document | None, list[Finding]]
IndexEntry = tuple[RecordSummary, bool]  # the summary, and whether its file is checked in full


@dataclasses.dataclass(frozen=True, slots=True)
class ValidateOptions:
    root: Path
    paths: tuple[str, ...]  # relative to root; empty means the whole repository
    today: datetime.date
    strict: bool
    # A Git revision to compare with (the pull request's base); None skips the change rules.
    base: str | None = None
    # A check of a few files compares with the other records as Git's index holds them (what
    # the commit will hold), not as the work tree does: the pre-commit hook's check.
    staged: bool = False


def validate(options: ValidateOptions, look: LookAhead | None = None) -> Report:
    """Load, check and collect the findings; the command decides what to print.

    A check of a few files uses `look` (started for them by the caller) when given.
    Raises `gitbase.BaseError` when `options.base` cannot be read.
    """
    if is_few(options.paths, options.base):
        result = check_few(options.root, options.paths, options.today, look, options.staged)
    else:
        only = options.paths or None
        if options.staged:
            result = check_repository(options.root, only, options.today, tracked_only=True)
        else:
            result = check_repository(options.root, only, options.today, options.base)
    findings = sorted_findings(result.findings)
    return Report(findings, Summary.of(findings, result.files_checked))


@dataclasses.dataclass(frozen=True, slots=True)
class CheckResult:
    findings: list[Finding]
    files_checked: int
    repository: Repository  # in a parallel run, without the records (they stay in the workers)
    published: list[Record] = dataclasses.field(default_factory=list)  # in path order


@dataclasses.dataclass(frozen=True, slots=True)
class _Rules:
    """What the rule phase needs: the date, the base commit, and what to keep of each record."""

    today: datetime.date
    base: BaseTree | None
    publish: Publish | None


def check_repository(
    root: Path,
    only: Iterable[str] | None,
    today: datetime.date,
    base_ref: str | None = None,
    publish: Publish | None = None,
    tracked_only: bool = False,
) -> CheckResult:
    """Check the repository at `root`; with `base_ref`, compare with that Git commit too;
    with `publish`, also return what it keeps of each record checked in full.

    With `only` (paths relative to `root`), just those records are checked in full; the others
    are still indexed, because cross-file rules compare against them. With `tracked_only`
    (`validate --staged` of many files), the files Git does not track are left out, but those
    of `only`: a commit does not hold them (the others are read from disk, which under
    pre-commit holds what is staged).
    Raises `gitbase.BaseError` when `base_ref` cannot be read.
    """
    with org_files_ahead(root) as ahead:  # while the record files are found
        jobs = plan_jobs(root, only)
        if tracked_only and (facts := git_facts(root, compare=False)) is not None:
            staged = facts.staged_blobs()
            jobs = [job for job in jobs if job.check_in_full or job.path in staged]
        base = None if base_ref is None else read_base(root, base_ref, _checked_records(jobs))
        return _run(root, jobs, _Rules(today, base, publish), ahead)


def check_few(
    root: Path,
    paths: Iterable[str],
    today: datetime.date,
    look: LookAhead | None = None,
    staged: bool = False,
) -> CheckResult:
    """Check a few files (the pre-commit hook's), with the findings a whole check has for them.

    The other records are context, as with `check_repository(only=paths)`, but only those a
    check of these files can read (rules/relations.py) are indexed, from the index store; the
    files that changed since the store last saw them are read again. Finding the record files
    needs an `lstat` per folder (load/discover.py, `discover_changes`), and knowing they are
    unchanged needs none where Git vouches for them (load/git_view.py). Both are asked in other
    processes (load/look_ahead.py), by `look` when the caller started it, else here.

    With `staged` (or a `look` started for it), the other records are those Git's index holds,
    as it holds them: what the commit will hold (pre-commit stashes the changes that are not
    staged before it runs its hooks). The files checked are read from the work tree. Outside a
    Git work tree, the work tree is all there is.
    """
    with contextlib.ExitStack() as stack:
        if look is None:  # both run on the other core while the org/ files are read
            look = stack.enter_context(LookAhead(root, staged))
        return _check_few(root, paths, today, look)


def _check_few(
    root: Path, paths: Iterable[str], today: datetime.date, look: LookAhead
) -> CheckResult:
    wanted = {PurePosixPath(path).as_posix() for path in paths}
    with collector_paused(), org_files_ahead(root, lazy_units=True) as ahead:
        repository = Repository(root=root, schemas=ahead.schemas)
        later = _load_org_files_for(repository, look, ahead)
        # The files checked are read while Git and the folder walk may still be at work.
        jobs = [
            Job(path, record_kind(path), True)
            for path in sorted(wanted)
            if is_record_file(root, path)
        ]
        repository.checked_in_full = len(jobs)
        stamps = {job.path: exact_stamp(f"{root}/{job.path}") for job in jobs}  # before reading
        entries = _load_records(repository, jobs)
        records = [
            (record.kind, record.id, record.folder_unit, record.data, record.identity)
            for record in repository.records
        ]
        keys, near = wanted_keys(records, repository.org_data("policy"))
        senders = policy_senders(repository.org_data("policy"))
        facts = look.git_facts()
        walked = look.walked()

        def related(store: ContextStore) -> tuple[list[IndexEntry], frozenset[str] | None]:
            outside: frozenset[str] = frozenset()  # rows that are not of the records compared
            if facts is None:
                store.sync_by_folders(walked, look.stale())
            elif not look.staged:
                store.sync_with_git(facts, walked)
            else:
                outside = _sync_staged(root, store, facts, walked, wanted)
            store.remember(jobs, {p: s for p, s in stamps.items() if s is not None}, entries)
            found = store.entries_with_keys(keys, near, wanted | outside)
            ids = {summary.id for summary, _ in [*entries, *found] if summary.kind == "account"}
            # A sender that is no account is told the closest of all the accounts' ids.
            every_id = store.account_ids(outside) if not senders <= ids else None
            return found, every_id

        trusted = facts is None or not facts.store_tracked
        context_entries, repository.all_account_ids = _with_store(repository, trusted, related)
        load_org_files(repository, later, lazy_units=True, ahead=ahead)  # for the rules
        build_index(repository, entries + context_entries)
        findings = [
            *repository.findings,
            *run_repository_rules(repository, today, None),
            *run_record_rules(repository, today, None),
        ]
    return CheckResult(_unique(findings), repository.files_checked, repository)


def _sync_staged(
    root: Path,
    store: ContextStore,
    facts: GitFacts,
    walked: FolderChanges | None,
    checked: set[str],
) -> frozenset[str]:
    """`store.sync_staged`, after a sync with the work tree the first time (the store has no
    Git view to start from yet: every record is read, from the work tree where Git vouches
    that it is its blob, as any other first check does; with `facts` and `walked` when the
    look ahead asked for them, there being no store). Should Git fail half-way, the
    records are compared as the work tree holds them, as outside Git."""
    try:
        if facts.compared:
            store.sync_with_git(facts, walked)
        outside = store.sync_staged(facts, checked)
        if outside is not None:
            return outside
        compared = git_facts(root)
        if compared is not None:
            store.sync_with_git(compared)
            return store.sync_staged(facts, checked) or frozenset()
    except BaseError:  # git cat-file failed
        pass
    store.sync_by_folders()
    return frozenset()


def check_at_base(
    root: Path,
    schemas: Schemas,
    today: datetime.date,
    records: list[tuple[Job, bytes | None]],
    context: list[RecordSummary],
    org_files: dict[str, bytes] | None = None,
) -> list[Finding]:
    """What a base commit had to say about some of its records (for check.differential).

    Each job's file is the bytes given (the file at the base commit) or, for None, the file on
    disk, which is the same on both sides. `context` indexes the base's other records, and
    `org_files` holds the base's org/ files when they differ from the disk's. Only the jobs
    checked in full get findings; rules that compare with a base of their own see none.
    """
    repository = Repository(root=root, schemas=schemas)
    repository.checked_in_full = sum(1 for job, _ in records if job.check_in_full)
    blobs = {job.path: raw for job, raw in records if raw is not None}

    def load(repository: Repository, job: Job) -> Loaded:
        return _load_job(repository, job, blobs.get(job.path))

    with collector_paused():
        if org_files is None:
            load_org_files(repository)
        else:
            _load_org_blobs(repository, org_files)
            # The context's identity keys were made with the disk's platform catalogue; the
            # base may have another, so the rules make them again from the fields.
            context = [dataclasses.replace(summary, identity=None) for summary in context]
        entries = _load_records(repository, [job for job, _ in records], load)
        loaded = {summary.path for summary, _ in entries}
        entries += [(summary, False) for summary in context if summary.path not in loaded]
        build_index(repository, entries)
        return [
            *repository.findings,
            *run_repository_rules(repository, today, None),
            *run_record_rules(repository, today, None),
        ]


def check_changed(
    root: Path,
    jobs: list[Job],
    context: list[RecordSummary],
    today: datetime.date,
    publish: Publish | None = None,
) -> tuple[CheckResult, list[RecordSummary]]:
    """Check the records of `jobs` in full against an index of the others given as `context`
    (for check.incremental, which knows they have not changed since it stored them).

    Like `check_repository` with `only`, but the other records are never read: not even their
    stamps. Returns the result (org/ findings and the whole-repository rules included) and the
    index entries of the records checked, so the caller can tell whether they changed.
    """
    repository = Repository(root=root, schemas=SchemaSet(root / "schemas"))
    repository.checked_in_full = len(jobs)
    with collector_paused():
        load_org_files(repository)
        entries = _load_records(repository, jobs)
        checked = {summary.path for summary, _ in entries}
        build_index(
            repository,
            entries + [(summary, False) for summary in context if summary.path not in checked],
        )
        findings = [
            *repository.findings,
            *run_repository_rules(repository, today, None),
            *run_record_rules(repository, today, None),
        ]
        published = _published(repository.records, publish)
    result = CheckResult(_unique(findings), repository.files_checked, repository, published)
    return result, [summary for summary, _ in entries]


def load_repository(root: Path, only: Iterable[str] | None = None) -> Repository:
    """Load and schema-check the repository at `root` without running the rules.

    Every record loaded in full is in `records` (the audit and the request wizard read them);
    with `only`, just those paths are, and the others are indexed.
    """
    with org_files_ahead(root) as ahead:  # while the record files are found
        result = _run(root, plan_jobs(root, only), None, ahead)
    result.repository.findings[:] = result.findings
    return result.repository


def _run(root: Path, jobs: list[Job], rules: _Rules | None, ahead: OrgFilesAhead) -> CheckResult:
    repository = Repository(root=root, schemas=ahead.schemas)
    repository.checked_in_full = sum(1 for job in jobs if job.check_in_full)
    workers = worker_count(repository.checked_in_full)
    with collector_paused():
        load_org_files(repository, ahead=ahead)
        if workers == 1:
            return _in_this_process(repository, jobs, rules)
        return _in_workers(repository, jobs, workers, rules)


def _in_this_process(repository: Repository, jobs: list[Job], rules: _Rules | None) -> CheckResult:
    full = [job for job in jobs if job.check_in_full]
    entries = _load_records(repository, full)
    build_index(repository, entries + _context_entries(repository, jobs))
    findings = list(repository.findings)
    published: list[Record] = []
    if rules is not None:
        findings += run_repository_rules(repository, rules.today, rules.base)
        findings += run_record_rules(repository, rules.today, rules.base)
        published = _published(repository.records, rules.publish)
    return CheckResult(_unique(findings), repository.files_checked, repository, published)


def _in_workers(
    repository: Repository, jobs: list[Job], workers: int, rules: _Rules | None
) -> CheckResult:
    # The workers need the org/ files to read records (the policy's platform catalogue says how
    # to compare addresses, for the index entries' identity keys) and to check them: read here
    # first, the workers have them from the fork, shared until written (sent to each instead,
    # a 12 MB units.yaml was 22 MB of pickle here and 45 MB of values in each worker, and the
    # records a worker loaded while it waited for them piled up). The workers check each
    # record's own rules as they load it (see _FirstStep) and send back, in batches, only
    # index entries: the rules that compare records read nothing else.
    work = functools.partial(_worker, repository, rules)
    findings: list[Finding] = []
    files = 0
    entries: list[IndexEntry] = []
    checked: dict[str, _Checked] = {}
    published: list[Record] = []
    early = _early_lookups(repository) if rules is not None else {}
    with forked_workers(interleaved(jobs, workers), work) as channels:
        for answer in answers(channels):  # as they come, so no worker waits for another
            batch: _Batch = answer
            entries.extend(batch.entries)
            checked.update(batch.checked)
            published.extend(batch.published)
            findings.extend(batch.findings)
            repository.records.extend(batch.records)
            files += batch.files
            for lookup in early.values():
                lookup.add(summary for summary, _ in batch.entries)
    files += repository.files_checked
    repository.records.sort(key=lambda record: record.path)  # the order of one process
    build_index(repository, entries)  # adds findings about ids used twice
    for name, lookup in early.items():
        made = lookup.finished(repository)
        if made is not None:
            repository.derived[name] = made
    findings.extend(repository.findings)  # the org/ files and the index
    if rules is not None:
        findings.extend(_second_step(repository, rules, entries, checked))
        findings.extend(run_repository_rules(repository, rules.today, rules.base))
        published.sort(key=lambda record: record.path)
    return CheckResult(_unique(findings), files, repository, published)


def _early_lookups(repository: Repository) -> dict[str, EarlyLookup]:
    """The lookups that the rules that compare records and run in this check derive from the
    index, and that can be built while the workers send their entries, by name."""
    return {
        setting.rule.early_lookup.name: setting.rule.early_lookup.start()
        for setting in rule_settings(repository.org_data("policy")).values()
        if setting.severity is not None and setting.rule.early_lookup is not None
    }


def _second_step(
    repository: Repository, rules: _Rules, entries: list[IndexEntry], checked: dict[str, _Checked]
) -> list[Finding]:
    """The rules that compare records, then the waivers (check.engine.RecordChecker), where
    the index is, on each record checked in full as its index entry has it.

    The index is built here, in the parent; a large run then finishes one share of the
    records here and forks workers for the others, with the index they inherit (12,000
    records took 0.8 s on one core while the other had nothing to do). Each sends back its
    findings record by record, and they are put back in path order. A forked worker copies
    each page of the index it touches (counting references writes to them): the parent
    taking a share rather than waiting for two workers took the peak at 12,000 records from
    140 MB to 120 MB. Up to SECOND_STEP_FORKED_UP_TO records: at 100,000, even one worker
    was 270 MB more for the process tree (790 MB, past the 600 MB it may take), and at
    60,000 it was 110 MB more and no faster in three builds in turns."""
    # in path order: build_index sorted them
    records = [summary for summary, in_full in entries if in_full and summary.path in checked]
    workers = worker_count(len(records))
    if workers == 1 or len(records) > SECOND_STEP_FORKED_UP_TO:
        return [f for found in _finished(repository, rules, checked, records) for f in found]
    # This process takes the first share itself: only the forked workers copy what they touch.
    first, *others = interleaved(records, workers)
    work = functools.partial(_second_step_worker, repository, rules, checked)
    with forked_workers(others, work) as channels:
        found = _finished(repository, rules, checked, first)
        shares: list[dict[int, list[Finding]]] = [_numbered(found)]
        shares.extend(channel.receive() for channel in channels)
    return [
        finding
        for number in range(len(records))
        for finding in shares[number % workers].get(number // workers, ())
    ]


def _second_step_worker(
    repository: Repository,
    rules: _Rules,
    checked: dict[str, _Checked],
    channel: Channel,
    records: list[RecordSummary],
) -> None:
    channel.send(_numbered(_finished(repository, rules, checked, records)))


def _numbered(found: list[list[Finding]]) -> dict[int, list[Finding]]:
    """The findings of a share's records by their number in the share (none: left out)."""
    return {number: findings for number, findings in enumerate(found) if findings}


def _finished(
    repository: Repository,
    rules: _Rules,
    checked: dict[str, _Checked],
    records: Iterable[RecordSummary],
) -> list[list[Finding]]:
    """The findings of each record's second step (`RecordChecker.finish`), record by record."""
    settings = rule_settings(repository.org_data("policy"))
    checker = RecordChecker(repository, rules.today, settings, rules.base)
    root = str(repository.root)
    found: list[list[Finding]] = []
    for summary in records:
        text_hash, local, places = checked[summary.path]
        document = DetachedDocument(summary.path, summary.fields, root, text_hash, places=places)
        record = Record(summary.kind, summary.id, summary.folder_unit, document, summary.identity)
        found.append(checker.finish(record, local))
    return found


# The most records whose second step is shared among forked workers (see _second_step).
SECOND_STEP_FORKED_UP_TO = 30_000
# A record checked in full, as a worker sends it: the hash of its text, what its own rules
# found, and where the first parse saw each of its kept fields (Document.places: the line of a
# finding of the second step; the file is read again only for a path not among them).
_Checked = tuple[int, list[Finding] | tuple[()], "array[int]"]
_NONE: tuple[()] = ()
BATCH = 1_000  # records per message from a worker: its memory stays flat, the pipe stays busy


@dataclasses.dataclass(slots=True)
class _Batch:
    entries: list[IndexEntry] = dataclasses.field(default_factory=list)
    checked: dict[str, _Checked] = dataclasses.field(default_factory=dict)
    published: list[Record] = dataclasses.field(default_factory=list)
    findings: list[Finding] = dataclasses.field(default_factory=list)  # loading, schemas
    records: list[Record] = dataclasses.field(default_factory=list)  # without rules: all of them
    files: int = 0


def _worker(parent: Repository, rules: _Rules | None, channel: Channel, jobs: list[Job]) -> None:
    """Load a share of the files and send back batches; with rules, check each record's own
    rules first (_FirstStep)."""
    repository = dataclasses.replace(parent, records=[], findings=[], files_checked=0)
    if rules is None:  # the caller wants the records themselves
        entries = _load_records(repository, jobs)
        channel.send(
            _Batch(
                entries,
                records=repository.records,
                findings=repository.findings,
                files=repository.files_checked,
            )
        )
        channel.send(None)
        return
    step = _FirstStep(repository, rules, channel)
    for start in range(0, len(jobs), BATCH):
        step.send(_load_records(repository, jobs[start : start + BATCH], take=step.take))
    channel.send(None)


class _FirstStep:
    """A worker's first step on each record, as soon as it has loaded it: the rules that look
    only at the record, and what the caller publishes of it. Then the record is let go: its
    index entry holds every key the rules comparing records read (`_summary_fields`)."""

    def __init__(self, repository: Repository, rules: _Rules, channel: Channel) -> None:
        self._repository = repository
        self._rules = rules
        self._channel = channel
        settings = rule_settings(repository.org_data("policy"))
        self._checker = RecordChecker(repository, rules.today, settings, rules.base)
        self._batch = _Batch()

    def take(self, record: Record, fields: dict[str, object]) -> None:
        document = record.document
        local = self._checker.local(record)
        if self._rules.publish is not None:
            public = self._rules.publish(record)
            if public is not None:
                self._batch.published.append(public)
        # An empty tuple is one object for all the records with no finding of their own. The
        # places of the kept fields are where the second step's findings stand.
        checked = (hash(document.text), local or _NONE, document.places(fields))
        self._batch.checked[record.path] = checked

    def send(self, entries: list[IndexEntry]) -> None:
        """Send what is done: the entries loaded, and the records checked so far."""
        repository = self._repository
        batch, self._batch = self._batch, _Batch()
        batch.entries = entries
        batch.findings, repository.findings = repository.findings, []
        batch.files, repository.files_checked = repository.files_checked, 0
        self._channel.send(batch)


def _published(records: list[Record], publish: Publish | None) -> list[Record]:
    if publish is None:
        return []
    return [kept for kept in map(publish, records) if kept is not None]


def _checked_records(jobs: list[Job]) -> list[tuple[RecordKind, str, str]]:
    """(kind, id, path) of the record files checked in full, for the base to load."""
    return [
        (job.kind, PurePosixPath(job.path).stem, job.path)
        for job in jobs
        if job.check_in_full and job.path.endswith(".yaml")
    ]


def _unique(findings: list[Finding]) -> list[Finding]:
    # Findings about org/ files can come from every worker; each is reported once. What a
    # schema error already explains is left out (see check/knock_on.py).
    return without_knock_ons(dict.fromkeys(findings))


# --- loading the org/ files -------------------------------------------------------------------


def load_org_files(
    repository: Repository,
    names: Iterable[str] = tuple(ORG_FILES),
    lazy_units: bool = False,
    ahead: OrgFilesAhead | None = None,
) -> None:
    """Load and schema-check the org/ files (all three unless `names` says which), the context
    of every rule. With `lazy_units`, units from the cache are decoded one by one as the rules
    look them up (load/org_units.py: a check of a few files reads few of them). What `ahead`
    began to load is taken from it."""
    for name in names:
        begun = ahead.begun.get(name) if ahead is not None else None
        loaded = begun() if begun is not None else _org_file(repository, name, lazy_units)
        repository.findings.extend(loaded.findings)
        repository.files_checked += loaded.counted
        if loaded.document is not None:
            setattr(repository, name, loaded.document)


@dataclasses.dataclass(frozen=True, slots=True)
class _OrgFile:
    """An org/ file loaded: what the repository holds of it, what was found in it, and whether
    it counts as a file checked (a missing file does not)."""

    document: Document | None
    findings: list[Finding]
    counted: bool = True


def _org_file(repository: Repository, name: str, lazy_units: bool) -> _OrgFile:
    root, path = repository.root, ORG_FILES[name]
    if not os.path.lexists(root / path):  # a link or a pipe is not missing: load says why
        return _OrgFile(None, [_missing_org_file(path)], counted=False)
    cache, current, cached = _org_file_cached(root, repository.schemas, name, lazy_units)
    if cached is not None:
        return _OrgFile(cached, [])
    loaded = _parsed_org_file(root, repository.schemas, name, load_large_file)
    _remember_org_file(cache, path, current, loaded)
    return loaded


def _org_file_cached(
    root: Path, schemas: Schemas, name: str, lazy_units: bool
) -> tuple[IndexCache | UnitsCache | None, ExactStamp | None, Document | None]:
    """An org/ file's cache, the file's stamp now, and what the cache holds of it at that
    stamp (None when nothing)."""
    path = ORG_FILES[name]
    cache = _org_cache(root, schemas, name, lazy_units)
    # Size, times and inode: an edit that keeps the size and puts the modification time
    # back still changes the change time.
    current = exact_stamp(f"{root}/{path}")
    cached = _cached_org_file(root, path, cache, current) if cache is not None else None
    return cache, current, cached


def _org_cache(
    root: Path, schemas: Schemas, name: str, lazy_units: bool
) -> IndexCache | UnitsCache | None:
    """The cache of an org/ file; None when the schemas have no fingerprint: what was found
    valid is remembered with the schemas it was checked against."""
    fingerprint = getattr(schemas, "fingerprint", None)
    if not fingerprint:
        return None
    key, file = f"org:{fingerprint}", org_cache_file(name)
    if name == "units":
        return UnitsCache(root, key, file, lazy_units)
    return IndexCache(root, key, file)


def _parsed_org_file(
    root: Path, schemas: Schemas, name: str, load: Callable[[Path, str, int], LoadResult]
) -> _OrgFile:
    result = load(root, ORG_FILES[name], MAX_ORG_FILE_BYTES)
    if result.document is None:
        return _OrgFile(None, list(result.findings))
    schema_findings = schemas.check(result.document, name)
    findings = [*result.findings, *_deduplicated(schema_findings, result.findings)]
    return _OrgFile(result.document, findings)


def _remember_org_file(
    cache: IndexCache | UnitsCache | None,
    path: str,
    current: ExactStamp | None,
    loaded: _OrgFile,
    read_ns: int | None = None,
) -> None:
    """Cache a file read without findings, under the stamp it had before it was read, unless
    it changed too shortly before it was read (at `read_ns`, or now)."""
    if cache is None or current is None or loaded.document is None or loaded.findings:
        return
    cache.put(path, trustworthy(current, read_ns), loaded.document.data)
    cache.save()


@dataclasses.dataclass(frozen=True, slots=True)
class OrgFilesAhead:
    """The schemas of a check, and the org/ files it began to load before it needs them."""

    schemas: SchemaSet
    begun: Mapping[str, Callable[[], _OrgFile]]


@contextlib.contextmanager
def org_files_ahead(root: Path, lazy_units: bool = False) -> Iterator[OrgFilesAhead]:
    """Begin to load what takes long among the org/ files, while the check does something
    else (finds the record files): units.yaml, when it is large and not in the cache, in a
    forked process. At 100,000 accounts its 12 MB took a second to parse and check, and the
    record files a second to find. That process writes the cache once it has sent the file,
    while the check goes on."""
    schemas = SchemaSet(root / "schemas")
    name = "units"
    path = ORG_FILES[name]
    if not is_large(root / path):
        yield OrgFilesAhead(schemas, {})  # loaded when asked, as the others
        return
    cache, current, cached = _org_file_cached(root, schemas, name, lazy_units)
    if current is None:  # gone meanwhile: loaded when asked, which says why
        yield OrgFilesAhead(schemas, {})
        return
    if cached is not None:  # quick, and read once
        found = _OrgFile(cached, [])
        yield OrgFilesAhead(schemas, {name: lambda: found})
        return

    def parse() -> tuple[_OrgFile, int]:
        loaded = _parsed_org_file(root, schemas, name, load_file)
        return loaded, time.time_ns()  # when it was read, not when it is cached: see trustworthy

    def remember(parsed: tuple[_OrgFile, int]) -> None:
        _remember_org_file(cache, path, current, *parsed)

    with begun_apart(parse, remember) as begun:
        yield OrgFilesAhead(schemas, {name: lambda: begun()[0]})


def _load_org_files_for(repository: Repository, look: LookAhead, ahead: OrgFilesAhead) -> list[str]:
    """The org/ files of a check of a few files: with `look.staged`, those the commit holds
    otherwise than the work tree as the commit holds them (its rules, not the work tree's), the
    others (and all of them outside Git) from the work tree as always.

    Returns the files left for the caller to load later with `ahead`: units.yaml from the work
    tree, which only the rules read (megabytes at thousands of units, which `ahead` may be
    parsing in another process meanwhile)."""
    staged = look.staged_org_files() or {}
    blobs = {path: blob for path, (what, blob) in staged.items() if what == "blob"}
    try:
        texts = staged_versions(repository.root, blobs)
    except BaseError:  # Git failed after all: the work tree is what there is
        staged, texts = {}, {}
    names = [name for name, path in ORG_FILES.items() if path not in staged]
    later = [name for name in names if name == "units"]
    now = [name for name in names if name not in later]
    load_org_files(repository, now, lazy_units=True, ahead=ahead)
    for path, (what, detail) in staged.items():
        if what == "missing":  # not counted as checked, as on disk
            repository.findings.append(_missing_org_file(path))
            continue
        repository.files_checked += 1
        if what == "refused":
            repository.findings.append(Finding(path, 1, 1, UNREADABLE, Severity.ERROR, detail))
    _load_org_blobs(repository, texts)
    return later


def _missing_org_file(path: str) -> Finding:
    return Finding(
        path,
        1,
        1,
        FILE_PLACE,
        Severity.ERROR,
        f"{path} is missing. Every registry needs it; copy it from the template.",
    )


def _load_org_blobs(repository: Repository, texts: dict[str, bytes]) -> None:
    """Load the org/ files from `texts` (path -> bytes at a commit), as load_org_files does."""
    for name, path in ORG_FILES.items():
        if path not in texts:
            continue  # missing there too: nothing to compare with
        result = load_bytes(texts[path], path, MAX_ORG_FILE_BYTES)
        repository.findings.extend(result.findings)
        if result.document is not None:
            schema_findings = repository.schemas.check(result.document, name)
            repository.findings.extend(_deduplicated(schema_findings, result.findings))
            setattr(repository, name, result.document)


def _cached_org_file(
    root: Path, path: str, cache: IndexCache | UnitsCache, current: ExactStamp | None
) -> Document | None:
    """An org/ file from the cache, when it has not changed since it was stored.

    An organisation with thousands of units has a units.yaml of megabytes, which takes longer
    to parse and schema-check than the rest of a one-file check. Only files without findings
    (loading or schema) are cached, as their data; the text is read again if a later finding
    needs a position in it.
    """
    known, data = cache.get(path, current) if current else (False, None)
    if not known:
        return None
    return DetachedDocument(path, data, str(root), None, MAX_ORG_FILE_BYTES)


# --- loading the records --------------------------------------------------------------------


def _load_records(
    repository: Repository,
    jobs: list[Job],
    load: Callable[[Repository, Job], Loaded] | None = None,
    take: Callable[[Record, dict[str, object]], None] | None = None,
) -> list[IndexEntry]:
    """Load and schema-check `jobs` (from disk, or with `load`); keep findings and full records
    of the files checked in full (or hand each to `take`, with the fields its index entry
    keeps). Returns the index entries of every record, in path order."""
    entries: list[IndexEntry] = []
    keys_of = _identity_keys_maker(repository)
    if load is None:
        # A record handed to `take` is checked at once: its findings' places come from the
        # parser's nodes, kept until then, not from reading the text again.
        load = _load_job if take is None else _load_job_with_nodes
    for job in jobs:
        document, findings = load(repository, job)
        if job.check_in_full:
            # A link, pipe or device is never opened (load_file says so for .yaml names);
            # it is reported once, as unreadable, not also as misplaced.
            is_yaml = job.path.endswith((".yaml", ".yml"))
            not_plain = None if is_yaml else _not_plain(repository.root, job.path)
            problem = None if not_plain else place_problem(job.path, job.kind)
            if not_plain:
                repository.findings.append(not_plain)
            if problem:
                repository.findings.append(
                    Finding(job.path, 1, 1, FILE_PLACE, Severity.ERROR, problem)
                )
            if job.path.endswith((".yaml", ".yml")):
                repository.files_checked += 1
                repository.findings.extend(findings)
        fields = _summary_fields(job, document, None if job.check_in_full else INDEX_KEYS)
        place = record_place(job.path)
        if fields is None or document is None or place is None:
            continue
        identity = keys_of(fields) if job.kind == "account" else None
        unit = sys.intern(place.folder_unit)  # shared by the unit's records (see _summary_fields)
        if job.check_in_full:
            record = Record(job.kind, place.id, unit, document, identity)
            if take is None:
                repository.records.append(record)
            else:
                take(record, fields)
                document.forget_nodes()
        summary = RecordSummary(job.kind, place.id, job.path, unit, fields, identity)
        entries.append((summary, job.check_in_full))
    return entries


def _load_job(
    repository: Repository, job: Job, raw: bytes | None = None, keep_nodes: bool = False
) -> Loaded:
    """Load and schema-check a record file: from disk, or from `raw` (a file at a commit)."""
    if not job.path.endswith((".yaml", ".yml")):
        return None, []
    if raw is None:
        result = load_file(repository.root, job.path, keep_nodes=keep_nodes and job.check_in_full)
    else:
        result = load_bytes(raw, job.path)
    if not job.check_in_full or result.document is None:
        return result.document, result.findings
    schema_findings = repository.schemas.check(result.document, job.kind)
    findings = [*result.findings, *_deduplicated(schema_findings, result.findings)]
    if schema_findings:  # say what to type: quotes, indentation
        keys = repository.schemas.schema(job.kind).get("properties", {})
        findings = explain_yaml(result.document.text, findings, frozenset(keys))
    return result.document, findings


def _load_job_with_nodes(repository: Repository, job: Job) -> Loaded:
    return _load_job(repository, job, keep_nodes=True)


T = TypeVar("T")


def _with_store(repository: Repository, trusted: bool, work: Callable[[ContextStore], T]) -> T:
    """`work` with the index store (in memory when not `trusted`); a store that turns out to be
    broken is deleted, and the work done again with a new one, in memory."""
    loader = functools.partial(_context_loaded, repository)
    store = ContextStore(repository, loader, trusted)
    try:
        return work(store)
    except StoreBroken:
        store.discard()
    finally:
        store.close()
    store = ContextStore(repository, loader, trusted=False)
    try:
        return work(store)
    finally:
        store.close()


def _context_entries(repository: Repository, jobs: list[Job]) -> list[IndexEntry]:
    """Index entries for the records that are context, not checked in full: from the index
    store while their files are unchanged, else by loading the files (and storing the result).
    Many files to load (a first run, a checkout that changed every file) are loaded in forked
    workers."""
    kinds = {job.path: job.kind for job in jobs if not job.check_in_full}
    if not kinds:
        return []
    present = {job.path for job in jobs}

    def context(store: ContextStore) -> list[IndexEntry]:
        store.refresh(kinds.items(), present)
        return store.entries(kinds)

    return _with_store(repository, True, context)


def _context_loaded(
    repository: Repository,
    jobs: list[Job],
    contents: Mapping[str, bytes] | None = None,
    may_scan: bool = False,
) -> Iterator[ContextLoaded]:
    """Context records (their index fields, identity keys and rows), loaded here or in workers:
    from their files, each stamped just before it is read, or from `contents` (path -> bytes:
    blobs Git gave). With `may_scan`, files are scanned for their fields where that can tell
    them (load/index_scan.py) rather than read in full, and say so. They come a batch at a
    time, in the order the workers finish them, so that the caller stores each batch while the
    workers read on."""
    workers = worker_count(len(jobs))
    if workers == 1:
        yield from _load_context(repository, jobs, contents, may_scan)
        return
    work = functools.partial(_context_worker, repository, contents, may_scan)
    with forked_workers(interleaved(jobs, workers), work) as channels:
        for answer in answers(channels):
            yield from answer


# Records a context worker loads before it sends them.
_CONTEXT_BATCH = 1_000


def _context_worker(
    repository: Repository,
    contents: Mapping[str, bytes] | None,
    may_scan: bool,
    channel: Channel,
    jobs: Sequence[Job],
) -> None:
    for start in range(0, len(jobs), _CONTEXT_BATCH):
        batch = jobs[start : start + _CONTEXT_BATCH]
        channel.send(_load_context(repository, batch, contents, may_scan))
    channel.send(None)


def _load_context(
    repository: Repository,
    jobs: Sequence[Job],
    contents: Mapping[str, bytes] | None = None,
    may_scan: bool = False,
) -> list[ContextLoaded]:
    keys_of = _identity_keys_maker(repository)
    scanner = _index_scanner() if may_scan and contents is None else None
    loaded: list[ContextLoaded] = []
    for job in jobs:
        raw, stamp = None, None
        if contents is not None:
            raw = contents[job.path]
        elif job.path.endswith((".yaml", ".yml")):
            raw, stamp = _raw_file(repository.root, job.path)  # stamped before it is read
        if contents is None and stamp is None:  # not read: gone, or loading says why not
            stamp = exact_stamp(f"{repository.root}/{job.path}")
            if stamp is None:  # gone meanwhile
                loaded.append(ContextLoaded(job.path, None, None, (None, [], []), False, None))
                continue
        fields = None
        if scanner is not None and raw is not None and job.path.endswith(".yaml"):
            fields = scanner.fields_in_file(raw)
        scanned = fields is not None
        if fields is not None:
            _share_repeated_values(fields)
        else:
            # With no bytes, the file is read here (and what keeps it from being read is told).
            document, _ = _load_job(repository, job, raw)
            # Only the keys other records refer to: a record that is context is never checked.
            fields = _summary_fields(job, document, INDEX_KEYS)
        identity = keys_of(fields) if fields is not None and job.kind == "account" else None
        form = stored_form(job.path, job.kind, fields, identity, scanned)
        loaded.append(ContextLoaded(job.path, fields, identity, form, scanned, stamp))
    return loaded


@functools.cache
def _index_scanner() -> IndexScanner:
    return IndexScanner(INDEX_KEYS)


def _raw_file(root: Path, path: str) -> tuple[bytes | None, ExactStamp | None]:
    """A record file's bytes and its stamp before they were read, or None and None when it
    cannot be read (loading it says why)."""
    # The path joined as text, not by pathlib: a first run reads 60,000 files, and pathlib
    # took a fifth of this function's time.
    try:
        raw, status = read_plain_file_and_status(f"{root}/{path}", MAX_FILE_BYTES + 1)
    except (NotAPlainFile, OSError):
        return None, None
    return raw, stamp_of(status)


def _identity_keys_maker(repository: Repository) -> Callable[[dict[str, object]], IdentityKeys]:
    """identity_keys with the repository's platform catalogue (the policy must be loaded)."""
    catalogue = catalogue_from_policy(repository.org_data("policy"))
    hosts = catalogue.host_table()
    return lambda fields: identity_keys(fields, catalogue, hosts)


def _summary_fields(
    job: Job, document: Document | None, keys: tuple[str, ...] | None = None
) -> dict[str, object] | None:
    """The keys other records refer to and the keys the rules comparing records read (so a
    record's index entry is all those rules need of it), for a record that loaded as a
    mapping from a .yaml."""
    if document is None or not isinstance(document.data, dict):
        return None
    if os.path.splitext(job.path)[1] != ".yaml":
        return None
    data = document.data
    fields = {key: data[key] for key in keys or _summary_keys() if key in data}
    if keys is None:
        narrowed(fields)  # of `decision`, only what the rules comparing records read
    _share_repeated_values(fields)
    return fields


def _share_repeated_values(fields: dict[str, object]) -> None:
    for key in _REPEATED_VALUES:
        value = fields.get(key)
        if type(value) is str:
            # One string for all records with this value: the index of 100,000 records holds
            # a few hundred platforms, statuses and units, not 300,000 copies of them.
            fields[key] = sys.intern(value)


_REPEATED_VALUES = ("platform", "status", "unit", "sender")


@functools.cache
def _summary_keys() -> tuple[str, ...]:
    return tuple(sorted({*INDEX_KEYS, *kept_keys()}))


def build_index(repository: Repository, entries: list[IndexEntry]) -> None:
    """Index every record by kind and id; every file checked whose id another file has too is
    an error.

    Every such file is told, not only the one that sorts second: which of two files is the new
    one is not known here, and a check of only the changed file must find what a full check
    finds. Entries are taken in path order, so the index never depends on how the work was
    split.
    """
    entries.sort(key=lambda entry: entry[0].path)
    paths: dict[tuple[RecordKind, str], list[str]] = {}
    for summary, _ in entries:
        by_id = repository.index[summary.kind]
        if summary.id in by_id:
            paths.setdefault((summary.kind, summary.id), [by_id[summary.id].path])
            paths[(summary.kind, summary.id)].append(summary.path)
        else:
            by_id[summary.id] = summary
    for summary, check_in_full in entries:
        if not check_in_full or (summary.kind, summary.id) not in paths:
            continue  # an id used once (nearly all), or a file that is only context
        same_id = paths[(summary.kind, summary.id)]
        # The first few others, in path order, and a count: not every file of a thousand.
        others = [path for path in same_id[: FEW + 1] if path != summary.path][:FEW]
        listed = first_few(others, len(same_id) - 1, "file")
        if others:
            repository.findings.append(
                Finding(
                    summary.path,
                    1,
                    1,
                    FILE_PLACE,
                    Severity.ERROR,
                    f"Another {summary.kind} has the id `{summary.id}` ({listed}). "
                    "Ids must be unique across units: rename one of the files.",
                )
            )


def _not_plain(root: Path, path: str) -> Finding | None:
    """An SR001 finding for a link, pipe, device or socket at `path`, never opened."""
    try:
        problem = entry_problem(os.lstat(root / path).st_mode)
    except OSError:
        return None
    return None if problem is None else Finding(path, 1, 1, UNREADABLE, Severity.ERROR, problem)


def _deduplicated(new: list[Finding], earlier: list[Finding]) -> list[Finding]:
    """Drop schema findings that repeat what the loader already said (an impossible date)."""
    said = {(finding.rule, finding.json_path) for finding in earlier}
    return [finding for finding in new if (finding.rule, finding.json_path) not in said]
