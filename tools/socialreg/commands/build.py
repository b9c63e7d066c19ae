"""`socialreg build`: check the records, then write the public registry site.

The site is built only when every record can be read and matches the record format: otherwise
nothing is written and the command exits 1, so an official account never silently vanishes
from the public page. Policy and date findings do not stop it (see check/publishable.py); the
command says how many need attention. `--force` builds anyway (for a preview while fixing); the
site then shows what it can and leaves out addresses that are not plain https.
"""

from __future__ import annotations

import contextlib
import datetime
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from socialreg.check import publishable
from socialreg.check.incremental import (
    Snapshot,
    Stamps,
    changed_records,
    check_again,
    snapshot_of,
    stamps_now,
)
from socialreg.check.pipeline import CheckResult, Publish, check_repository
from socialreg.check.schemas import SchemaError, SchemaSet
from socialreg.commands.dates import with_today
from socialreg.errors import InternalError
from socialreg.findings import Finding, Summary, sorted_findings
from socialreg.load.model import Repository
from socialreg.parallel import (
    Channel,
    WorkerError,
    collector_paused,
    forked_workers,
    worker_count,
)
from socialreg.registry_site.build import (
    BuildResult,
    PageWorkers,
    SiteError,
    page_context,
    published_registry_or_error,
    write_site,
)
from socialreg.registry_site.build_manifest import read_check, read_pages, write_check, write_pages
from socialreg.registry_site.model import compact_public_part, public_part
from socialreg.reporters import Report
from socialreg.reporters.text import render as text_report


class CannotBuild(InternalError):
    """The site cannot be written where asked: exit code 2, one line."""


@dataclass(frozen=True, slots=True)
class BuildOptions:
    root: Path
    out: Path
    today: datetime.date
    force: bool
    generated: datetime.datetime | None = None  # None: now


def checked_build(options: BuildOptions) -> tuple[int, BuildResult | None]:
    """Validate, then build unless there are errors (or --force). Returns the exit code.

    A build over an earlier build into the same folder checks again only the records that
    changed and renders again only the pages that depend on them (registry_site/build_manifest.py).
    """
    # A build holds hundreds of thousands of small values (the last build's snapshot, the
    # published registry, its pages' inputs), none in a reference cycle, and Python's cyclic
    # collector scanned them all again and again: a sixth of a rebuild after one change. It is
    # paused as the check and every worker pause it (the workers render most pages so).
    with collector_paused():
        return _checked_build(options)


def _checked_build(options: BuildOptions) -> tuple[int, BuildResult | None]:
    root, out = options.root, options.out
    previous = read_check(root, out)
    before = stamps_now(root, options.today)  # before the check reads the files
    # A whole check of a large registry runs in a process of its own (see _check_elsewhere);
    # checking a few changed records again is quicker here.
    elsewhere = worker_count(len(before.records)) > 1 and (
        previous is None or isinstance(changed_records(previous, before), str)
    )
    # Forked now, while this process is small: see PageWorkers.
    with contextlib.ExitStack() as processes:
        workers = processes.enter_context(
            PageWorkers.started(worker_count(len(before.records)) - 1)
        )
        # The same checks as `socialreg validate`, keeping the public part of each record.
        if elsewhere:
            checked = _check_elsewhere(options, previous, before, processes)
        else:
            checked = _check(options, previous, before)
        findings: list[Finding] = sorted_findings(checked.findings)
        summary = Summary.of(findings, checked.files)
        stopping = publishable.blocking(findings)
        if stopping:
            sys.stderr.write(text_report(Report(stopping, Summary.of(stopping, summary.files))))
            if not options.force:
                sys.stderr.write(
                    "The site was not built, because these records cannot be read or do not "
                    "match the record format. Fix the errors above, or build a preview anyway "
                    "with --force.\n"
                )
                return 1, None
            sys.stderr.write("Building anyway, because of --force. Do not publish this site.\n")
        note = publishable.attention_note(Report(findings, summary))
        if note is not None:
            sys.stderr.write(note + "\n")
        repository = checked.repository
        del checked, findings
        try:
            registry = published_registry_or_error(repository, options.today, options.generated)
            del repository  # the site is made from the registry alone
            context, pages = read_pages(root, out)
            result = write_site(
                registry, out, pages if context == page_context(registry) else None, workers
            )
        except SiteError as error:
            raise CannotBuild(str(error)) from error
    write_pages(root, out, result.page_context, result.page_states)
    return 0, result


@dataclass(frozen=True, slots=True)
class _Checked:
    """What the build keeps of the check: the findings, and the repository the site is made
    from (the org/ files and the public part of each record; no index)."""

    findings: list[Finding]
    files: int
    repository: Repository


