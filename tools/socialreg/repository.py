"""Find, load and schema-check every file of a registry repository.

The result, a `Repository`, is what the rules, the site, CODEOWNERS and the GitHub bot read:
the three `org/` files, the records that were loaded in full, and an index of every record in
the repository (id, path and the few keys that cross-file rules compare), so that checking one
changed file still knows about all the others.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from socialreg.findings import Finding, Severity
from socialreg.index_cache import ORG_CACHE_FILE, IndexCache, stamp
from socialreg.load.files import entry_problem, read_plain_file
from socialreg.loader import MAX_ORG_FILE_BYTES, Document, LoadResult, load_file
from socialreg.schemas import SchemaSet

RecordKind = Literal["account", "campaign"]
RECORD_FOLDERS: dict[str, RecordKind] = {"accounts": "account", "campaigns": "campaign"}
ORG_FILES = {
    "organization": "org/organization.yaml",
    "units": "org/units.yaml",
    "policy": "org/policy.yaml",
}
# The keys of a record that other records refer to; the index keeps just these.
INDEX_KEYS = ("platform", "handle", "url", "name", "unit", "status", "sender")

FILE_PLACE = "SR013"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
_IGNORED_NAMES = {"README.md", ".gitkeep"}


@dataclass(slots=True)
class Record:
    """An account or campaign file that loaded as a mapping."""

    kind: RecordKind
    id: str
    folder_unit: str
    document: Document

    @property
    def path(self) -> str:
        return self.document.path

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = self.document.data
        return data


@dataclass(frozen=True, slots=True)
class RecordSummary:
    """What the rest of the repository needs to know about a record it is not checking."""

    kind: RecordKind
    id: str
    path: str
    folder_unit: str
    fields: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.fields.get(key)


@dataclass(slots=True)
class Repository:
    root: Path
    schemas: SchemaSet
    organization: Document | None = None
    units: Document | None = None
    policy: Document | None = None
    # Records loaded in full: every record, or only the paths asked for.
    records: list[Record] = field(default_factory=list)
    # Every record of the repository, by kind and id, whether loaded in full or not.
    index: dict[RecordKind, dict[str, RecordSummary]] = field(
        default_factory=lambda: {"account": {}, "campaign": {}}
    )
    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    # Lookups that rules build once from the index (handles by platform, for example), by name.
    derived: dict[str, Any] = field(default_factory=dict)

    def org_data(self, name: str) -> dict[str, Any]:
        """The data of an org/ file, or {} when it is missing or broken (findings say why)."""
        document = getattr(self, name)
        return document.data if document is not None and isinstance(document.data, dict) else {}

    @property
    def accounts(self) -> dict[str, RecordSummary]:
        return self.index["account"]

    @property
    def campaigns(self) -> dict[str, RecordSummary]:
        return self.index["campaign"]


def load_repository(
    root: Path, only: Iterable[str] | None = None, parallel: bool = True
) -> Repository:
    """Load the repository at `root`.

    With `only` (paths relative to `root`), just those records are loaded and checked in full;
    the others are still indexed, because cross-file rules compare against them.
    """
    repository = open_repository(root)
    jobs = plan_jobs(root, only)
    full = [job for job in jobs if job.check_in_full]
    entries = accept(repository, full, load_jobs(repository, full, parallel))
    build_index(repository, entries + context_entries(repository, jobs))
    return repository


def open_repository(root: Path, with_org_files: bool = True) -> Repository:
    """A repository with its schemas compiled and its org/ files loaded and checked.

    The org/ files are context for every rule, so they are always loaded; a parallel check
    loads them later itself, while its workers read the records.
    """
    repository = Repository(root=root, schemas=SchemaSet(root / "schemas"))
    if with_org_files:
        load_org_files(repository)
    return repository


def load_org_files(repository: Repository) -> None:
    root = repository.root
    cache = IndexCache(root, "org", ORG_CACHE_FILE)
    for name, path in ORG_FILES.items():
        if not os.path.lexists(root / path):  # a link or a pipe is not missing: load says why
            repository.findings.append(
                Finding(
                    path,
                    1,
                    1,
                    FILE_PLACE,
                    Severity.ERROR,
                    f"{path} is missing. Every registry needs it; copy it from the template.",
                )
            )
            continue
        result = _load_org_file(root, path, cache)
        repository.files_checked += 1
        repository.findings.extend(result.findings)
        if result.document is not None:
            schema_findings = repository.schemas.check(result.document, name)
            repository.findings.extend(_deduplicated(schema_findings, result.findings))
            setattr(repository, name, result.document)
    cache.save()


def _load_org_file(root: Path, path: str, cache: IndexCache) -> LoadResult:
    """Load an org/ file, from the cache when the file has not changed since it was stored.

    An organisation with thousands of units has a units.yaml of a megabyte, which takes longer
    to parse than the rest of a one-file check. Only files that loaded without findings are
    cached, as their data; the text is read again, for positions of later findings.
    """
    current = stamp(f"{root}/{path}")
    known, data = cache.get(path, current) if current else (False, None)
    if known:
        try:
            text = read_plain_file(root / path, MAX_ORG_FILE_BYTES).decode("utf-8-sig")
        except (OSError, UnicodeError):
            pass  # changed under us: load it properly below, with a message if it is broken
        else:
            return LoadResult(Document(path, data, text), [])
    result = load_file(root, path, MAX_ORG_FILE_BYTES)
    if current and result.document is not None and not result.findings:
        cache.put(path, current, result.document.data)
    return result


@dataclass(frozen=True, slots=True)
class Job:
    path: str
    kind: RecordKind
    check_in_full: bool


Loaded = tuple[Document | None, list[Finding]]
IndexEntry = tuple[RecordSummary, bool]  # the summary, and whether its file is checked in full


def plan_jobs(root: Path, only: Iterable[str] | None) -> list[Job]:
    wanted = None if only is None else {PurePosixPath(path).as_posix() for path in only}
    return [
        Job(path, kind, wanted is None or path in wanted) for path, kind in discover_records(root)
    ]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while records pile up in memory.

    The collector runs again and again as millions of parsed values accumulate, each time
    scanning all of them: it took a third of the time of loading 12,000 files. Parsed records
    hold no reference cycles, so nothing is lost by pausing it; it resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 1500


def worker_count(jobs: int) -> int:
    """How many processes to use for `jobs` files: 1 unless the run is large and fork exists."""
    if jobs < PARALLEL_THRESHOLD or "fork" not in get_all_start_methods():
        return 1
    return min(os.cpu_count() or 1, 8)


def load_jobs(repository: Repository, jobs: list[Job], parallel: bool = True) -> list[Loaded]:
    """Load and schema-check files, on every core for large repositories.

    Workers are forked so they inherit the compiled schemas; results come back in order, so
    the outcome is the same either way.
    """
    workers = worker_count(len(jobs)) if parallel else 1
    if workers == 1:
        with collector_paused():
            return [load_job(repository, job) for job in jobs]
    global _POOL_REPOSITORY
    _POOL_REPOSITORY = repository
    size = max(1, len(jobs) // (workers * 4))
    chunks = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        return [loaded for chunk in pool.map(_load_chunk, chunks) for loaded in chunk]


_POOL_REPOSITORY: Repository | None = None


def _load_chunk(jobs: list[Job]) -> list[Loaded]:
    assert _POOL_REPOSITORY is not None
    gc.disable()  # a short-lived worker: see collector_paused
    return [load_job(_POOL_REPOSITORY, job) for job in jobs]


def load_job(repository: Repository, job: Job) -> Loaded:
    if not job.path.endswith((".yaml", ".yml")):
        return None, []
    result = load_file(repository.root, job.path)
    if not job.check_in_full or result.document is None:
        return result.document, result.findings
    schema_findings = repository.schemas.check(result.document, job.kind)
    return result.document, [*result.findings, *_deduplicated(schema_findings, result.findings)]


def accept(repository: Repository, jobs: list[Job], loaded: list[Loaded]) -> list[IndexEntry]:
    """Add loaded files to the repository: findings and full records for the files checked in
    full. Returns the index entries of every record, in path order."""
    entries: list[IndexEntry] = []
    for job, (document, findings) in zip(jobs, loaded, strict=True):
        parts = job.path.split("/")
        stem, suffix = os.path.splitext(parts[-1])
        if job.check_in_full:
            # A link, pipe or device is never opened (load_file says so for .yaml names);
            # it is reported once, as unreadable, not also as misplaced.
            is_yaml = suffix in (".yaml", ".yml")
            not_plain = None if is_yaml else _not_plain(repository.root, job.path)
            place_problem = None if not_plain else _place_problem(parts, stem, suffix, job.kind)
            if not_plain:
                repository.findings.append(not_plain)
            if place_problem:
                repository.findings.append(
                    Finding(job.path, 1, 1, FILE_PLACE, Severity.ERROR, place_problem)
                )
            if suffix in (".yaml", ".yml"):
                repository.files_checked += 1
                repository.findings.extend(findings)
        if document is None or not isinstance(document.data, dict) or suffix != ".yaml":
            continue
        record = Record(job.kind, stem, parts[1] if len(parts) == 3 else "", document)
        if job.check_in_full:
            repository.records.append(record)
        fields = {key: record.data[key] for key in INDEX_KEYS if key in record.data}
        summary = RecordSummary(record.kind, record.id, record.path, record.folder_unit, fields)
        entries.append((summary, job.check_in_full))
    return entries


def context_entries(repository: Repository, jobs: list[Job]) -> list[IndexEntry]:
    """Index entries for the records that are context, not checked in full: from the cache
    when it is current, else by loading the file (and remembering the result)."""
    context = [job for job in jobs if not job.check_in_full]
    if not context:
        return []
    fingerprint = ",".join(INDEX_KEYS)
    cache = IndexCache(repository.root, fingerprint)
    entries: list[IndexEntry] = []
    for job in context:
        current = stamp(f"{repository.root}/{job.path}")
        if current is None:
            continue
        known, value = cache.get(job.path, current)
        if not known:
            document, _ = load_job(repository, job)
            value = _summary_fields(job, document)
            cache.put(job.path, current, value)
        if value is not None:
            stem = os.path.splitext(job.path.rsplit("/", 1)[-1])[0]
            parts = job.path.split("/")
            folder_unit = parts[1] if len(parts) == 3 else ""
            summary = RecordSummary(job.kind, stem, job.path, folder_unit, value)
            entries.append((summary, False))
    cache.forget_missing({job.path for job in jobs})
    cache.save()
    return entries


def _summary_fields(job: Job, document: Document | None) -> dict[str, Any] | None:
    if document is None or not isinstance(document.data, dict) or not job.path.endswith(".yaml"):
        return None
    return {key: document.data[key] for key in INDEX_KEYS if key in document.data}


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
        paths.setdefault((summary.kind, summary.id), []).append(summary.path)
        repository.index[summary.kind].setdefault(summary.id, summary)
    for summary, check_in_full in entries:
        others = [path for path in paths[(summary.kind, summary.id)] if path != summary.path]
        if check_in_full and others:
            repository.findings.append(
                Finding(
                    summary.path,
                    1,
                    1,
                    FILE_PLACE,
                    Severity.ERROR,
                    f"Another {summary.kind} has the id `{summary.id}` ({', '.join(others)}). "
                    "Ids must be unique across units: rename one of the files.",
                )
            )


def discover_records(root: Path) -> Iterator[tuple[str, RecordKind]]:
    """Every file under accounts/ and campaigns/, sorted, with the kind its folder implies."""
    for folder, kind in RECORD_FOLDERS.items():
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(_files_below(str(base), f"{folder}/")):
            yield path, kind


def is_checked_path(path: str) -> bool:
    """Whether `validate PATH` checks something at `path` (relative, with /): a file that
    discover_records would find, or one of the org/ files."""
    parts = path.split("/")
    if path in ORG_FILES.values():
        return True
    return (
        len(parts) >= 2
        and parts[0] in RECORD_FOLDERS
        and parts[-1] not in _IGNORED_NAMES
        and not any(part.startswith(".") for part in parts[1:-1])
    )


def _files_below(folder: str, prefix: str) -> Iterator[str]:
    """Paths of the files below `folder`, skipping hidden folders; half the time of os.walk."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    yield from _files_below(entry.path, f"{prefix}{entry.name}/")
            elif entry.name not in _IGNORED_NAMES:
                yield prefix + entry.name


