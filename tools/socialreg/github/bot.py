"""The pull request bot's two jobs: the approval gate and the comment with its labels.

socialreg.commands.github parses the options and calls `run_approvals` or `run_comment`; these
return the exit code (0 done, 2 GitHub, event or usage error) and print one line per outcome.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from socialreg.findings import Report, Severity
from socialreg.github import gate, pr_comment
from socialreg.github.api import ChangedFile, GitHub, GitHubError, Repository
from socialreg.github.approvals import STATUS_CONTEXT
from socialreg.github.approvals_text import render_summary
from socialreg.github.events import EventError, Target, read_payload, target_for
from socialreg.reporters.json_report import MAX_REPORT_BYTES, ReportError, parse

USAGE_OR_API_ERROR = 2
# The pull request bot's workflow refuses bigger reports before they get here; so does this
# command. What the limit bounds is said in reporters/json_report.py.
REPORT_SIZE_LIMIT = MAX_REPORT_BYTES


@dataclass(frozen=True, slots=True)
class ApprovalsOptions:
    repo: str
    number: int | None  # --pr; or the event below says which
    dry_run: bool
    summary_file: Path | None
    details_url: str | None
    event_name: str | None = None
    event_path: Path | None = None


def default_details_url() -> str | None:
    """The workflow run's page, when running in GitHub Actions."""
    server, repository, run_id = (
        os.environ.get(name) for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_RUN_ID")
    )
    if server and repository and run_id:
        return f"{server.rstrip('/')}/{repository}/actions/runs/{run_id}"
    return None


def _target(options: ApprovalsOptions, default_branch: str) -> Target:
    if options.number is not None:
        return Target("pull", options.number)
    if options.event_name is None or options.event_path is None:
        raise EventError("give --pr, or --event-name and --event-path")
    return target_for(options.event_name, read_payload(options.event_path), default_branch)


def _numbers(repo: Repository, target: Target) -> list[int]:
    """The pull requests a target names (asking GitHub, never the event, for head commits)."""
    if target.kind in ("pull", "merge_group"):
        return [target.number]
    if target.kind == "head":
        return [pull.number for pull in repo.open_pull_requests() if pull.head_sha == target.sha]
    if target.kind == "all_open":
        return [pull.number for pull in repo.open_pull_requests(repo.default_branch)]
    return []


def _write_summary(options: ApprovalsOptions, summaries: list[str]) -> bool:
    if options.summary_file is None:
        return True
    try:
        with options.summary_file.open("a", encoding="utf-8") as stream:
            stream.write("\n".join(summaries))
    except OSError as error:
        click.echo(
            f"error: cannot write {options.summary_file}: {error.strerror or error}", err=True
        )
        return False
    return True


def _evaluate_one(
    github: GitHub, repo: Repository, number: int, target: Target, options: ApprovalsOptions
) -> gate.Outcome:
    outcome = gate.evaluate_pull(repo, number)
    verdict = outcome.verdict
    shas = [verdict.head_sha]
    if target.kind == "merge_group":
        shas.append(target.sha)  # the queue checks the group's own commit before merging
    for sha in shas:
        if options.dry_run:
            click.echo(
                f"Dry run: {STATUS_CONTEXT} would be {verdict.status_state} on {sha[:7]}: "
                f"{outcome.description}",
                err=True,
            )
            continue
        gate.post_result(
            github,
            repo,
            sha,
            verdict.status_state,
            outcome.description,
            outcome.summary,
            options.details_url or outcome.html_url,
        )
        click.echo(
            f"Set {STATUS_CONTEXT} to {verdict.status_state} on {sha[:7]} (#{number}): "
            + outcome.description,
            err=True,
        )
    return outcome


def run_approvals(options: ApprovalsOptions, github: GitHub | None = None) -> int:
    """Evaluate every pull request the options (or the event) name; post each result."""
    if options.number is None and (options.event_name is None or options.event_path is None):
        click.echo("error: give --pr, or --event-name and --event-path.", err=True)
        return USAGE_OR_API_ERROR
    try:
        client = github or GitHub.from_environment(repository=options.repo)
        repo = client.repository(options.repo)
        target = _target(options, repo.default_branch)
    except (GitHubError, EventError) as error:
        click.echo(f"error: {error}", err=True)
        return USAGE_OR_API_ERROR
    if target.kind == "none":
        click.echo(f"Nothing to check: {target.reason}.", err=True)
        return 0
    status = 0
    summaries: list[str] = []
    try:
        numbers = _numbers(repo, target)
    except GitHubError as error:
        click.echo(f"error: {error}", err=True)
        return USAGE_OR_API_ERROR
    for number in numbers:
        try:
            outcome = _evaluate_one(client, repo, number, target, options)
        except GitHubError as error:
            click.echo(f"error: #{number}: {error}", err=True)
            status = USAGE_OR_API_ERROR
            _fail_closed(client, repo, number, error, options)
            continue
        sys.stdout.write(outcome.summary)
        summaries.append(outcome.summary)
    if not numbers:
        click.echo("No open pull request to check.", err=True)
    if not _write_summary(options, summaries):
        return USAGE_OR_API_ERROR
    return status


def _fail_closed(
    github: GitHub, repo: Repository, number: int, error: GitHubError, options: ApprovalsOptions
) -> None:
    """An evaluation that failed halfway must not leave an earlier success standing."""
    if options.dry_run:
        return
    try:
        pull = repo.pull_request(number)
    except GitHubError:
        return
    gate.post_error(github, repo, pull.head_sha, error, options.details_url or pull.html_url)


# --- the comment ------------------------------------------------------------------------------


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


def _preview_comment(options: CommentOptions, report: Report, server: str) -> int:
    """The comment as the bot would post it, from the report alone: no token, no network.

    Links point at the default branch (HEAD), and the labels are those the report's own files
    call for; the pull request's files and approvals are only known to GitHub.
    """
    links = pr_comment.WebLinks(server, options.repo or "OWNER/NAME", "HEAD", "HEAD")
    body = pr_comment.render_comment(report, links)
    waived = any(finding.severity is Severity.WAIVED for finding in report.findings)
    paths = {finding.path for finding in report.findings}
    labels = ", ".join(sorted(pr_comment.wanted_labels(report, paths, waived))) or "none"
    sys.stdout.write(body)
    click.echo(
        f"Preview: nothing posted, GitHub was not asked (no GITHUB_TOKEN). Labels the "
        f"report's files call for: {labels}."
        + (" Approvals are only known to GitHub and are not shown." if options.approvals else ""),
        err=True,
    )
    return 0


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
    env = os.environ if environ is None else environ
    credentials = ("GITHUB_TOKEN", "SOCIALREG_APP_ID", "SOCIALREG_APP_PRIVATE_KEY")
    if options.dry_run and github is None and not any(env.get(name) for name in credentials):
        return _preview_comment(options, report, server)
    number = options.number
    try:
        client = github or GitHub.from_environment(repository=options.repo)
        repo = client.repository(options.repo)
        pull = repo.pull_request(number)
        files = repo.pull_request_files(number)
        approvals = render_summary(gate.decide(repo, pull, files)) if options.approvals else None
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
        existing = pr_comment.find_comment(repo.comments(number), client.bot_login)
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
