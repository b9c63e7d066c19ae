"""`socialreg audit --online` end to end, against local servers that speak the protocols."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from socialreg.audit.issues import LABEL, marked_path
from socialreg.cli import main

from .github_server import FakeGitHub, Repo
from .identity_servers import IdentityServer

FIXTURE = Path(__file__).parent / "rules" / "fixture"
PROJECT = Path(__file__).resolve().parents[1]
REPO = "norrvik/registry"
PAGE = "https://social.norrvik.example/accounts/{}.html"
KEPT_DID = "did:plc:librarylibrarylibraryaaa"
LAB_DID = "did:plc:sleeplabsleeplabsleeplab"
OTHER_DID = "did:plc:impostorimpostorimpostor"
NEWS_ACTOR = "https://social.norrvik.example/users/news"


def _account(root: Path, account_id: str, **changes: str) -> str:
    data = yaml.safe_load((FIXTURE / "templates" / "account.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    path = f"accounts/library/{account_id}.yaml"
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """The rules fixture's org/ files and accounts, plus two Bluesky and two Mastodon accounts."""
    root = tmp_path / "registry"
    shutil.copytree(FIXTURE / "repo", root)
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    _account(root, "library-bluesky", handle="@library.norrvik.example", platform_id=KEPT_DID)
    _account(
        root,
        "lab-bluesky",
        handle="@lab.norrvik.example",
        url="https://bsky.app/profile/lab.norrvik.example",
        platform_id=LAB_DID,
    )
    _account(
        root,
        "old-bluesky",
        handle="@old.norrvik.example",
        url="https://bsky.app/profile/old.norrvik.example",
    )
    mastodon = {"platform": "mastodon"}
    _account(
        root,
        "news-mastodon",
        handle="@news@social.norrvik.example",
        url="https://social.norrvik.example/@news",
        platform_id=NEWS_ACTOR,
        **mastodon,
    )
    _account(
        root,
        "events-mastodon",
        handle="@events@social.norrvik.example",
        url="https://social.norrvik.example/@events",
        **mastodon,
    )
    return root


@pytest.fixture
def platforms(monkeypatch: pytest.MonkeyPatch) -> Iterator[IdentityServer]:
    """The platforms as the registry expects them, except for what each test changes."""
    with IdentityServer() as server:
        for name, value in server.environment.items():
            monkeypatch.setenv(name, value)
        world = server.world
        world.bluesky("library.norrvik.example", KEPT_DID)
        world.bluesky("lab.norrvik.example", LAB_DID, well_known=False)  # DNS-verified
        world.mastodon("news@social.norrvik.example", [PAGE.format("news-mastodon")])
        world.mastodon("events@social.norrvik.example", [PAGE.format("events-mastodon")])
        yield server


def audit(root: Path, *arguments: str) -> Result:
    return CliRunner().invoke(
        main, ["--root", str(root), "audit", "--online", "--today", "2026-11-21", *arguments]
    )


def online_findings(result: Result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        if finding["rule"] == "SR125":
            found.setdefault(finding["path"].split("/")[-1], []).append(finding["message"])
    return found


def test_accounts_as_registered_raise_nothing_but_the_missing_id(
    registry: Path, platforms: IdentityServer
) -> None:
    result = audit(registry, "--format", "json")
    found = online_findings(result)
    # old-bluesky's handle resolves nowhere: gone. The others are as registered; the Mastodon
    # account without a platform_id is asked to record it.
    assert sorted(found) == ["events-mastodon.yaml", "old-bluesky.yaml"], found
    assert "no longer leads to any Bluesky account" in found["old-bluesky.yaml"][0]
    assert found["events-mastodon.yaml"] == [
        "The record names no permanent id. Write platform_id: "
        "https://social.norrvik.example/users/events, so a later takeover of the name is noticed."
    ]
    assert "Online check: 5 Bluesky and Mastodon accounts asked, 2 to act on." in result.stderr


def test_a_renamed_or_hijacked_handle_a_deleted_account_and_no_link_back(
    registry: Path, platforms: IdentityServer
) -> None:
    world = platforms.world
    world.appview["lab.norrvik.example"] = OTHER_DID  # someone else holds the handle now
    world.plc[OTHER_DID] = ["at://lab.norrvik.example"]
    world.tombstoned.add(KEPT_DID)  # the library's account was deleted
    world.actors[NEWS_ACTOR] = ["https://elsewhere.example/"]  # no link back any more
    result = audit(registry, "--format", "json")
    assert result.exit_code == 1, result.output  # something is due now
    found = online_findings(result)
    assert f"now belongs to another account ({OTHER_DID})" in found["lab-bluesky.yaml"][0]
    assert "was deleted" in found["library-bluesky.yaml"][0]
    assert "does not link to its registry page" in found["news-mastodon.yaml"][0]
    assert "platform_id: https://social.norrvik.example/users/events" in " ".join(
        found["events-mastodon.yaml"]
    )


def test_a_mastodon_account_that_is_gone(registry: Path, platforms: IdentityServer) -> None:
    del platforms.world.webfinger["news@social.norrvik.example"]
    found = online_findings(audit(registry, "--format", "json"))
    assert "no account @news@social.norrvik.example any more" in found["news-mastodon.yaml"][0]


def test_a_handle_that_claims_another_did_in_the_directory(
    registry: Path, platforms: IdentityServer
) -> None:
    platforms.world.plc[KEPT_DID] = ["at://someone.else.example"]
    found = online_findings(audit(registry, "--format", "json"))
    assert (
        "no longer claims the handle @library.norrvik.example" in found["library-bluesky.yaml"][0]
    )


def test_drift_opens_issues_through_the_audit_issue_path(
    registry: Path, platforms: IdentityServer, github_server: FakeGitHub
) -> None:
    repo: Repo = github_server.add_repo(REPO)
    platforms.world.appview["lab.norrvik.example"] = OTHER_DID
    platforms.world.plc[OTHER_DID] = ["at://lab.norrvik.example"]
    first = audit(registry, "--open-issues", "--repo", REPO)
    assert first.exit_code == 0, first.output
    opened = {marked_path(issue.body): issue for issue in repo.issues.values()}
    assert sorted(map(str, opened)) == [
        "accounts/library/events-mastodon.yaml",
        "accounts/library/lab-bluesky.yaml",
        "accounts/library/old-bluesky.yaml",
    ]
    lab = opened["accounts/library/lab-bluesky.yaml"]
    assert LABEL in lab.labels and "SR125" in lab.body
    assert "impostorimpostorimpostor" in lab.body, lab.body
    # The handle is put right: the next run closes the issue.
    platforms.world.appview["lab.norrvik.example"] = LAB_DID
    again = audit(registry, "--open-issues", "--repo", REPO)
    assert "1 closed" in again.stderr, again.stderr
    assert lab.state == "closed"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_without_network_it_says_so_in_one_line_and_skips(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("SOCIALREG_PLC_DIRECTORY", base + "/plc")
    monkeypatch.setenv("SOCIALREG_BSKY_APPVIEW", base + "/appview")
    monkeypatch.setenv("SOCIALREG_ONLINE_ORIGIN", base)
    result = audit(registry)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "network" in line.lower()]
    assert lines == ["No network: the online checks (audit --online) were skipped."]
    assert "Traceback" not in result.output
