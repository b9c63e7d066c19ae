"""Check again only the records that changed since the last whole check (`socialreg build`).

`build` checks every record before it writes the site, and at ten thousand records that check
takes seconds, although a merge usually changes one file. What a record's findings depend on is
known:

- its own file;
- org/, schemas/, the tool itself and the day the check runs for;
- for the rules that compare records (`compares_records`) and for an id used twice, the index
  of the other records (their `RecordSummary`). Nothing else of another record reaches a
  record's rules: in a parallel run a worker holds only its own share of the records
  (check/pipeline.py), and check/differential.py relies on the same fact.

So a `Snapshot` of a whole check keeps, for every record file, its stamp (size and modification
time in nanoseconds, as load/index_cache.py), its findings, its index entry and the part the
caller publishes. A later check with the snapshot (`check_again`):

- gives up, and says why, when anything but the records changed (org/, schemas/, the tool's own
  files, the day), or when most records changed;
- otherwise checks in full the files whose stamp changed and the files added, against the
  stored index entries of the others;
- when that changed the index (a file added, removed or renamed, or a changed record's entry
  not what it was), asks which untouched records the rules comparing records now judge
  otherwise (`index_changes`: a second account with the same handle gives the first one a
  finding too), and checks those in full as well;
- every other record is the file it was, judged against an index that is the same for it, and
  its findings and published part are those stored. Findings about org/ and the whole
  repository are worked out again every time (they are cheap, and depend on the whole index).

A snapshot is kept only of a check with no findings that stop the site: then every record was
readable, matched its schema and had an id of its own, so every record is in the index exactly
once (an id used twice keeps only one of its files there).

The stamps include the modification time in nanoseconds, which a fresh checkout sets anew, so a
snapshot committed to a repository (where CI builds the site) never matches its files.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialreg import __version__
from socialreg.check.engine import RecordChecker, rule_settings
from socialreg.check.pipeline import (
    CheckResult,
    Publish,
    build_index,
    check_changed,
    load_org_files,
)
from socialreg.check.publishable import blocking
from socialreg.check.schemas import SchemaSet
from socialreg.findings import Finding, Severity
from socialreg.identity.keys import IdentityKeys
from socialreg.load.discover import Job, plan_jobs, record_place
from socialreg.load.documents import Document
from socialreg.load.index_cache import Stamp, stamp
from socialreg.load.model import Record, RecordKind, RecordSummary, Repository
from socialreg.rules import all_rules

# The folders besides the records that a check reads.
CONTEXT_FOLDERS = ("org", "schemas")
# Above this share of changed records, the parallel whole check is faster than this one, which
# runs in one process.
MOST_RECORDS = 0.25
RACY_NS = 2_000_000_000  # see _racy
_PACKAGE = Path(__file__).resolve().parent.parent


class JsonText(str):
    """A record's published data kept as its JSON text (compact: a large check holds it so,
    a third of the dictionaries' size; see registry_site/model.compact_public_part)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class RecordState:
    """What one check found in one record file, and what it published of it."""

    kind: RecordKind
    stamp: Stamp
    findings: tuple[Finding, ...]
    entry: RecordSummary | None
    published: Record | None
    # The record's line in the stored snapshot it was read from (snapshot_lines), if any.
    line: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Snapshot:
    context: str  # the fingerprint of everything but the records (`Stamps.context`)
    taken_ns: int  # when the stamps were taken, before the check read the files
    records: dict[str, RecordState]  # by path


@dataclass(frozen=True, slots=True)
class Stamps:
    """The repository's files as they are before a check reads them. A file that changes
    during the check then differs from its stamp next time, and is checked again."""

    taken_ns: int
    context: str  # the fingerprint of the tool, org/, schemas/ and the day
    newest_context_ns: int  # the latest modification time among the tool, org/ and schemas/
    records: dict[str, tuple[RecordKind, Stamp | None]]  # path -> kind, stamp


def stamps_now(root: Path, today: datetime.date) -> Stamps:
    taken = time.time_ns()
    context: list[Any] = [__version__, today.isoformat(), *_tool_stamps()]
    for folder in CONTEXT_FOLDERS:
        context.extend(_stamps_below(root / folder, ()))
    records = {job.path: (job.kind, stamp(f"{root}/{job.path}")) for job in plan_jobs(root, None)}
    newest = max((mtime for _, _, mtime in context[2:]), default=0)
    return Stamps(taken, _digest(context), newest, records)


