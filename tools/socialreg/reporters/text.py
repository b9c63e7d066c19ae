"""One line per finding, `path:line:column: severity CODE message`, then a summary."""

from __future__ import annotations

from socialreg.findings import Summary
from socialreg.reporters import Report


def render(report: Report) -> str:
    lines = [
        f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}" for f in report.findings
    ]
    lines.append(summary_line(report.summary))
    return "\n".join(lines) + "\n"


def summary_line(summary: Summary) -> str:
    def count(number: int, word: str) -> str:
        return f"{number} {word}{'' if number == 1 else 's'}"

    parts = [count(summary.errors, "error"), count(summary.warnings, "warning")]
    if summary.waived:
        parts.append(f"{summary.waived} waived")
    verdict = "" if summary.errors else " All clear." if not summary.warnings else ""
    return f"{count(summary.files, 'file')} checked: {', '.join(parts)}.{verdict}"
