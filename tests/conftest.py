"""Fixtures shared by the whole suite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parent.parent
EXAMPLE_FOLDERS = ("org", "accounts", "campaigns", "schemas")
TODAY = "2026-11-21"  # the day the example organisation was written for


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A copy of the example organisation (org, records, schemas) to change freely."""
    root = tmp_path / "registry"
    for folder in EXAMPLE_FOLDERS:
        shutil.copytree(REPOSITORY / folder, root / folder)
    return root
