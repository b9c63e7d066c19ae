"""The GitHub facade against the local server: every call the bot and the audit need."""

from __future__ import annotations

import pytest

from socialreg.github.api import GitHub, GitHubError, explain_status

from .github_server import FakeGitHub, Repo

REPO = "norrvik-university/social-media-registry"


@pytest.fixture
def repo(github_server: FakeGitHub) -> Repo:
    return github_server.add_repo(REPO, {"org/units.yaml": "units: {}\n", "a.txt": "å\n"})


@pytest.fixture
def api(github_server: FakeGitHub) -> GitHub:
    return GitHub.from_environment()


def test_enterprise_style_root_is_used_as_given(github_server: FakeGitHub, repo: Repo) -> None:
    client = GitHub(github_server.token, github_server.api_url + "/")
    assert client.api_url == github_server.api_url
    assert client.repository(REPO).default_branch == "main"
    assert all(path.startswith("/api/v3/") for _, path, _ in github_server.requests)


def test_default_root_is_github_com() -> None:
    assert GitHub("token", "").api_url == "https://api.github.com"
    assert GitHub.from_environment({"GITHUB_TOKEN": "t"}).api_url == "https://api.github.com"
    with pytest.raises(GitHubError, match="must start with https://"):
        GitHub("token", "ftp://example")


def test_pull_request_files_reviews_and_contents(api: GitHub, repo: Repo) -> None:
    pull = repo.open_pull(
        "olle", {"accounts/b/x.yaml": "a: 1\nb: 2\n", "org/units.yaml": "units: {x: 1}\n"}
    )
    repo.push(pull, {"accounts/b/x.yaml": None, "accounts/c/x.yaml": "a: 1\nb: 2\n"})
    repo.review(pull, "anna", "CHANGES_REQUESTED")
    repository = api.repository(REPO)
    found = repository.pull_request(pull.number)
    assert (found.author, found.head_sha, found.base_ref, found.state) == (
        "olle",
        pull.head_sha,
        "main",
        "open",
    )
    files = {entry.filename: entry for entry in repository.pull_request_files(pull.number)}
    assert files["accounts/c/x.yaml"].status == "added"
    assert files["org/units.yaml"].status == "modified"
    (review,) = repository.reviews(pull.number)
    assert (review.user, review.state, review.commit_id) == (
        "anna",
        "CHANGES_REQUESTED",
        pull.head_sha,
    )
    assert repository.file_text("a.txt", "main") == "å\n"
    assert repository.file_text("org/units.yaml", pull.head_sha) == "units: {x: 1}\n"
    assert repository.file_text("missing.yaml", "main") is None


def test_a_rename_carries_the_previous_filename(api: GitHub, repo: Repo) -> None:
    repo.branch("main", {"accounts/a/x.yaml": "platform: x\nunit: a\nname: X\n"})
    pull = repo.open_pull(
        "olle", {"accounts/a/x.yaml": None, "accounts/b/x.yaml": "platform: x\nunit: b\nname: X\n"}
    )
    (entry,) = api.repository(REPO).pull_request_files(pull.number)
    assert (entry.filename, entry.status, entry.previous_filename) == (
        "accounts/b/x.yaml",
        "renamed",
        "accounts/a/x.yaml",
    )


def test_status_description_is_cut_to_140_characters(api: GitHub, repo: Repo) -> None:
    pull = repo.open_pull("olle", {"x.yaml": "1\n"})
    api.repository(REPO).create_status(
        pull.head_sha, "pending", "socialreg/approvals", "word " * 60, "https://ci.example/1"
    )
    (status,) = repo.statuses_for(pull.head_sha)
    assert len(status["description"]) == 140
    assert status["description"].endswith("…")
    assert status["target_url"] == "https://ci.example/1"


def test_comments_create_list_and_edit(api: GitHub, repo: Repo) -> None:
    pull = repo.open_pull("olle", {"x.yaml": "1\n"})
    repository = api.repository(REPO)
    comment = repository.create_comment(pull.number, "<!-- socialreg -->\nFirst")
    repository.edit_comment(pull.number, comment.id, "<!-- socialreg -->\nSecond")
    (listed,) = repository.comments(pull.number)
    assert (listed.id, listed.author, listed.body) == (
        comment.id,
        "github-actions[bot]",
        "<!-- socialreg -->\nSecond",
    )


def test_labels_are_created_when_missing(api: GitHub, repo: Repo) -> None:
    pull = repo.open_pull("olle", {"x.yaml": "1\n"})
    repository = api.repository(REPO)
    repository.add_label(pull.number, "needs approval", "fbca04", "Waiting for the two keys")
    assert repo.labels["needs approval"]["color"] == "fbca04"
    assert repository.labels(pull.number) == ["needs approval"]
    repository.add_label(pull.number, "needs approval")  # already there: no error
    repository.remove_label(pull.number, "needs approval")
    repository.remove_label(pull.number, "needs approval")  # gone already: no error
    assert repository.labels(pull.number) == []


def test_issues_list_create_edit_close(api: GitHub, repo: Repo) -> None:
    repo.open_pull("olle", {"x.yaml": "1\n"})  # a pull request is not listed as an issue
    repository = api.repository(REPO)
    created = repository.create_issue("Pilot ended: library-tiktok", "Body", ("audit",))
    assert created.labels == ("audit",)
    assert [issue.number for issue in repository.issues("audit")] == [created.number]
    repository.edit_issue(created.number, body="New body")
    assert repo.issues[created.number].body == "New body"
    repository.close_issue(created.number)
    assert repository.issues("audit") == []
    assert [issue.state for issue in repository.issues("audit", state="closed")] == ["closed"]


