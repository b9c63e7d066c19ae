"""`socialreg github approvals` end to end, against the local GitHub stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from socialreg.cli import main

from .github_server import FakeGitHub, Pull, Repo

REPO = "norrvik-university/social-media-registry"
ORGANIZATION = """\
name: Norrvik University
email_domains: [norrvik.example]
communications:
  name: Communications Office
  email: communications@norrvik.example
  reviewers: [maria-lind, johan-ek]
maintainers: [erik-holm]
registry:
  title: Norrvik University's official social media accounts
  language: en
  contact_email: socialmedia@norrvik.example
"""
UNITS = """\
units:
  library:
    name: Norrvik University Library
    contact_email: library@norrvik.example
    supervisors:
      - {name: Anna Berg, email: anna.berg@norrvik.example, github: anna}
      - {name: Erik Strand, email: erik.strand@norrvik.example, github: erik}
  careers:
    name: Careers Service
    contact_email: careers@norrvik.example
    supervisors:
      - {name: Sofia Wikstrom, email: sofia.wikstrom@norrvik.example, github: sofia}
"""
RECORD = "platform: instagram\nhandle: norrviklibrary\nunit: library\nstatus: requested\n"
NEW_RECORD = "accounts/library/library-instagram.yaml"


def add_registry_repo(github_server: FakeGitHub) -> Repo:
    """The registry repository on the fake GitHub: org/ files, one record and a README."""
    return github_server.add_repo(
        REPO,
        {
            "org/organization.yaml": ORGANIZATION,
            "org/units.yaml": UNITS,
            "accounts/library/library-x.yaml": "platform: x\nunit: library\n",
            "README.md": "# Registry\n",
        },
    )


@pytest.fixture
def repo(github_server: FakeGitHub) -> Repo:
    return add_registry_repo(github_server)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["github", "approvals", "--repo", REPO, *args])


def check(pull: Pull, *args: str) -> Result:
    return run("--pr", str(pull.number), *args)


def status_of(repo: Repo, pull: Pull) -> dict[str, str]:
    statuses = repo.statuses_for(pull.head_sha)
    assert len(statuses) == 1
    assert statuses[0]["context"] == "socialreg/approvals"
    return statuses[0]


def test_both_keys_present_sets_success(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    result = check(pull)
    assert result.exit_code == 0, result.output
    status = status_of(repo, pull)
    assert status["state"] == "success"
    assert len(status["description"]) <= 140
    assert "### ✅ Approvals: complete" in result.stdout
    assert "| Supervisor of `library` | `@anna`, `@erik` | ✅ `@anna` |" in result.stdout


def test_supervisor_missing(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "maria-lind")
    result = check(pull)
    assert result.exit_code == 0
    status = status_of(repo, pull)
    assert status["state"] == "pending"
    assert status["description"] == "waiting for: a supervisor of library (@anna, @erik)"
    assert "**Waiting for:** a supervisor of `library` (`@anna`, `@erik`)." in result.stdout


def test_communications_missing(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "erik")
    assert check(pull).exit_code == 0
    assert status_of(repo, pull)["description"] == "waiting for: communications"


def test_nothing_approved_yet(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    assert check(pull).exit_code == 0
    assert status_of(repo, pull)["description"] == (
        "waiting for: a supervisor of library (@anna, @erik); communications"
    )


def test_one_person_holding_both_roles_counts_once(github_server: FakeGitHub, repo: Repo) -> None:
    # On the base branch, maria-lind is a communications reviewer and a library supervisor.
    repo.branch(
        "main",
        {
            **repo.resolve("main").files,
            "org/units.yaml": UNITS.replace("github: erik}", "github: maria-lind}"),
        },
    )
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "maria-lind")
    result = check(pull)
    assert status_of(repo, pull)["state"] == "pending"
    assert "one person counts for one key only" in result.stdout
    repo.review(pull, "johan-ek")
    check(pull)
    assert repo.statuses_for(pull.head_sha)[-1]["state"] == "success"


def test_the_author_approving_their_own_request_does_not_count(repo: Repo) -> None:
    pull = repo.open_pull("anna", {NEW_RECORD: RECORD})
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    result = check(pull)
    status = status_of(repo, pull)
    assert status["state"] == "pending"
    assert status["description"] == "waiting for: a supervisor of library (@erik)"
    assert "their own approval never counts" in result.stdout


def test_an_approval_on_an_earlier_push_no_longer_counts(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    repo.push(pull, {NEW_RECORD: RECORD.replace("requested", "active")})
    result = check(pull)
    status = status_of(repo, pull)
    assert status["state"] == "pending"
    assert status["description"] == (
        "waiting for: a supervisor of library (@anna, @erik); communications"
    )
    assert "approved an earlier push" in result.stdout


@pytest.mark.parametrize(
    "changes", [{"README.md": "# Registry\n\nMore words.\n"}, {NEW_RECORD: RECORD}]
)
def test_any_push_after_the_approvals_asks_for_them_again(
    repo: Repo, changes: dict[str, str | None]
) -> None:
    # Even a push that leaves the records as they were: only the most recent push counts.
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD, "README.md": "# Registry\n\nNew.\n"})
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    repo.review(pull, "erik-holm")
    check(pull)
    assert status_of(repo, pull)["state"] == "success"
    repo.push(pull, changes)
    check(pull)
    assert status_of(repo, pull)["state"] == "pending"


def test_approval_before_a_force_push_does_not_count(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    # A new history: the reviewed commit is no longer an ancestor of the head.
    pull.head_sha = repo.change(pull.base_sha, {NEW_RECORD: RECORD + "name: Library\n"})
    check(pull)
    assert status_of(repo, pull)["state"] == "pending"


def test_changes_requested_then_approved(repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind", "CHANGES_REQUESTED")
    result = check(pull)
    assert status_of(repo, pull)["description"] == (
        "changes requested by @maria-lind; waiting for: communications"
    )
    assert "**Changes requested by** `@maria-lind`." in result.stdout
    repo.review(pull, "maria-lind", "APPROVED")
    check(pull)
    assert repo.statuses_for(pull.head_sha)[-1]["state"] == "success"


def test_a_pull_request_that_makes_its_author_a_supervisor_cannot_approve_itself(
    repo: Repo,
) -> None:
    units = UNITS.replace(
        "github: sofia}",
        "github: sofia}\n      - {name: Olle Ek, email: olle.ek@norrvik.example, github: olle}",
    ).replace(
        "github: erik}",
        "github: erik}\n      - {name: Vera, email: v@norrvik.example, github: vera}",
    )
    pull = repo.open_pull("olle", {"org/units.yaml": units, "accounts/library/olle.yaml": RECORD})
    repo.review(pull, "olle")
    repo.review(pull, "vera")  # added as a library supervisor by this very pull request
    repo.review(pull, "maria-lind")
    result = check(pull)
    status = status_of(repo, pull)
    assert status["state"] == "pending"
    assert status["description"] == (
        "waiting for: a supervisor of library (@anna, @erik); a registry maintainer"
    )
    assert "holds none of the keys" in result.stdout
    assert "changes `org/units.yaml`" in result.stdout


def test_more_than_one_page_of_reviews(github_server: FakeGitHub, repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    for index in range(130):
        repo.review(pull, f"visitor-{index}", "COMMENTED")
    repo.review(pull, "anna")
    repo.review(pull, "maria-lind")
    check(pull)
    assert status_of(repo, pull)["state"] == "success"
    pages = [
        path for method, path, _ in github_server.requests if path.endswith("/pulls/1/reviews")
    ]
    assert len(pages) == 2


def test_a_record_moved_between_units_needs_both_supervisors(repo: Repo) -> None:
    pull = repo.open_pull(
        "olle",
        {
            "accounts/library/library-x.yaml": None,
            "accounts/careers/library-x.yaml": "platform: x\nunit: careers\n",
        },
    )
    repo.review(pull, "sofia")
    repo.review(pull, "maria-lind")
    result = check(pull)
    assert status_of(repo, pull)["description"] == (
        "waiting for: a supervisor of library (@anna, @erik)"
    )
    assert "| Supervisor of `careers` | `@sofia` | ✅ `@sofia` |" in result.stdout
    repo.review(pull, "erik")
    check(pull)
    assert repo.statuses_for(pull.head_sha)[-1]["state"] == "success"


def test_dry_run_writes_nothing(github_server: FakeGitHub, repo: Repo) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    result = check(pull, "--dry-run")
    assert result.exit_code == 0
    assert "Dry run: socialreg/approvals would be pending" in result.stderr
    assert github_server.writes() == []
    assert repo.statuses == []


def test_summary_file_and_details_url(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    summary = tmp_path / "summary.md"
    result = check(pull, "--summary-file", str(summary), "--details-url", "https://ci.example/1")
    assert result.exit_code == 0
    assert summary.read_text(encoding="utf-8") == result.stdout
    assert status_of(repo, pull)["target_url"] == "https://ci.example/1"


@pytest.mark.parametrize(
    ("code", "path", "words"),
    [
        (401, r"/pulls/\d+$", "invalid or has expired"),
        (403, r"/statuses/", "no permission"),
        (404, r"/pulls/\d+$", "does not exist"),
        (500, r"/reviews", "GitHub is having trouble (500)"),
        (502, r"/contents/", "GitHub is having trouble (502)"),
        (503, r"/git/trees/", "GitHub is having trouble (503)"),
        (500, r"/collaborators/", "GitHub is having trouble (500)"),
        (502, r"/branches/", "GitHub is having trouble (502)"),
        (500, r"/events", "GitHub is having trouble (500)"),
    ],
)
def test_api_errors_give_one_line_and_exit_2(
    github_server: FakeGitHub, repo: Repo, code: int, path: str, words: str
) -> None:
    pull = repo.open_pull("olle", {NEW_RECORD: RECORD})
    repo.review(pull, "anna")
    github_server.fail(path, code)
    result = check(pull)
    assert result.exit_code == 2
    assert words in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert github_server.token not in result.output
    assert "Traceback" not in result.output


def test_a_bad_token_is_never_printed(
    github_server: FakeGitHub, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_wrong-token-that-must-stay-secret")
    result = run("--pr", "1")
    assert result.exit_code == 2
    assert "invalid or has expired" in result.stderr
    assert "ghp_wrong-token-that-must-stay-secret" not in result.output


def test_missing_token_and_unknown_repository(
    github_server: FakeGitHub, repo: Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    unknown = CliRunner().invoke(
        main, ["github", "approvals", "--repo", "norrvik/nothing", "--pr", "1"]
    )
    assert unknown.exit_code == 2
    assert "(404)" in unknown.stderr
    monkeypatch.delenv("GITHUB_TOKEN")
    missing = run("--pr", "1")
    assert missing.exit_code == 2
    assert "GITHUB_TOKEN is not set" in missing.stderr


def test_unreachable_api_gives_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "secret-token-value")
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9/api/v3")
    result = run("--pr", "1")
    assert result.exit_code == 2
    assert "Cannot reach GitHub at http://127.0.0.1:9/api/v3" in result.stderr
    assert "secret-token-value" not in result.output


def test_usage_errors_exit_2(github_server: FakeGitHub) -> None:
    assert run("--pr", "0").exit_code == 2
    assert CliRunner().invoke(main, ["github", "approvals", "--pr", "1"]).exit_code == 2
    bad_repo = CliRunner().invoke(main, ["github", "approvals", "--repo", "nope", "--pr", "1"])
    assert bad_repo.exit_code == 2
    assert "OWNER/NAME" in bad_repo.stderr
