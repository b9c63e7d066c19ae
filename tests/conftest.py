"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from github_server import FakeGitHub


@pytest.fixture
def github_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    """A local GitHub REST API (Enterprise-style root) with GITHUB_TOKEN and GITHUB_API_URL set."""
    with FakeGitHub() as server:
        monkeypatch.setenv("GITHUB_TOKEN", server.token)
        monkeypatch.setenv("GITHUB_API_URL", server.api_url)
        for name in ("GITHUB_SERVER_URL", "GITHUB_RUN_ID", "GITHUB_REPOSITORY"):
            monkeypatch.delenv(name, raising=False)
        yield server
