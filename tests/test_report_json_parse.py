"""Reading a JSON report back, as the pull request bot reads the artifact: trusting nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from socialreg.findings import Finding, Severity, Summary, sorted_findings
from socialreg.reporters import Report, json_report
from socialreg.reporters.json_report import (
    MAX_FINDINGS,
    MAX_REPORT_BYTES,
    ReportError,
    parse,
    render,
)

FINDINGS = sorted_findings(
    [
        Finding(
            "accounts/library/a.yaml",
            3,
            5,
            "SR105",
            Severity.ERROR,
            "Two moderators.",
            "$.moderators",
        ),
        Finding("accounts/library/a.yaml", 9, 1, "SR106", Severity.WARNING, "48 > 24.", "$"),
        Finding("campaigns/x/b.yaml", 1, 1, "SR013", Severity.WAIVED, "Name. @anna <b>", "$"),
    ]
)


def good() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(render(Report(FINDINGS, Summary.of(FINDINGS, 7))))
    return document


def test_a_rendered_report_reads_back_the_same() -> None:
    report = parse(json.dumps(good()))
    assert report.findings == FINDINGS
    assert report.summary == Summary(files=7, errors=1, warnings=1, waived=1)


def test_counts_are_worked_out_from_the_findings_not_taken_from_the_file() -> None:
    document = good()
    document["summary"].update(errors=0, warnings=0, waived=0)
    assert parse(json.dumps(document)).summary.errors == 1


def broken(change: Any) -> str:
    document = good()
    change(document)
    return json.dumps(document)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        ("[]", "no list of findings"),
        ('{"findings": {}}', "no list of findings"),
        (broken(lambda d: d["findings"].append("x")), "finding 4 is not an object"),
        (broken(lambda d: d["findings"][0].update(path=None)), "finding 1 has no usable `path`"),
        (broken(lambda d: d["findings"][0].update(path="p" * 4001)), "usable `path`"),
        (broken(lambda d: d["findings"][0].update(message="")), "usable `message`"),
        (broken(lambda d: d["findings"][1].update(line=True)), "finding 2 has no usable line"),
        (broken(lambda d: d["findings"][1].update(column=0)), "finding 2 has no usable line"),
        (broken(lambda d: d["findings"][2].update(severity="fatal")), "unknown severity"),
        (broken(lambda d: d.pop("summary")), "how many files"),
        (broken(lambda d: d["summary"].update(files=-1)), "how many files"),
    ],
)
def test_anything_else_is_refused_in_plain_words(text: str, says: str) -> None:
    with pytest.raises(ReportError, match=says):
        parse(text)


def test_more_findings_than_any_report_within_the_size_limit_holds_are_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    smallest = json.dumps({"path": "a", "line": 1, "column": 1, "severity": "error"})
    smallest = smallest[:-1] + ', "rule": "S", "message": "m"},'
    assert MAX_FINDINGS * len(smallest.replace(" ", "")) > MAX_REPORT_BYTES
    monkeypatch.setattr(json_report, "MAX_FINDINGS", 5)
    with pytest.raises(ReportError, match="more than 5 findings"):
        parse(broken(lambda d: d.update(findings=d["findings"] * 2)))
