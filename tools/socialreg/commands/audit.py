"""`socialreg audit`: what time has broken in the registry, or soon will.

Exit code 0: nothing is due now (coming items are listed, but do not fail), or, with
--open-issues, the issues were brought up to date; 1: something is due now; 2: usage error,
internal error or GitHub failure.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from socialreg.audit.report import FORMATS
from socialreg.audit.schedule import AuditResult, run_audit
from socialreg.check.schemas import SchemaError
from socialreg.commands.dates import with_today
from socialreg.commands.output import write_output
from socialreg.errors import InternalError


@dataclass(frozen=True, slots=True)
class AuditOptions:
    root: Path
    today: datetime.date
    within: int
    output_format: str
    open_issues: bool
    repo: str | None
    output: Path | None
    online: bool = False


def audit(options: AuditOptions) -> int:
    try:
        result = run_audit(options.root, options.today, options.within)
        if options.online:
            result = with_online_checks(options.root, result)
    except SchemaError as error:
        raise InternalError(f"the schemas cannot be used: {error}") from error
    text = FORMATS[options.output_format](result)
    if options.output is None:
        sys.stdout.write(text)
    else:
        write_output(options.output, text)
    if not options.open_issues:
        return 1 if result.now else 0
    # Imported here: the GitHub client is only needed for the issues.
    from socialreg.audit.issues import sync_issues
    from socialreg.github.api import GitHub, GitHubError

    assert options.repo is not None
    try:
        repo = GitHub.from_environment().repository(options.repo)
        server = os.environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        blob_url = f"{server}/{repo.full_name}/blob/{repo.default_branch}"
        outcome = sync_issues(repo, result, blob_url)
    except GitHubError as error:
        raise InternalError(str(error)) from error
    click.echo(outcome.describe(), err=True)
    return 0


def with_online_checks(root: Path, result: AuditResult) -> AuditResult:
    """The audit with the drift guard's items added; says what it did in one line."""
    # Imported here: only --online needs the protocol clients.
    from socialreg.audit.online import online_audit
    from socialreg.check.pipeline import load_repository
    from socialreg.identity.online import Endpoints

    online = online_audit(load_repository(root), Endpoints.from_environment())
    click.echo(online.summary, err=True)
    items = sorted(
        [*result.items, *online.items],
        key=lambda item: (item.finding.sort_key(), item.starts or result.today),
    )
    return dataclasses.replace(result, items=items)


@click.command("audit")
@with_today("The day to audit for")
@click.option(
    "--within",
    type=click.IntRange(0, 366),
    default=30,
    show_default=True,
    help="Also list what falls due in this many days.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATS)),
    default="text",
    show_default=True,
    help="How to write the audit (json has the shape of validate --format json).",
)
@click.option(
    "--open-issues",
    is_flag=True,
    help="Open or update one GitHub issue per record, and close those no longer needed.",
)
@click.option(
    "--repo",
    envvar="GITHUB_REPOSITORY",
    help="The GitHub repository for --open-issues, OWNER/NAME (default: $GITHUB_REPOSITORY).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the audit to this file instead of standard output.",
)
@click.option(
    "--online",
    is_flag=True,
    help="Also ask Bluesky and Mastodon whether each account is still the registered one "
    "(handle -> permanent id, account gone, profile links back). Needs network.",
)
@click.pass_obj
def command(
    root: Path,
    today: datetime.date,
    within: int,
    output_format: str,
    open_issues: bool,
    repo: str | None,
    output: Path | None,
    online: bool,
) -> None:
    """List what time has broken or soon will: pilots ending, reviews due, waivers expiring,
    campaigns whose status no longer matches their dates, people outside the e-mail domains.
    """
    if open_issues and not repo:
        raise click.UsageError("--open-issues needs --repo OWNER/NAME (or $GITHUB_REPOSITORY).")
    options = AuditOptions(root, today, within, output_format, open_issues, repo, output, online)
    sys.exit(audit(options))
