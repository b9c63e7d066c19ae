"""`socialreg rules`, `socialreg explain`, and the example organisation staying clean."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from click.testing import CliRunner
from tests.rules.casefiles import PROJECT, make_repository

from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.cli import main
from socialreg.rules import all_rules


def _run(root: Path, *arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--root", str(root), *arguments])
    return result.exit_code, result.output


def test_rules_lists_every_code_with_the_severity_in_force(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")
    policy = yaml.safe_load((root / "org/policy.yaml").read_text("utf-8"))
    policy["rules"] = {"SR106": {"severity": "warning"}, "SR112": {"severity": "off"}}
    (root / "org/policy.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    code, output = _run(root, "rules")
    assert code == 0
    lines = [line.split() for line in output.splitlines()[1:] if line.startswith("SR")]
    rows = {words[0]: words[1] for words in lines}
    assert set(rows) == {rule.code for rule in all_rules()}
    assert rows["SR106"] == "warning" and rows["SR112"] == "off" and rows["SR105"] == "error"


def test_explain_prints_what_why_examples_options_and_source() -> None:
    code, output = _run(PROJECT, "explain", "sr105")
    assert code == 0
    assert output.startswith("SR105: Monitored daily by at least two moderators")
    for part in (
        "Severity: error",
        "Source:   Karolinska Institutet, *Setting up a social media account*",
        "What it checks",
        "min_moderators: 2",
        "Passes:",
        "Fails:",
    ):
        assert part in output


def test_explain_shows_options_the_policy_changes(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")
    policy = yaml.safe_load((root / "org/policy.yaml").read_text("utf-8"))
    policy["rules"] = {"SR201": {"severity": "warning", "options": {"lead_days": 21}}}
    (root / "org/policy.yaml").write_text(yaml.safe_dump(policy), encoding="utf-8")
    code, output = _run(root, "explain", "SR201")
    assert code == 0
    assert "Severity: warning (default: error)" in output
    assert "lead_days: 14 (in force here: 21)" in output


def test_explain_covers_input_codes() -> None:
    code, output = _run(PROJECT, "explain", "SR010")
    assert code == 0 and "Unknown keys are errors" in output and "cannot be set or waived" in output


def test_explain_unknown_code_is_one_line_with_a_suggestion() -> None:
    code, output = _run(PROJECT, "explain", "SR1O5")
    assert code == 2
    assert output.strip().splitlines() == [
        "Error: SR1O5 is not a rule code. Did you mean SR105? `socialreg rules` lists every code."
    ]


def test_example_organisation_has_no_errors_or_warnings(example_repo: Path) -> None:
    report = validate(ValidateOptions(example_repo, (), datetime.date(2026, 11, 21), strict=True))
    assert [f.message for f in report.findings] == []
    assert report.summary.files >= 16


def test_waived_findings_are_shown_and_do_not_fail_the_run(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")
    record = root / "accounts/library/library-facebook.yaml"
    data = yaml.safe_load(record.read_text("utf-8"))
    data["moderators"] = data["moderators"][:1]
    data["waivers"] = [
        {
            "rule": "SR105",
            "reason": "A second moderator starts in January.",
            "approved_by": "maria-lind",
            "expires": "2027-01-31",
        }
    ]
    record.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, output = _run(root, "validate", "--today", "2026-11-21")
    assert code == 0, output
    assert "waived SR105 Only one moderator is named." in output
    assert "(Waived until 2027-01-31: A second moderator starts in January.)" in output
    assert "1 waived" in output
    code, output = _run(root, "validate", "--today", "2027-02-01")
    assert code == 1
    assert "error SR301 This waiver of SR105 expired on 2027-01-31" in output
    assert "error SR105 Only one moderator is named." in output