def _not_plain(root: Path, path: str) -> Finding | None:
    """An SR001 finding for a link, pipe, device or socket at `path`, never opened."""
    try:
        problem = entry_problem(os.lstat(root / path).st_mode)
    except OSError:
        return None
    return None if problem is None else Finding(path, 1, 1, "SR001", Severity.ERROR, problem)


def _deduplicated(new: list[Finding], earlier: list[Finding]) -> list[Finding]:
    """Drop schema findings that repeat what the loader already said (an impossible date)."""
    said = {(finding.rule, finding.json_path) for finding in earlier}
    return [finding for finding in new if (finding.rule, finding.json_path) not in said]


def _place_problem(parts: list[str], stem: str, suffix: str, kind: RecordKind) -> str | None:
    top = parts[0]
    if suffix == ".yml":
        return f"Name the file {stem}.yaml: records end in .yaml, not .yml."
    if suffix != ".yaml":
        return f"Only .yaml record files belong under {top}/; move or remove this file."
    if len(parts) != 3:
        return (
            f"A {kind} file must be directly in a unit's folder: {top}/<unit>/{stem}.yaml. "
            "Move it into the folder of the unit that owns it."
        )
    if not _ID.match(stem):
        fixed = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "my-record"
        return (
            f"The file name `{stem}` is the record's id and may use only lowercase letters, "
            f"digits and single hyphens: rename it to {fixed}.yaml."
        )
    if not _ID.match(parts[1]):
        return f"The folder `{parts[1]}` is not a unit id: use the unit's id from org/units.yaml."
    return None