def tool_fingerprint() -> str:
    """The tool's version and the stamps of its own files (code, templates, interface texts):
    a new version, or a template edited in a checkout of the tool, changes every result."""
    return _digest([__version__, *_tool_stamps()])


@functools.cache
def _tool_stamps() -> tuple[Any, ...]:
    """[path, size, mtime_ns] of the tool's own files; they do not change while it runs."""
    return tuple(_stamps_below(_PACKAGE, ("__pycache__",)))


def _racy(mtime_ns: int, snapshot: Snapshot) -> bool:
    """Whether a file changed so shortly before `snapshot` was taken that a later change might
    have kept its stamp: file systems keep times in ticks (of up to two seconds), and a change
    within the same tick that keeps the size keeps the stamp. Such a file is checked again."""
    return mtime_ns >= snapshot.taken_ns - RACY_NS


def snapshot_of(checked: CheckResult, before: Stamps) -> Snapshot | None:
    """The snapshot of a whole check, or None when it cannot be relied on (see above)."""
    if blocking(checked.findings):
        return None
    findings: dict[str, list[Finding]] = {}
    for finding in checked.findings:
        findings.setdefault(finding.path, []).append(finding)
    entries = {
        summary.path: summary
        for by_id in checked.repository.index.values()
        for summary in by_id.values()
    }
    published = {record.path: record for record in checked.published}
    records = {}
    for path, (kind, current) in before.records.items():
        entry = entries.get(path)
        if current is None or (entry is None and path.endswith(".yaml")):
            return None  # gone during the check, or not indexed: a whole check next time
        state = RecordState(
            kind, current, tuple(findings.get(path, ())), entry, published.get(path)
        )
        if not _stored_exactly(state):
            return None
        records[path] = state
    return Snapshot(before.context, before.taken_ns, records)


@dataclass(frozen=True, slots=True)
class Changes:
    """The record files that changed (or were added) and were removed since a snapshot; a
    renamed file is one removed and one added."""

    changed: list[str]
    removed: list[str]


def changed_records(previous: Snapshot, now: Stamps) -> Changes | str:
    """The record files that changed since `previous` (by their stamps, taken `now`), or why
    `check_again` cannot start from `previous` at all."""
    if now.context != previous.context or _racy(now.newest_context_ns, previous):
        return "org/, schemas/, the tool or the day changed"
    stamps, before = now.records, previous.records
    changed = [
        path
        for path, (_, current) in stamps.items()
        if current is None
        or path not in before
        or current != before[path].stamp
        or _racy(current[1], previous)
    ]
    removed = [path for path in before if path not in stamps]
    if len(changed) + len(removed) > MOST_RECORDS * len(stamps):
        return "most records changed"
    return Changes(changed, removed)


def check_again(
    root: Path, previous: Snapshot, now: Stamps, today: datetime.date, publish: Publish | None
) -> tuple[CheckResult, Snapshot | None] | str:
    """The whole check's result worked out from `previous` and the records that changed since
    (`now`: the stamps taken before this check), with the new snapshot (None when it cannot be
    stored); or, when that cannot be done safely, why not (the caller then checks everything).
    """
    changes = changed_records(previous, now)
    if isinstance(changes, str):
        return changes
    changed = changes.changed
    gone = {*changed, *changes.removed}
    unchanged = {path: state for path, state in previous.records.items() if path not in gone}
    result, entries = _check_in_full(root, changed, unchanged, now, today, publish)
    if changes.removed or any(
        entries.get(path) != _entry_before(previous, path) for path in changed
    ):
        # The index changed. The untouched records whose rules comparing records now say
        # something else are checked again too; the others' findings stand.
        moved = index_changes(root, today, previous, unchanged, list(entries.values()))
        if len(changed) + len(moved) > MOST_RECORDS * len(now.records):
            return "the change concerns most records"
        if moved:
            changed = [*changed, *moved]
            unchanged = {path: state for path, state in unchanged.items() if path not in moved}
            result, entries = _check_in_full(root, changed, unchanged, now, today, publish)
    return _merged(result, changed, unchanged, now, entries)


def _entry_before(previous: Snapshot, path: str) -> RecordSummary | None:
    state = previous.records.get(path)
    return None if state is None else state.entry


