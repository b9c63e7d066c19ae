"""What may stop the public registry from being built and published: only unreadable records.

The registry is rebuilt after every merge, and `make registry` builds it on any day. Findings
about the policy and about dates (a review that fell due, a pilot that ended, a campaign still
marked live) belong to the audit and to the records' owners: they are reported, in the job
summary and code scanning, and never stop the site. Otherwise the first review to fall due
would freeze the public registry for everyone until someone fixed a record they may not own.

A record that cannot be read, or that does not match its schema, is different: the site would
leave it out, and an official account would vanish from the public page. That stops the site,
with one line saying which file and why, and the site published before stays online.
"""

from __future__ import annotations

from collections.abc import Iterable

from socialreg import codes
from socialreg.findings import Finding, Report, Severity

# The checks of the files themselves: reading (SR001-SR007), the schemas (SR010-SR012), and the
# file's name and place (SR013).
RECORD_FORMAT_CODES = frozenset(
    {
        codes.UNREADABLE,
        codes.YAML_SYNTAX,
        codes.DUPLICATE_KEY,
        codes.DOCUMENT_SHAPE,
        codes.ALIAS_BOMB,
        codes.INVALID_DATE,
        codes.YAML_SURPRISE,
        codes.UNKNOWN_KEY,
        codes.MISSING_KEY,
        codes.WRONG_VALUE,
        codes.FILE_PLACE,
    }
)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop the site: errors in reading a file or in its form."""
    return [
        finding
        for finding in findings
        if finding.severity is Severity.ERROR and finding.rule in RECORD_FORMAT_CODES
    ]


def stop_reason(findings: list[Finding]) -> str:
    """One line that says why the site was not published, naming the first file."""
    first = findings[0]
    files = {finding.path for finding in findings}
    others = len(files) - 1
    more = f" ({others} more file{'' if others == 1 else 's'} too)" if others else ""
    message = " ".join(first.message.split())
    return (
        f"The registry site was not built: {first.path}, line {first.line}, cannot be read or "
        f"does not match the record format ({first.rule}: {message}){more}. A site published "
        "before stays online until the file is fixed."
    )


def attention_note(report: Report) -> str | None:
    """One line about the findings that do not stop the site, or None when there are none."""
    summary = report.summary
    if not summary.errors and not summary.warnings:
        return None
    parts = []
    if summary.errors:
        parts.append(f"{summary.errors} error{'' if summary.errors == 1 else 's'}")
    if summary.warnings:
        parts.append(f"{summary.warnings} warning{'' if summary.warnings == 1 else 's'}")
    return (
        f"{' and '.join(parts)} in the records need attention (run `socialreg validate` to list "
        "them; the audit tells their owners). They do not stop the registry from being built."
    )


def exit_code(report: Report) -> tuple[int, str | None]:
    """For `validate --fail-on unreadable`: 1 and the reason when the site must not be
    published, else 0."""
    stopping = blocking(report.findings)
    if stopping:
        return 1, stop_reason(stopping)
    return 0, None
