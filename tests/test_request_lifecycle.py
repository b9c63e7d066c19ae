"""The request -> live lifecycle (issue 11, item 4), on a small registry of its own.

`new` asks whether the account exists; a merged request gets the next step as a comment; the
site never lists a requested account as official and its check page says "approved, not yet
opened". (The approvals side is in test_go_live.py, the audit side in rule SR116's cases.)
"""

from __future__ import annotations

import datetime
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from socialreg.check.pipeline import load_repository
from socialreg.cli import main
from socialreg.github.next_step import MARKER, comment, requests_in
from socialreg.load.documents import load_file
from socialreg.registry_site.build import build_site
from socialreg.registry_site.model import published_registry
from socialreg.registry_site.verify_data import verify_data

from .github_server import FakeGitHub

PROJECT = Path(__file__).resolve().parents[1]
FIXTURE = PROJECT / "tests" / "rules" / "fixture"
TODAY = "2026-11-21"
REQUEST = "accounts/library/library-instagram.yaml"


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    root = tmp_path / "registry"
    shutil.copytree(FIXTURE / "repo", root)
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    return root


def add_request(root: Path) -> None:
    data = yaml.safe_load((FIXTURE / "templates" / "account.yaml").read_text(encoding="utf-8"))
    data.update(
        {
            "platform": "instagram",
            "handle": "@library.norrvik",
            "url": "https://www.instagram.com/library.norrvik/",
            "name": "Library on Instagram",
            "status": "requested",
        }
    )
    (root / REQUEST).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


NEW_OPTIONS = [
    "--no-input",
    "--today",
    TODAY,
    "--unit",
    "library",
    "--platform",
    "bluesky",
    "--name",
    "Norrvik Library",
    "--handle",
    "@news.library.norrvik.example",
    "--url",
    "https://bsky.app/profile/news.library.norrvik.example",
    "--id",
    "library-news-bluesky",
    "--purpose",
    "Opening hours and workshops of the library for doctoral students, and nothing else: no "
    "general university news.",
    "--goal",
    "Fill the workshops | Sign-ups that name Bluesky | 50 sign-ups by June 2027",
    "--audience",
    "Doctoral students",
    "--owner-name",
    "Lina Berg",
    "--owner-email",
    "lina.berg@norrvik.example",
    "--owner-github",
    "lina-berg",
    "--moderator",
    "Lina Berg | lina.berg@norrvik.example | lina-berg",
    "--moderator",
    "Oskar Falk | oskar.falk@norrvik.example | oskar-falk",
    "--holiday-cover",
    "Two moderators alternate weeks, holidays included.",
    "--house-rules-url",
    "https://www.norrvik.example/library/rules",
    "--tone",
    "Calm and factual.",
    "--existing-channels-reviewed",
    "yes",
    "--related-account",
    "library-facebook",
    "--personal-data-assessment",
    "Dnr NU 2026/99",
]


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        ([], "requested"),  # the usual way: not opened yet
        (["--exists", "no"], "requested"),
        (["--exists", "yes", "--status", "active"], "active"),
        (["--exists", "yes", "--status", "pilot"], "pilot"),
        (["--status", "active"], "active"),  # a live status says the account exists
    ],
)
def test_new_asks_whether_the_account_exists(
    registry: Path, answers: list[str], status: str
) -> None:
    result = CliRunner().invoke(
        main, ["--root", str(registry), "new", "account", *NEW_OPTIONS, *answers]
    )
    assert result.exit_code == 0, result.output
    document = load_file(registry, "accounts/library/library-news-bluesky.yaml").document
    assert document is not None
    assert document.data["status"] == status
    assert document.data["url"] == "https://bsky.app/profile/news.library.norrvik.example"


def test_the_interactive_question_explains_the_two_ways(registry: Path) -> None:
    given = [option for option in NEW_OPTIONS if option != "--no-input"]
    result = CliRunner().invoke(
        main,
        ["--root", str(registry), "new", "account", *given],
        input="\nmaybe\nno\n" + "\n" * 10,  # the supervisor: the only one
    )
    assert "Does the account already exist on the platform" in result.output
    assert "status: requested" in result.output  # the hint says what "no" means
    assert "Answer yes or no (not 'maybe')" in result.output
    assert result.exit_code == 0, result.output
    document = load_file(registry, "accounts/library/library-news-bluesky.yaml").document
    assert document is not None and document.data["status"] == "requested"


