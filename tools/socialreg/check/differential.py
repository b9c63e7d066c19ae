"""Judge a change by what it changes: the findings it introduces (`validate --base REF`).

A registry's records age: reviews fall due, pilots end, campaigns finish. If every pull request
were judged on every finding in the repository, each of those would turn every open pull request
red at once, and requesters would be told to fix other units' records. So a run with a base
works out the findings at the base commit too, with the same "today", and sorts each finding of
the head into *new* (this change introduced it) or *existing* (the base already had it). Only
new findings decide the outcome; existing ones are reported apart, and findings of the base that
the change removes are counted as fixed.

Findings are matched by path, rule and JSON path, never by line, so an edit above a finding does
not make it new; a renamed or moved file keeps its findings. An error that was only a warning
on the base is new.

The base side reuses what the head run already has instead of checking the base from scratch:
a record file that did not change is the same file on both sides. When neither `org/` nor
`schemas/` changed, an untouched record's findings can only differ through the other records,
and only for the rules that compare records (`compares_records`). So the base is checked only
for the files that changed and for the untouched files that have such findings now, against the
head's index with the changed records swapped for their base versions; the head's other
findings on untouched files are the base's too. When `org/` or `schemas/` changed, every record
may be judged differently, and the whole base is checked.

A new finding on a file the change did not touch is caused by a changed record (a second account
with an existing handle, a sender account archived while a campaign uses it). It is reported at
the changed file that the message names, so the pull request shows it where the change is.
"""

from __future__ import annotations

import datetime
import io
import re
import tarfile
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from socialreg.check.pipeline import CheckResult, check_at_base, check_repository
from socialreg.check.schemas import SchemaSet
from socialreg.findings import Baseline, Finding, Report, Severity, Summary, sorted_findings
from socialreg.load.discover import FILE_PLACE, RECORD_FOLDERS, Job
from socialreg.load.gitbase import BaseError, _git, _run, read_blobs
from socialreg.load.model import ORG_FILES, RecordKind, RecordSummary
from socialreg.rules import all_rules

# What the base side reads besides the records: a change here can change every finding.
_CONTEXT_FOLDERS = ("org", "schemas")


@dataclass(frozen=True, slots=True)
class Changes:
    """How the working tree differs from the base commit, for the record, org/ and schema files.

    Paths are relative to the registry root. A file under accounts/ or campaigns/ that is in
    neither `base_files` nor `renamed` was added.
    """

    commit: str
    prefix: str  # where the registry root is inside the Git repository ("" at its top)
    base_files: dict[str, RecordKind]  # every file under the record folders at the base
    renamed: dict[str, str]  # head path -> base path, for renamed and moved files
    modified: frozenset[str]  # same path on both sides, different content
    deleted: frozenset[str]  # base paths that are gone (and were not renamed)
    context_changed: bool  # org/ or schemas/ differ

    @property
    def changed_at_base(self) -> set[str]:
        """Base paths whose content the head does not have at the same path."""
        return {*self.modified, *self.deleted, *self.renamed.values()}

    def base_path(self, head_path: str) -> str | None:
        """Where the file at `head_path` was at the base; None for a file this change added."""
        if head_path in self.renamed:
            return self.renamed[head_path]
        if head_path.split("/", 1)[0] in RECORD_FOLDERS and head_path not in self.base_files:
            return None
        return head_path

    def untouched(self, head_path: str) -> bool:
        """A record file the change left exactly as it was, at the same path."""
        return head_path in self.base_files and head_path not in self.changed_at_base


def differential_report(
    root: Path, only: Iterable[str] | None, today: datetime.date, base_ref: str
) -> Report:
    """Check the working tree and compare it with `base_ref`, on the same `today`.

    Raises `gitbase.BaseError` when `base_ref` cannot be read.
    """
    only_paths = None if only is None else sorted(only)
    head = check_repository(root, only_paths, today, base_ref)  # reports a bad ref first
    changes = read_changes(root, base_ref)
    scope = _base_scope(head, changes, only_paths)
    base = [
        *base_findings(root, head, changes, today, scope),
        *_carried_over(head, changes, scope),
    ]
    head_paths = [
        entry.path for by_id in head.repository.index.values() for entry in by_id.values()
    ]
    findings = attribute_to_changes(head.findings, base, changes, head_paths)
    existing, fixed = compare(findings, base, changes)
    if only_paths is not None:  # a run of some files says nothing about the others' fixes
        given = {changes.base_path(path) for path in only_paths}
        fixed = [finding for finding in fixed if finding.path in given]
    findings = sorted_findings(findings)
    baseline = Baseline(base_name(root, base_ref), frozenset(existing), tuple(fixed))
    return Report(findings, Summary.of(findings, head.files_checked), baseline)


