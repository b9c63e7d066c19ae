"""`socialreg github ...`: option parsing only; the work is in socialreg.github.bot."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from socialreg.github import next_step
from socialreg.github.bot import (
    ApprovalsOptions,
    CommentOptions,
    default_details_url,
    run_approvals,
    run_comment,
)

_repo_option = click.option(
    "--repo",
    required=True,
    envvar="GITHUB_REPOSITORY",
    help="The repository, OWNER/NAME (default: $GITHUB_REPOSITORY).",
)


@click.group("github")
def group() -> None:
    """Work with GitHub: the pull request comment and the approval check.

    Token from GITHUB_TOKEN (or a GitHub App: SOCIALREG_APP_ID and SOCIALREG_APP_PRIVATE_KEY),
    API from GITHUB_API_URL, web links from GITHUB_SERVER_URL.
    """


@group.command("approvals")
@_repo_option
@click.option("--pr", "number", type=click.IntRange(min=1), help="The pull request number.")
@click.option(
    "--event-name",
    envvar="GITHUB_EVENT_NAME",
    help="Instead of --pr: the GitHub event that started the run (default: $GITHUB_EVENT_NAME).",
)
@click.option(
    "--event-path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="GITHUB_EVENT_PATH",
    help="The event's JSON payload (default: $GITHUB_EVENT_PATH).",
)
@click.option("--dry-run", is_flag=True, help="Print the verdict; set no status.")
@click.option(
    "--summary-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also add the Markdown summary here (for example $GITHUB_STEP_SUMMARY).",
)
@click.option(
    "--details-url",
    help="The link behind the status (default: this workflow run, in GitHub Actions).",
)
def approvals_command(
    repo: str,
    number: int | None,
    event_name: str | None,
    event_path: Path | None,
    dry_run: bool,
    summary_file: Path | None,
    details_url: str | None,
) -> None:
    """Check that a pull request has both keys: the unit's supervisor and communications.

    Sets socialreg/approvals on the pull request's head commit (a commit status with a token,
    a check run as a GitHub App): success, pending (waiting for keys) or failure (refused, for
    example a pull request that is not into the default branch), and prints a Markdown summary.
    With --event-name/--event-path it checks every pull request the event concerns. Exit code
    0: verdicts given (approved or not); 2: GitHub, event or usage error.
    """
    options = ApprovalsOptions(
        repo,
        number,
        dry_run,
        summary_file,
        details_url or default_details_url(),
        None if number else event_name,
        None if number else event_path,
    )
    sys.exit(run_approvals(options))


@group.command("comment")
@click.option(
    "--repo",
    envvar="GITHUB_REPOSITORY",
    help="The repository, OWNER/NAME (default: $GITHUB_REPOSITORY; not needed with --dry-run).",
)
@click.option(
    "--pr",
    "number",
    type=click.IntRange(min=1),
    help="The pull request number (not needed with --dry-run).",
)
@click.option(
    "--report",
    "report",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The JSON report of `socialreg validate --format json` (read as untrusted data).",
)
@click.option(
    "--approvals",
    is_flag=True,
    help="Also show who has approved and who still needs to (as `github approvals` decides).",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the comment; post nothing, change no label. Without GITHUB_TOKEN or App "
    "credentials, GitHub is not asked at all: a preview from the report alone.",
)
def comment_command(
    repo: str | None, number: int | None, report: Path, approvals: bool, dry_run: bool
) -> None:
    """Post the validation result on a pull request, in one comment updated on every run.

    The comment groups the findings by file, links each to its line in the pull request's head
    commit and each rule code to its explanation. The labels account-request, campaign,
    needs-changes and waiver are added when they apply and removed when they no longer do;
    other labels are left alone. Exit code 0: comment posted; 2: bad report, GitHub or usage
    error.
    """
    if not dry_run and (not repo or number is None):
        raise click.UsageError("--repo and --pr are needed to post the comment.")
    sys.exit(run_comment(CommentOptions(repo or "", number or 0, report, approvals, dry_run)))


@group.command("next-step")
@_repo_option
@click.option(
    "--commit",
    required=True,
    envvar="GITHUB_SHA",
    help="The commit pushed to the default branch (default: $GITHUB_SHA).",
)
@click.option("--dry-run", is_flag=True, help="Print the comments; post nothing.")
def next_step_command(repo: str, commit: str, dry_run: bool) -> None:
    """After a merge, tell the requester of each approved account what to do next.

    Comments once on the pull request that the commit merged, when it added or changed accounts
    with status requested. Exit code 0: done (or nothing to say); 2: GitHub or usage error.
    """
    sys.exit(next_step.run_next_step(repo, commit, dry_run))
