"""Find, load and schema-check every file of a registry repository.

The result, a `Repository`, is what the rules, the site, CODEOWNERS and the GitHub bot read:
the three `org/` files, the records that were loaded in full, and an index of every record in
the repository (id, path and the few keys that cross-file rules compare), so that checking one
changed file still knows about all the others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from socialreg.findings import Finding, Severity
from socialreg.loader import Document, load_file
from socialreg.schemas import SchemaSet

RecordKind = Literal["account", "campaign"]
RECORD_FOLDERS: dict[str, RecordKind] = {"accounts": "account", "campaigns": "campaign"}
ORG_FILES = {"organization": "org/organization.yaml", "units": "org/units.yaml", "policy": "org/policy.yaml"}
# The keys of a record that other records refer to; the index keeps just these.
INDEX_KEYS = ("platform", "handle", "url", "name", "unit", "status", "sender")

FILE_PLACE = "SR013"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
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


def load_repository(root: Path, only: Iterable[str] | None = None) -> Repository:
    """Load the repository at `root`.

    With `only` (paths relative to `root`), just those records are loaded and checked in full;
    the others are still indexed, because cross-file rules compare against them.
    """
    repository = Repository(root=root, schemas=SchemaSet(root / "schemas"))
    wanted = None if only is None else {PurePosixPath(path).as_posix() for path in only}
    # The org/ files are context for every rule, so they are always loaded and checked.
    for name, path in ORG_FILES.items():
        if (root / path).is_file():
            setattr(repository, name, _load_checked(repository, path, name))
        else:
            repository.findings.append(
                Finding(path, 1, 1, FILE_PLACE, Severity.ERROR,
                        f"{path} is missing. Every registry needs it; copy it from the template.")
            )
    jobs = [(path, kind, wanted is None or path in wanted) for path, kind in discover_records(root)]
    for (path, kind, check_in_full), loaded in zip(jobs, _load_all(root, repository.schemas, jobs), strict=True):
        record = _accept(repository, path, kind, check_in_full, loaded)
        if record is not None and check_in_full:
            repository.records.append(record)
    return repository


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 1500
_Job = tuple[str, RecordKind, bool]
_Loaded = tuple[Document | None, list[Finding]]


def _load_all(root: Path, schemas: SchemaSet, jobs: list[_Job]) -> list[_Loaded]:
    """Load and schema-check files, on every core for large repositories.

    Workers are forked so they inherit the compiled schemas; each returns plain data and
    findings, and the parent indexes them in order, so the result is the same either way.
    """
    workers = min(os.cpu_count() or 1, 8)
    if len(jobs) < PARALLEL_THRESHOLD or workers < 2 or "fork" not in get_all_start_methods():
        return [_load_one(root, schemas, job) for job in jobs]
    global _WORKER_STATE
    _WORKER_STATE = (root, schemas)
    size = max(1, len(jobs) // (workers * 4))
    chunks = [jobs[start : start + size] for start in range(0, len(jobs), size)]
    with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
        results = pool.map(_load_chunk, chunks)
        return [loaded for chunk in results for loaded in chunk]


_WORKER_STATE: tuple[Path, SchemaSet] | None = None


def _load_chunk(jobs: list[_Job]) -> list[_Loaded]:
    assert _WORKER_STATE is not None
    root, schemas = _WORKER_STATE
    return [_load_one(root, schemas, job) for job in jobs]


def _load_one(root: Path, schemas: SchemaSet, job: _Job) -> _Loaded:
    path, kind, check_in_full = job
    if not path.endswith(".yaml") and not path.endswith(".yml"):
        return None, []
    result = load_file(root, path)
    if not check_in_full or result.document is None:
        return result.document, result.findings
    schema_findings = schemas.check(result.document, kind)
    return result.document, [*result.findings, *_deduplicated(schema_findings, result.findings)]


def discover_records(root: Path) -> Iterator[tuple[str, RecordKind]]:
    """Every file under accounts/ and campaigns/, sorted, with the kind its folder implies."""
    for folder, kind in RECORD_FOLDERS.items():
        base = root / folder
        if not base.is_dir():
            continue
        found: list[str] = []
        for directory, subdirectories, files in os.walk(base):
            subdirectories[:] = [name for name in subdirectories if not name.startswith(".")]
            relative = Path(directory).relative_to(root).as_posix()
            found.extend(f"{relative}/{name}" for name in files if name not in _IGNORED_NAMES)
        for path in sorted(found):
            yield path, kind


def _load_checked(repository: Repository, path: str, kind: str) -> Document | None:
    result = load_file(repository.root, path)
    repository.files_checked += 1
    repository.findings.extend(result.findings)
    if result.document is None:
        return None
    repository.findings.extend(_deduplicated(repository.schemas.check(result.document, kind), result.findings))
    return result.document


def _deduplicated(new: list[Finding], earlier: list[Finding]) -> list[Finding]:
    """Drop schema findings that repeat what the loader already said (an impossible date)."""
    said = {(finding.rule, finding.json_path) for finding in earlier}
    return [finding for finding in new if (finding.rule, finding.json_path) not in said]


def _accept(
    repository: Repository, path: str, kind: RecordKind, check_in_full: bool, loaded: _Loaded
) -> Record | None:
    document, findings = loaded
    parts = path.split("/")
    stem, suffix = os.path.splitext(parts[-1])
    if check_in_full:
        place_problem = _place_problem(parts, stem, suffix, kind)
        if place_problem:
            repository.findings.append(Finding(path, 1, 1, FILE_PLACE, Severity.ERROR, place_problem))
        if suffix in (".yaml", ".yml"):
            repository.files_checked += 1
            repository.findings.extend(findings)
    if document is None or not isinstance(document.data, dict) or suffix != ".yaml":
        return None
    record = Record(kind, stem, parts[1] if len(parts) == 3 else "", document)
    _index(repository, record, check_in_full)
    return record


def _index(repository: Repository, record: Record, check_in_full: bool) -> None:
    same_id = repository.index[record.kind].get(record.id)
    if same_id is not None and check_in_full:
        repository.findings.append(
            Finding(record.path, 1, 1, FILE_PLACE, Severity.ERROR,
                    f"Another {record.kind} has the id `{record.id}` ({same_id.path}). "
                    "Ids must be unique across units: rename one of the files.")
        )
        return
    fields = {key: record.data[key] for key in INDEX_KEYS if key in record.data}
    repository.index[record.kind][record.id] = RecordSummary(
        record.kind, record.id, record.path, record.folder_unit, fields
    )


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
