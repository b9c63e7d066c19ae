"""The SARIF report is valid SARIF 2.1.0 and carries what code scanning needs.

The schema is the official OASIS one, kept in tests/fixtures/sarif/ (its README says where it
comes from); formats such as uri-reference are checked too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker

from socialreg.codes import CODES
from socialreg.findings import Finding, Severity, Summary, sorted_findings
from socialreg.reporters import Report
from socialreg.reporters.sarif import render
from socialreg.rules import all_rules

SCHEMA = json.loads(
    (Path(__file__).parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8")
)
ACCOUNT = "accounts/library/norrvik-library-instagram.yaml"


def sarif(*findings: Finding) -> dict[str, Any]:
    ordered = sorted_findings(findings)
    log: dict[str, Any] = json.loads(render(Report(ordered, Summary.of(ordered, 5))))
    return log


def valid(log: dict[str, Any]) -> None:
    validator = Draft4Validator(SCHEMA, format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


FINDINGS = [
    Finding(ACCOUNT, 31, 3, "SR105", Severity.ERROR, "Only one moderator.", "$.moderators"),
    Finding(
        ACCOUNT,
        44,
        24,
        "SR106",
        Severity.WARNING,
        "48 hours is too long.",
        "$.monitoring.response_time_hours",
    ),
    Finding(
        "campaigns/careers/career fair #2.yaml",
        1,
        1,
        "SR013",
        Severity.ERROR,
        "The file name is not an id.",
        "$",
    ),
    Finding(ACCOUNT, 31, 3, "SR105", Severity.WAIVED, "Waived: one moderator.", "$.moderators"),
]


def test_a_clean_run_is_valid_sarif_and_still_lists_every_rule() -> None:
    log = sarif()
    valid(log)
    (run,) = log["runs"]
    assert run["results"] == []
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert ids == sorted(CODES) == [rule.code for rule in all_rules()]
    assert log["version"] == "2.1.0"


def test_findings_are_valid_sarif() -> None:
    valid(sarif(*FINDINGS))


def test_every_rule_has_a_short_and_full_description_and_help() -> None:
    rules = sarif()["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) == len(CODES)
    for rule in rules:
        assert rule["shortDescription"]["text"].strip(), rule["id"]
        assert len(rule["fullDescription"]["text"]) > len(rule["shortDescription"]["text"])
        assert rule["help"]["text"].strip() and rule["help"]["markdown"].strip()
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}


def test_policy_rules_carry_their_source_and_examples_in_the_help() -> None:
    rules = {rule["id"]: rule for rule in sarif()["runs"][0]["tool"]["driver"]["rules"]}
    for rule in all_rules():
        help_ = rules[rule.code]["help"]["markdown"]
        assert rule.source in help_
        assert "```yaml" in help_ and rule.failing.splitlines()[0] in help_


def test_results_point_at_the_repository_relative_file_line_and_column() -> None:
    results = sarif(*FINDINGS)["runs"][0]["results"]
    by_message = {result["message"]["text"]: result for result in results}
    result = by_message["48 hours is too long."]
    assert result["ruleId"] == "SR106"
    assert result["level"] == "warning"
    (location,) = result["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": ACCOUNT, "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 44, "startColumn": 24}
    (logical,) = location["logicalLocations"]
    assert logical["fullyQualifiedName"] == "$.monitoring.response_time_hours"


def test_rule_index_points_at_the_rule() -> None:
    log = sarif(*FINDINGS)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in log["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_unusual_file_names_become_valid_uri_references() -> None:
    results = sarif(*FINDINGS)["runs"][0]["results"]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "campaigns/careers/career%20fair%20%232.yaml" in uris


def test_a_waived_finding_is_a_suppressed_note() -> None:
    results = sarif(*FINDINGS)["runs"][0]["results"]
    (waived,) = (result for result in results if "suppressions" in result)
    assert waived["level"] == "note"
    assert waived["suppressions"][0]["kind"] == "inSource"
    assert all("suppressions" not in result for result in results if result is not waived)


def test_fingerprints_are_stable_when_lines_move_and_distinct_otherwise() -> None:
    before = sarif(*FINDINGS)["runs"][0]["results"]
    moved = [
        Finding(f.path, f.line + 5, f.column, f.rule, f.severity, f.message, f.json_path)
        for f in FINDINGS
    ]
    after = sarif(*moved)["runs"][0]["results"]

    def prints(results: list[dict[str, Any]]) -> list[str]:
        return [result["partialFingerprints"]["socialregFinding/v1"] for result in results]

    assert prints(before) == prints(after)
    assert len(set(prints(before))) == len(before)


def test_a_code_without_help_still_makes_valid_sarif() -> None:
    log = sarif(Finding(ACCOUNT, 2, 1, "SR999", Severity.ERROR, "New check.", "$"))
    valid(log)
    assert log["runs"][0]["tool"]["driver"]["rules"][-1]["id"] == "SR999"


@pytest.mark.parametrize("bad", [{"version": "2.1.0"}, {"version": "2.0.0", "runs": []}])
def test_the_schema_fixture_really_rejects_broken_logs(bad: dict[str, Any]) -> None:
    with pytest.raises(AssertionError):
        valid(bad)