def _check_in_full(
    root: Path,
    paths: list[str],
    unchanged: dict[str, RecordState],
    now: Stamps,
    today: datetime.date,
    publish: Publish | None,
) -> tuple[CheckResult, dict[str, RecordSummary]]:
    """`check_changed` of the records at `paths`, against the stored entries of `unchanged`;
    with the index entries of those checked, by path."""
    jobs = [Job(path, now.records[path][0], True) for path in paths]
    context = [state.entry for state in unchanged.values() if state.entry is not None]
    result, entries = check_changed(root, jobs, context, today, publish)
    return result, {summary.path: summary for summary in entries}


def index_changes(
    root: Path,
    today: datetime.date,
    previous: Snapshot,
    unchanged: dict[str, RecordState],
    entries: list[RecordSummary],
) -> list[str]:
    """The `unchanged` records (files untouched since `previous`) whose findings may differ
    now that the index holds their entries and `entries` (of the records checked again), not
    the entries of `previous`.

    A record's findings are its own rules' (which see no index), the comparing rules', and
    what its waivers make of both (which see no index either: check/engine.py). So a record
    whose comparing rules raise the same problems against both indexes has the findings it
    had. Those rules run against the new index for every untouched record; against the old
    index only for the records that may differ: those with problems now, those that had a
    comparing rule's finding, and those with waivers (which may have excused one). A record
    with none of these had no problems then and has none now. An untouched record with the
    id of a record checked again is checked again too: both files are told of the id.
    """
    indexed = {path: state.entry for path, state in unchanged.items() if state.entry is not None}
    now = _compared(root, today, [*indexed.values(), *entries], list(indexed))
    comparing = comparing_codes()
    maybe = [
        path
        for path, entry in indexed.items()
        if now[path]
        or "waivers" in entry.fields
        or any(finding.rule in comparing for finding in unchanged[path].findings)
    ]
    before = [state.entry for state in previous.records.values() if state.entry is not None]
    then = _compared(root, today, before, maybe) if maybe else {}
    ids = {(entry.kind, entry.id) for entry in entries}
    same_id = [path for path, entry in indexed.items() if (entry.kind, entry.id) in ids]
    return sorted({*(path for path in maybe if then[path] != now[path]), *same_id})


def _compared(
    root: Path, today: datetime.date, entries: list[RecordSummary], paths: list[str]
) -> dict[str, list[tuple[Any, ...]]]:
    """What the rules comparing records raise about each of `paths` against the index of
    `entries`, as (rule, file, place, message, at most) without looking up lines."""
    repository = Repository(root=root, schemas=SchemaSet(root / "schemas"))
    # As many records as are asked about count as checked in full, so that the look-alike
    # rule indexes every handle (it indexes only those like the records' own for a few).
    repository.checked_in_full = len(paths)
    load_org_files(repository)
    build_index(repository, [(summary, False) for summary in entries])
    checker = RecordChecker(repository, today, rule_settings(repository.org_data("policy")))
    by_path = {summary.path: summary for summary in entries}
    found = {}
    for path in paths:
        summary = by_path[path]
        document = Document(path, summary.fields)
        record = Record(summary.kind, summary.id, summary.folder_unit, document, summary.identity)
        found[path] = [
            (code, problem.document.path, problem.path, problem.message, problem.at_most)
            for code, problem in checker.compared(record)
        ]
    return found


@functools.cache
def comparing_codes() -> frozenset[str]:
    """The codes of the rules that compare records."""
    return frozenset(rule.code for rule in all_rules() if rule.compares_records)


def _merged(
    result: CheckResult,
    changed: list[str],
    unchanged: dict[str, RecordState],
    now: Stamps,
    entries: dict[str, RecordSummary],
) -> tuple[CheckResult, Snapshot | None]:
    """The result of the changed records with the stored results of the others, and the new
    snapshot (None when it cannot be stored)."""
    findings: dict[str, list[Finding]] = {}
    for finding in result.findings:
        findings.setdefault(finding.path, []).append(finding)
    published = {record.path: record for record in result.published}
    records = dict(unchanged)
    exact = True
    for path in changed:
        kind, current = now.records[path]
        if current is None:  # removed while we looked: no stamp to trust next time
            current = (-1, -1)
        records[path] = RecordState(
            kind, current, tuple(findings.get(path, ())), entries.get(path), published.get(path)
        )
        exact = exact and _stored_exactly(records[path])
    all_findings = list(result.findings)
    for state in unchanged.values():
        all_findings.extend(state.findings)
    files = result.files_checked + sum(1 for path in unchanged if path.endswith((".yaml", ".yml")))
    all_published = sorted(
        (state.published for state in records.values() if state.published is not None),
        key=lambda record: record.path,
    )
    merged = CheckResult(list(dict.fromkeys(all_findings)), files, result.repository, all_published)
    return merged, Snapshot(now.context, now.taken_ns, records) if exact else None


