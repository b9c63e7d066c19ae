"""Every way around the two-key gate that issue 12 lists, played against the local GitHub.

Each test is an attack by a member with write access; each one got `socialreg/approvals` =
success (or could not be stopped) before the gate was hardened.
"""

from __future__ import annotations

import html as html_module
import json
import re
from pathlib import Path

import cmarkgfm
import pytest
import requests
import yaml
from click.testing import CliRunner, Result
from cmarkgfm.cmark import Options

from socialreg.cli import main

from .github_server import FakeGitHub, Pull, Repo, app_key_pair
from .test_github_approvals import ORGANIZATION, RECORD, REPO, UNITS, add_registry_repo

CONTEXT = "socialreg/approvals"
NEW_RECORD = "accounts/library/library-instagram.yaml"
APP_ID = 424242


@pytest.fixture
def repo(github_server: FakeGitHub) -> Repo:
    return add_registry_repo(github_server)


def approvals(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["github", "approvals", "--repo", REPO, *args], env=env)


def check(pull: Pull) -> Result:
    result = approvals("--pr", str(pull.number))
    assert result.exit_code == 0, result.output
    return result


def latest_status(repo: Repo, sha: str) -> dict[str, str]:
    statuses = [status for status in repo.statuses_for(sha) if status["context"] == CONTEXT]
    assert statuses, "no status was set"
    return statuses[-1]


def both_keys(repo: Repo, pull: Pull) -> None:
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")


# --- choose your own base ----------------------------------------------------------------------


def a_branch_with_made_up_keys(repo: Repo) -> None:
    """An unprotected branch whose org/ makes two throwaway accounts the keys."""
    files = dict(repo.resolve("main").files)
    files["org/units.yaml"] = UNITS.replace("github: anna}", "github: sock-one}")
    files["org/organization.yaml"] = ORGANIZATION.replace("[maria-lind, johan-ek]", "[sock-two]")
    repo.branches["made-up"] = repo.commit(files, repo.branches["main"])


def test_a_pull_request_into_another_branch_fails_and_says_why(repo: Repo) -> None:
    a_branch_with_made_up_keys(repo)
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD}, base="made-up")
    repo.review(pull, "sock-one")
    repo.review(pull, "sock-two")
    result = check(pull)
    status = latest_status(repo, pull.head_sha)
    assert status["state"] == "failure"
    assert status["description"].startswith("Refused: not checked: the base is made-up, not main")
    assert "only pull requests into `main` are checked" in result.stdout


def test_retargeting_to_the_default_branch_is_checked_again_with_its_keys(
    repo: Repo, tmp_path: Path
) -> None:
    a_branch_with_made_up_keys(repo)
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD}, base="made-up")
    repo.review(pull, "sock-one")
    repo.review(pull, "sock-two")
    repo.retarget(pull, "main")
    event = tmp_path / "event.json"
    payload = {
        "action": "edited",
        "changes": {"base": {"ref": {"from": "made-up"}, "sha": {"from": "0" * 40}}},
        "pull_request": {"number": pull.number},
    }
    event.write_text(json.dumps(payload), encoding="utf-8")
    result = approvals("--event-name", "pull_request_target", "--event-path", str(event))
    assert result.exit_code == 0, result.output
    status = latest_status(repo, pull.head_sha)
    # Read from main: the throwaway accounts hold no key there.
    assert status["state"] == "pending"
    assert "`@sock-one` approved, but holds none of the keys" in result.stdout


# --- anyone may write the status -----------------------------------------------------------------


@pytest.fixture
def app_key() -> tuple[bytes, bytes]:
    return app_key_pair()


def app_environment(github_server: FakeGitHub, private_key: bytes) -> dict[str, str]:
    """What the approvals job has in the App mode: the App's id and key, and no token."""
    return {
        "GITHUB_TOKEN": "",
        "GITHUB_API_URL": github_server.api_url,
        "SOCIALREG_APP_ID": str(APP_ID),
        "SOCIALREG_APP_PRIVATE_KEY": private_key.decode("ascii"),
    }


