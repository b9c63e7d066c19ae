"""The org/ files as the generators need them, and whether they can be used at all.

Every file generated from org/ (CODEOWNERS, the issue forms, the pull request template,
docs/rules.md) would spread a mistake in org/ to places that are hard to see. So the org/ files
are checked as `validate` checks them (readable YAML, their schemas, the rule settings and the
references between them) before anything is generated, and an error stops the generators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialreg.check.pipeline import load_repository
from socialreg.check.policy_settings import check_policy_settings
from socialreg.findings import Finding, Severity
from socialreg.load.model import Repository
from socialreg.rules.org_references import check_org_references


@dataclass(frozen=True, slots=True)
class OrgState:
    """The data of the three org/ files, the account ids, and the errors that stop generating."""

    root: Path
    organization: dict[str, Any]
    units: dict[str, Any]
    policy: dict[str, Any]
    accounts: tuple[str, ...] = ()
    errors: tuple[Finding, ...] = field(default=())

    @property
    def unit_map(self) -> dict[str, Any]:
        units = self.units.get("units")
        return units if isinstance(units, dict) else {}


def read_org(root: Path) -> OrgState:
    """Load and check the org/ files of the registry at `root`."""
    repository: Repository = load_repository(root, only=[])
    findings = [
        *(finding for finding in repository.findings if finding.path.startswith("org/")),
        *check_policy_settings(repository.policy),
        *check_org_references(repository),
    ]
    errors = tuple(finding for finding in findings if finding.severity is Severity.ERROR)
    return OrgState(
        root,
        repository.org_data("organization"),
        repository.org_data("units"),
        repository.org_data("policy"),
        tuple(sorted(repository.accounts)),
        errors,
    )


def error_lines(state: OrgState) -> list[str]:
    """One line per error, `file:line:column: message`, as the generators print them."""
    return [
        f"{error.path}:{error.line}:{error.column}: error {error.rule} {error.message}"
        for error in state.errors
    ]