# --- the snapshot as JSON lines ----------------------------------------------------------------
#
# One line of JSON per record file, after a first line that says what the snapshot is of. A
# rebuild after one record changed writes the lines of the other records as it read them: at
# ten thousand records, encoding them all again cost a tenth of the rebuild.


def snapshot_header(snapshot: Snapshot) -> dict[str, Any]:
    return {"context": snapshot.context, "taken_ns": snapshot.taken_ns}


def snapshot_lines(snapshot: Snapshot) -> Iterator[str]:
    """A line of JSON for each record (`snapshot_from_lines` reads them back)."""
    for path, state in snapshot.records.items():
        if state.line:
            yield state.line
            continue
        published = state.published
        data = None if published is None else published.document.data
        if not isinstance(data, JsonText):
            yield json.dumps(_as_json(path, state), separators=(",", ":"))
            continue
        # The published data is JSON already: written as it is, not as a string.
        assert published is not None
        line = json.dumps(_as_json(path, state)[:-1], separators=(",", ":"))
        head = json.dumps([published.id, published.folder_unit], separators=(",", ":"))
        yield f"{line[:-1]},{head[:-1]},{data}]]"


def _as_json(path: str, state: RecordState) -> list[Any]:
    entry, published = state.entry, state.published
    return [
        path,
        state.kind,
        *state.stamp,
        [
            [f.line, f.column, f.rule, str(f.severity), f.message, f.json_path]
            for f in state.findings
        ],
        None
        if entry is None
        else [
            entry.id,
            entry.folder_unit,
            entry.fields,
            None if entry.identity is None else entry.identity.as_list(),
        ],
        None
        if published is None
        else [published.id, published.folder_unit, _plain(published.document.data)],
    ]


def _plain(data: Any) -> Any:
    return json.loads(data) if isinstance(data, JsonText) else data


def snapshot_from_lines(header: Any, lines: Iterable[str]) -> Snapshot | None:
    """The snapshot stored as `snapshot_header` and `snapshot_lines`, or None for anything
    else."""
    try:
        records = {}
        for text in lines:
            path, kind, size, mtime, findings, entry, published = json.loads(text)
            if kind not in ("account", "campaign") or record_place(path) is None:
                return None
            records[path] = RecordState(
                kind,
                (int(size), int(mtime)),
                tuple(
                    Finding(path, line, column, rule, Severity(severity), message, json_path)
                    for line, column, rule, severity, message, json_path in findings
                )
                if findings
                else (),
                None if entry is None else _entry(kind, path, entry),
                None
                if published is None
                else Record(kind, published[0], published[1], Document(path, published[2])),
                text,
            )
        return Snapshot(str(header["context"]), int(header["taken_ns"]), records)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _entry(kind: RecordKind, path: str, stored: list[Any]) -> RecordSummary:
    record_id, folder_unit, fields, identity = stored
    keys = None if identity is None else IdentityKeys.from_list(identity)
    if identity is not None and keys is None:
        raise ValueError("not identity keys")
    return RecordSummary(kind, record_id, path, folder_unit, fields, keys)


def _stored_exactly(state: RecordState) -> bool:
    """Whether JSON gives back the record's values as they are: YAML can hold keys that are not
    text (and schemas/ are the organisation's to loosen), which JSON would turn into text."""
    values = [
        state.entry.fields if state.entry is not None else None,
        state.published.document.data if state.published is not None else None,
    ]
    return all(json_exact(value) for value in values)


def json_exact(value: Any) -> bool:
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(json_exact(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and json_exact(item) for key, item in value.items())
    return False


def _stamps_below(folder: Path, skipped: Iterable[str]) -> list[Any]:
    """[path, size, mtime_ns] of every file below `folder`, in path order."""
    found: list[Any] = []
    skip = set(skipped)
    for current, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name not in skip)
        for name in sorted(files):
            path = os.path.join(current, name)
            found.append([os.path.relpath(path, folder), *(stamp(path) or (-1, -1))])
    return found


def _digest(values: list[Any]) -> str:
    return hashlib.blake2b(json.dumps(values).encode("utf-8"), digest_size=16).hexdigest()