def test_with_the_app_and_a_ruleset_only_the_app_can_pass_the_check(
    github_server: FakeGitHub, repo: Repo, app_key: tuple[bytes, bytes]
) -> None:
    private, public = app_key
    github_server.add_app(APP_ID, "socialreg-registry", public, (REPO,))
    env = app_environment(github_server, private)
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    result = approvals("--pr", str(pull.number), env=env)
    assert result.exit_code == 0, result.output
    # The App logged in with a signed token and wrote a check run, not a status.
    paths = [(method, path) for method, path, _ in github_server.requests]
    assert ("GET", "/api/v3/app") in paths
    assert ("POST", f"/api/v3/app/installations/{APP_ID * 10 + 1}/access_tokens") in paths
    assert repo.check_runs[-1]["conclusion"] == "action_required"
    assert repo.check_runs[-1]["output"]["summary"].startswith("### ⏳ Approvals: waiting")

    # Another workflow in the repository writes the status with its own token.
    forged = github_server.token  # the workflow token: GitHub Actions' App
    requests.post(
        f"{github_server.api_url}/repos/{REPO}/statuses/{pull.head_sha}",
        json={"state": "success", "context": CONTEXT, "description": "Approved"},
        headers={"Authorization": f"token {forged}"},
        timeout=10,
    )
    # A ruleset that only names the check is fooled; one that requires it from the App is not.
    assert repo.ruleset_passes(pull.head_sha, CONTEXT)
    assert not repo.ruleset_passes(pull.head_sha, CONTEXT, app_id=APP_ID)

    both_keys(repo, pull)
    assert approvals("--pr", str(pull.number), env=env).exit_code == 0
    assert repo.ruleset_passes(pull.head_sha, CONTEXT, app_id=APP_ID)


def test_a_wrong_app_key_is_refused_in_one_line(
    github_server: FakeGitHub, repo: Repo, app_key: tuple[bytes, bytes]
) -> None:
    _, public = app_key
    github_server.add_app(APP_ID, "socialreg-registry", public, (REPO,))
    other, _ = app_key_pair()
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    result = approvals("--pr", str(pull.number), env=app_environment(github_server, other))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "(401)" in result.stderr
    assert "PRIVATE KEY" not in result.output
    assert repo.check_runs == [] and repo.statuses == []


# --- old success outlives a revoked approval -----------------------------------------------------


