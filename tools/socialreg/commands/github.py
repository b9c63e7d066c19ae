"""`socialreg github ...`: the commands that talk to GitHub (through socialreg.github_api)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from socialreg import next_step, pr_comment
from socialreg.approvals import (
    STATUS_CONTEXT,
    FileChange,
    ReviewFact,
    Verdict,
    commits_to_compare,
    evaluate,
    record_unit,
    render_summary,
    status_description,
)
from socialreg.codeowners import Owners, read_owners
from socialreg.findings import Severity
from socialreg.github_api import ChangedFile, GitHub, GitHubError, PullRequest, Repository
from socialreg.go_live import is_go_live_only
from socialreg.load.documents import load_text
from socialreg.reporters import Report
from socialreg.reporters.json_report import ReportError, parse

USAGE_OR_API_ERROR = 2
# The pull request bot refuses bigger reports before they get here; so does this command.
REPORT_SIZE_LIMIT = 5_000_000


@dataclass(frozen=True, slots=True)
class ApprovalsOptions:
    repo: str
    number: int
    dry_run: bool
    summary_file: Path | None
    details_url: str | None


def _org_data(repo: Repository, path: str, ref: str, problems: list[str]) -> dict[str, Any]:
    text = repo.file_text(path, ref)
    if text is None:
        problems.append(f"{path} does not exist on {ref}, so no one holds the keys it gives.")
        return {}
    result = load_text(text, path)
    document = result.document
    if document is None or not isinstance(document.data, dict):
        problems.append(
            f"{path} on {ref} cannot be read, so no one holds the keys it gives. "
            "Fix it there first (socialreg validate shows the problem)."
        )
        return {}
    data: dict[str, Any] = document.data
    return data


def base_owners(repo: Repository, ref: str, problems: list[str]) -> Owners:
    """Who holds which key, from org/ on the base branch (never from the pull request)."""
    organization = _org_data(repo, "org/organization.yaml", ref, problems)
    units = _org_data(repo, "org/units.yaml", ref, problems)
    return read_owners(organization, units)


# Beyond this many files, a rewritten history is not compared file by file (one call each).
CONTENT_COMPARE_LIMIT = 30


def changed_since(
    repo: Repository, commits: set[str], head: str, paths: frozenset[str]
) -> dict[str, frozenset[str] | None]:
    """For each older reviewed commit: which of `paths` differ between it and head.

    When the reviewed commit is an ancestor of head, the compare API lists what changed. When
    the history was rewritten (a rebase or force-push), compare only knows the merge base, so
    the files are compared at both commits instead. None means "cannot tell": the caller then
    treats the approval as outdated.
    """
    result: dict[str, frozenset[str] | None] = {}
    head_texts: dict[str, str | None] = {}
    for commit in sorted(commits):
        try:
            comparison = repo.compare(commit, head)
        except GitHubError as error:
            if error.status != 404:
                raise
            result[commit] = None  # the reviewed commit is gone
            continue
        if comparison.status in ("ahead", "identical") and comparison.complete:
            result[commit] = frozenset(
                path
                for entry in comparison.files
                for path in (entry.filename, entry.previous_filename)
                if path
            )
        elif len(paths) <= CONTENT_COMPARE_LIMIT:
            changed = set()
            for path in sorted(paths):
                if path not in head_texts:
                    head_texts[path] = repo.file_text(path, head)
                if repo.file_text(path, commit) != head_texts[path]:
                    changed.add(path)
            result[commit] = frozenset(changed)
        else:
            result[commit] = None
    return result


def check_approvals(github: GitHub, options: ApprovalsOptions) -> tuple[Verdict, Repository]:
    """Read the pull request, its reviews and the base branch's org/ files; decide."""
    repo = github.repository(options.repo)
    pull = repo.pull_request(options.number)
    files = repo.pull_request_files(options.number)
    return decide_approvals(repo, pull, files), repo


