"""Every file made from the org/ files, written or checked by one command (`socialreg generate`).

Each derived file is one row of DERIVED_FILES: where it is written and the function that makes
its text from the org/ files. `generate` refuses to write anything while org/ has errors, and
`generate --check` says, with a diff, which committed file is out of date. Adding a derived file
is adding a row.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from socialreg.adopt.issue_forms import (
    render_form,
    render_form_config,
    render_pull_request_template,
)
from socialreg.adopt.org_state import OrgState, error_lines, read_org
from socialreg.codeowners import read_owners, render
from socialreg.reporters.rules_page import rules_markdown
from socialreg.sources import sources_markdown


@dataclass(frozen=True, slots=True)
class DerivedFile:
    path: str  # relative to the repository root
    render: Callable[[OrgState], str]


def _codeowners(state: OrgState) -> str:
    return render(read_owners(state.organization, state.units))


DERIVED_FILES: tuple[DerivedFile, ...] = (
    DerivedFile("CODEOWNERS", _codeowners),
    DerivedFile(
        ".github/ISSUE_TEMPLATE/request-account.yml",
        lambda state: render_form("request-account.yml", state),
    ),
    DerivedFile(
        ".github/ISSUE_TEMPLATE/request-campaign.yml",
        lambda state: render_form("request-campaign.yml", state),
    ),
    DerivedFile(".github/ISSUE_TEMPLATE/config.yml", render_form_config),
    DerivedFile(".github/PULL_REQUEST_TEMPLATE.md", render_pull_request_template),
    DerivedFile("docs/rules.md", lambda state: rules_markdown(state.root)),
    DerivedFile("docs/sources.md", lambda state: sources_markdown()),
)


@dataclass(slots=True)
class GenerateResult:
    """What `generate` did or found; the command prints it and picks the exit code."""

    org_errors: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    current: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    diff: str = ""

    @property
    def ok(self) -> bool:
        return not self.org_errors and not self.stale


def expected_files(state: OrgState) -> dict[str, str]:
    """The text every derived file should have."""
    return {derived.path: derived.render(state) for derived in DERIVED_FILES}


def generate(root: Path, check: bool = False) -> GenerateResult:
    """Write every derived file (or, with `check`, compare them with what is committed)."""
    result = GenerateResult()
    state = read_org(root)
    if state.errors:
        result.org_errors = error_lines(state)
        return result
    diffs: list[str] = []
    for path, expected in expected_files(state).items():
        target = root / path
        try:
            current = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current == expected:
            result.current.append(path)
        elif check:
            result.stale.append(path)
            diffs.extend(
                difflib.unified_diff(
                    (current or "").splitlines(keepends=True),
                    expected.splitlines(keepends=True),
                    fromfile=f"{path} (committed)" if current is not None else f"{path} (missing)",
                    tofile=f"{path} (from org/)",
                )
            )
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(expected, encoding="utf-8")
            result.written.append(path)
    result.diff = "".join(diffs)
    return result
