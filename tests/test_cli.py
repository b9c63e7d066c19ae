"""`socialreg validate` through click's runner, and once through the installed command."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from socialreg.cli import main

from .conftest import TODAY

LIBRARY = "accounts/library/norrvik-library-instagram.yaml"


def run(root: Path, *arguments: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), *arguments])


def test_the_example_organisation_passes(example_repo: Path) -> None:
    result = run(example_repo, "validate", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("0 errors, 0 warnings. All clear.")


def test_text_format_names_file_line_column_severity_and_code(example_repo: Path) -> None:
    record = example_repo / LIBRARY
    record.write_text(
        record.read_text().replace("response_time_hours: 24", "response_time_hours: 48")
    )
    result = run(example_repo, "validate", "--today", TODAY)
    assert result.exit_code == 1
    line = next(line for line in record.read_text().splitlines() if "response_time_hours" in line)
    number = record.read_text().splitlines().index(line) + 1
    assert (
        f"{LIBRARY}:{number}:3: error SR106 response_time_hours is 48; "
        "the policy allows at most 24 hours" in result.output
    )
    assert "1 error, 0 warnings" in result.output.splitlines()[-1]


def test_json_format(example_repo: Path) -> None:
    record = example_repo / LIBRARY
    record.write_text(record.read_text().replace("  holiday_cover: >-", "  holiday_covr: >-"))
    result = run(example_repo, "validate", "--format", "json", "--today", TODAY)
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert set(report) == {"findings", "summary"}
    assert report["summary"]["errors"] == 2
    assert report["summary"]["files"] == 16
    missing = next(f for f in report["findings"] if f["rule"] == "SR011")
    assert missing["json_path"] == "$.monitoring"  # the mapping that lacks the key
    assert "`holiday_cover` is missing from `monitoring`" in missing["message"]
    unknown = next(f for f in report["findings"] if f["rule"] == "SR010")
    assert unknown["json_path"] == "$.monitoring.holiday_covr"
    assert set(unknown) == {"path", "line", "column", "severity", "rule", "message", "json_path"}
    assert unknown["path"] == LIBRARY


def test_github_format_escapes_workflow_command_syntax(example_repo: Path) -> None:
    odd = example_repo / "accounts" / "library" / "odd,name.yaml"
    odd.write_text("a: 1\nb: [\n")
    result = run(example_repo, "validate", "--format", "github", "--today", TODAY, str(odd))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("::error")]
    assert "::error file=accounts/library/odd%2Cname.yaml,line=3,col=1,title=SR002::" in "\n".join(
        lines
    )
    assert all(line.count("::") == 2 for line in lines)


def test_strict_fails_on_warnings(example_repo: Path) -> None:
    policy = example_repo / "org" / "policy.yaml"
    text = policy.read_text()
    setting = "  SR106:  # the longest time to answer a question, in hours\n    severity: error"
    assert setting in text
    policy.write_text(text.replace(setting, setting.replace("error", "warning")))
    record = example_repo / LIBRARY
    record.write_text(
        record.read_text().replace("response_time_hours: 24", "response_time_hours: 48")
    )
    assert run(example_repo, "validate", "--today", TODAY).exit_code == 0
    strict = run(example_repo, "validate", "--strict", "--today", TODAY)
    assert strict.exit_code == 1
    assert "warning SR106" in strict.output


def test_given_paths_are_checked_and_the_rest_is_context(example_repo: Path) -> None:
    broken = example_repo / "accounts" / "careers" / "broken.yaml"
    broken.write_text("- a list\n")
    result = run(example_repo, "validate", "--today", TODAY, str(example_repo / LIBRARY))
    assert result.exit_code == 0, result.output
    assert "broken.yaml" not in result.output
    assert run(example_repo, "validate", str(broken)).exit_code == 1


def test_bad_files_do_not_stop_the_run(example_repo: Path) -> None:
    library = example_repo / "accounts" / "library"
    (library / "binary.yaml").write_bytes(b"\x00\x01\x02")
    (library / "tabs.yaml").write_text("a:\n\tb: 1\n")
    (library / "bomb.yaml").write_text("a: &a [*a]\n")
    (library / "Wrong Name.yaml").write_text("a: 1\n")
    (library / "notes.txt").write_text("hello")
    (example_repo / "accounts" / "stray.yaml").write_text("a: 1\n")
    record = example_repo / LIBRARY
    record.write_text(record.read_text().replace("status: pilot", "status: live"))
    result = run(example_repo, "validate", "--format", "json", "--today", TODAY)
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    by_file = {f["path"].rsplit("/", 1)[-1]: f["rule"] for f in findings}
    assert by_file["binary.yaml"] == "SR001"
    assert by_file["tabs.yaml"] == "SR002"
    assert by_file["bomb.yaml"] == "SR005"
    assert by_file["notes.txt"] == "SR013"
    assert by_file["stray.yaml"] in {"SR013", "SR011"}
    assert "norrvik-library-instagram.yaml" in by_file  # checked after the broken files
    assert "Traceback" not in result.output


def test_usage_errors_exit_2_with_one_line(example_repo: Path) -> None:
    bad_date = run(example_repo, "validate", "--today", "tomorrow")
    assert bad_date.exit_code == 2
    assert "is not a date written YYYY-MM-DD" in bad_date.output
    missing = run(example_repo, "validate", "no/such/file.yaml")
    assert missing.exit_code == 2
    bad_format = run(example_repo, "validate", "--format", "xml")
    assert bad_format.exit_code == 2


def test_internal_error_is_one_line_and_exit_2(example_repo: Path) -> None:
    (example_repo / "schemas" / "account.schema.json").write_text("{not json")
    result = run(example_repo, "validate")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "account.schema.json" in result.output


def test_unexpected_exception_is_one_line_unless_debug(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("socialreg.check.pipeline.validate", explode)
    quiet = CliRunner().invoke(main, ["--root", str(example_repo), "validate"])
    assert quiet.exit_code == 2
    assert quiet.output.strip() == (
        "Error: internal error: 'boom' (run with --debug for the details)"
    )
    loud = CliRunner().invoke(main, ["--root", str(example_repo), "--debug", "validate"])
    assert loud.exit_code == 2
    assert "Traceback" in loud.output


def test_output_file(example_repo: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    result = run(example_repo, "validate", "--format", "json", "--output", str(report))
    assert result.exit_code == 0
    assert json.loads(report.read_text())["summary"]["errors"] == 0


def test_one_check_writes_every_report_asked_for(
    example_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = example_repo / LIBRARY
    record.write_text(record.read_text().replace("  holiday_cover: >-", "  holiday_covr: >-"))
    alone = {
        name: run(example_repo, "validate", "--today", TODAY, "--format", name).output
        for name in ("json", "markdown", "sarif", "github")
    }
    import socialreg.check.pipeline as pipeline

    checks = []
    check = pipeline.validate

    def counted(*arguments: Any, **keywords: Any) -> Any:
        checks.append(arguments)
        return check(*arguments, **keywords)

    monkeypatch.setattr(pipeline, "validate", counted)
    files = {name: tmp_path / f"report.{name}" for name in ("json", "markdown", "sarif")}
    arguments = [f"--report={name}:{file}" for name, file in files.items()]
    result = run(example_repo, "validate", "--today", TODAY, "--format", "github", *arguments)
    assert result.exit_code == 1  # as without --report: the record has errors
    assert len(checks) == 1
    assert result.output == alone["github"]
    for name, file in files.items():
        assert file.read_text(encoding="utf-8") == alone[name], name


def test_a_report_to_standard_output_comes_before_the_main_output(
    example_repo: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.txt"
    result = run(
        example_repo, "validate", "--today", TODAY, "--report", "json:-", "--output", str(report)
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["summary"]["errors"] == 0
    assert report.read_text(encoding="utf-8").strip().endswith("All clear.")
    assert not Path("-").exists()  # no file of that name where the command ran


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--report", "sarif:-"], "the main report (no --output) and --report sarif:-"),
        (
            ["--output", "report.txt", "--report", "json:-", "--report", "sarif:-"],
            "--report json:- and --report sarif:-",
        ),
    ],
)
def test_two_reports_to_standard_output_are_a_usage_error(
    example_repo: Path, arguments: list[str], said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example_repo.parent)  # where report.txt would go, were it written
    result = run(example_repo, "validate", *arguments)
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: {said} would both go to standard output, one after the other: give one of "
        "them a file."
    )


@pytest.mark.parametrize("given", ["json", "json:", "jsn:report.json", ":report.json"])
def test_a_report_without_a_known_format_and_a_file_is_a_usage_error(
    example_repo: Path, given: str
) -> None:
    result = run(example_repo, "validate", "--report", given)
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"Error: --report {given}: give a format and a file, as in --report json:report.json "
        "(formats: github, json, markdown, sarif, text)."
    )


def test_a_report_file_that_cannot_be_written_is_one_line(
    example_repo: Path, tmp_path: Path
) -> None:
    result = run(example_repo, "validate", "--report", f"json:{tmp_path}/missing/report.json")
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: Cannot write {tmp_path}/missing/report.json:")
    assert "Traceback" not in result.output


def test_the_installed_command_in_a_real_process(example_repo: Path) -> None:
    executable = shutil.which("socialreg", path=str(Path(sys.executable).parent))
    assert executable, "socialreg is not installed next to this Python"
    finished = subprocess.run(
        [executable, "validate", "--today", TODAY, "--format", "json"],
        cwd=example_repo / "accounts",  # the root is found by walking up
        capture_output=True,
        text=True,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["summary"]["files"] == 16
    broken = subprocess.run(
        [executable, "--root", str(example_repo), "validate", "no-such.yaml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert broken.returncode == 2
    assert "Traceback" not in broken.stderr


def test_every_missing_key_is_named(example_repo: Path) -> None:
    (example_repo / "accounts" / "library" / "sketch.yaml").write_text("platform: instagram\n")
    result = run(example_repo, "validate", "--format", "json", "--today", TODAY)
    missing = [f["message"] for f in json.loads(result.output)["findings"] if f["rule"] == "SR011"]
    named = {message.split("`")[1] for message in missing}
    assert {"handle", "url", "owner", "supervisor", "review"} <= named
    assert len(named) == len(missing)
