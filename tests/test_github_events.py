"""Which pull requests each GitHub event re-checks, end to end against the local GitHub."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from socialreg.cli import main
from socialreg.github.events import EventError, Target, target_for

from .github_server import FakeGitHub, Repo
from .test_github_approvals import RECORD, REPO, UNITS, add_registry_repo

NEW_RECORD = "accounts/library/library-instagram.yaml"
SHA = "a" * 40
WEBHOOKS = Path(__file__).parent / "fixtures" / "webhooks"


def webhook(name: str) -> dict[str, Any]:
    """A payload trimmed from GitHub's own examples (tests/fixtures/webhooks/extract.py)."""
    data: dict[str, Any] = json.loads((WEBHOOKS / f"{name}.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pull_request.opened", "pull"),
        ("pull_request.synchronize", "pull"),
        ("pull_request.reopened", "pull"),
        ("pull_request.ready_for_review", "pull"),
        ("pull_request.labeled", "none"),
        ("pull_request_review.submitted", "pull"),
        ("pull_request_review.dismissed", "pull"),
        ("workflow_run.completed", "head"),
        ("merge_group.checks_requested", "merge_group"),
        ("push", "none"),  # GitHub's example is a tag, not the default branch
    ],
)
def test_githubs_own_example_payloads(name: str, expected: str) -> None:
    payload = webhook(name)
    target = target_for(name.split(".")[0], payload, "main")
    assert target.kind == expected
    if expected == "pull":
        assert target.number == payload["pull_request"]["number"]
    if expected == "head":
        assert target.sha == payload["workflow_run"]["head_sha"]
    if expected == "merge_group":
        assert (target.number, target.sha) == (104, payload["merge_group"]["head_sha"])


@pytest.mark.parametrize(
    "action", ["opened", "synchronize", "reopened", "edited", "ready_for_review"]
)
def test_pull_request_actions_that_can_change_the_verdict(action: str) -> None:
    payload = {"action": action, "pull_request": {"number": 7}}
    assert target_for("pull_request", payload, "main") == Target("pull", 7)
    assert target_for("pull_request_target", payload, "main") == Target("pull", 7)


@pytest.mark.parametrize("action", ["submitted", "edited", "dismissed"])
def test_review_actions(action: str) -> None:
    payload = {"action": action, "pull_request": {"number": 3}}
    assert target_for("pull_request_review", payload, "main") == Target("pull", 3)


def test_other_actions_and_events_check_nothing() -> None:
    assert target_for("pull_request", {"action": "labeled"}, "main").kind == "none"
    assert target_for("issues", {"action": "opened"}, "main").kind == "none"
    push = {"ref": "refs/heads/feature"}
    assert target_for("push", push, "main").kind == "none"


def test_a_push_to_the_default_branch_checks_every_open_pull_request() -> None:
    assert target_for("push", {"ref": "refs/heads/main"}, "main").kind == "all_open"


def test_a_finished_workflow_run_names_its_head_commit() -> None:
    payload = {"action": "completed", "workflow_run": {"head_sha": SHA, "conclusion": "failure"}}
    assert target_for("workflow_run", payload, "main") == Target("head", sha=SHA)


def test_a_merge_group_names_its_pull_request_and_commit() -> None:
    payload = {
        "action": "checks_requested",
        "merge_group": {
            "head_sha": SHA,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-42-{'b' * 40}",
            "base_ref": "refs/heads/main",
        },
    }
    assert target_for("merge_group", payload, "main") == Target("merge_group", 42, SHA)


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("pull_request", {"action": "opened", "pull_request": {"number": "7"}}),
        ("pull_request", {"action": "opened"}),
        ("workflow_run", {"workflow_run": {"head_sha": "not-a-sha"}}),
        ("merge_group", {"merge_group": {"head_sha": SHA, "head_ref": "refs/heads/main"}}),
    ],
)
def test_a_payload_of_the_wrong_shape_is_one_clear_error(event: str, payload: Any) -> None:
    with pytest.raises(EventError):
        target_for(event, payload, "main")


# --- end to end ----------------------------------------------------------------------------------


@pytest.fixture
def repo(github_server: FakeGitHub) -> Repo:
    return add_registry_repo(github_server)


