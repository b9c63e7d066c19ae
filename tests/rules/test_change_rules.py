"""The rules that compare with a base commit (`validate --base REF`), in real Git repositories."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from tests.rules.casefiles import FIXTURE, git, make_repository, merge

from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.cli import main
from socialreg.findings import Finding, Severity

TODAY = datetime.date(2026, 11, 21)
LIBRARY = "accounts/library/library-facebook.yaml"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repository(tmp_path / "registry")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "registry")
    return root


def _edit(root: Path, path: str, change: Mapping[str, object]) -> None:
    file = root / path
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(yaml.safe_dump(merge(data, change), sort_keys=False), encoding="utf-8")


def _new_account(root: Path, path: str, change: dict[str, object]) -> None:
    template = yaml.safe_load((FIXTURE / "templates" / "account.yaml").read_text("utf-8"))
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(yaml.safe_dump(merge(template, change), sort_keys=False), encoding="utf-8")


def _findings(root: Path, base: str | None, paths: tuple[str, ...] = ()) -> list[Finding]:
    report = validate(ValidateOptions(root, paths, TODAY, strict=False, base=base))
    return [finding for finding in report.findings if finding.severity is not Severity.WAIVED]


def _moratorium(root: Path) -> None:
    _edit(root, "org/policy.yaml", {"moratorium": {"active": True, "reason": "Schrems II."}})


def test_unchanged_repository_is_clean(repo: Path) -> None:
    assert _findings(repo, "HEAD") == []


def test_deleted_account_is_an_error_at_its_path(repo: Path) -> None:
    (repo / LIBRARY).unlink()
    findings = _findings(repo, "HEAD")
    assert [(f.path, f.line, f.rule, f.severity) for f in findings] == [
        (LIBRARY, 1, "SR114", Severity.ERROR)
    ]
    assert "archived" in findings[0].message
    assert _findings(repo, None) == []  # without --base the deletion cannot be known


def test_deleted_account_is_reported_when_only_other_files_are_validated(repo: Path) -> None:
    git(repo, "rm", "-q", LIBRARY)
    git(repo, "commit", "-q", "-m", "delete the library's account")
    findings = _findings(repo, "HEAD~1", ("accounts/communications/uni-facebook.yaml",))
    assert [(f.path, f.rule) for f in findings] == [(LIBRARY, "SR114")]


def test_moved_account_is_not_a_deletion(repo: Path) -> None:
    git(repo, "mv", LIBRARY, "accounts/communications/library-facebook.yaml")
    findings = _findings(repo, "HEAD")
    assert "SR114" not in {f.rule for f in findings}
    # The unit key no longer matches the folder, and communications has a Facebook account.
    assert {f.rule for f in findings} == {"SR014", "SR108"}


def test_reopened_account_needs_a_new_decision(repo: Path) -> None:
    archived = {"status": "archived", "archived": {"date": "2026-10-15", "reason": "Moved."}}
    _edit(repo, LIBRARY, archived)
    git(repo, "commit", "-q", "-am", "archive")
    _edit(repo, LIBRARY, {"status": "active"})
    findings = _findings(repo, "HEAD")
    assert [(f.rule, f.json_path) for f in findings] == [("SR114", "$.decision.date")]
    _edit(repo, LIBRARY, {"decision": {"date": "2026-11-20", "comms_contacted": "2026-11-18"}})
    assert _findings(repo, "HEAD") == []


def test_new_account_during_moratorium_needs_a_waiver(repo: Path) -> None:
    _moratorium(repo)
    git(repo, "commit", "-q", "-am", "moratorium")
    new = "accounts/library/library-bluesky.yaml"
    _new_account(repo, new, {"status": "active"})
    assert [(f.path, f.rule) for f in _findings(repo, "HEAD")] == [(new, "SR109")]
    assert _findings(repo, None) == []  # active, not requested: without --base it is not new
    _edit(repo, LIBRARY, {"review": {"last": "2026-11-20"}})  # changing an old account is fine
    assert [(f.path, f.rule) for f in _findings(repo, "HEAD")] == [(new, "SR109")]


def test_moratorium_waiver_applies_and_is_not_stale_later(repo: Path) -> None:
    _moratorium(repo)
    git(repo, "commit", "-q", "-am", "moratorium")
    new = "accounts/library/library-bluesky.yaml"
    waiver = {
        "rule": "SR109",
        "reason": "Exam information.",
        "approved_by": "maria-lind",
        "expires": "2027-03-31",
    }
    _new_account(repo, new, {"status": "active", "waivers": [waiver]})
    report = validate(ValidateOptions(repo, (), TODAY, strict=False, base="HEAD"))
    assert [(f.rule, f.severity) for f in report.findings] == [("SR109", Severity.WAIVED)]
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "new account with waiver")
    assert _findings(repo, "HEAD") == []  # no longer new: the waiver is not called stale
    assert _findings(repo, None) == []


def test_bad_base_is_a_one_line_usage_error(repo: Path) -> None:
    result = CliRunner().invoke(main, ["--root", str(repo), "validate", "--base", "no-such"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: --base: no-such is not a commit in this repository (in CI, fetch the base "
        "branch first, for example with fetch-depth: 0)"
    ]


def test_base_in_the_command_line_with_paths(repo: Path) -> None:
    (repo / LIBRARY).unlink()
    result = CliRunner().invoke(
        main,
        [
            "--root",
            str(repo),
            "validate",
            "--today",
            "2026-11-21",
            "--format",
            "json",
            "--base",
            "main",
            str(repo / "accounts/communications/uni-facebook.yaml"),
        ],
    )
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["findings"]
    assert [(f["path"], f["rule"], f["line"]) for f in findings] == [(LIBRARY, "SR114", 1)]
