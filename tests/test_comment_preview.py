"""`socialreg github comment --dry-run --report FILE` with no token: a preview, no network.

Anyone can see the bot's comment on their own machine before opening a pull request.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from socialreg.cli import main
from socialreg.findings import Finding, Severity, Summary, sorted_findings
from socialreg.github.pr_comment import MARKER
from socialreg.reporters import Report
from socialreg.reporters.json_report import render as render_json

ACCOUNT = "accounts/library/library-instagram.yaml"


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """No token, and any attempt to open a connection fails the test."""
    for name in (
        "GITHUB_TOKEN",
        "GITHUB_API_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_SERVER_URL",
        "SOCIALREG_APP_ID",
        "SOCIALREG_APP_PRIVATE_KEY",
    ):
        monkeypatch.delenv(name, raising=False)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the preview tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def _report(tmp_path: Path) -> Path:
    findings = sorted_findings(
        [
            Finding(
                ACCOUNT,
                12,
                3,
                "SR105",
                Severity.ERROR,
                "Only one moderator is named. Name at least two people.",
                "$.moderators",
            )
        ]
    )
    path = tmp_path / "report.json"
    path.write_text(render_json(Report(findings, Summary.of(findings, 4))), encoding="utf-8")
    return path


@pytest.mark.usefixtures("offline")
def test_preview_needs_no_token_no_repository_and_no_network(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["github", "comment", "--dry-run", "--report", str(_report(tmp_path))]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(MARKER)
    assert "Only one moderator is named" in result.stdout
    assert "library-instagram.yaml" in result.stdout
    assert "GitHub was not asked" in result.stderr
    assert "account-request, needs-changes" in result.stderr


@pytest.mark.usefixtures("offline")
def test_posting_still_needs_the_repository_and_the_pull_request(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["github", "comment", "--report", str(_report(tmp_path))])
    assert result.exit_code == 2
    assert "--repo and --pr are needed to post the comment" in result.output