def test_an_existing_account_must_say_active_or_pilot(registry: Path) -> None:
    result = CliRunner().invoke(
        main, ["--root", str(registry), "new", "account", *NEW_OPTIONS, "--exists", "yes"]
    )
    assert result.exit_code == 2
    assert "--status is missing" in result.output
    with_request = [*NEW_OPTIONS, "--status", "requested", "--exists", "yes"]
    refused = CliRunner().invoke(main, ["--root", str(registry), "new", "account", *with_request])
    assert refused.exit_code == 2 and "requested" in refused.output


def test_a_requested_account_is_never_listed_as_official(registry: Path, tmp_path: Path) -> None:
    add_request(registry)
    repository = load_repository(registry)
    today = datetime.date.fromisoformat(TODAY)
    generated = datetime.datetime(2026, 11, 21, tzinfo=datetime.UTC)
    registry_model = published_registry(repository, today, generated)
    assert "library-instagram" not in {account.id for account in registry_model.accounts}
    assert [account.id for account in registry_model.requested] == ["library-instagram"]
    data = verify_data(registry_model)
    accounts = data["accounts"]
    assert isinstance(accounts, list)
    (entry,) = [account for account in accounts if account[2] == "@library.norrvik"]
    assert entry[3] == "requested" and entry[4] == ""  # named, not linked: it has no page
    keys = data["keys"]
    assert isinstance(keys, dict)
    assert accounts.index(entry) in keys["h:library.norrvik"]
    out = tmp_path / "site"
    build_site(repository, out, today, generated)
    assert not (out / "accounts" / "library-instagram.html").exists()
    assert "library.norrvik" not in (out / "index.html").read_text(encoding="utf-8")
    exported = json.loads((out / "registry.json").read_text(encoding="utf-8"))
    assert "library-instagram" not in json.dumps(exported)
    strings = (out / "verify.html").read_text(encoding="utf-8")
    assert "Approved, not yet opened" in strings


def test_the_next_step_names_the_requests_and_escapes_their_text() -> None:
    texts: dict[str, str | None] = {
        REQUEST: "name: '@everyone <b>hi</b>'\nplatform: instagram\nhandle: '@x'\n"
        "status: requested\n",
        "accounts/library/other.yaml": "name: Other\nstatus: active\n",
        "org/units.yaml": "status: requested\n",
    }
    requests = requests_in(texts)
    assert [request.path for request in requests] == [REQUEST]
    body = comment(requests, "lina-berg")
    assert body.startswith(MARKER)
    assert "@lina-berg, the next steps are yours" in body
    assert "<b>" not in body and "@everyone" not in body
    assert "`status: requested` to `status: active`" in body
    assert "communications office's approval is enough" in body
    assert "The requester, the next steps" in comment(requests, "not a login!")


def test_the_merged_request_gets_the_next_step_once(github_server: FakeGitHub) -> None:
    repo = github_server.add_repo("norrvik/registry", {"README.md": "# Registry\n"})
    request_text = (FIXTURE / "templates" / "account.yaml").read_text(encoding="utf-8")
    request_text = request_text.replace("status: active", "status: requested")
    pull = repo.open_pull("lina-berg", {REQUEST: request_text})
    other = repo.open_pull("lina-berg", {"accounts/library/y.yaml": "status: active\n"})

    def run(commit: str) -> str:
        result = CliRunner().invoke(
            main, ["github", "next-step", "--repo", "norrvik/registry", "--commit", commit]
        )
        assert result.exit_code == 0, result.output
        return result.output

    assert "posted the next step for 1 request" in run(pull.head_sha)
    comments = repo.issues[pull.number].comments
    assert len(comments) == 1 and comments[0].body.startswith(MARKER)
    assert "already posted" in run(pull.head_sha)
    assert len(repo.issues[pull.number].comments) == 1
    assert "nothing to say" in run(other.head_sha)
    assert repo.issues[other.number].comments == []
