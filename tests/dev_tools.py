"""The project's own dev tools, as the tests run them: installed next to this Python."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def tool(name: str) -> str:
    """A command-line tool installed next to this Python (the project's dev dependencies)."""
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        pytest.fail(f"{name} is not installed: run pip install -e '.[dev]'")
    return str(path)


def check_builtin_schema(path: Path, schema: str) -> None:
    """`check-jsonschema --builtin-schema SCHEMA PATH` must pass."""
    result = subprocess.run(
        [tool("check-jsonschema"), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
