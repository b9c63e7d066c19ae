"""The hostile corpus (tests/hostile/cases): every case, run through the `socialreg` command.

Adding a case is adding a folder; tests/hostile/corpus.py says what a case may state.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .hostile.corpus import Case, collect, run_case

CASES = collect()
# A case marked `fixed_by` runs, and must fail until that issue lands (then the mark goes).
PARAMETERS = [
    pytest.param(
        case,
        id=case.id,
        marks=[pytest.mark.xfail(strict=True, reason=f"left to {case.fixed_by}")]
        if case.fixed_by
        else [],
    )
    for case in CASES
]


@pytest.mark.parametrize("case", PARAMETERS)
def test_case(case: Case, tmp_path: Path) -> None:
    outcome = run_case(case, tmp_path)
    assert not outcome.problems, "\n".join(outcome.problems)


def test_the_corpus_covers_every_class_the_issue_names() -> None:
    classes = {case.folder.parent.name for case in CASES}
    assert classes == {
        "yaml",
        "unicode",
        "filesystem",
        "numbers-dates",
        "policy",
        "escaping",
        "command-line",
    }
    assert len(CASES) >= 100
    for case in CASES:
        assert case.about, f"{case.id} says nothing about what it tries"
        assert case.exit in (0, 1, 2), case.id
