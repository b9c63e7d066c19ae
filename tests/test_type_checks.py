"""The tests are type-checked as strictly as the package (mypy --strict, pyproject.toml).

A helper typed loosely hides what a test compares: `list[object]` for a list of findings let
`finding[5]` mean anything. The pre-commit hook checks the package (tests/test_pre_commit.py).
The tests import pytest, hypothesis and Playwright, which that hook's environment does not
hold, so they are checked here, with this environment's mypy, and by `make lint`.
"""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPOSITORY


def test_the_tests_pass_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "tests"],
        cwd=REPOSITORY,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
