"""GitHub Actions workflow commands, which show findings as annotations on the changed lines.

See "Workflow commands for GitHub Actions": values escape `%`, CR and LF; properties also
escape `:` and `,`. Text from records is untrusted, so everything goes through these escapes.

GitHub shows at most 10 annotations of each type (error, warning, notice) per step and drops
the rest without a word. So we write at most that many, and when there are more, one notice
says how many were left out and where the full list is.
"""

from __future__ import annotations

from collections import Counter

from socialreg.findings import Finding, Severity
from socialreg.reporters import Report
from socialreg.reporters.text import summary_line

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.WAIVED: "notice"}
# Annotations GitHub shows per type and step.
LIMIT_PER_TYPE = 10


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    shown = within_limit(report.findings)
    lines = [annotation(finding) for finding in shown]
    left_out = Counter(finding.severity for finding in report.findings) - Counter(
        finding.severity for finding in shown
    )
    if left_out:
        lines.append(f"::notice title=More findings::{escape_data(left_out_note(left_out))}")
    lines.append(summary_line(report.summary))
    return "\n".join(lines) + "\n"


def within_limit(findings: list[Finding]) -> list[Finding]:
    """The findings GitHub will show, in order: the first 10 of each type.

    When anything is left out, the note about it is a notice too, so waived findings (also
    notices) get one place less.
    """
    totals = Counter(_COMMAND[finding.severity] for finding in findings)
    room = {command: LIMIT_PER_TYPE for command in _COMMAND.values()}
    if any(number > LIMIT_PER_TYPE for number in totals.values()):
        room["notice"] -= 1
    shown = []
    for finding in findings:
        command = _COMMAND[finding.severity]
        if room[command]:
            room[command] -= 1
            shown.append(finding)
    return shown


def left_out_note(left_out: Counter[Severity]) -> str:
    words = {
        Severity.ERROR: "error",
        Severity.WARNING: "warning",
        Severity.WAIVED: "waived finding",
    }
    parts = [
        f"{left_out[severity]} {words[severity]}{'' if left_out[severity] == 1 else 's'}"
        for severity in Severity
        if left_out[severity]
    ]
    return (
        f"GitHub marks at most {LIMIT_PER_TYPE} findings of each kind in the files, so "
        f"{' and '.join(parts)} {'is' if sum(left_out.values()) == 1 else 'are'} not marked. "
        "The job summary (and, on a pull request, the bot's comment) lists every finding; "
        "so does `socialreg validate`."
    )


def annotation(finding: Finding) -> str:
    command = _COMMAND[finding.severity]
    title = finding.rule if finding.severity is not Severity.WAIVED else f"{finding.rule} (waived)"
    properties = ",".join(
        [
            f"file={escape_property(finding.path)}",
            f"line={finding.line}",
            f"col={finding.column}",
            f"title={escape_property(title)}",
        ]
    )
    return f"::{command} {properties}::{escape_data(finding.message)}"
