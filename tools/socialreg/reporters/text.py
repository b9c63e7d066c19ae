"""One line per finding, `path:line:column: severity CODE message`, then a summary.

Compared with a base (`validate --base`), the findings the change introduces come first and
those already on the base follow under a heading of their own.
"""

from __future__ import annotations

from socialreg.findings import Finding, Summary
from socialreg.reporters import Report


def render(report: Report) -> str:
    lines = [finding_line(finding) for finding in report.new_findings]
    existing = report.existing_findings
    if report.baseline is not None and existing:
        lines.append(f"Already on {report.baseline.base}, not caused by this change:")
        lines.extend(finding_line(finding) for finding in existing)
    lines.append(summary_line(report.deciding_summary))
    if report.baseline is not None:
        lines.append(comparison_line(report))
    return "\n".join(lines) + "\n"


def finding_line(f: Finding) -> str:
    return f"{f.path}:{f.line}:{f.column}: {f.severity} {f.rule} {f.message}"


def comparison_line(report: Report) -> str:
    """How the run compares with its base, in sentences: what the summary counts leave out."""
    assert report.baseline is not None
    base = report.baseline.base
    existing = len(report.existing_findings)
    fixed = len(report.baseline.fixed)
    parts = [f"Compared with {base}: only findings this change introduces are counted above."]
    if existing:
        were = "was" if existing == 1 else "were"
        parts.append(
            f"{count(existing, 'finding')} {were} already on {base}; not caused by this change, "
            f"{'it does' if existing == 1 else 'they do'} not fail it."
        )
    if fixed:
        parts.append(
            f"This change fixes {count(fixed, 'finding')} that {'was' if fixed == 1 else 'were'} "
            f"on {base}."
        )
    return " ".join(parts)


def count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


def summary_line(summary: Summary) -> str:
    def count(number: int, word: str) -> str:
        return f"{number} {word}{'' if number == 1 else 's'}"

    parts = [count(summary.errors, "error"), count(summary.warnings, "warning")]
    if summary.waived:
        parts.append(f"{summary.waived} waived")
    verdict = "" if summary.errors else " All clear." if not summary.warnings else ""
    return f"{count(summary.files, 'file')} checked: {', '.join(parts)}.{verdict}"