def _check(
    options: BuildOptions,
    previous: Snapshot | None,
    before: Stamps,
    publish: Publish = public_part,
) -> _Checked:
    """The check of every record, and its snapshot stored for the next build; `publish` says
    what to keep of each record for the site.

    With the snapshot of the last build, only the records that changed are checked again,
    when that gives what a whole check gives (check/incremental.py says when it does not).
    """
    root, today = options.root, options.today
    try:
        checked, snapshot = _checked(root, today, previous, before, publish)
    except SchemaError as error:
        raise InternalError(f"the schemas cannot be used: {error}") from error
    if not publishable.blocking(checked.findings):
        write_check(root, options.out, snapshot)
    elif options.force:  # what could not be read is in no snapshot
        write_check(root, options.out, None)
    # else the site is not built, and the last build's snapshot still describes it
    del snapshot  # the records it holds are in `checked` too; the rest can go
    repository = Repository(
        root=root,
        schemas=checked.repository.schemas,
        organization=checked.repository.organization,
        units=checked.repository.units,
        policy=checked.repository.policy,
        records=checked.published,
    )
    return _Checked(checked.findings, checked.files_checked, repository)


def _check_elsewhere(
    options: BuildOptions,
    previous: Snapshot | None,
    before: Stamps,
    processes: contextlib.ExitStack,
) -> _Checked:
    """`_check` in a forked process, for a large registry; leaving `processes` ends it.

    The check's memory (its index, what each record keeps for the rules that compare records,
    Python's free lists) is not given back to the system when the check is done, and the
    pages were rendered on top of it: at 50,000 accounts, half a gigabyte. A process that
    ends gives everything back; this one receives only the findings and the public parts.
    The process stores the snapshot for the next build before it sends them: stored after,
    while this one unpacked them, the two processes held 700 MB at 50,000 accounts.
    """

    def check_and_send(channel: Channel, _: object) -> None:
        try:
            # Each record's public part as JSON text until this process unpacks it: the
            # check holds all of them at once, with its workers (a third of the memory).
            checked = _check(options, previous, before, compact_public_part)
        except InternalError as error:
            channel.send(("error", str(error)))
            return
        repository = checked.repository
        org_files = (repository.organization, repository.units, repository.policy)
        channel.send(("checked", (checked.findings, checked.files, org_files, repository.records)))

    channels = processes.enter_context(forked_workers([None], check_and_send))
    try:
        kind, answer = channels[0].receive()
    except WorkerError as error:
        raise InternalError(f"the check failed: {error}") from error
    if kind == "error":
        raise InternalError(answer)
    # The public parts stay JSON text until the site's model reads them, one at a time.
    findings, files, (organization, units, policy), published = answer
    root = options.root
    repository = Repository(
        root=root,
        schemas=SchemaSet(root / "schemas"),
        organization=organization,
        units=units,
        policy=policy,
        records=published,
    )
    return _Checked(findings, files, repository)


def _checked(
    root: Path, today: datetime.date, previous: Snapshot | None, before: Stamps, publish: Publish
) -> tuple[CheckResult, Snapshot | None]:
    """The check, from the last build's snapshot when it can be, and its new snapshot."""
    if previous is not None:
        again = check_again(root, previous, before, today, publish)
        if not isinstance(again, str):
            return again
        # else `again` says why the whole repository is checked after all.
    checked = check_repository(root, None, today, publish=publish)
    return checked, snapshot_of(checked, before)


def describe(result: BuildResult) -> str:
    return (
        f"Built the registry in {result.out}: {result.official} official accounts, "
        f"{result.archived} archived, {result.campaigns} current or upcoming campaigns."
    )


def describe_proofs(result: BuildResult) -> str:
    """For the maintainers: what the organisation's domains must publish, or ""."""
    if not result.identity_proofs:
        return ""
    lines = "".join(f"  {line}\n" for line in result.identity_proofs)
    return (
        "Bluesky handles under the organisation's domains prove themselves when the domain "
        f"publishes (also in identity-proofs.txt in the site):\n{lines}"
    )


def out_option(function: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--out",
        type=click.Path(file_okay=False, path_type=Path),
        help="The folder to write the site to (default: site/ in the registry repository).",
    )(function)


def generated_time(today_given: bool, today: datetime.date) -> datetime.datetime | None:
    """With --today the build is reproducible: "last updated" is that day, at midnight UTC."""
    if not today_given:
        return None
    return datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)


@click.command("build")
@out_option
@with_today("Build as on this date")
@click.option("--force", is_flag=True, help="Build even when the records have errors (a preview).")
@click.pass_context
def command(ctx: click.Context, out: Path | None, today: datetime.date, force: bool) -> None:
    """Check the records and write the public registry site (HTML, JSON, CSV, calendar, feed).

    Prints the page to open. Exit code 0: built (policy and date findings do not stop it);
    1: not built, a record cannot be read or does not match the schemas; 2: usage or internal
    error.
    """
    root: Path = ctx.obj
    given = ctx.get_parameter_source("today") == click.core.ParameterSource.COMMANDLINE
    options = BuildOptions(
        root, (out or root / "site").resolve(), today, force, generated_time(given, today)
    )
    code, result = checked_build(options)
    if result is not None:
        sys.stderr.write(describe_proofs(result))
        sys.stderr.write(describe(result) + " Open this page in a browser:\n")
        sys.stdout.write(f"{result.index}\n")
    sys.exit(code)