def test_a_force_push_back_to_an_approved_commit_starts_over(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    approved = pull.head_sha
    both_keys(repo, pull)
    check(pull)
    assert latest_status(repo, approved)["state"] == "success"
    repo.push(pull, {NEW_RECORD: RECORD + "name: Something else\n"})
    repo.review(pull, "johan-ek", "COMMENTED")
    repo.force_push(pull, approved)
    result = check(pull)
    # The old success on that very commit is replaced.
    assert latest_status(repo, approved)["state"] == "pending"
    assert "approved an earlier push" in result.stdout
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    check(pull)
    assert latest_status(repo, approved)["state"] == "success"


def test_a_change_request_after_a_force_push_back_replaces_the_success(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    approved = pull.head_sha
    both_keys(repo, pull)
    check(pull)
    repo.push(pull, {NEW_RECORD: RECORD + "name: Something else\n"})
    repo.review(pull, "maria-lind", "CHANGES_REQUESTED")
    repo.force_push(pull, approved)
    check(pull)
    assert latest_status(repo, approved)["state"] == "pending"


def approvals_steps(workflows: Path) -> list[tuple[str, dict[str, object], dict[str, object]]]:
    """Every workflow step that runs `socialreg github approvals`, with its job and workflow."""
    found = []
    for path in sorted(workflows.glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                if "socialreg github approvals" in str(step.get("run", "")):
                    found.append((path.name, job, step))
    return found


def test_the_approvals_step_runs_whatever_the_artifact_and_comment_steps_did() -> None:
    # An expired artifact made the download step fail and skip the status step, so a dismissal
    # on an idle pull request never reset success.
    workflows = Path(__file__).resolve().parents[1] / ".github" / "workflows"
    found = approvals_steps(workflows)
    assert found
    for name, job, step in found:
        assert "if" not in step, f"{name}: the approvals step must not be skipped"
        uses = [str(other.get("uses", "")) for other in job.get("steps", [])]  # type: ignore[attr-defined]
        assert not any("download-artifact" in use for use in uses), name
        run = [str(other.get("run", "")) for other in job.get("steps", [])]  # type: ignore[attr-defined]
        assert not any("socialreg github comment" in text for text in run), name


# --- more than 3,000 changed files ---------------------------------------------------------------


def test_more_files_than_github_lists_fail(repo: Repo) -> None:
    changes: dict[str, str | None] = {
        f"accounts/library/r{index:04d}.yaml": RECORD for index in range(3000)
    }
    # Sorted after the 3,000 that GitHub lists: never seen, so their keys were never asked for.
    changes["tools/socialreg/cli.py"] = "print('changed')\n"
    changes["tools/socialreg/rules.py"] = "RULES = []\n"
    pull = repo.open_pull("olle", changes)
    both_keys(repo, pull)
    result = check(pull)
    status = latest_status(repo, pull.head_sha)
    assert status["state"] == "failure"
    assert "GitHub lists 3000 of 3002" in status["description"]
    assert "Split it into smaller pull requests" in result.stdout


# --- symlinked records -------------------------------------------------------------------------


@pytest.mark.parametrize("link", [NEW_RECORD, "org/units.yaml", "campaigns/library/spring.yaml"])
def test_a_symlinked_record_blocks(repo: Repo, link: str) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.push(pull, {link: "../../README.md"}, symlinks=(link,))
    both_keys(repo, pull)
    repo.review(pull, "erik-holm")
    result = check(pull)
    status = latest_status(repo, pull.head_sha)
    assert status["state"] == "failure"
    assert f"{link} is a symlink" in status["description"]
    assert "git mode `120000`" in result.stdout


# --- separation of duties ------------------------------------------------------------------------

OWNED_BY_ANNA = RECORD + (
    "owner: {name: Anna Berg, email: anna.berg@norrvik.example, github: anna}\n"
    "moderators:\n"
    "  - {name: Erik Strand, email: erik.strand@norrvik.example, github: erik}\n"
)


def test_the_owner_cannot_approve_their_own_account(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: OWNED_BY_ANNA})
    both_keys(repo, pull)
    result = check(pull)
    status = latest_status(repo, pull.head_sha)
    assert status["state"] == "pending"
    assert status["description"] == "waiting for: a supervisor of library (@erik)"
    assert "`@anna` approved, but is the owner of a record" in result.stdout
    repo.review(pull, "erik")  # the other supervisor; moderators may approve by default
    check(pull)
    assert latest_status(repo, pull.head_sha)["state"] == "success"


def test_changing_the_owner_in_the_same_pull_request_does_not_help(repo: Repo) -> None:
    record = "accounts/library/library-x.yaml"
    repo.branch("main", {**repo.resolve("main").files, record: OWNED_BY_ANNA})
    pull = repo.open_pull("olle", {record: OWNED_BY_ANNA.replace("github: anna}", "github: x}")})
    both_keys(repo, pull)
    check(pull)
    assert latest_status(repo, pull.head_sha)["state"] == "pending"


def test_the_policy_can_keep_moderators_from_approving(repo: Repo) -> None:
    policy = "platforms: {}\napprovals:\n  moderators_may_approve: false\n"
    repo.branch("main", {**repo.resolve("main").files, "org/policy.yaml": policy})
    pull = repo.open_pull("olle", {NEW_RECORD: OWNED_BY_ANNA})
    repo.review(pull, "erik")
    repo.review(pull, "maria-lind")
    result = check(pull)
    assert latest_status(repo, pull.head_sha)["state"] == "pending"
    assert "`@erik` approved, but moderates an account" in result.stdout
    assert "no one listed" in latest_status(repo, pull.head_sha)["description"]


def test_the_policy_can_let_owners_approve(repo: Repo) -> None:
    policy = "platforms: {}\napprovals:\n  owner_may_approve: true\n"
    repo.branch("main", {**repo.resolve("main").files, "org/policy.yaml": policy})
    pull = repo.open_pull("olle", {NEW_RECORD: OWNED_BY_ANNA})
    both_keys(repo, pull)
    check(pull)
    assert latest_status(repo, pull.head_sha)["state"] == "success"


@pytest.mark.parametrize("permission", ["read", "triage", "none"])
def test_an_approver_without_write_access_does_not_count(repo: Repo, permission: str) -> None:
    repo.permissions["anna"] = permission
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    both_keys(repo, pull)
    result = check(pull)
    assert latest_status(repo, pull.head_sha)["state"] == "pending"
    assert "`@anna` approved, but no longer has write access" in result.stdout


@pytest.mark.parametrize("permission", ["admin", "maintain", "write"])
def test_an_approver_with_write_access_counts(repo: Repo, permission: str) -> None:
    repo.permissions["anna"] = permission
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    both_keys(repo, pull)
    check(pull)
    assert latest_status(repo, pull.head_sha)["state"] == "success"


# --- a unit folder name in the summary ---------------------------------------------------------


def shown_text(markdown: str) -> str:
    """What GitHub shows outside code: the rendered HTML's text, code spans removed."""
    rendered = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    assert "<a " not in rendered, "the summary must link nothing"
    assert "<img" not in rendered, "the summary must open no HTML"
    without_code = re.sub(r"<code>.*?</code>", "", rendered, flags=re.DOTALL)
    return html_module.unescape(re.sub(r"<[^>]+>", "", without_code))


@pytest.mark.parametrize("unit", ["&commat;x", "www.example", "#12", "<img src=x>", "a|b"])
def test_a_unit_folder_name_cannot_ping_link_or_break_out(repo: Repo, unit: str) -> None:
    pull = repo.open_pull("olle", {f"accounts/{unit}/a.yaml": RECORD})
    repo.review(pull, "maria-lind")
    result = check(pull)
    text = shown_text(result.stdout)
    assert re.search(r"(?<![\w\u200d])@x\b", text) is None, text
    # Each table row keeps its three cells.
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert all(len(re.findall(r"(?<!\\)\|", row)) == 4 for row in rows), rows
