"""Markdown for people: the job summary in CI and the validation part of the pull request comment.

The findings are grouped by file, one table row each: line, severity, rule code and message.
Counts come first; a clean run says so in one line.

Messages carry text from records, and records come from pull requests, so everything shown goes
through `escape`, from markdown_text.py, the one escaper for everything that reaches GitHub:
HTML is written as entities (no `<img>`, no `</details>` that closes the comment's own
sections), Markdown that could leave its table cell is backslash-escaped, and `@name` and `#123`
get an invisible zero-width joiner so that a record cannot ping people or link other issues.
Words a message puts in backticks stay code, safely fenced.

The pull request comment links each line to the file at the pull request's head commit and each
rule code to its explanation; it passes a `Links` for that. Addresses are checked here as well
(`link`): one that could leave its Markdown link or table cell is dropped, and the text is shown
plain.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Protocol

from socialreg.findings import Finding, Severity
from socialreg.reporters import Report
from socialreg.reporters.markdown_text import (
    ZERO_WIDTH_JOINER,
    code_span,
    escape,
    escape_message,
    escape_message_within,
    link,
)

__all__ = [
    "ZERO_WIDTH_JOINER",
    "code_span",
    "count",
    "escape",
    "escape_message",
    "link",
    "render",
    "summary",
]

# GitHub refuses a comment longer than 65,536 characters. The comment adds the approvals, so
# the findings get a little less; the job summary (1 MiB) has room for the same text.
DEFAULT_LIMIT = 60_000
# The longest table row. A longer message is shortened to fit (its start kept, with a note), so
# no finding is left out of the comment for its length: a full comment shows some 35 to 40 rows.
ROW_LIMIT = 1_500
# The least room a message needs to say something useful once shortened: a row that would not
# have it at the end of the comment is left for the "more findings" note.
_LEAST_MESSAGE = 200

TABLE_HEAD = "| Line | Kind | Rule | What to change |"
_SEVERITY = {
    Severity.ERROR: "❌ Error",
    Severity.WARNING: "⚠️ Warning",
    Severity.WAIVED: "ℹ️ Waived",
}


class Links(Protocol):
    """Where the parts of a finding point; None leaves that part as plain text."""

    def file(self, path: str) -> str | None: ...

    def line(self, path: str, line: int) -> str | None: ...

    def rule(self, code: str) -> str | None: ...


def _more_note(hidden: int) -> str:
    return (
        f"**{count(hidden, 'more finding')} not shown here**, to keep this message within "
        "GitHub's size limit. Run `socialreg validate` on the branch to see them all."
    )


def render(
    report: Report,
    limit: int = DEFAULT_LIMIT,
    links: Links | None = None,
    more: Callable[[int], str] = _more_note,
) -> str:
    """The whole report as Markdown, at most `limit` characters long.

    `links` makes file names, line numbers and rule codes links; `more(n)` is the sentence
    said when n findings do not fit (at most 300 characters). Compared with a base, the
    findings already there follow in a folded section of their own.
    """
    lines = [summary(report), ""]
    # Keep room for the note that says how many findings did not fit.
    budget = limit - 400 - len(lines[0])
    tables, shown, budget = _tables(report.new_findings, links, budget)
    lines.extend(tables)
    existing = report.existing_findings
    if report.baseline is not None and existing:
        opening = (
            f"<details><summary>{count(len(existing), 'finding')} already on "
            f"{escape(report.baseline.base)}, not caused by this pull request</summary>"
        )
        budget -= len(opening) + 20
        tables, shown_apart, budget = _tables(existing, links, budget)
        if tables:
            lines.extend([opening, "", *tables, "</details>", ""])
            shown += shown_apart
    hidden = len(report.findings) - shown
    if hidden:
        lines.append(more(hidden))
    return "\n".join(lines).rstrip("\n") + "\n"


def _tables(
    findings: list[Finding], links: Links | None, budget: int
) -> tuple[list[str], int, int]:
    """A table per file for `findings`, as far as `budget` characters go: the lines, how many
    findings they show, and the budget left."""
    lines: list[str] = []
    shown = 0
    for path, group in groupby(findings, key=lambda finding: finding.path):
        heading = link(escape(path), links.file(path) if links else None)
        section = [f"#### {heading}", "", TABLE_HEAD, "|---:|---|---|---|"]
        rows: list[str] = []
        budget -= sum(len(line) + 1 for line in section) + 1
        full = False
        for finding in group:
            row = table_row(finding, links, min(ROW_LIMIT, budget - 1))
            if len(row) + 1 > budget:
                full = True
                break
            rows.append(row)
            budget -= len(row) + 1
        if rows:
            lines.extend([*section, *rows, ""])
            shown += len(rows)
        if full:
            return lines, shown, 0
    return lines, shown, budget


def summary(report: Report) -> str:
    """The counts, in a sentence, with what to do next."""
    text = _counts(report)
    baseline = report.baseline
    if baseline is None:
        return text
    base = escape(baseline.base)
    if report.existing_findings:
        existing = len(report.existing_findings)
        text += (
            f" Only what this pull request changes is counted: "
            f"{count(existing, 'finding')} already on {base} "
            f"{'is' if existing == 1 else 'are'} listed apart below and "
            f"{'does' if existing == 1 else 'do'} not stop the merge."
        )
    if baseline.fixed:
        fixed = len(baseline.fixed)
        text += (
            f"\n\n🎉 This pull request fixes {count(fixed, 'finding')} that "
            f"{'was' if fixed == 1 else 'were'} on {base}."
        )
    return text


def _counts(report: Report) -> str:
    numbers = report.deciding_summary
    checked = f"{count(numbers.files, 'file')} checked"
    waived = (
        f" {count(numbers.waived, 'finding')} {'is' if numbers.waived == 1 else 'are'} "
        "excused by a waiver in the record, shown below."
        if numbers.waived
        else ""
    )
    if numbers.errors:
        also = f" and {count(numbers.warnings, 'warning')}" if numbers.warnings else ""
        return (
            f"### ❌ {count(numbers.errors, 'error')}{also}\n\n{checked}. Each row below says "
            f"where the problem is and what to write instead. Errors must be fixed before the "
            f"pull request can be merged; warnings are worth a look.{waived}"
        )
    if numbers.warnings:
        return (
            f"### ⚠️ No errors, {count(numbers.warnings, 'warning')}\n\n{checked}. Nothing "
            f"stops the merge, but the rows below are worth a look.{waived}"
        )
    if report.existing_findings:
        return (
            f"### ✅ Nothing new to fix\n\n{checked}: this pull request adds no problems.{waived}"
        )
    return f"### ✅ All clear\n\n{checked}, no problems found.{waived}"


def table_row(finding: Finding, links: Links | None = None, limit: int = ROW_LIMIT) -> str:
    """The finding's row, at most `limit` characters long when the message can be shortened to
    fit (to no less than a few words; the caller checks what it got)."""
    line = link(str(finding.line), links.line(finding.path, finding.line) if links else None)
    rule = link(escape(finding.rule), links.rule(finding.rule) if links else None)
    start = f"| {line} | {_SEVERITY[finding.severity]} | {rule} | "
    room = max(limit - len(start) - len(" |"), _LEAST_MESSAGE)
    return f"{start}{escape_message_within(finding.message, room)} |"


def count(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"
