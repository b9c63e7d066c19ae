"""Every case under tests/rules/cases, run through `validate` in a copy of the fixture."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.rules.casefiles import Case, collect, make_repository, write_case

from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.findings import Severity

CASES = collect()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")
    target = write_case(case, root)
    only = () if target.startswith("org/") else (target,)
    report = validate(ValidateOptions(root, only, case.today, strict=False))
    loud = [f for f in report.findings if f.severity is not Severity.WAIVED]
    shown = "\n".join(f"{f.path}:{f.line}: {f.severity} {f.rule} {f.message}" for f in loud)
    if case.outcome == "pass":
        assert not loud, f"a passing case raised:\n{shown}"
    else:
        assert case.expect, f"{case.file} has no `# expect:` line"
        raised = {(f.rule, str(f.severity)) for f in loud if f.path == target}
        assert raised == set(case.expect), f"expected {sorted(case.expect)}, got:\n{shown}"
        assert all(f.line >= 1 and f.column >= 1 and f.message for f in loud)
        assert not [f for f in loud if f.path != target], f"findings in other files:\n{shown}"
    for code in case.waived:
        waived = [f for f in report.findings if f.severity is Severity.WAIVED and f.rule == code]
        assert waived, f"expected a waived {code} finding"
        assert all("Waived until" in f.message for f in waived)


def test_every_case_names_its_rule() -> None:
    """A failing case is filed under the code it expects, so the folders are the index."""
    for case in CASES:
        if case.outcome == "fail":
            assert case.code in {code for code, _ in case.expect}, case.file
        assert case.outcome in ("pass", "fail"), case.file
