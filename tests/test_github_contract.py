"""Contract tests: socialreg's GitHub requests against GitHub's own OpenAPI description.

Stoplight Prism (npm `@stoplight/prism-cli`) runs as a validating proxy in front of the local
GitHub (tests/github_server.py). It loads the part of GitHub's published OpenAPI description
(npm `@octokit/openapi`) that socialreg uses (tests/contract/openapi_subset.py) and, with
`--errors`, answers every request the description rejects with 422 instead of passing it on,
and every answer of the local GitHub that the description rejects with 500. So these tests fail
when socialreg.github.api sends something GitHub would refuse (a wrong field, a value outside an
enum, a missing required field, a wrong path) and when the local GitHub answers unlike GitHub.

`make contract-tools` installs both packages from .ci/contract/package-lock.json into
.ci/contract/node_modules (ignored by git); the test suite fails with that instruction when they
are missing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from socialreg.cli import main
from socialreg.findings import Summary
from socialreg.github.api import GitHub, GitHubError
from socialreg.reporters import Report
from socialreg.reporters.json_report import render as render_json

from .contract.openapi_subset import write_subset
from .github_server import FakeGitHub, Repo, app_key_pair
from .test_github_approvals import RECORD, REPO, add_registry_repo

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / ".ci" / "contract" / "node_modules"
PRISM = NODE_MODULES / ".bin" / "prism"
OPENAPI = NODE_MODULES / "@octokit" / "openapi"
STARTUP_SECONDS = 120
NEW_RECORD = "accounts/library/library-instagram.yaml"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Proxy:
    """Prism in front of a local GitHub, and what it logged."""

    def __init__(self, server: FakeGitHub, url: str, log: Path) -> None:
        self.server = server
        self.url = url
        self.log = log

    def rejections(self) -> list[str]:
        """Every request (or answer) Prism found against GitHub's description so far.

        Prism writes its log a little after it answers; wait until the log stops growing.
        """
        size, deadline = -1, time.monotonic() + 5
        while time.monotonic() < deadline and self.log.stat().st_size != size:
            size = self.log.stat().st_size
            time.sleep(0.3)
        return [
            line
            for line in self.log.read_text(encoding="utf-8", errors="replace").splitlines()
            if "terminated with error" in line or "violation" in line.lower()
        ]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    if not PRISM.exists() or not OPENAPI.exists():
        pytest.fail("The contract tests need Prism and @octokit/openapi: run `make contract-tools`")
    folder = tmp_path_factory.mktemp("contract")
    spec = write_subset(OPENAPI, folder / "github-subset.json")
    log = folder / "prism.log"
    with FakeGitHub() as server, log.open("w", encoding="utf-8") as stream:
        port = _free_port()
        process = subprocess.Popen(
            [str(PRISM), "proxy", str(spec), server.api_url, "--errors", "-p", str(port)],
            stdout=stream,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
        )
        url = f"http://127.0.0.1:{port}"
        server.public_root = url
        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    pytest.fail("Prism stopped:\n" + log.read_text(encoding="utf-8"))
                try:  # a bare connection: a request would be checked (and logged) too
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"Prism did not start within {STARTUP_SECONDS} s")
            yield Proxy(server, url, log)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def repo(proxy: Proxy, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A fresh registry repository, reached through Prism with the workflow token."""
    proxy.server.repos.clear()
    monkeypatch.setenv("GITHUB_TOKEN", proxy.server.token)
    monkeypatch.setenv("GITHUB_API_URL", proxy.url)
    for name in ("GITHUB_SERVER_URL", "GITHUB_RUN_ID", "GITHUB_REPOSITORY", "SOCIALREG_APP_ID"):
        monkeypatch.delenv(name, raising=False)
    return add_registry_repo(proxy.server)


def assert_no_rejections(proxy: Proxy, before: int) -> None:
    rejected = proxy.rejections()[before:]
    assert rejected == [], "\n".join(rejected)


