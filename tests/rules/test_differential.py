"""Pull requests judged on what they change (`validate --base REF`), in real Git repositories.

Each test builds a small registry (tests/rules/fixture, not the example organisation), commits
it on `main`, makes the change on a branch as a pull request would, and compares.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from tests.rules.casefiles import FIXTURE, Case, collect, git, make_repository, merge, write_case

from socialreg.check.differential import differential_report
from socialreg.check.pipeline import load_repository
from socialreg.cli import main
from socialreg.findings import Finding, Severity
from socialreg.github import pr_comment
from socialreg.load.model import RecordSummary
from socialreg.reporters import Report, json_report, sarif
from socialreg.reporters import github as github_reporter
from socialreg.rules import RuleContext, all_rules

# The fixture's reviews were last done on 2026-10-01 and fall due on 2027-10-01 (12 months).
BEFORE_DUE = datetime.date(2027, 6, 1)
AFTER_DUE = datetime.date(2028, 1, 1)
LIBRARY = "accounts/library/library-facebook.yaml"
INSTAGRAM = "accounts/communications/uni-instagram.yaml"
FACEBOOK = "accounts/communications/uni-facebook.yaml"


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repository(tmp_path / "registry")
    git(root, "init", "-q", "-b", "main")
    _commit(root, "registry")
    return root


def _branch(root: Path) -> None:
    git(root, "checkout", "-q", "-b", "change")


def _read(root: Path, path: str) -> dict[str, object]:
    data = yaml.safe_load((root / path).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _write(root: Path, path: str, data: dict[str, object]) -> None:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _edit(root: Path, path: str, change: dict[str, object]) -> None:
    _write(root, path, merge(_read(root, path), change))


def _template(kind: str, change: dict[str, object]) -> dict[str, object]:
    data = yaml.safe_load((FIXTURE / "templates" / f"{kind}.yaml").read_text("utf-8"))
    merged = merge(data, change)
    assert isinstance(merged, dict)
    return merged


def _compare(root: Path, today: datetime.date, paths: tuple[str, ...] = ()) -> Report:
    report = differential_report(root, paths or None, today, "main")
    assert report.baseline is not None
    return report


def _keys(findings: list[Finding]) -> list[tuple[str, str]]:
    return sorted((finding.path, finding.rule) for finding in findings)


def _cli(root: Path, today: datetime.date, *arguments: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        main,
        ["--root", str(root), "validate", "--base", "main", "--today", str(today), *arguments],
    )
    return result.exit_code, result.output


def test_an_unchanged_branch_adds_nothing(repo: Path) -> None:
    _branch(repo)
    report = _compare(repo, AFTER_DUE)
    assert report.new_findings == []
    assert {finding.rule for finding in report.existing_findings} == {"SR113"}
    assert report.baseline is not None and report.baseline.fixed == ()
    assert report.baseline.base == "main"


def test_a_review_falling_due_in_an_untouched_record_never_fails_a_pull_request(
    repo: Path,
) -> None:
    _branch(repo)
    _edit(repo, LIBRARY, {"name": "Norrvik University Library on Facebook"})
    _commit(repo, "rename the library's account")
    code, output = _cli(repo, AFTER_DUE)
    assert code == 0, output
    report = _compare(repo, AFTER_DUE)
    assert report.new_findings == []
    # All four reviews are overdue; the edited record's too was already on main.
    assert _keys(report.existing_findings) == sorted(
        (path, "SR113")
        for path in (LIBRARY, INSTAGRAM, FACEBOOK, "accounts/communications/uni-youtube.yaml")
    )
    assert "Already on main, not caused by this change:" in output
    assert "4 findings were already on main" in output
    # Without --base every finding counts, as before.
    plain = CliRunner().invoke(main, ["--root", str(repo), "validate", "--today", str(AFTER_DUE)])
    assert plain.exit_code == 1


def test_an_edit_above_a_finding_does_not_make_it_new(repo: Path) -> None:
    _branch(repo)
    text = (repo / LIBRARY).read_text(encoding="utf-8")
    (repo / LIBRARY).write_text("# Checked with the unit.\n\n" + text, encoding="utf-8")
    _commit(repo, "comment")
    report = _compare(repo, AFTER_DUE)
    assert report.new_findings == []
    moved = [f for f in report.existing_findings if f.path == LIBRARY]
    assert len(moved) == 1 and moved[0].json_path == "$.review.last"


def test_a_policy_that_makes_forty_records_fail_fails_the_pull_request(repo: Path) -> None:
    for number in range(40):
        _write(
            repo,
            f"accounts/library/library-bluesky-{number:02}.yaml",
            _template(
                "account",
                {
                    "handle": f"@library{number:02}.norrvik.example",
                    "url": f"https://bsky.app/profile/library{number:02}.norrvik.example",
                },
            ),
        )
    _commit(repo, "forty accounts")
    _branch(repo)
    _edit(repo, "org/policy.yaml", {"rules": {"SR113": {"options": {"review_months": 6}}}})
    _commit(repo, "review every six months")
    report = _compare(repo, BEFORE_DUE)
    new = report.new_findings
    assert len(new) == 44  # the 40 new accounts and the fixture's 4
    assert {finding.rule for finding in new} == {"SR113"}
    assert all(finding.severity is Severity.ERROR for finding in new)
    code, output = _cli(repo, BEFORE_DUE)
    assert code == 1
    assert "44 errors" in output


def test_a_second_account_with_an_existing_handle_is_new_at_the_changed_file(repo: Path) -> None:
    instagram = _read(repo, INSTAGRAM)
    _branch(repo)
    added = "accounts/library/library-instagram.yaml"
    _write(
        repo,
        added,
        _template(
            "account",
            {"platform": "instagram", "handle": instagram["handle"], "url": instagram["url"]},
        ),
    )
    _commit(repo, "a library instagram")
    report = _compare(repo, BEFORE_DUE)
    duplicates = [finding for finding in report.new_findings if finding.rule == "SR108"]
    assert duplicates, report.findings
    assert {finding.path for finding in duplicates} == {added}  # not at the untouched file
    assert any(INSTAGRAM in finding.message for finding in duplicates)
    code, _ = _cli(repo, BEFORE_DUE)
    assert code == 1


def test_archiving_a_sender_of_a_live_campaign_is_reported_at_the_account(repo: Path) -> None:
    campaign = "campaigns/library/spring-workshops.yaml"
    _write(repo, campaign, _template("campaign", {"sender": "uni-facebook"}))
    _commit(repo, "a campaign")
    _branch(repo)
    _edit(
        repo,
        FACEBOOK,
        {
            "status": "archived",
            "archived": {"date": "2026-11-15", "reason": "Moved to the new page."},
        },
    )
    _commit(repo, "archive facebook")
    report = _compare(repo, datetime.date(2026, 11, 21))
    senders = [finding for finding in report.new_findings if finding.rule == "SR203"]
    assert len(senders) == 1, report.findings
    assert senders[0].path == FACEBOOK
    assert campaign in senders[0].message and "not changed here" in senders[0].message
    assert not [finding for finding in report.findings if finding.path == campaign]


def test_a_pull_request_that_fixes_findings_says_so(repo: Path) -> None:
    _edit(repo, LIBRARY, {"monitoring": {"response_time_hours": 400}, "review": {"last": None}})
    _commit(repo, "two problems")
    before = _compare(repo, BEFORE_DUE)  # main against itself: the problems are there
    assert len(before.existing_findings) >= 2
    _branch(repo)
    _write(repo, LIBRARY, yaml.safe_load((FIXTURE / "repo" / LIBRARY).read_text("utf-8")))
    _commit(repo, "fix them")
    report = _compare(repo, BEFORE_DUE)
    assert report.findings == []
    assert report.baseline is not None
    assert len(report.baseline.fixed) == len(before.existing_findings)
    assert {finding.path for finding in report.baseline.fixed} == {LIBRARY}
    code, output = _cli(repo, BEFORE_DUE)
    assert code == 0
    fixed = len(report.baseline.fixed)
    assert f"This change fixes {fixed} findings that were on main." in output
    markdown = _cli(repo, BEFORE_DUE, "--format", "markdown")[1]
    assert f"fixes {fixed} findings that were on main" in markdown


def test_a_renamed_record_keeps_its_findings(repo: Path) -> None:
    old = "campaigns/library/spring.yaml"
    _write(repo, old, _template("campaign", {"budget": {"amount": 5000, "currency": "EUR"}}))
    _commit(repo, "a campaign")
    on_main = _compare(repo, BEFORE_DUE).existing_findings
    assert [finding for finding in on_main if finding.path == old]
    _branch(repo)
    new = "campaigns/library/spring-workshops.yaml"
    git(repo, "mv", old, new)
    _commit(repo, "rename")
    report = _compare(repo, BEFORE_DUE)
    assert report.new_findings == []
    assert sorted(f.rule for f in report.existing_findings if f.path == new) == sorted(
        f.rule for f in on_main if f.path == old
    )
    assert report.baseline is not None and report.baseline.fixed == ()


def test_a_moved_record_keeps_its_findings_and_gets_the_new_ones_of_its_place(
    repo: Path,
) -> None:
    _branch(repo)
    moved = "accounts/communications/library-facebook.yaml"
    git(repo, "mv", LIBRARY, moved)
    _commit(repo, "move to communications")
    report = _compare(repo, AFTER_DUE)
    assert (moved, "SR113") in _keys(report.existing_findings)
    # The folder now says communications while the record says library: that is new.
    assert report.new_findings
    assert {finding.path for finding in report.new_findings} == {moved}
    assert "SR113" not in {finding.rule for finding in report.new_findings}


def test_a_deleted_account_is_new_and_its_old_findings_are_gone(repo: Path) -> None:
    _branch(repo)
    git(repo, "rm", "-q", LIBRARY)
    _commit(repo, "delete")
    report = _compare(repo, AFTER_DUE)
    assert _keys(report.new_findings) == [(LIBRARY, "SR114")]
    assert report.baseline is not None
    assert _keys(list(report.baseline.fixed)) == [(LIBRARY, "SR113")]


def test_a_deleted_campaign_fixes_its_findings(repo: Path) -> None:
    campaign = "campaigns/library/spring.yaml"
    _write(repo, campaign, _template("campaign", {"budget": {"amount": 5000, "currency": "EUR"}}))
    _commit(repo, "a campaign")
    on_main = [f for f in _compare(repo, BEFORE_DUE).existing_findings if f.path == campaign]
    assert on_main
    _branch(repo)
    git(repo, "rm", "-q", campaign)
    _commit(repo, "delete the campaign")
    report = _compare(repo, BEFORE_DUE)
    assert report.new_findings == []
    assert report.baseline is not None
    assert _keys(list(report.baseline.fixed)) == _keys(on_main)


def test_a_finding_on_an_unchanged_file_stays_existing_while_another_file_is_added(
    repo: Path,
) -> None:
    _edit(repo, LIBRARY, {"monitoring": {"response_time_hours": 400}})
    _commit(repo, "slow answers")
    _branch(repo)
    _write(
        repo,
        "accounts/library/library-bluesky.yaml",
        _template("account", {"decision": {"related_accounts": []}}),
    )
    _commit(repo, "bluesky")
    report = _compare(repo, BEFORE_DUE)
    assert [f for f in report.existing_findings if f.path == LIBRARY]
    assert all(f.path != LIBRARY for f in report.new_findings)


def test_a_warning_made_an_error_by_the_change_is_new(repo: Path) -> None:
    _edit(repo, "org/policy.yaml", {"rules": {"SR113": {"severity": "warning"}}})
    _commit(repo, "reviews are a warning")
    _branch(repo)
    _edit(repo, "org/policy.yaml", {"rules": {"SR113": {"severity": "error"}}})
    _commit(repo, "reviews are an error again")
    report = _compare(repo, AFTER_DUE)
    assert len(report.new_findings) == 4
    assert {f.severity for f in report.new_findings} == {Severity.ERROR}


def test_a_changed_schema_is_compared_with_the_base_schema(repo: Path) -> None:
    _branch(repo)
    schema_file = repo / "schemas" / "account.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["required"] = [*schema["required"], "languages"]
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    _commit(repo, "languages are required")
    report = _compare(repo, BEFORE_DUE)
    assert len(report.new_findings) == 4
    assert {finding.rule for finding in report.new_findings} == {"SR011"}


def test_validating_one_file_compares_only_that_file(repo: Path) -> None:
    _branch(repo)
    _edit(repo, LIBRARY, {"monitoring": {"response_time_hours": 400}})
    _edit(repo, INSTAGRAM, {"name": "Norrvik on Instagram"})
    _commit(repo, "two edits")
    report = _compare(repo, AFTER_DUE, (INSTAGRAM,))
    assert report.new_findings == []
    assert _keys(report.existing_findings) == [(INSTAGRAM, "SR113")]


def test_the_json_report_marks_each_finding_and_counts_each_kind(repo: Path) -> None:
    _branch(repo)
    _edit(repo, LIBRARY, {"monitoring": {"response_time_hours": 400}})
    _commit(repo, "slow answers")
    code, output = _cli(repo, AFTER_DUE, "--format", "json")
    assert code == 1
    document = json.loads(output)
    states = {(item["path"], item["rule"]): item["baseline"] for item in document["findings"]}
    assert states[(LIBRARY, "SR113")] == "existing"
    assert "new" in states.values()
    summary = document["summary"]
    assert summary["base"] == "main"
    assert summary["existing"] == 4
    assert summary["new"] == len(document["findings"]) - 4
    assert summary["fixed"] == 0
    parsed = json_report.parse(output)  # what the pull request bot reads back
    assert parsed.baseline is not None
    assert len(parsed.existing_findings) == 4
    assert parsed.deciding_summary.errors == summary["new"]


def test_annotations_mark_only_new_findings_and_one_notice_for_the_rest(repo: Path) -> None:
    _branch(repo)
    _edit(repo, LIBRARY, {"monitoring": {"response_time_hours": 400}})
    _commit(repo, "slow answers")
    output = _cli(repo, AFTER_DUE, "--format", "github")[1]
    commands = [line for line in output.splitlines() if line.startswith("::")]
    errors = [line for line in commands if line.startswith("::error")]
    notices = [line for line in commands if line.startswith("::notice")]
    assert errors and all("SR113" not in line for line in errors)
    assert len(notices) == 1 and "4 findings" in notices[0] and "already on main" in notices[0]
    report = _compare(repo, AFTER_DUE)
    assert len(report.new_findings) < github_reporter.LIMIT_PER_TYPE
    assert len(errors) == len(report.new_findings)


def test_sarif_results_carry_their_baseline_state(repo: Path) -> None:
    _edit(repo, INSTAGRAM, {"monitoring": {"response_time_hours": 400}})
    _commit(repo, "slow answers on instagram")
    _branch(repo)
    _edit(repo, INSTAGRAM, {"monitoring": {"response_time_hours": 24}})
    _edit(repo, LIBRARY, {"monitoring": {"response_time_hours": 400}})
    _commit(repo, "swap")
    log = json.loads(sarif.render(_compare(repo, AFTER_DUE)))
    states = {
        (
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["ruleId"],
            result["baselineState"],
        )
        for result in log["runs"][0]["results"]
    }
    assert (LIBRARY, "SR113", "unchanged") in states
    assert any(path == LIBRARY and state == "new" for path, _, state in states)
    assert any(path == INSTAGRAM and state == "absent" for path, _, state in states)
    assert {state for _, _, state in states} == {"new", "unchanged", "absent"}


def test_the_markdown_comment_lists_existing_findings_apart(repo: Path) -> None:
    _branch(repo)
    _edit(repo, LIBRARY, {"name": "Norrvik University Library on Facebook"})
    _commit(repo, "rename")
    markdown = _cli(repo, AFTER_DUE, "--format", "markdown")[1]
    assert markdown.startswith("### ✅ Nothing new to fix")
    assert "<details><summary>4 findings already on main, not caused by this pull request" in (
        markdown
    )


def test_a_base_given_as_a_commit_id_is_named_by_its_branch(repo: Path) -> None:
    commit = git(repo, "rev-parse", "HEAD").strip()
    _branch(repo)
    _edit(repo, LIBRARY, {"name": "Norrvik University Library on Facebook"})
    _commit(repo, "rename")
    report = differential_report(repo, None, AFTER_DUE, commit)
    assert report.baseline is not None and report.baseline.base == "main"


class _WatchedRecords(dict[str, RecordSummary]):
    """An index of one kind that notes every look at it."""

    looked = False

    def _note(self) -> None:
        type(self).looked = True

    def get(self, *arguments: Any) -> Any:
        self._note()
        return super().get(*arguments)

    def __contains__(self, key: object) -> bool:
        self._note()
        return super().__contains__(key)

    def __getitem__(self, key: str) -> RecordSummary:
        self._note()
        return super().__getitem__(key)

    def values(self) -> Any:
        self._note()
        return super().values()

    def items(self) -> Any:
        self._note()
        return super().items()

    def __iter__(self) -> Any:
        self._note()
        return super().__iter__()


@pytest.mark.parametrize("case", collect(), ids=lambda case: case.id)
def test_a_rule_that_reads_other_records_says_so(case: Case, tmp_path: Path) -> None:
    """The comparison trusts `compares_records`: a rule that reads the index without saying so
    would make a change's findings in untouched records look old."""
    root = make_repository(tmp_path / "registry")
    target = write_case(case, root)
    repository = load_repository(root)
    records = [record for record in repository.records if record.path == target]
    for rule in all_rules():
        if not rule.runs or rule.compares_records or rule.change_aware:
            continue
        repository.index = {
            kind: _WatchedRecords(by_id) for kind, by_id in repository.index.items()
        }
        repository.derived.clear()
        _WatchedRecords.looked = False
        context = RuleContext(repository, case.today, rule.options)
        for record in records:
            list(rule.check(record, context))
        assert not _WatchedRecords.looked, f"{rule.code} reads other records"


