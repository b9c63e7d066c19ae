"""The one result type that flows from every check to every output.

A check yields findings; reporters turn them into words. Nothing else carries results, so the
text report, the JSON report, GitHub annotations, the pull request comment and the SARIF file
all describe exactly the same problems.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from socialreg.characters import visible

_SPACES = re.compile(r"[\t\n\r]")

# A message says what is wrong and what to write instead. One that quotes a whole pasted value
# (50 KB of text in a purpose) would carry it into every report, annotation and the pull
# request comment, so a longer message keeps its start and says it was shortened.
MAX_MESSAGE = 2_000
_SHORTENED = re.compile(r" … \(shortened from ([\d,]+) characters\)$")


class Severity(enum.StrEnum):
    """How loud a finding is. The policy decides this, never the rule that found it."""

    ERROR = "error"
    WARNING = "warning"
    # A finding that a valid waiver in the record excuses: shown, never hidden, never failing.
    WAIVED = "waived"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place in one file.

    `path` is relative to the repository root and uses forward slashes. `line` and `column`
    are 1-based. `json_path` names the value in the document, like
    `$.monitoring.response_time_hours`; a finding about a missing key points at the mapping
    that lacks it.
    """

    path: str
    line: int
    column: int
    rule: str
    severity: Severity
    message: str
    json_path: str = "$"

    def __post_init__(self) -> None:
        # Messages quote what people wrote, and paths are file names a pull request chose:
        # neither may carry a raw control character into a terminal, a log or a report, nor
        # break the one line a finding takes (a message's line breaks become spaces).
        # Text that is all printable holds none of those (a test checks each), and knowing it
        # is one pass in C: the regular expressions below cost 20 µs a finding.
        if (
            len(self.message) <= MAX_MESSAGE
            and self.message.isprintable()
            and self.path.isprintable()
            and self.json_path.isprintable()
        ):
            return
        for name in ("path", "message", "json_path"):
            text = getattr(self, name)
            shown = visible(_SPACES.sub(" ", text) if name == "message" else text)
            if name == "message":
                shown = shortened(shown, MAX_MESSAGE)
            if shown != text:
                object.__setattr__(self, name, shown)

    def __reduce__(self) -> tuple[type[Finding], tuple[Any, ...]]:
        # Pickled (from a worker process) as its fields, made again by the constructor: the
        # dataclass's own way sets each frozen field through object.__setattr__, 25 µs a finding.
        return (
            Finding,
            (
                self.path,
                self.line,
                self.column,
                self.rule,
                self.severity,
                self.message,
                self.json_path,
            ),
        )

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "severity": str(self.severity),
            "rule": self.rule,
            "message": self.message,
            "json_path": self.json_path,
        }


def shortened(text: str, limit: int) -> str:
    """`text` when it has at most `limit` characters; else its start, cut at a space when one
    is near, and a note that says it was shortened: at most `limit` characters in all (a
    `limit` shorter than the note gives the note alone)."""
    if len(text) <= limit:
        return text
    # Shortened again (a message in a table row): the note keeps the length of the original.
    earlier = _SHORTENED.search(text)
    length = earlier.group(1) if earlier else f"{len(text):,}"
    text = text[: earlier.start()] if earlier else text
    note = f" … (shortened from {length} characters)"
    start = text[: max(limit - len(note), 0)]
    space = start.rfind(" ")
    if space > 0 and space >= len(start) - 40:  # a word is cut only when it is very long
        start = start[:space]
    return (start.rstrip() + note).strip()


@dataclass(frozen=True, slots=True)
class Summary:
    files: int
    errors: int
    warnings: int
    waived: int

    @classmethod
    def of(cls, findings: Iterable[Finding], files: int) -> Summary:
        counts = {severity: 0 for severity in Severity}
        for finding in findings:
            counts[finding.severity] += 1
        return cls(
            files=files,
            errors=counts[Severity.ERROR],
            warnings=counts[Severity.WARNING],
            waived=counts[Severity.WAIVED],
        )


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


@dataclass(frozen=True, slots=True)
class Baseline:
    """How a run compares with a base commit (`validate --base REF`, in CI the pull request's
    base): which findings were already there, and which of the base's findings are gone."""

    base: str  # the base as people know it, like "main"
    existing: frozenset[Finding]  # findings of the report that the base already had
    fixed: tuple[Finding, ...] = ()  # findings of the base this change removes (base paths)

    def is_new(self, finding: Finding) -> bool:
        return finding not in self.existing


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of a run: sorted findings and their counts, for the reporters.

    With a `baseline`, only the new findings decide the outcome; the others are shown apart.
    """

    findings: list[Finding]
    summary: Summary
    baseline: Baseline | None = None

    @property
    def new_findings(self) -> list[Finding]:
        baseline = self.baseline
        if baseline is None:
            return self.findings
        return [finding for finding in self.findings if baseline.is_new(finding)]

    @property
    def existing_findings(self) -> list[Finding]:
        baseline = self.baseline
        if baseline is None:
            return []
        return [finding for finding in self.findings if not baseline.is_new(finding)]

    @property
    def deciding_summary(self) -> Summary:
        """The counts that decide the exit code: every finding, or only the new ones."""
        if self.baseline is None:
            return self.summary
        return Summary.of(self.new_findings, self.summary.files)