def test_the_approval_gate_asks_only_what_github_accepts(proxy: Proxy, repo: Repo) -> None:
    before = len(proxy.rejections())
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD, "README.md": "# New\n"})
    first = pull.head_sha
    repo.review(pull, "anna")
    repo.push(pull, {NEW_RECORD: RECORD + "name: Library\n"})
    repo.force_push(pull, first)
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    repo.review(pull, "erik-holm", "CHANGES_REQUESTED")
    repo.permissions["maria-lind"] = "none"
    result = CliRunner().invoke(main, ["github", "approvals", "--repo", REPO, "--pr", "1"])
    assert result.exit_code == 0, result.output
    assert repo.statuses_for(first)[-1]["state"] == "pending"
    assert_no_rejections(proxy, before)


def test_the_comment_and_labels_ask_only_what_github_accepts(
    proxy: Proxy, repo: Repo, tmp_path: Path
) -> None:
    before = len(proxy.rejections())
    repo.open_pull("olle", {NEW_RECORD: RECORD})
    report = tmp_path / "report.json"
    summary = Summary(files=1, errors=0, warnings=0, waived=0)
    report.write_text(render_json(Report([], summary)), encoding="utf-8")
    arguments = ["github", "comment", "--repo", REPO, "--pr", "1", "--report", str(report)]
    for _ in range(2):  # once to create the comment and labels, once to find and keep them
        result = CliRunner().invoke(main, [*arguments, "--approvals"])
        assert result.exit_code == 0, result.output
    assert len(repo.issues[1].comments) == 1
    assert repo.issues[1].labels == ["account-request"]
    assert_no_rejections(proxy, before)


def test_issues_ask_only_what_github_accepts(proxy: Proxy, repo: Repo) -> None:
    before = len(proxy.rejections())
    github = GitHub(proxy.server.token, proxy.url)
    repository = github.repository(REPO)
    issue = repository.create_issue("Audit: review overdue", "Body", ("audit",))
    assert [found.number for found in repository.issues("audit")] == [issue.number]
    repository.edit_issue(issue.number, body="Updated")
    repository.add_label(issue.number, "waiver", "fbca04", "A waiver")
    repository.remove_label(issue.number, "waiver")
    repository.close_issue(issue.number)
    assert repository.issues("audit") == []
    assert_no_rejections(proxy, before)


def test_the_app_login_and_check_run_ask_only_what_github_accepts(
    proxy: Proxy, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = len(proxy.rejections())
    private, public = app_key_pair()
    proxy.server.add_app(77, "socialreg-registry", public, (REPO,))
    monkeypatch.delenv("GITHUB_TOKEN")
    monkeypatch.setenv("SOCIALREG_APP_ID", "77")
    monkeypatch.setenv("SOCIALREG_APP_PRIVATE_KEY", private.decode("ascii"))
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    result = CliRunner().invoke(main, ["github", "approvals", "--repo", REPO, "--pr", "1"])
    assert result.exit_code == 0, result.output
    assert repo.check_runs[-1]["conclusion"] == "success"
    assert_no_rejections(proxy, before)


def test_a_request_the_description_rejects_fails(proxy: Proxy, repo: Repo) -> None:
    # Not a state GitHub knows: Prism answers 422 and the local GitHub never sees it.
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repository = GitHub(proxy.server.token, proxy.url).repository(REPO)
    before = len(proxy.rejections())
    with pytest.raises(GitHubError) as raised:
        repository.create_status(pull.head_sha, "approved", "socialreg/approvals", "Approved")
    assert raised.value.status == 422
    assert repo.statuses == []
    assert len(proxy.rejections()) == before + 1
    answer = requests.post(
        f"{proxy.url}/repos/{REPO}/check-runs",
        json={"head_sha": pull.head_sha, "status": "completed", "conclusion": "maybe"},
        headers={"Authorization": f"token {proxy.server.token}"},
        timeout=10,
    )
    assert answer.status_code == 422
    problems = json.loads(answer.text)["validation"]
    assert ["body", "conclusion"] in [problem["location"] for problem in problems]
    assert any("'name'" in problem["message"] for problem in problems)
