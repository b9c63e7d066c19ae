"""The pull request workflow's check step, run as it is written (bash -e, the variables Actions
sets) against a small registry in Git: one check writes the annotations, the bot's report and
the job summary, and says its exit status for the step that fails the job."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from tests.rules.casefiles import git
from tests.test_publish_on_any_date import BIN, FIXTURE, PROJECT, run_as_actions

VALIDATE = PROJECT / ".github" / "workflows" / "validate.yml"
CHECK_STEP = "Check the records and write the reports"
RECORD = "accounts/library/library-facebook.yaml"


def _steps() -> dict[str, dict[str, object]]:
    workflow = yaml.safe_load(VALIDATE.read_text(encoding="utf-8"))
    return {step["name"]: step for step in workflow["jobs"]["validate"]["steps"]}


@pytest.fixture
def registry(tmp_path: Path) -> tuple[Path, str]:
    """The fixture registry committed to Git, and that commit (the pull request's base)."""
    root = tmp_path / "registry"
    shutil.copytree(FIXTURE / "repo", root)
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root, git(root, "rev-parse", "HEAD").strip()


def _run_check_step(root: Path, base: str, tmp_path: Path) -> tuple[int, str, Path, Path]:
    """The step's script, as Actions runs it: exit code, output, the summary, the outputs."""
    summary, outputs, temporary = tmp_path / "summary.md", tmp_path / "output", tmp_path / "temp"
    summary.write_text("Earlier steps wrote this.\n", encoding="utf-8")
    temporary.mkdir()
    step = _steps()[CHECK_STEP]
    script = str(step["run"])
    environment = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "SOCIALREG_TODAY": "2026-11-21",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "RUNNER_TEMP": str(temporary),
        "BASE_SHA": base,
        "PR_NUMBER": "7",
    }
    done = run_as_actions(script, root, environment)
    return done.returncode, done.stdout + done.stderr, summary, outputs


def test_the_step_reads_what_actions_gives_it() -> None:
    step = _steps()[CHECK_STEP]
    assert step["id"] == "check"
    env = step["env"]
    assert isinstance(env, dict) and set(env) == {"BASE_SHA", "PR_NUMBER"}
    fail = _steps()["Fail when the change brings problems"]
    assert fail["if"] == "${{ !cancelled() && steps.check.outputs.status == '1' }}"


def test_a_change_with_problems_writes_every_report_and_fails_the_job_last(
    registry: tuple[Path, str], tmp_path: Path
) -> None:
    root, base = registry
    record = root / RECORD
    record.write_text(
        record.read_text(encoding="utf-8").replace("status: active", "status: maybe"),
        encoding="utf-8",
    )
    code, output, summary, outputs = _run_check_step(root, base, tmp_path)
    assert code == 0, output  # the report still reaches the bot; the last step fails the job
    assert outputs.read_text(encoding="utf-8") == "status=1\n"
    report = json.loads((root / "pr-report" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["new"] >= 1
    assert any(finding["path"] == RECORD for finding in report["findings"])
    assert (root / "pr-report" / "pr-number.txt").read_text(encoding="utf-8") == "7\n"
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("Earlier steps wrote this.\n")  # appended to, not replaced
    assert RECORD in text
    assert f"::error file={RECORD}," in output  # the annotations, from the same check
    assert not (root / "summary.md").exists()  # written outside the checkout


def test_a_clean_change_passes(registry: tuple[Path, str], tmp_path: Path) -> None:
    root, base = registry
    code, output, _, outputs = _run_check_step(root, base, tmp_path)
    assert code == 0, output
    assert outputs.read_text(encoding="utf-8") == "status=0\n"


def test_socialreg_failing_stops_the_step(registry: tuple[Path, str], tmp_path: Path) -> None:
    root, _ = registry
    code, output, summary, outputs = _run_check_step(root, "no-such-commit", tmp_path)
    assert code != 0
    assert outputs.read_text(encoding="utf-8") == "status=2\n"
    assert summary.read_text(encoding="utf-8") == "Earlier steps wrote this.\n"
    assert "--base" in output
