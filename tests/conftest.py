"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from .github_server import FakeGitHub

REPOSITORY = Path(__file__).resolve().parent.parent
# The fixture organisation the tests use: a copy of the template's example, kept under tests/
# so the suite does not depend on the records at the top of the repository.
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "example"
EXAMPLE_FOLDERS = ("org", "accounts", "campaigns")
TODAY = "2026-11-21"  # the day the example organisation was written for
# Every command run by the tests, in this process or a child process (pre-commit hooks, the
# installed `socialreg`), checks the example as on that day, so no test depends on the calendar.
os.environ["SOCIALREG_TODAY"] = TODAY
# The caches' key (load/index_cache.local_key) lives in the user's cache folder: the suite
# keeps its own, so it neither reads nor leaves one in the home folder of whoever runs it.
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="socialreg-tests-cache-"))


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A copy of the example organisation (org, records, schemas) to change freely."""
    return copy_example(tmp_path / "registry")


def copy_example(root: Path) -> Path:
    """The fixture organisation's org/ files and records, with the project's schemas."""
    for folder in EXAMPLE_FOLDERS:
        shutil.copytree(EXAMPLE / folder, root / folder)
    shutil.copytree(REPOSITORY / "schemas", root / "schemas")
    return root


@pytest.fixture
def github_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A local GitHub REST API (Enterprise-style root) with GITHUB_TOKEN and GITHUB_API_URL set."""
    with FakeGitHub() as server:
        monkeypatch.setenv("GITHUB_TOKEN", server.token)
        monkeypatch.setenv("GITHUB_API_URL", server.api_url)
        for name in ("GITHUB_SERVER_URL", "GITHUB_RUN_ID", "GITHUB_REPOSITORY"):
            monkeypatch.delenv(name, raising=False)
        yield server