def decide_approvals(repo: Repository, pull: PullRequest, files: list[ChangedFile]) -> Verdict:
    """The verdict for a pull request already read (the comment command reads it once)."""
    reviews = sorted(
        repo.reviews(pull.number),
        key=lambda review: (review.submitted_at is None, review.submitted_at or 0, review.id),
    )
    problems: list[str] = []
    owners = base_owners(repo, pull.base_ref, problems)
    facts = [ReviewFact(review.user, review.state, review.commit_id) for review in reviews]
    commits = commits_to_compare(facts, pull.author, pull.head_sha)
    changes = [FileChange(entry.filename, entry.previous_filename) for entry in files]
    paths = frozenset(path for change in changes for path in change.paths)
    verdict = evaluate(
        author=pull.author,
        head_sha=pull.head_sha,
        base_ref=pull.base_ref,
        changes=changes,
        reviews=facts,
        owners=owners,
        changed_since=changed_since(repo, commits, pull.head_sha, paths),
        problems=[*owners.problems, *problems],
        go_live_only=_opens_approved_accounts(repo, pull, files),
    )
    return verdict


def _opens_approved_accounts(repo: Repository, pull: PullRequest, files: list[ChangedFile]) -> bool:
    """Whether every changed file is an account that goes live as approved (go_live.py); the
    record before is read from the base branch, never from the pull request."""
    if not files:
        return False
    for entry in files:
        if entry.previous_filename is not None or not entry.filename.startswith("accounts/"):
            return False
        if record_unit(entry.filename) is None:
            return False
        before = _record_data(repo.file_text(entry.filename, pull.base_ref))
        after = _record_data(repo.file_text(entry.filename, pull.head_sha))
        if not is_go_live_only(before, after):
            return False
    return True


