"""The approval gate against GitHub: gather the facts, decide (approvals.py), post the result.

Every evaluation posts a fresh result, so an old success never outlives a change: `success`,
`pending` (waiting for keys) or `failure` (refused, see approvals.Refusal), and `error` when
GitHub could not be asked everything, because a gate that cannot check must not stay open.

With a workflow token the result is the commit status `socialreg/approvals`. As a GitHub App it
is a check run of the same name, written by the App, which a ruleset can require *from that App*
so that no other workflow can set it (docs/approvals.md).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from socialreg.codeowners import Owners, read_owners
from socialreg.github.api import (
    WRITE_PERMISSIONS,
    ChangedFile,
    GitHub,
    GitHubError,
    PullRequest,
    Repository,
)
from socialreg.github.approvals import (
    STATUS_CONTEXT,
    Duties,
    FileChange,
    RecordPeople,
    Refusal,
    ReviewFact,
    Verdict,
    approvers_to_ask,
    evaluate,
    file_count_refusal,
    non_regular_refusals,
    record_unit,
    scope_of,
)
from socialreg.github.approvals_text import render_summary, status_description
from socialreg.github.go_live import is_go_live_only
from socialreg.load.documents import load_text

# Each changed record is read twice (base and head) to see who owns it; beyond this many the
# pull request is refused rather than half checked.
RECORD_READ_LIMIT = 200
CHECK_CONCLUSIONS = {"success": "success", "pending": "action_required", "failure": "failure"}


def _yaml_mapping(repo: Repository, path: str, ref: str) -> dict[str, Any] | None:
    """A YAML file's top-level mapping at `ref`; None when it is missing or unreadable."""
    text = repo.file_text(path, ref)
    if text is None:
        return None
    document = load_text(text, path).document
    if document is None or not isinstance(document.data, dict):
        return None
    data: dict[str, Any] = document.data
    return data


def _org_data(repo: Repository, path: str, ref: str, problems: list[str]) -> dict[str, Any]:
    data = _yaml_mapping(repo, path, ref)
    if data is None:
        problems.append(
            f"{path} is missing or cannot be read on the default branch, so no one holds the "
            "keys it gives. Fix it there first (socialreg validate shows the problem)."
        )
        return {}
    return data


def default_branch_owners(repo: Repository, sha: str, problems: list[str]) -> Owners:
    """Who holds which key, from org/ at the default branch's head (never the pull request)."""
    organization = _org_data(repo, "org/organization.yaml", sha, problems)
    units = _org_data(repo, "org/units.yaml", sha, problems)
    return read_owners(organization, units)


def duties(repo: Repository, sha: str) -> Duties:
    """Separation of duties from org/policy.yaml's `approvals:` section (defaults when absent)."""
    policy = _yaml_mapping(repo, "org/policy.yaml", sha) or {}
    section = policy.get("approvals")
    section = section if isinstance(section, dict) else {}
    defaults = Duties()

    def flag(name: str, default: bool) -> bool:
        value = section.get(name)
        return value if isinstance(value, bool) else default

    return Duties(
        owner_may_approve=flag("owner_may_approve", defaults.owner_may_approve),
        moderators_may_approve=flag("moderators_may_approve", defaults.moderators_may_approve),
    )


def _logins(value: Any) -> set[str]:
    """The `github` names of a person or a list of people, as written in a record."""
    people = value if isinstance(value, list) else [value]
    return {
        person["github"].lower()
        for person in people
        if isinstance(person, dict) and isinstance(person.get("github"), str)
    }


def record_people(
    repo: Repository, paths: Sequence[str], refs: Sequence[str]
) -> dict[str, RecordPeople]:
    """Each record's owner (an account's `owner`, a campaign's `requested_by`) and moderators.

    Read at every ref given (the default branch and the head), so a pull request cannot dodge the
    rule by changing the owner in the same change.
    """
    result: dict[str, RecordPeople] = {}
    for path in paths:
        owners: set[str] = set()
        moderators: set[str] = set()
        for ref in refs:
            data = _yaml_mapping(repo, path, ref) or {}
            owners |= _logins(data.get("owner")) | _logins(data.get("requested_by"))
            moderators |= _logins(data.get("moderators"))
        result[path] = RecordPeople(frozenset(owners), frozenset(moderators))
    return result