def read_changes(root: Path, base_ref: str) -> Changes:
    """What differs between `base_ref` and the working tree, renames followed."""
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{base_ref}^{{commit}}").strip()
    listing = _git(root, "ls-tree", "-r", "--name-only", "-z", commit, "--", *RECORD_FOLDERS)
    base_files = {
        path: RECORD_FOLDERS[path.split("/", 1)[0]] for path in listing.split("\0") if path
    }
    # -z: paths exactly as they are, whatever characters they hold. --no-renames is not given,
    # so a file moved to another unit's folder is one rename, not a deletion and an addition.
    output = _git(
        root,
        "diff",
        "--name-status",
        "-M",
        "-z",
        "--relative",
        commit,
        "--",
        *RECORD_FOLDERS,
        *_CONTEXT_FOLDERS,
    )
    fields = output.split("\0")
    renamed: dict[str, str] = {}
    modified: set[str] = set()
    deleted: set[str] = set()
    context_changed = False
    position = 0
    while position < len(fields) and fields[position]:
        status = fields[position][0]
        if status in "RC":
            old, new = fields[position + 1], fields[position + 2]
            position += 3
            touched = [old, new]
            if status == "R":
                renamed[new] = old
        else:
            path = fields[position + 1]
            position += 2
            touched = [path]
            if status == "D":
                deleted.add(path)
            elif status in "MT":
                modified.add(path)
        if any(path.split("/", 1)[0] in _CONTEXT_FOLDERS for path in touched):
            context_changed = True
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    return Changes(
        commit,
        prefix,
        base_files,
        renamed,
        frozenset(modified),
        frozenset(deleted),
        context_changed,
    )


def _base_scope(head: CheckResult, changes: Changes, only: list[str] | None) -> set[str]:
    """The base paths whose findings the comparison works out again."""
    if only is not None:
        given = {changes.base_path(path) for path in only}
        return {path for path in given if path in changes.base_files}
    if changes.context_changed:
        return set(changes.base_files)
    scope = changes.changed_at_base
    comparing = records_comparing_rules()
    for finding in head.findings:
        if changes.untouched(finding.path) and finding.rule in comparing:
            scope.add(finding.path)
    return scope


def _carried_over(head: CheckResult, changes: Changes, scope: set[str]) -> list[Finding]:
    """The head's findings that the base has too, without checking again: an untouched file
    outside `scope` is judged by the same rules, org/ files and schemas on both sides, and has
    no finding that depends on another record."""
    if changes.context_changed:
        return []
    return [
        finding
        for finding in head.findings
        if changes.untouched(finding.path) and finding.path not in scope
    ]


def records_comparing_rules() -> frozenset[str]:
    """The codes whose findings in one record can come from another: the rules that say so,
    and SR013, which names the other file of an id used twice."""
    codes = {rule.code for rule in all_rules() if rule.compares_records}
    return frozenset({*codes, FILE_PLACE})


def base_findings(
    root: Path, head: CheckResult, changes: Changes, today: datetime.date, scope: set[str]
) -> list[Finding]:
    """The findings of the base commit for the files in `scope`, and its whole-repository
    findings (org/ files, policy settings), on the same `today` as the head.

    Untouched files are read from disk (they are the same at the base), changed ones from Git;
    the head's index stands in for the base's other records. Rules that compare with a base
    see none here: what they find is always new.
    """
    changed = changes.changed_at_base
    wanted = sorted(path for path in changed if path in changes.base_files)
    blobs = read_blobs(root, changes.commit, changes.prefix, wanted)
    records: list[tuple[Job, bytes | None]] = [
        (Job(path, changes.base_files[path], True), None)
        for path in sorted(scope)
        if path not in changed
    ]
    records += [
        (Job(path, changes.base_files[path], path in scope), blobs[path])
        for path in wanted
        if path in blobs
    ]
    context: list[RecordSummary] = [
        summary
        for by_id in head.repository.index.values()
        for summary in by_id.values()
        if changes.untouched(summary.path)
    ]
    if not changes.context_changed:
        return check_at_base(root, head.repository.schemas, today, records, context)
    org_files = read_blobs(root, changes.commit, changes.prefix, list(ORG_FILES.values()))
    with tempfile.TemporaryDirectory(prefix="socialreg-base-") as folder:
        schemas = SchemaSet(_extract_schemas(root, changes.commit, changes.prefix, Path(folder)))
        return check_at_base(root, schemas, today, records, context, org_files)