def run_event(tmp_path: Path, name: str, payload: dict[str, Any]) -> Result:
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    return CliRunner().invoke(
        main,
        ["github", "approvals", "--repo", REPO],
        env={"GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": str(event)},
    )


def test_a_review_run_checks_the_pull_requests_with_that_head(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    other = repo.open_pull("olle", {"accounts/library/other.yaml": RECORD})
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    result = run_event(tmp_path, "workflow_run", {"workflow_run": {"head_sha": pull.head_sha}})
    assert result.exit_code == 0, result.output
    assert repo.statuses_for(pull.head_sha)[-1]["state"] == "success"
    assert repo.statuses_for(other.head_sha) == []


def test_a_change_of_org_on_main_rechecks_every_open_pull_request(
    repo: Repo, tmp_path: Path
) -> None:
    first = repo.open_pull("olle", {NEW_RECORD: RECORD})
    second = repo.open_pull("olle", {"accounts/library/other.yaml": RECORD})
    for pull in (first, second):
        repo.review(pull, "anna")
        repo.review(pull, "maria-lind")
    assert run_event(tmp_path, "push", {"ref": "refs/heads/main"}).exit_code == 0
    assert [repo.statuses_for(p.head_sha)[-1]["state"] for p in (first, second)] == [
        "success",
        "success",
    ]
    # anna stops being a supervisor of the library on main: both lose that key at once.
    files = dict(repo.resolve("main").files)
    files["org/units.yaml"] = UNITS.replace("github: anna}", "github: someone-else}")
    repo.branch("main", files)
    result = run_event(tmp_path, "push", {"ref": "refs/heads/main"})
    assert result.exit_code == 0, result.output
    assert [repo.statuses_for(p.head_sha)[-1]["state"] for p in (first, second)] == [
        "pending",
        "pending",
    ]


def test_a_merge_group_gets_the_verdict_on_its_own_commit(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "anna")
    group = repo.change(repo.branches["main"], {NEW_RECORD: RECORD})
    payload = {
        "merge_group": {
            "head_sha": group,
            "head_ref": f"refs/heads/gh-readonly-queue/main/pr-{pull.number}-{'b' * 40}",
        }
    }
    result = run_event(tmp_path, "merge_group", payload)
    assert result.exit_code == 0, result.output
    assert repo.statuses_for(group)[-1]["state"] == "pending"
    repo.review(pull, "maria-lind")
    run_event(tmp_path, "merge_group", payload)
    assert repo.statuses_for(group)[-1]["state"] == "success"
    assert repo.statuses_for(pull.head_sha)[-1]["state"] == "success"


def test_an_event_that_concerns_no_approvals_does_nothing(
    github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    result = run_event(tmp_path, "pull_request", {"action": "labeled"})
    assert result.exit_code == 0
    assert "Nothing to check" in result.stderr
    assert github_server.writes() == []


def test_an_unreadable_event_file_is_one_line_and_exit_2(repo: Repo, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["github", "approvals", "--repo", REPO, "--event-name", "push"],
        env={"GITHUB_EVENT_PATH": str(tmp_path / "missing.json")},
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: cannot read the event file")
    assert result.stderr.count("\n") == 1


def test_an_error_halfway_replaces_an_old_success_with_error(
    github_server: FakeGitHub, repo: Repo
) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    arguments = ["github", "approvals", "--repo", REPO, "--pr", str(pull.number)]
    assert CliRunner().invoke(main, arguments).exit_code == 0
    assert repo.statuses_for(pull.head_sha)[-1]["state"] == "success"
    repo.review(pull, "maria-lind", "CHANGES_REQUESTED")
    github_server.fail(r"/collaborators/", 502)
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code == 2
    latest = repo.statuses_for(pull.head_sha)[-1]
    assert latest["state"] == "error"
    assert latest["description"].startswith("Could not be checked: GitHub is having trouble")


def test_neither_a_pull_request_nor_an_event_is_a_usage_error(
    github_server: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_EVENT_NAME", raising=False)
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)
    result = CliRunner().invoke(main, ["github", "approvals", "--repo", REPO])
    assert result.exit_code == 2
    assert result.stderr == "error: give --pr, or --event-name and --event-path.\n"
    assert github_server.requests == []