def test_the_bot_asks_for_changes_only_for_new_errors(repo: Path) -> None:
    _branch(repo)
    _edit(repo, LIBRARY, {"name": "Norrvik University Library on Facebook"})
    _commit(repo, "rename")
    report = json_report.parse(_cli(repo, AFTER_DUE, "--format", "json")[1])
    assert report.summary.errors == 4  # overdue reviews, all already on main
    assert pr_comment.NEEDS_CHANGES.name not in pr_comment.wanted_labels(report, [LIBRARY], False)
    _edit(repo, LIBRARY, {"monitoring": {"response_time_hours": 400}})
    _commit(repo, "slow answers")
    report = json_report.parse(_cli(repo, AFTER_DUE, "--format", "json")[1])
    assert pr_comment.NEEDS_CHANGES.name in pr_comment.wanted_labels(report, [LIBRARY], False)


def test_the_bot_comment_says_what_a_clean_change_fixed(repo: Path) -> None:
    _edit(repo, LIBRARY, {"monitoring": {"response_time_hours": 400}})
    _commit(repo, "slow answers")
    _branch(repo)
    _edit(repo, LIBRARY, {"monitoring": {"response_time_hours": 24}})
    _commit(repo, "fixed")
    report = json_report.parse(_cli(repo, BEFORE_DUE, "--format", "json")[1])
    assert report.findings == []
    links = pr_comment.WebLinks("https://github.com", "norrvik/registry", "0" * 40, "main")
    body = pr_comment.render_comment(report, links)
    assert "fixes 1 finding that was on main" in body
