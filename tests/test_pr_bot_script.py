"""The pull request bot's cross-check, run as the workflow runs it, with `gh` stubbed.

The step reads an artifact that a pull request's code wrote. These cases feed it what an
attacker could write and check that only a number GitHub confirms ever reaches the next steps.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

PR_BOT = Path(__file__).resolve().parents[1] / ".github" / "workflows" / "pr-bot.yml"
HEAD_SHA = "0123456789abcdef0123456789abcdef01234567"


def step_script(step_id: str) -> str:
    workflow = yaml.safe_load(PR_BOT.read_text(encoding="utf-8"))
    (job,) = workflow["jobs"].values()
    (step,) = (step for step in job["steps"] if step.get("id") == step_id)
    script: str = step["run"]
    return script


def run_resolve(
    tmp_path: Path,
    *,
    open_prs_with_head: str,
    number: bytes | None = b"7\n",
    report: bytes | None = b"{}",
    have_report: bool = True,
    report_links_to: Path | None = None,
) -> tuple[int, dict[str, str], str]:
    """Run the step; `open_prs_with_head` is what GitHub answers, one number a line."""
    stub = tmp_path / "bin" / "gh"
    stub.parent.mkdir()
    stub.write_text('#!/bin/sh\nprintf "%s" "$FAKE_MATCHES"\n', encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    artifact = tmp_path / "pr-report"
    artifact.mkdir()
    if number is not None:
        (artifact / "pr-number.txt").write_bytes(number)
    if report is not None:
        (artifact / "report.json").write_bytes(report)
    if report_links_to is not None:
        (artifact / "report.json").symlink_to(report_links_to)
    output = tmp_path / "output"
    output.touch()
    env = {
        "PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}",
        "FAKE_MATCHES": open_prs_with_head,
        "GH_TOKEN": "not-a-token",
        "REPO": "norrvik/registry",
        "HEAD_SHA": HEAD_SHA,
        "HAVE_REPORT": "true" if have_report else "false",
        "REPORT_DIR": str(artifact),
        "GITHUB_OUTPUT": str(output),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", step_script("pr")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    outputs = dict(
        line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if line
    )
    return result.returncode, outputs, result.stdout + result.stderr


def test_a_confirmed_number_is_passed_on(tmp_path: Path) -> None:
    code, outputs, _ = run_resolve(tmp_path, open_prs_with_head="7")
    assert code == 0
    assert outputs == {"number": "7", "report": str(tmp_path / "pr-report" / "report.json")}


def test_the_number_may_be_one_of_several_pull_requests_with_the_same_head(
    tmp_path: Path,
) -> None:
    code, outputs, _ = run_resolve(tmp_path, open_prs_with_head="3\n7\n12")
    assert code == 0 and outputs["number"] == "7"


def test_a_number_github_does_not_confirm_is_refused(tmp_path: Path) -> None:
    code, outputs, log = run_resolve(tmp_path, open_prs_with_head="8\n17\n70")
    assert code == 1 and outputs == {}
    assert "::error::The artifact names pull request 7" in log


@pytest.mark.parametrize(
    "number",
    [
        b"7; rm -rf /",
        b"$(id)",
        b"07",
        b"0",
        b"-7",
        b"7\n8",
        b" 7",
        b"12345678901",
        b"",
        b"\xff\xfe7",
        b"7" + b"\n" * 20,
    ],
)
def test_anything_but_plain_digits_is_refused(tmp_path: Path, number: bytes) -> None:
    code, outputs, log = run_resolve(tmp_path, open_prs_with_head="7", number=number)
    assert code == 1 and outputs == {}
    assert "is not a number" in log


def test_a_missing_report_is_refused(tmp_path: Path) -> None:
    code, outputs, log = run_resolve(tmp_path, open_prs_with_head="7", report=None)
    assert code == 1 and outputs == {} and "has no report.json" in log


def test_a_symbolic_link_in_the_artifact_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text("{}", encoding="utf-8")
    code, outputs, log = run_resolve(
        tmp_path, open_prs_with_head="7", report=None, report_links_to=secret
    )
    assert code == 1 and outputs == {} and "has no report.json" in log


def test_a_huge_report_is_refused(tmp_path: Path) -> None:
    code, outputs, log = run_resolve(tmp_path, open_prs_with_head="7", report=b" " * 64_000_001)
    assert code == 1 and outputs == {} and "larger than 64 MB" in log


def test_a_pull_request_that_moved_on_is_skipped_quietly(tmp_path: Path) -> None:
    code, outputs, log = run_resolve(tmp_path, open_prs_with_head="")
    assert code == 0 and outputs == {}
    assert "::notice::" in log


@pytest.mark.parametrize("heads", ["7", "7\n9"])
def test_after_a_review_without_a_report_there_is_nothing_to_post(
    tmp_path: Path, heads: str
) -> None:
    # The approval check does not come through here any more (approvals.yml).
    code, outputs, log = run_resolve(
        tmp_path, open_prs_with_head=heads, number=None, report=None, have_report=False
    )
    assert code == 0 and outputs == {} and "::notice::" in log


def run_find_run(tmp_path: Path, workflow_path: str, gh_answer: str) -> tuple[int, str, str]:
    stub = tmp_path / "bin" / "gh"
    stub.parent.mkdir()
    stub.write_text('#!/bin/sh\nprintf "%s" "$FAKE_RUN"\n', encoding="utf-8")
    stub.chmod(stub.stat().st_mode | stat.S_IEXEC)
    output = tmp_path / "output"
    output.touch()
    env = {
        "PATH": f"{stub.parent}{os.pathsep}{os.environ['PATH']}",
        "FAKE_RUN": gh_answer,
        "GH_TOKEN": "x",
        "REPO": "norrvik/registry",
        "TRIGGER_WORKFLOW_PATH": workflow_path,
        "TRIGGER_RUN_ID": "555",
        "HEAD_SHA": HEAD_SHA,
        "GITHUB_OUTPUT": str(output),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", step_script("run")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, output.read_text(encoding="utf-8"), result.stdout + result.stderr


def test_after_validate_the_report_is_in_the_triggering_run(tmp_path: Path) -> None:
    code, output, _ = run_find_run(tmp_path, ".github/workflows/validate.yml", "999")
    assert code == 0 and output == "id=555\n"


def test_after_a_review_the_newest_validation_of_the_head_commit_is_used(tmp_path: Path) -> None:
    code, output, _ = run_find_run(tmp_path, ".github/workflows/review-trigger.yml", "999")
    assert code == 0 and output == "id=999\n"


def test_after_a_review_without_a_validation_there_is_no_report(tmp_path: Path) -> None:
    code, output, log = run_find_run(tmp_path, ".github/workflows/review-trigger.yml", "")
    assert code == 0 and output == "id=\n" and "::notice::" in log


def test_a_strange_run_id_is_refused(tmp_path: Path) -> None:
    code, _, log = run_find_run(tmp_path, ".github/workflows/review-trigger.yml", "1\n2")
    assert code == 1 and "::error::" in log
