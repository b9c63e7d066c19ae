"""Workflow annotations stay within what GitHub shows, and say what they leave out."""

from __future__ import annotations

import re

from socialreg.findings import Finding, Severity, Summary, sorted_findings
from socialreg.reporters import Report
from socialreg.reporters.github import LIMIT_PER_TYPE, render

COMMAND = re.compile(r"^::(error|warning|notice)( [^:]*)?::(.*)$")


def report(errors: int, warnings: int = 0, waived: int = 0) -> Report:
    findings = [
        Finding(f"accounts/unit/a{number:03}.yaml", 2, 1, "SR105", severity, "Problem.", "$")
        for severity, amount in (
            (Severity.ERROR, errors),
            (Severity.WARNING, warnings),
            (Severity.WAIVED, waived),
        )
        for number in range(amount)
    ]
    ordered = sorted_findings(findings)
    return Report(ordered, Summary.of(ordered, len(ordered)))


def parsed_annotations(text: str) -> list[tuple[str, str, str]]:
    found = []
    for line in text.splitlines():
        match = COMMAND.match(line)
        if match:
            found.append((match.group(1), match.group(2) or "", match.group(3)))
    return found


def counts(text: str) -> dict[str, int]:
    kinds = [kind for kind, _, _ in parsed_annotations(text)]
    return {kind: kinds.count(kind) for kind in ("error", "warning", "notice")}


def test_within_the_limit_every_finding_is_annotated_and_nothing_is_added() -> None:
    text = render(report(errors=10, warnings=10, waived=10))
    assert counts(text) == {"error": 10, "warning": 10, "notice": 10}
    assert "More findings" not in text


def test_past_the_limit_one_notice_says_how_many_more_and_where_to_read_them() -> None:
    text = render(report(errors=25, warnings=11, waived=3))
    assert counts(text) == {"error": 10, "warning": 10, "notice": 4}
    (note,) = (
        message for kind, props, message in parsed_annotations(text) if "More findings" in props
    )
    assert "15 errors and 1 warning are not marked" in note
    assert "job summary" in note and "socialreg validate" in note
    # The summary line still counts everything.
    assert text.rstrip().endswith("39 files checked: 25 errors, 11 warnings, 3 waived.")


def test_the_note_itself_counts_against_the_notice_limit() -> None:
    text = render(report(errors=12, waived=15))
    assert counts(text)["notice"] == LIMIT_PER_TYPE
    (note,) = (
        message for kind, props, message in parsed_annotations(text) if "More findings" in props
    )
    assert "2 errors and 6 waived findings are not marked" in note


def test_the_first_findings_of_each_kind_are_the_ones_shown() -> None:
    text = render(report(errors=12))
    files = [props for kind, props, _ in parsed_annotations(text) if kind == "error"]
    assert [f"file=accounts/unit/a{n:03}.yaml" in props for n, props in enumerate(files)] == [
        True
    ] * LIMIT_PER_TYPE


def test_record_text_cannot_start_another_workflow_command() -> None:
    finding = Finding(
        "accounts/unit/a,b:c.yaml",
        3,
        1,
        "SR012",
        Severity.ERROR,
        "bad\n::add-mask::x\r\n::stop-commands::y 100%",
        "$",
    )
    text = render(Report([finding], Summary.of([finding], 1)))
    first, summary = text.splitlines()
    assert first == (
        "::error file=accounts/unit/a%2Cb%3Ac.yaml,line=3,col=1,title=SR012::"
        # A Finding's message never holds line breaks (they become spaces, issue 13); the
        # reporter escapes `%` and would escape line breaks as well.
        "bad ::add-mask::x  ::stop-commands::y 100%25"
    )
    assert summary.startswith("1 file checked")