def test_issue_lists_follow_pages(github_server: FakeGitHub, api: GitHub, repo: Repo) -> None:
    for index in range(105):
        repo.add_issue(f"Issue {index}", labels=["audit"])
    assert len(api.repository(REPO).issues("audit")) == 105


@pytest.mark.parametrize("code", [401, 403, 404, 422, 500, 502, 503])
def test_every_http_error_is_one_line_without_the_token(
    github_server: FakeGitHub, api: GitHub, repo: Repo, code: int
) -> None:
    # The server echoes the Authorization header in its message: the token must not get through.
    github_server.fail(r"/issues$", code, method="POST", echo_authorization=True)
    with pytest.raises(GitHubError) as raised:
        api.repository(REPO).create_issue("Title", "Body")
    message = str(raised.value)
    assert raised.value.status == code
    assert "\n" not in message
    if code == 422:  # the one status whose message GitHub's own words reach
        assert "you sent: token ***" in message or "you sent: ***" in message, message
    assert github_server.token not in message
    assert f"({code})" in message


def test_explain_status_names_the_cause() -> None:
    assert "invalid or has expired" in explain_status(401, "x")
    assert "read-only token" in explain_status(403, "x")
    assert "rate limit" in explain_status(403, "x", "API rate limit exceeded")
    assert "does not exist" in explain_status(404, "x")
    assert "Try again" in explain_status(503, "x")


def test_only_the_github_package_imports_github3() -> None:
    from pathlib import Path

    package = Path(__file__).resolve().parents[1] / "tools" / "socialreg"
    importers = sorted(
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if any(
            line.strip().startswith(("import github3", "from github3"))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
    assert importers and all(path.startswith("github/") for path in importers), importers


def test_tree_modes_permissions_branches_and_force_pushes(
    api: GitHub, github_server: FakeGitHub, repo: Repo
) -> None:
    pull = repo.open_pull("olle", {"accounts/b/x.yaml": "a: 1\n"})
    repo.push(pull, {"accounts/b/link.yaml": "x.yaml"}, symlinks=("accounts/b/link.yaml",))
    repo.force_push(pull, pull.head_sha)
    repo.permissions.update({"reader": "read", "gone": "none", "keeper": "maintain"})
    repository = api.repository(REPO)
    tree = repository.tree_modes(pull.head_sha)
    assert tree.complete
    assert tree.modes["accounts/b/link.yaml"] == "120000"
    assert tree.modes["accounts/b/x.yaml"] == "100644"
    assert "accounts/b" not in tree.modes  # folders are not files
    assert repository.permission("reader") == "read"
    assert repository.permission("gone") == "none"  # 404: not a collaborator
    assert repository.permission("keeper") == "maintain"
    assert repository.permission("anyone") == "write"
    assert repository.branch_sha("main") == repo.branches["main"]
    assert len(repository.force_push_times(pull.number)) == 1
    assert [found.number for found in repository.open_pull_requests("main")] == [pull.number]
    assert repository.open_pull_requests("other") == []
    full = repository.pull_request(pull.number)
    assert full.changed_files == 2 and full.draft is False


@pytest.mark.parametrize(
    "env",
    [
        {"SOCIALREG_APP_ID": "12"},
        {"SOCIALREG_APP_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----\n..."},
        {"SOCIALREG_APP_ID": "twelve", "SOCIALREG_APP_PRIVATE_KEY": "PRIVATE KEY"},
        {
            "SOCIALREG_APP_ID": "12",
            "SOCIALREG_APP_PRIVATE_KEY": "PRIVATE KEY",
            "SOCIALREG_APP_INSTALLATION_ID": "x",
        },
    ],
)
def test_an_incomplete_app_setup_is_one_clear_message(env: dict[str, str]) -> None:
    with pytest.raises(GitHubError, match="SOCIALREG_APP_"):
        GitHub.from_environment({"GITHUB_TOKEN": "t", **env}, repository=REPO)


def test_the_app_must_be_installed_on_the_repository(github_server: FakeGitHub, repo: Repo) -> None:
    from .github_server import app_key_pair

    private, public = app_key_pair()
    github_server.add_app(5, "socialreg-registry", public, ("someone/else",))
    env = {
        "GITHUB_API_URL": github_server.api_url,
        "SOCIALREG_APP_ID": "5",
        "SOCIALREG_APP_PRIVATE_KEY": private.decode("ascii"),
    }
    with pytest.raises(GitHubError) as raised:
        GitHub.from_environment(env, repository=REPO)
    assert "is not installed on norrvik-university/social-media-registry" in str(raised.value)
    assert "PRIVATE KEY" not in str(raised.value)
    # With the installation named, the App logs in without asking where it is installed.
    github_server.apps[5].repositories = (REPO,)
    env["SOCIALREG_APP_INSTALLATION_ID"] = "51"
    client = GitHub.from_environment(env, repository=REPO)
    assert client.is_app and client.bot_login == "socialreg-registry[bot]"
    assert client.repository(REPO).full_name == REPO
