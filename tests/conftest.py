"""Shared fixtures: a private copy of the example registry for tests that write files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """A copy of the example organisation (org/, schemas/, accounts/, campaigns/) in tmp_path."""
    root = tmp_path / "registry"
    for folder in ("org", "schemas", "accounts", "campaigns"):
        shutil.copytree(REPOSITORY / folder, root / folder)
    return root
