"""The package's imports flow one way (docs/architecture.md), as import-linter checks them.

The contracts live in pyproject.toml ([tool.importlinter]). The second test plants an upward
import in a copy of the package, so we know the check is not blind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(PROJECT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        env=environment,
        cwd=package_parent,
        check=False,
    )


def test_imports_flow_one_way() -> None:
    result = _lint_imports(PROJECT / "tools")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    shutil.copytree(
        PROJECT / "tools" / "socialreg",
        tmp_path / "socialreg",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    model = tmp_path / "socialreg" / "load" / "model.py"
    model.write_text(model.read_text() + "\nimport socialreg.commands.validate  # upward\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "socialreg.load.model -> socialreg.commands.validate" in result.stdout
