"""GitHub Actions workflow commands, which show findings as annotations on the changed lines.

See "Workflow commands for GitHub Actions": values escape `%`, CR and LF; properties also
escape `:` and `,`. Text from records is untrusted, so everything goes through these escapes.
"""

from __future__ import annotations

from socialreg.findings import Severity
from socialreg.reporters import Report
from socialreg.reporters.text import summary_line

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.WAIVED: "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for finding in report.findings:
        command = _COMMAND[finding.severity]
        title = (
            finding.rule if finding.severity is not Severity.WAIVED else f"{finding.rule} (waived)"
        )
        properties = ",".join(
            [
                f"file={escape_property(finding.path)}",
                f"line={finding.line}",
                f"col={finding.column}",
                f"title={escape_property(title)}",
            ]
        )
        lines.append(f"::{command} {properties}::{escape_data(finding.message)}")
    lines.append(summary_line(report.summary))
    return "\n".join(lines) + "\n"
