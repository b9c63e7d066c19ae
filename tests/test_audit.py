"""`socialreg audit`: what time has broken or soon will, and one GitHub issue per record."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from socialreg.audit.issues import LABEL, marked_path, marker
from socialreg.audit.schedule import AUDIT_RULES, run_audit
from socialreg.cli import main
from socialreg.rules import get_rule

from .github_server import FakeGitHub, Repo

REPO = "norrvik/social-media-registry"
PILOT = "accounts/library/norrvik-library-instagram.yaml"
LIVE_CAMPAIGN = "campaigns/admissions/apply-autumn-2027.yaml"
APPROVED_CAMPAIGN = "campaigns/sleep-research/insomnia-study-recruitment.yaml"
REQUEST = "accounts/admissions/study-at-norrvik-tiktok.yaml"  # requested, decided 2026-11-16


def audit(root: Path, *arguments: str) -> Result:
    return CliRunner().invoke(main, ["--root", str(root), "audit", *arguments])


def findings(result: Result) -> list[dict[str, object]]:
    document = json.loads(result.stdout)
    found: list[dict[str, object]] = document["findings"]
    return found


def edit(root: Path, path: str, old: str, new: str) -> None:
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new), encoding="utf-8")


def test_every_audit_rule_is_a_registered_rule() -> None:
    for code in AUDIT_RULES:
        assert get_rule(code) is not None, code


def test_the_example_organisation_is_clean_today(example_repo: Path) -> None:
    result = audit(example_repo, "--today", "2026-11-21", "--within", "0")
    assert result.exit_code == 0, result.output
    assert "nothing is due now" in result.stdout


def test_due_now_and_coming_with_the_day_it_starts(example_repo: Path) -> None:
    result = audit(example_repo, "--today", "2027-04-10", "--format", "json")
    assert result.exit_code == 1  # the approved campaign's dates have passed
    by_path = {(item["path"], item["rule"]): item for item in findings(result)}
    now = by_path[(APPROVED_CAMPAIGN, "SR202")]
    assert now["severity"] == "error"
    assert "still approved" in str(now["message"])
    pilot = by_path[(PILOT, "SR112")]
    assert pilot["severity"] == "warning"
    # The pilot ends on 2027-04-30: the rule fires from the day after, exactly.
    assert str(pilot["message"]).startswith("From 2027-05-01 (in 21 days), the check will say:")
    assert "The pilot ended on 2027-04-30" in str(pilot["message"])
    live = by_path[(LIVE_CAMPAIGN, "SR202")]
    assert str(live["message"]).startswith("From 2027-04-16 (in 6 days)")


def test_json_has_the_shape_of_validate(example_repo: Path) -> None:
    audited = audit(example_repo, "--today", "2027-04-10", "--format", "json")
    validated = CliRunner().invoke(
        main, ["--root", str(example_repo), "validate", "--today", "2027-06-01", "--format", "json"]
    )
    ours, theirs = json.loads(audited.stdout), json.loads(validated.stdout)
    assert ours.keys() == theirs.keys()
    assert ours["summary"].keys() == theirs["summary"].keys()
    assert {tuple(sorted(item)) for item in ours["findings"]} == {
        tuple(sorted(item)) for item in theirs["findings"]
    }
    assert ours["summary"]["files"] == 13  # every record of the example organisation


def test_within_limits_the_look_ahead(example_repo: Path) -> None:
    result = audit(example_repo, "--today", "2027-04-10", "--within", "10", "--format", "json")
    rules = {(item["path"], item["rule"]) for item in findings(result)}
    assert (LIVE_CAMPAIGN, "SR202") in rules  # in 6 days
    assert (PILOT, "SR112") not in rules  # in 21 days


def test_reviews_overdue_and_due_soon(example_repo: Path) -> None:
    edit(example_repo, PILOT, "review:\n  last: 2026-11-02", "review:\n  last: 2025-11-10")
    edit(
        example_repo,
        "accounts/communications/norrvik-university-facebook.yaml",
        "review:\n  last:",
        "review:\n  last: 2025-12-01\n  # was:",
    )
    result = run_audit(example_repo, datetime.date(2026, 11, 21), 30)
    items = {(item.finding.path, item.finding.rule): item for item in result.items}
    overdue = items[(PILOT, "SR113")]
    assert overdue.starts is None
    assert "a review was due by 2026-11-10" in overdue.finding.message
    soon = items[("accounts/communications/norrvik-university-facebook.yaml", "SR113")]
    assert soon.starts == datetime.date(2026, 12, 2)


def test_waiver_expiring_soon(example_repo: Path) -> None:
    edit(
        example_repo,
        PILOT,
        "review:\n",
        "waivers:\n"
        "  - rule: SR105\n"
        "    reason: A third moderator is being trained.\n"
        "    approved_by: maria-lind\n"
        "    expires: 2026-12-05\n"
        "review:\n",
    )
    edit(
        example_repo, PILOT, "monitoring:\n  frequency: daily", "monitoring:\n  frequency: weekdays"
    )
    result = run_audit(example_repo, datetime.date(2026, 11, 21), 30)
    items = {(item.finding.rule, item.finding.json_path): item for item in result.items}
    expiring = items[("SR301", "$.waivers[0].expires")]
    assert expiring.starts == datetime.date(2026, 12, 6)
    assert "expired on 2026-12-05" in expiring.finding.message


def test_people_outside_the_email_domains(example_repo: Path) -> None:
    edit(example_repo, PILOT, "email: lina.berg@norrvik.example", "email: lina.berg@gmail.com")
    result = run_audit(example_repo, datetime.date(2026, 11, 21), 0)
    assert [(item.finding.rule, item.topic) for item in result.now] == [
        ("SR115", AUDIT_RULES["SR115"]),
        ("SR115", AUDIT_RULES["SR115"]),
    ]  # as owner and as moderator


def test_markdown_groups_by_topic_and_escapes_record_text(example_repo: Path) -> None:
    edit(example_repo, PILOT, "email: lina.berg@norrvik.example", "email: <b>@lina</b>@gmail.com")
    result = audit(example_repo, "--today", "2027-04-10", "--format", "markdown")
    text = result.stdout
    assert text.startswith("## Registry audit, 2027-04-10")
    assert "### Pilots that have ended or end soon" in text
    assert "### Campaigns whose status no longer matches their dates" in text
    assert "<b>" not in text
    assert "@lina" not in text  # a zero-width joiner keeps it from pinging


# --- GitHub issues -----------------------------------------------------------------------------


@pytest.fixture
def repo(github_server: FakeGitHub) -> Repo:
    return github_server.add_repo(REPO)


def open_issues(repo: Repo) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for issue in repo.issues.values():
        path = marked_path(issue.body)
        if issue.state == "open" and LABEL in issue.labels and path is not None:
            found.setdefault(path, []).append(issue.number)
    return found


def test_issues_are_opened_updated_and_closed(example_repo: Path, repo: Repo) -> None:
    first = audit(example_repo, "--today", "2027-04-10", "--open-issues", "--repo", REPO)
    assert first.exit_code == 0, first.output
    assert "4 opened" in first.stderr
    issues = open_issues(repo)
    assert sorted(issues) == sorted([PILOT, LIVE_CAMPAIGN, APPROVED_CAMPAIGN, REQUEST])
    request_issue = repo.issues[issues[REQUEST][0]]
    assert "@nora-lindgren, the scheduled audit" in request_issue.body  # the owner is told
    assert "| SR116 |" in request_issue.body
    assert "Open the account on the platform" in request_issue.body
    pilot_issue = repo.issues[issues[PILOT][0]]
    assert pilot_issue.body.startswith(marker(PILOT))
    assert "@lina-berg, the scheduled audit" in pilot_issue.body  # the owner is told
    assert "from 2027-05-01" in pilot_issue.body
    assert f"/{REPO}/blob/main/{PILOT}#L93" in pilot_issue.body
    assert pilot_issue.title == (
        "Registry audit: account norrvik-library-instagram will need attention soon"
    )
    assert repo.labels[LABEL]["color"] == "d93f0b"

    # The next day: nothing new, nothing duplicated, nothing edited.
    again = audit(example_repo, "--today", "2027-04-11", "--open-issues", "--repo", REPO)
    assert again.exit_code == 0, again.output
    assert "0 opened, 0 updated, 4 unchanged, 0 closed" in again.stderr
    assert open_issues(repo) == issues

    # The campaigns are put right, and the pilot has ended: two closed, one updated.
    edit(example_repo, LIVE_CAMPAIGN, "status: live", "status: ended")
    edit(example_repo, APPROVED_CAMPAIGN, "status: approved", "status: stopped")
    later = audit(example_repo, "--today", "2027-05-02", "--open-issues", "--repo", REPO)
    assert "0 opened, 1 updated, 1 unchanged, 2 closed" in later.stderr
    assert sorted(open_issues(repo)) == sorted([PILOT, REQUEST])
    assert "needs attention" in repo.issues[issues[PILOT][0]].title
    closed = repo.issues[issues[LIVE_CAMPAIGN][0]]
    assert closed.state == "closed"
    assert "nothing is left to change in it" in closed.comments[-1].body


def test_a_duplicate_issue_is_closed_and_a_deleted_record_too(
    example_repo: Path, repo: Repo
) -> None:
    audit(example_repo, "--today", "2027-04-10", "--open-issues", "--repo", REPO)
    twin = repo.add_issue("Registry audit: a copy", labels=[LABEL])
    twin.body = marker(PILOT) + "\nAn older run wrote this too.\n"
    (example_repo / APPROVED_CAMPAIGN).unlink()
    result = audit(example_repo, "--today", "2027-04-10", "--open-issues", "--repo", REPO)
    assert result.exit_code == 0, result.output
    assert twin.state == "closed"
    assert "same record as #" in twin.comments[-1].body
    assert all(len(numbers) == 1 for numbers in open_issues(repo).values())
    assert APPROVED_CAMPAIGN not in open_issues(repo)
    gone = [
        issue
        for issue in repo.issues.values()
        if "no longer in the registry" in str([comment.body for comment in issue.comments])
    ]
    assert len(gone) == 1


def test_other_issues_are_left_alone(example_repo: Path, repo: Repo) -> None:
    unrelated = repo.add_issue("Please add our podcast", labels=[LABEL])
    unrelated.body = "Not written by the audit."
    audit(example_repo, "--today", "2026-11-21", "--within", "0", "--open-issues", "--repo", REPO)
    assert unrelated.state == "open"


def test_github_failure_is_one_line_exit_2(
    example_repo: Path, repo: Repo, github_server: FakeGitHub
) -> None:
    github_server.fail(r"/issues$", 403, method="POST")
    result = audit(example_repo, "--today", "2027-04-10", "--open-issues", "--repo", REPO)
    assert result.exit_code == 2
    assert "(403)" in result.stderr
    assert "Traceback" not in result.output
    assert github_server.token not in result.output


def test_open_issues_needs_a_repository(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    result = audit(example_repo, "--open-issues")
    assert result.exit_code == 2
    assert "--repo" in result.stderr
