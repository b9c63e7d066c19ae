"""Check a whole repository: load, schema, rules, on every core when the repository is large.

A large run uses forked workers in two phases, so that full records never cross a process
boundary (sending 10,000 parsed records back costs more than parsing them):

1. each worker loads and schema-checks its share of the files, keeps the records, and sends
   back only their index entries and findings;
2. the parent builds the index of the whole repository, sends it to every worker, and each
   worker runs the rules on its own records against that index.

A small run does the same steps in one process. Either way the findings are the same.
"""

from __future__ import annotations

import dataclasses
import datetime
import gc
import pickle
import traceback
from collections.abc import Callable, Iterable
from multiprocessing import get_context
from multiprocessing.connection import Connection
from pathlib import Path, PurePosixPath
from typing import Any

from socialreg.check.knock_on import without_knock_ons
from socialreg.engine import run_record_rules, run_repository_rules, run_rules
from socialreg.findings import Finding
from socialreg.gitbase import BaseTree, read_base
from socialreg.repository import (
    Job,
    Record,
    RecordKind,
    Repository,
    accept,
    build_index,
    collector_paused,
    context_entries,
    load_job,
    load_org_files,
    open_repository,
    plan_jobs,
    worker_count,
)

# What a caller keeps of each record checked in full (the site keeps its public part); runs
# where the record is, so a parallel run sends back only what is kept.
Publish = Callable[[Record], Record | None]


@dataclasses.dataclass(frozen=True, slots=True)
class CheckResult:
    findings: list[Finding]
    files_checked: int
    repository: Repository  # in a parallel run, without the records (they stay in the workers)
    published: list[Record] = dataclasses.field(default_factory=list)  # in path order


class WorkerError(RuntimeError):
    """A worker process failed; the message carries its traceback's last line."""


def check_repository(
    root: Path,
    only: Iterable[str] | None,
    today: datetime.date,
    base_ref: str | None = None,
    publish: Publish | None = None,
) -> CheckResult:
    """Check the repository at `root`; with `base_ref`, compare with that Git commit too;
    with `publish`, also return what it keeps of each record checked in full.

    Raises `gitbase.BaseError` when `base_ref` cannot be read.
    """
    repository = open_repository(root, with_org_files=False)
    jobs = plan_jobs(root, only)
    base = None if base_ref is None else read_base(root, base_ref, _checked_records(jobs))
    workers = worker_count(sum(1 for job in jobs if job.check_in_full))
    if workers == 1:
        with collector_paused():
            load_org_files(repository)
            full = [job for job in jobs if job.check_in_full]
            entries = accept(repository, full, [load_job(repository, job) for job in full])
            build_index(repository, entries + context_entries(repository, jobs))
            findings = [*repository.findings, *run_rules(repository, today, base)]
            published = _published(repository.records, publish)
        return CheckResult(_unique(findings), repository.files_checked, repository, published)
    return _check_in_parallel(repository, jobs, today, workers, base, publish)


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


def _check_in_parallel(
    repository: Repository,
    jobs: list[Job],
    today: datetime.date,
    workers: int,
    base: BaseTree | None,
    publish: Publish | None,
) -> CheckResult:
    context = get_context("fork")
    connections: list[Connection] = []
    processes = []
    for number in range(workers):
        ours, theirs = context.Pipe()
        share = jobs[number::workers]  # interleaved, so every worker gets a mix of kinds
        process = context.Process(
            target=_worker, args=(theirs, repository, share, today, base, publish)
        )
        process.start()
        theirs.close()
        connections.append(ours)
        processes.append(process)
    try:
        # The workers need only the schemas to read records; the rules need the org/ files,
        # which are read here meanwhile and sent to the workers with the index.
        with collector_paused():
            load_org_files(repository)
        findings: list[Finding] = []
        files = repository.files_checked
        entries = []
        for connection in connections:
            worker_entries, worker_findings, worker_files = _receive(connection)
            entries.extend(worker_entries)
            findings.extend(worker_findings)
            files += worker_files
        entries.sort(key=lambda entry: entry[0].path)  # the order one process would have
        build_index(repository, entries)  # adds findings about ids used twice
        context_for_rules = pickle.dumps(
            (repository.index, repository.organization, repository.units, repository.policy),
            pickle.HIGHEST_PROTOCOL,
        )  # pickled once for all workers
        for connection in connections:
            connection.send_bytes(context_for_rules)
        published: list[Record] = []
        for connection in connections:
            rule_findings, worker_published = _receive(connection)
            findings.extend(rule_findings)
            published.extend(worker_published)
        published.sort(key=lambda record: record.path)
        findings.extend(repository.findings)  # the org/ files and the index
        findings.extend(run_repository_rules(repository, today, base))
    finally:
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():  # pragma: no cover - only after a failure elsewhere
                process.kill()
    return CheckResult(_unique(findings), files, repository, published)


def _worker(
    connection: Connection,
    parent: Repository,
    jobs: list[Job],
    today: datetime.date,
    base: BaseTree | None,
    publish: Publish | None,
) -> None:
    try:
        gc.disable()  # a short-lived process holding parsed records: see collector_paused
        repository = dataclasses.replace(parent, records=[], findings=[], files_checked=0)
        loaded = [load_job(repository, job) for job in jobs]
        entries = accept(repository, jobs, loaded)
        connection.send(("ok", (entries, repository.findings, repository.files_checked)))
        (
            repository.index,
            repository.organization,
            repository.units,
            repository.policy,
        ) = pickle.loads(connection.recv_bytes())
        findings = run_record_rules(repository, today, base)
        connection.send(("ok", (findings, _published(repository.records, publish))))
    except BaseException as error:  # the parent must hear of any failure, or it waits forever
        last = traceback.format_exception_only(type(error), error)[-1].strip()
        connection.send(("error", last))
    finally:
        connection.close()


def _receive(connection: Connection) -> Any:
    try:
        status, payload = connection.recv()
    except EOFError:
        raise WorkerError("a worker process stopped unexpectedly") from None
    if status != "ok":
        raise WorkerError(f"a worker process failed: {payload}")
    return payload


def _unique(findings: list[Finding]) -> list[Finding]:
    # Findings about org/ files can come from every worker; each is reported once. What a
    # schema error already explains is left out (see check/knock_on.py).
    return without_knock_ons(dict.fromkeys(findings))