def _record_data(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    loaded = load_text(text, "record.yaml")
    data = loaded.document.data if loaded.document is not None else None
    return data if isinstance(data, dict) and not loaded.findings else None


def run_approvals(options: ApprovalsOptions, github: GitHub | None = None) -> int:
    """Compute the verdict, print it and (unless a dry run) set the commit status."""
    try:
        client = github or GitHub.from_environment()
        verdict, repo = check_approvals(client, options)
        summary = render_summary(verdict)
        sys.stdout.write(summary)
        if options.summary_file is not None:
            try:
                options.summary_file.write_text(summary, encoding="utf-8")
            except OSError as error:
                click.echo(
                    f"error: cannot write {options.summary_file}: {error.strerror or error}",
                    err=True,
                )
                return USAGE_OR_API_ERROR
        description = status_description(verdict)
        if options.dry_run:
            click.echo(
                f"Dry run: {STATUS_CONTEXT} would be {verdict.status_state} on "
                f"{verdict.head_sha[:7]}: {description}",
                err=True,
            )
            return 0
        repo.create_status(
            verdict.head_sha, verdict.status_state, STATUS_CONTEXT, description, options.details_url
        )
        click.echo(
            f"Set {STATUS_CONTEXT} to {verdict.status_state} on {verdict.head_sha[:7]}: "
            + description,
            err=True,
        )
        return 0
    except GitHubError as error:
        click.echo(f"error: {error}", err=True)
        return USAGE_OR_API_ERROR


def _default_details_url() -> str | None:
    """The workflow run's page, when running in GitHub Actions."""
    server, repository, run_id = (
        os.environ.get(name) for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if server and repository and run_id:
        return f"{server.rstrip('/')}/{repository}/actions/runs/{run_id}"
    return None


@dataclass(frozen=True, slots=True)
class CommentOptions:
    repo: str
    number: int
    report: Path
    approvals: bool
    dry_run: bool


def read_report(path: Path) -> Report:
    """The JSON report of `socialreg validate`, checked field by field; ReportError if not."""
    try:
        with path.open("rb") as stream:
            data = stream.read(REPORT_SIZE_LIMIT + 1)
    except OSError as error:
        raise ReportError(f"cannot read it: {error.strerror or error}") from None
    if len(data) > REPORT_SIZE_LIMIT:
        raise ReportError(f"it is larger than {REPORT_SIZE_LIMIT:,} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ReportError("it is not UTF-8 text") from None
    return parse(text)


def _records_with_waivers(repo: Repository, files: list[ChangedFile], head_sha: str) -> bool:
    for path in pr_comment.records_to_read(files):
        text = repo.file_text(path, head_sha)
        if text is not None and pr_comment.has_waivers(text, path):
            return True
    return False


def run_comment(
    options: CommentOptions, github: GitHub | None = None, environ: dict[str, str] | None = None
) -> int:
    """Post or update the pull request's one comment and keep the four labels in step."""
    try:
        report = read_report(options.report)
    except ReportError as error:
        click.echo(f"error: {options.report} is not a socialreg JSON report: {error}.", err=True)
        return USAGE_OR_API_ERROR
    try:
        server = pr_comment.server_url(os.environ if environ is None else environ)
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        return USAGE_OR_API_ERROR
    number = options.number
    try:
        client = github or GitHub.from_environment()
        repo = client.repository(options.repo)
        pull = repo.pull_request(number)
        files = repo.pull_request_files(number)
        approvals = (
            render_summary(decide_approvals(repo, pull, files)) if options.approvals else None
        )
        links = pr_comment.WebLinks(server, repo.full_name, pull.head_sha, pull.base_ref)
        body = pr_comment.render_comment(report, links, approvals)
        waived = any(finding.severity is Severity.WAIVED for finding in report.findings)
        waivers = waived or _records_with_waivers(repo, files, pull.head_sha)
        wanted = pr_comment.wanted_labels(report, pr_comment.changed_paths(files), waivers)
        add, remove = pr_comment.label_changes(repo.labels(number), wanted)
        added = ", ".join(label.name for label in add) or "none"
        removed = ", ".join(remove) or "none"
        if options.dry_run:
            sys.stdout.write(body)
            click.echo(
                f"Dry run: nothing posted. Labels to add: {added}; to remove: {removed}.",
                err=True,
            )
            return 0
        existing = pr_comment.find_comment(repo.comments(number))
        if existing is None:
            repo.create_comment(number, body)
            done = "Posted the comment"
        elif existing.body != body:
            repo.edit_comment(number, existing.id, body)
            done = f"Updated comment {existing.id}"
        else:
            done = f"Comment {existing.id} was already up to date"
        for label in add:
            repo.add_label(number, label.name, label.color, label.description)
        for name in remove:
            repo.remove_label(number, name)
        click.echo(f"{done} on #{number}. Labels added: {added}; removed: {removed}.", err=True)
        return 0
    except GitHubError as error:
        click.echo(f"error: {error}", err=True)
        return USAGE_OR_API_ERROR


_repo_option = click.option(
    "--repo",
    required=True,
    envvar="GITHUB_REPOSITORY",
    help="The repository, OWNER/NAME (default: $GITHUB_REPOSITORY).",
)
_pr_option = click.option(
    "--pr", "number", type=click.IntRange(min=1), required=True, help="The pull request number."
)


@click.group("github")
def group() -> None:
    """Work with GitHub: the pull request comment and the approval check.

    Token from GITHUB_TOKEN, API from GITHUB_API_URL, web links from GITHUB_SERVER_URL.
    """


@group.command("approvals")
@_repo_option
@_pr_option
@click.option("--dry-run", is_flag=True, help="Print the verdict; set no status.")
@click.option(
    "--summary-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the Markdown summary here (for example $GITHUB_STEP_SUMMARY).",
)
@click.option(
    "--details-url",
    help="The link behind the status (default: this workflow run, in GitHub Actions).",
)
def approvals_command(
    repo: str, number: int, dry_run: bool, summary_file: Path | None, details_url: str | None
) -> None:
    """Check that a pull request has both keys: the unit's supervisor and communications.

    Sets the commit status socialreg/approvals (success or pending) on the pull request's head
    commit and prints a Markdown summary. Exit code 0: verdict given (approved or not);
    2: GitHub or usage error.
    """
    options = ApprovalsOptions(
        repo, number, dry_run, summary_file, details_url or _default_details_url()
    )
    sys.exit(run_approvals(options))


@group.command("comment")
@_repo_option
@_pr_option
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
@click.option("--dry-run", is_flag=True, help="Print the comment; post nothing, change no label.")
def comment_command(repo: str, number: int, report: Path, approvals: bool, dry_run: bool) -> None:
    """Post the validation result on a pull request, in one comment updated on every run.

    The comment groups the findings by file, links each to its line in the pull request's head
    commit and each rule code to its explanation. The labels account-request, campaign,
    needs-changes and waiver are added when they apply and removed when they no longer do;
    other labels are left alone. Exit code 0: comment posted; 2: bad report, GitHub or usage
    error.
    """
    sys.exit(run_comment(CommentOptions(repo, number, report, approvals, dry_run)))


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
    try:
        github = GitHub.from_environment()
        for line in next_step.post_next_steps(github.repository(repo), commit, dry_run):
            click.echo(line, err=not dry_run)
    except GitHubError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(USAGE_OR_API_ERROR)