def compare(
    findings: list[Finding], base: list[Finding], changes: Changes
) -> tuple[set[Finding], list[Finding]]:
    """The head findings the base already had, and the base findings the head no longer has."""
    waiting: dict[tuple[str, str, str], list[Finding]] = {}
    for finding in sorted_findings(set(base)):
        waiting.setdefault((finding.path, finding.rule, finding.json_path), []).append(finding)
    existing: set[Finding] = set()
    for finding in sorted_findings(findings):
        base_path = changes.base_path(finding.path)
        if base_path is None:
            continue
        candidates = waiting.get((base_path, finding.rule, finding.json_path), [])
        for candidate in candidates:
            # An error that the base had only as a warning (or waived) is new as an error.
            if finding.severity is Severity.ERROR and candidate.severity is not Severity.ERROR:
                continue
            candidates.remove(candidate)
            existing.add(finding)
            break
    fixed = [finding for group in waiting.values() for finding in group]
    return existing, sorted_findings(fixed)


def attribute_to_changes(
    findings: list[Finding], base: list[Finding], changes: Changes, head_paths: Iterable[str]
) -> list[Finding]:
    """Move each new finding on an untouched record to the changed record that caused it.

    Only when org/ and the schemas are unchanged: then an untouched record can gain a finding
    only through another record, which its message names (by path or id). `head_paths` are the
    record files of the head. When the changed record already reports the same conflict (both
    records of a duplicate handle get one), the untouched record's copy is dropped.
    """
    if changes.context_changed:
        return list(findings)
    base_keys = {(finding.path, finding.rule, finding.json_path) for finding in base}
    changed_paths = sorted(path for path in head_paths if not changes.untouched(path))
    kept: list[Finding] = []
    caused: list[tuple[Finding, str]] = []
    for finding in findings:
        culprit = None
        key = (finding.path, finding.rule, finding.json_path)
        if changes.untouched(finding.path) and key not in base_keys:
            culprit = _named_change(finding, changed_paths)
        if culprit is None:
            kept.append(finding)
        else:
            caused.append((finding, culprit))
    # Looked up by file and rule: a change can cause a finding in a thousand untouched files.
    kept_at: dict[tuple[str, str], list[Finding]] = {}
    for other in kept:
        kept_at.setdefault((other.path, other.rule), []).append(other)
    moved = []
    for finding, culprit in caused:
        said_there = any(
            finding.path in other.message or _counts_the_rest(other, finding)
            for other in kept_at.get((culprit, finding.rule), [])
        )
        if not said_there:
            moved.append(_moved(finding, culprit))
    return kept + moved


def _counts_the_rest(other: Finding, finding: Finding) -> bool:
    """Whether `other` is about the same value as `finding` and names only the first few files
    that share it ("... and 12 more files", wording.first_few): the untouched file may be among
    those it counts. A thousand files sharing an address each name three."""
    return other.json_path == finding.json_path and _MORE.search(other.message) is not None


_MORE = re.compile(r"\band [\d,]+ more\b")


def _named_change(finding: Finding, changed_paths: list[str]) -> str | None:
    for path in changed_paths:
        record_id = PurePosixPath(path).stem
        if path in finding.message or _mentions(finding.message, record_id):
            return path
    return None


def _mentions(message: str, record_id: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(record_id)}(?![\w-])", message) is not None


def _moved(finding: Finding, culprit: str) -> Finding:
    return Finding(
        culprit,
        1,
        1,
        finding.rule,
        finding.severity,
        f"{finding.path} (not changed here) gets a finding because of this change: "
        f"{finding.message}",
        "$",
    )


def base_name(root: Path, base_ref: str) -> str:
    """The base as people know it: `base_ref` when it is a branch name; for a commit id (what
    CI passes) the branch whose tip it is; else "the base branch"."""
    if not re.fullmatch(r"[0-9a-fA-F]{7,64}", base_ref) and base_ref.upper() != "HEAD":
        return re.sub(r"^(refs/heads/|refs/remotes/[^/]+/|origin/)", "", base_ref)
    try:
        name = _git(
            root,
            "name-rev",
            "--name-only",
            "--no-undefined",
            "--refs=refs/heads/*",
            "--refs=refs/remotes/*",
            base_ref,
        ).strip()
    except BaseError:  # a name is a nicety; the comparison does not need it
        name = ""
    name = re.sub(r"^(remotes/[^/]+/|heads/)", "", name)
    if name and not re.search(r"[~^]", name):
        return name
    return "the base branch"


def _extract_schemas(root: Path, commit: str, prefix: str, folder: Path) -> Path:
    """The base's schemas/ written into `folder`, for a change that edits the schemas."""
    archive = _run(root, ["git", "archive", "--format=tar", f"{commit}:{prefix}schemas"], b"")
    target = folder / "schemas"
    target.mkdir()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if member.isfile() and "/" not in member.name and member.name.endswith(".json"):
                extracted = tar.extractfile(member)
                if extracted is not None:
                    (target / member.name).write_bytes(extracted.read())
    return target