def last_force_push(repo: Repository, number: int) -> datetime.datetime | None:
    return max(repo.force_push_times(number), default=None)


def decide(repo: Repository, pull: PullRequest, files: list[ChangedFile]) -> Verdict:
    """The verdict for a pull request already read (the comment command reads it once)."""
    default_sha = repo.branch_sha(repo.default_branch)
    changes = [FileChange(entry.filename, entry.previous_filename) for entry in files]
    refusals: list[Refusal] = []
    too_many = file_count_refusal(len(files), pull.changed_files)
    if too_many is not None:
        refusals.append(too_many)
    tree = repo.tree_modes(pull.head_sha)
    refusals += non_regular_refusals(changes, tree.modes if tree.complete else None)
    record_paths = sorted(scope_of(changes).record_paths)
    if len(record_paths) > RECORD_READ_LIMIT:
        refusals.append(Refusal("too_many_records", str(len(record_paths)), str(RECORD_READ_LIMIT)))
        record_paths = []
    reviews = sorted(
        repo.reviews(pull.number),
        key=lambda review: (review.submitted_at is None, review.submitted_at or 0, review.id),
    )
    facts = [
        ReviewFact(review.user, review.state, review.commit_id, review.submitted_at)
        for review in reviews
    ]
    problems: list[str] = []
    owners = default_branch_owners(repo, default_sha, problems)
    write_access = {
        login: repo.permission(login) in WRITE_PERMISSIONS
        for login in approvers_to_ask(facts, pull.author)
    }
    return evaluate(
        author=pull.author,
        head_sha=pull.head_sha,
        base_ref=pull.base_ref,
        default_branch=repo.default_branch,
        changes=changes,
        reviews=facts,
        owners=owners,
        write_access=write_access,
        last_force_push=last_force_push(repo, pull.number),
        record_people=record_people(repo, record_paths, (default_sha, pull.head_sha)),
        duties=duties(repo, default_sha),
        refusals=refusals,
        problems=[*owners.problems, *problems],
        go_live_only=opens_approved_accounts(repo, files, default_sha, pull.head_sha),
    )


def opens_approved_accounts(
    repo: Repository, files: list[ChangedFile], default_sha: str, head_sha: str
) -> bool:
    """Whether every changed file is an account that goes live as approved (go_live.py). The
    record before is read from the default branch as it is now, never from the pull request."""
    if not files or len(files) > RECORD_READ_LIMIT:
        return False
    for entry in files:
        if entry.previous_filename is not None or entry.status != "modified":
            return False
        if not entry.filename.startswith("accounts/") or record_unit(entry.filename) is None:
            return False
        before = _record_data(repo.file_text(entry.filename, default_sha))
        after = _record_data(repo.file_text(entry.filename, head_sha))
        if not is_go_live_only(before, after):
            return False
    return True


def _record_data(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    loaded = load_text(text, "record.yaml")
    data = loaded.document.data if loaded.document is not None else None
    return data if isinstance(data, dict) and not loaded.findings else None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one evaluation decided and wrote."""

    number: int
    verdict: Verdict
    summary: str
    description: str
    html_url: str  # the pull request's page: the check's link when the run has none


def post_result(
    github: GitHub,
    repo: Repository,
    sha: str,
    state: str,
    description: str,
    summary: str,
    details_url: str | None,
) -> None:
    """Write the gate's result on a commit: a check run as an App, else a commit status."""
    if github.is_app:
        repo.create_check_run(
            sha,
            STATUS_CONTEXT,
            CHECK_CONCLUSIONS.get(state, "failure"),
            description,
            summary,
            details_url,
        )
    else:
        repo.create_status(sha, state, STATUS_CONTEXT, description, details_url)


def evaluate_pull(repo: Repository, number: int) -> Outcome:
    pull = repo.pull_request(number)
    verdict = decide(repo, pull, repo.pull_request_files(number))
    summary, description = render_summary(verdict), status_description(verdict)
    return Outcome(number, verdict, summary, description, pull.html_url)


def post_error(
    github: GitHub, repo: Repository, sha: str, error: GitHubError, details_url: str | None
) -> None:
    """After a failed evaluation, replace whatever the commit carried with `error`."""
    text = "Could not be checked: " + str(error)
    # The caller reports the first error; GitHub may be down altogether.
    with contextlib.suppress(GitHubError):
        post_result(github, repo, sha, "error", text, text, details_url)
