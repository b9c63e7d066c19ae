"""Reporters turn a `Report` into text for people or machines. They never check anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from socialreg.findings import Finding, Summary


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
    """The outcome of a run: sorted findings and their counts.

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


Reporter = Callable[[Report], str]


def reporters() -> dict[str, Reporter]:
    """Every output format by name, for `--format`."""
    from socialreg.reporters import github, json_report, markdown, sarif, text

    return {
        "text": text.render,
        "json": json_report.render,
        "github": github.render,
        "markdown": markdown.render,
        "sarif": sarif.render,
    }
