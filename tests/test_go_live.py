"""Opening an approved account needs only the communications office's key (issue 11, item 4)."""

from __future__ import annotations

from typing import Any

import pytest

from socialreg.github.go_live import GO_LIVE_KEYS, is_go_live_only

from .github_server import FakeGitHub, Repo
from .test_github_approvals import add_registry_repo, check, status_of

REQUESTED: dict[str, Any] = {
    "platform": "instagram",
    "handle": "@norrvik.library",
    "url": "https://www.instagram.com/norrvik.library/",
    "name": "Norrvik University Library",
    "unit": "library",
    "status": "requested",
    "purpose": "News from the library.",
    "owner": {"name": "Lina Berg", "github": "lina-berg"},
    "review": {"last": "2026-10-01"},
}


def opened(**change: Any) -> dict[str, Any]:
    return {**REQUESTED, "status": "active", **change}


def test_setting_status_and_the_real_address_is_go_live_only() -> None:
    after = opened(
        handle="@norrviklibrary",
        url="https://www.instagram.com/norrviklibrary/",
        platform_id="17841400000000001",
    )
    assert is_go_live_only(REQUESTED, after)
    assert is_go_live_only(REQUESTED, opened(status="pilot"))


@pytest.mark.parametrize(
    "after",
    [
        opened(purpose="Something else entirely."),  # a new decision
        opened(unit="careers"),
        opened(owner={"name": "Someone Else", "github": "someone"}),
        {key: value for key, value in opened().items() if key != "review"},  # a key removed
        opened(waivers=[{"rule": "SR105"}]),  # a key added
        opened(status="paused"),
        opened(status="requested"),  # nothing opened
        opened(review={"last": True}),  # same value for Python, not for the record
    ],
)
def test_any_other_change_is_not(after: dict[str, Any]) -> None:
    assert not is_go_live_only(REQUESTED, after)


def test_only_a_requested_record_can_go_live() -> None:
    active = {**REQUESTED, "status": "active"}
    assert not is_go_live_only(active, opened(url="https://www.instagram.com/other/"))
    assert not is_go_live_only(None, opened())  # an added file
    assert not is_go_live_only(REQUESTED, None)  # a deleted file


@pytest.mark.parametrize("key", sorted({*REQUESTED, "pilot", "waivers", "platform_id"}))
@pytest.mark.parametrize("value", ["changed", 0, True, None, ["a"], {"a": 1}])
def test_a_change_to_any_key_beyond_the_address_needs_both_keys(key: str, value: Any) -> None:
    after = opened(**{key: value})
    # The address may change; a status must become active or pilot; nothing else may change.
    expected = key in GO_LIVE_KEYS and key != "status"
    assert is_go_live_only(REQUESTED, after) == expected


RECORD = "accounts/library/library-instagram.yaml"
REQUESTED_TEXT = (
    "platform: instagram\nhandle: '@norrvik.library'\nurl: https://www.instagram.com/nl/\n"
    "unit: library\nstatus: requested\npurpose: News from the library.\n"
)
OPENED_TEXT = REQUESTED_TEXT.replace("status: requested", "status: active").replace(
    "/nl/", "/norrvik.library/"
)


@pytest.fixture
def repo(github_server: FakeGitHub) -> Repo:
    registry = add_registry_repo(github_server)
    base = dict(registry.commits[registry.branches["main"]].files)
    registry.branch("main", {**base, RECORD: REQUESTED_TEXT})
    return registry


def test_opening_an_approved_account_needs_only_communications(repo: Repo) -> None:
    pull = repo.open_pull("lina-berg", {RECORD: OPENED_TEXT})
    repo.review(pull, "maria-lind")
    result = check(pull)
    assert result.exit_code == 0, result.output
    assert status_of(repo, pull)["state"] == "success"
    assert "communications office's approval is enough" in result.stdout


def test_opening_with_another_change_still_needs_the_supervisor(repo: Repo) -> None:
    changed = OPENED_TEXT.replace("News from the library.", "News and events.")
    pull = repo.open_pull("lina-berg", {RECORD: changed})
    repo.review(pull, "maria-lind")
    assert check(pull).exit_code == 0
    assert (
        status_of(repo, pull)["description"]
        == "waiting for: a supervisor of library (@anna, @erik)"
    )


def test_opening_beside_another_file_still_needs_both_keys(repo: Repo) -> None:
    pull = repo.open_pull(
        "lina-berg",
        {RECORD: OPENED_TEXT, "accounts/library/library-x.yaml": "platform: x\nunit: library\n#\n"},
    )
    repo.review(pull, "maria-lind")
    assert check(pull).exit_code == 0
    assert status_of(repo, pull)["state"] == "pending"
