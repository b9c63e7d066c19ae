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
from socialreg.reporters.text import comparison_line, summary_line

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.WAIVED: "notice"}
# Annotations GitHub shows per type and step.
LIMIT_PER_TYPE = 10


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    """Annotations for the findings that count: with a base, only the new ones; the findings
    already on the base get one notice together, so they never look like this change's."""
    findings = report.new_findings
    existing = report.existing_findings
    shown = within_limit(findings, notes=1 if existing else 0)
    lines = [annotation(finding) for finding in shown]
    left_out = Counter(finding.severity for finding in findings) - Counter(
        finding.severity for finding in shown
    )
    if left_out:
        lines.append(f"::notice title=More findings::{escape_data(left_out_note(left_out))}")
    if report.baseline is not None and existing:
        note = (
            f"{len(existing)} finding{'' if len(existing) == 1 else 's'} in the records "
            f"{'was' if len(existing) == 1 else 'were'} already on {report.baseline.base} and "
            f"{'is' if len(existing) == 1 else 'are'} not caused by this change, so "
            f"{'it is' if len(existing) == 1 else 'they are'} not marked. The job summary lists "
            f"{'it' if len(existing) == 1 else 'them'}; their owners hear of them from the audit."
        )
        lines.append(
            f"::notice title=Already on {escape_property(report.baseline.base)}::"
            f"{escape_data(note)}"
        )
    lines.append(summary_line(report.deciding_summary))
    if report.baseline is not None:
        lines.append(comparison_line(report))
    return "\n".join(lines) + "\n"


def within_limit(findings: list[Finding], notes: int = 0) -> list[Finding]:
    """The findings GitHub will show, in order: the first 10 of each type.

    When anything is left out, the note about it is a notice too, so waived findings (also
    notices) get one place less; so they do for each of `notes` other notices.
    """
    totals = Counter(_COMMAND[finding.severity] for finding in findings)
    room = {command: LIMIT_PER_TYPE for command in _COMMAND.values()}
    room["notice"] -= notes
    if any(number > room[command] for command, number in totals.items()):
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
