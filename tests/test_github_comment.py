"""`socialreg github comment` end to end, against the local GitHub stand-in.

The comment's Markdown is rendered with cmark-gfm, the library GitHub uses, with raw HTML
allowed, so that the checks for harmless text do not rely on GitHub's own sanitising.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import cmarkgfm
import pytest
from click.testing import CliRunner, Result
from cmarkgfm.cmark import Options

from socialreg.cli import main
from socialreg.commands.github import comment_command
from socialreg.findings import Finding, Severity, Summary, sorted_findings
from socialreg.github.pr_comment import MARKER
from socialreg.reporters import Report
from socialreg.reporters.json_report import render as render_json

from .github_server import Comment, FakeGitHub, Pull, Repo
from .test_github_approvals import REPO, add_registry_repo

ACCOUNT = "accounts/library/library-instagram.yaml"
CAMPAIGN = "campaigns/admissions/apply-autumn-2027.yaml"
RECORD = "platform: instagram\nhandle: norrviklibrary\nunit: library\nstatus: requested\n"
WAIVED_RECORD = RECORD + (
    "waivers:\n  - rule: SR105\n    reason: Summer closure\n    approved_by: maria-lind\n"
    "    expires: 2027-01-01\n"
)
MANAGED = {"account-request", "campaign", "needs-changes", "waiver"}


@pytest.fixture
def repo(github_server: FakeGitHub) -> Repo:
    return add_registry_repo(github_server)


def finding(
    message: str = "Only one moderator is named. Name at least two people.",
    path: str = ACCOUNT,
    line: int = 12,
    rule: str = "SR105",
    severity: Severity = Severity.ERROR,
) -> Finding:
    return Finding(path, line, 3, rule, severity, message, "$.moderators")


def write_report(tmp_path: Path, *findings: Finding, files: int = 16) -> Path:
    ordered = sorted_findings(findings)
    path = tmp_path / "report.json"
    path.write_text(render_json(Report(ordered, Summary.of(ordered, files))), encoding="utf-8")
    return path


def run(pull: Pull, report: Path, *args: str) -> Result:
    options = ["--repo", REPO, "--pr", str(pull.number), "--report", str(report), *args]
    return CliRunner().invoke(main, ["github", "comment", *options])


def comments(repo: Repo, pull: Pull) -> list[Comment]:
    return repo.issues[pull.number].comments


def the_comment(repo: Repo, pull: Pull) -> str:
    (comment,) = comments(repo, pull)
    assert comment.body.startswith(MARKER)
    return comment.body


def html(markdown: str) -> str:
    return str(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    )


def labels(repo: Repo, pull: Pull) -> set[str]:
    return set(repo.issues[pull.number].labels)


# --- one comment, edited in place ----------------------------------------------------------------


def test_first_run_creates_the_comment_and_the_second_edits_the_same_one(
    github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    first = run(pull, write_report(tmp_path, finding()))
    assert first.exit_code == 0, first.output
    assert "Posted the comment on #1" in first.stderr
    (comment,) = comments(repo, pull)
    assert "### ❌ 1 error" in comment.body

    second = run(pull, write_report(tmp_path))
    assert second.exit_code == 0, second.output
    assert f"Updated comment {comment.id} on #1" in second.stderr
    (again,) = comments(repo, pull)
    assert again.id == comment.id
    assert "### ✅ All checks passed" in again.body
    assert "❌" not in again.body
    posts = [w for w in github_server.writes() if w[1].endswith(f"/issues/{pull.number}/comments")]
    edits = [w for w in github_server.writes() if w[0] == "PATCH"]
    assert len(posts) == 1
    assert len(edits) == 1


def test_an_unchanged_comment_is_not_edited_again(
    github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    report = write_report(tmp_path, finding())
    assert run(pull, report).exit_code == 0
    result = run(pull, report)
    assert "already up to date" in result.stderr
    assert not [w for w in github_server.writes() if w[0] == "PATCH"]
    assert len(comments(repo, pull)) == 1


def test_a_person_pasting_the_marker_does_not_capture_the_comment(
    repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    comments(repo, pull).append(Comment(1, "mallory", MARKER + "\nAll fine, merge it!"))
    assert run(pull, write_report(tmp_path, finding())).exit_code == 0
    mine, bots = comments(repo, pull)
    assert mine.body == MARKER + "\nAll fine, merge it!"
    assert bots.user == "github-actions[bot]"
    assert "### ❌ 1 error" in bots.body


def test_another_bots_marker_comment_is_not_taken_for_the_bots_own(
    repo: Repo, tmp_path: Path
) -> None:
    # Before: any `[bot]` account's comment with the marker was edited (or hid the real one).
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    forged = Comment(1, "someone-elses-app[bot]", MARKER + "\nApproved, merge it!")
    comments(repo, pull).append(forged)
    assert run(pull, write_report(tmp_path, finding())).exit_code == 0
    first, real = comments(repo, pull)
    assert first.body == MARKER + "\nApproved, merge it!"
    assert real.user == "github-actions[bot]" and "### ❌ 1 error" in real.body


def test_a_clean_run_is_a_short_all_clear(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    assert run(pull, write_report(tmp_path, files=16)).exit_code == 0
    body = the_comment(repo, pull)
    assert "### ✅ All checks passed\n\n16 files checked, no problems found." in body
    assert "<table>" not in html(body)
    assert f"Checked at commit `{pull.head_sha[:7]}`" in body
    assert len(body) < 400


def test_the_approvals_summary_is_part_of_the_comment(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    repo.review(pull, "anna")
    result = run(pull, write_report(tmp_path), "--approvals")
    assert result.exit_code == 0, result.output
    body = the_comment(repo, pull)
    assert body.index("All checks passed") < body.index("### ⏳ Approvals: waiting")
    assert "| Supervisor of `library` | `@anna`, `@erik` | ✅ `@anna` |" in body
    assert "**Waiting for:** communications." in body
    # The comment sets no status: that is `github approvals`' job.
    assert repo.statuses_for(pull.head_sha) == []


# --- findings: grouped by file, with links ------------------------------------------------------


def test_findings_are_grouped_by_file_with_links_to_the_line_and_the_rule(
    repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD, CAMPAIGN: "unit: admissions\n"})
    report = write_report(
        tmp_path,
        finding(),
        finding("The response time is 48 hours.", line=20, rule="SR106", severity=Severity.WARNING),
        finding("The brief came too late.", path=CAMPAIGN, line=4, rule="SR203"),
    )
    assert run(pull, report).exit_code == 0
    body = the_comment(repo, pull)
    blob = f"https://github.com/{REPO}/blob/{pull.head_sha}"
    rules = f"https://github.com/{REPO}/blob/main/docs/rules.md"
    assert body.index(f"#### [accounts/library/library-instagram.yaml]({blob}/{ACCOUNT})") < (
        body.index(f"#### [campaigns/admissions/apply-autumn-2027.yaml]({blob}/{CAMPAIGN})")
    )
    assert f"| [12]({blob}/{ACCOUNT}#L12) | ❌ Error | [SR105]({rules}#sr105) |" in body
    assert f"| [20]({blob}/{ACCOUNT}#L20) | ⚠️ Warning | [SR106]({rules}#sr106) |" in body
    assert f"| [4]({blob}/{CAMPAIGN}#L4) | ❌ Error | [SR203]({rules}#sr203) |" in body
    rendered = html(body)
    assert f'<a href="{blob}/{ACCOUNT}#L12">12</a>' in rendered
    assert "Only one moderator is named. Name at least two people." in rendered
    assert body.startswith(MARKER + "\n\n### ❌ 2 errors and 1 warning")


def test_links_use_the_server_of_github_enterprise(
    monkeypatch: pytest.MonkeyPatch, repo: Repo, tmp_path: Path
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://git.norrvik.example/")
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    assert run(pull, write_report(tmp_path, finding())).exit_code == 0
    body = the_comment(repo, pull)
    assert f"(https://git.norrvik.example/{REPO}/blob/{pull.head_sha}/{ACCOUNT}#L12)" in body


def test_a_bad_server_url_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    monkeypatch.setenv("GITHUB_SERVER_URL", "javascript:alert(1)")
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    result = run(pull, write_report(tmp_path, finding()))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "GITHUB_SERVER_URL" in result.stderr
    assert github_server.requests == []


@pytest.mark.parametrize(
    "path",
    [
        "../../../etc/passwd",
        "accounts/../.github/workflows/pr-bot.yml",
        "https://evil.example/x",
        "accounts/library/a b.yaml",
        "accounts/library/x).yaml",
        ".github/workflows/pr-bot.yml",
        "/accounts/library/x.yaml",
    ],
)
def test_paths_that_are_not_a_records_place_are_not_linked(
    path: str, repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    assert run(pull, write_report(tmp_path, finding(path=path))).exit_code == 0
    rendered = html(the_comment(repo, pull))
    hrefs = re.findall(r'href="([^"]*)"', rendered)
    # Only the rule code is a link; neither the file nor the line.
    assert hrefs == [f"https://github.com/{REPO}/blob/main/docs/rules.md#sr105"]


def test_a_rule_code_that_is_not_one_is_not_linked(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    report = write_report(tmp_path, finding(rule="SR105](https://evil.example)"))
    assert run(pull, report).exit_code == 0
    rendered = html(the_comment(repo, pull))
    assert "evil.example" not in "".join(re.findall(r'href="([^"]*)"', rendered))


def test_a_huge_report_is_cut_to_fit_a_comment(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    many = [finding("z" * 900 + f" {number}", line=number) for number in range(1, 2001)]
    result = run(pull, write_report(tmp_path, *many), "--approvals")
    assert result.exit_code == 0, result.output
    body = the_comment(repo, pull)
    assert len(body) <= 65_536
    shown = body.count("| ❌ Error |")
    assert 20 < shown < 2000
    assert f"**…and {2000 - shown} more — see the job summary**" in body
    assert "### ⏳ Approvals: waiting" in body


# --- labels ---------------------------------------------------------------------------------------


def test_labels_are_added_when_they_apply_and_removed_when_they_no_longer_do(
    github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD, CAMPAIGN: "unit: admissions\n"})
    repo.issues[pull.number].labels.append("help wanted")
    repo._label("help wanted")
    assert run(pull, write_report(tmp_path, finding())).exit_code == 0
    assert labels(repo, pull) == {"help wanted", "account-request", "campaign", "needs-changes"}
    # The labels are created with a colour and a description that says what they mean.
    assert repo.labels["needs-changes"]["description"].startswith("socialreg found errors")

    # The errors are fixed, the campaign is dropped from the pull request.
    repo.push(pull, {CAMPAIGN: None})
    result = run(pull, write_report(tmp_path))
    assert result.exit_code == 0, result.output
    assert labels(repo, pull) == {"help wanted", "account-request"}
    assert "removed: campaign, needs-changes" in result.stderr
    deleted = [w[1] for w in github_server.writes() if w[0] == "DELETE"]
    assert all("help" not in path for path in deleted)
    assert len(deleted) == 2


def test_a_label_spelled_differently_is_recognised(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    repo.issues[pull.number].labels.append("Needs-Changes")
    repo._label("Needs-Changes")
    assert run(pull, write_report(tmp_path)).exit_code == 0
    assert labels(repo, pull) == {"account-request"}


def test_a_waived_finding_brings_the_waiver_label(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    assert run(pull, write_report(tmp_path, finding(severity=Severity.WAIVED))).exit_code == 0
    assert labels(repo, pull) == {"account-request", "waiver"}
    body = the_comment(repo, pull)
    assert "ℹ️ Waived" in body


def test_a_changed_record_with_waivers_brings_the_waiver_label(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: WAIVED_RECORD})
    assert run(pull, write_report(tmp_path)).exit_code == 0
    assert labels(repo, pull) == {"account-request", "waiver"}
    repo.push(pull, {ACCOUNT: RECORD})
    assert run(pull, write_report(tmp_path)).exit_code == 0
    assert labels(repo, pull) == {"account-request"}


def test_a_change_outside_the_records_gets_no_record_label(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {"README.md": "# Registry\n\nMore.\n"})
    assert run(pull, write_report(tmp_path)).exit_code == 0
    assert labels(repo, pull) == set()


# --- hostile text ---------------------------------------------------------------------------------

HOSTILE = (
    "@everyone look </details> <script>alert(1)</script> <img src=x onerror=alert(1)> "
    "```\n@norrvik/comms\n``` and ~~~ fence, #12, [x](https://evil.example) | cell"
)


def test_hostile_text_is_rendered_harmless(repo: Repo, tmp_path: Path) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    report = write_report(
        tmp_path,
        finding(HOSTILE),
        finding("Fine.", path="accounts/library/@everyone</details><script>.yaml", rule="SR013"),
    )
    result = run(pull, report, "--approvals")
    assert result.exit_code == 0, result.output
    body = the_comment(repo, pull)
    rendered = html(body)
    # No element that the record's text wrote: no script, image, closing details or code block.
    for element in ("<script", "<img", "</details", "<pre", "<del"):
        assert element not in rendered
    # The headings are the comment's own: counts, approvals, and one per file.
    assert sorted(re.findall(r"<h\d>", rendered)) == ["<h3>"] * 2 + ["<h4>"] * 2
    # No mention outside code (GitHub never pings from code), no issue reference, no link to
    # the record's address.
    outside_code = re.sub(r"<code>.*?</code>", "", rendered, flags=re.DOTALL)
    text_only = re.sub(r"<[^>]+>", "", outside_code)
    assert re.search(r"(?<![\w])@[A-Za-z0-9]", text_only) is None
    assert "<code>@norrvik/comms</code>" in rendered
    assert re.search(r"(?<![\w])#[0-9]", text_only) is None
    assert "evil.example" not in "".join(re.findall(r'href="([^"]*)"', rendered))
    # The text is all there, each finding on one table row, to be read.
    assert "@\u200deveryone look &lt;/details&gt; &lt;script&gt;" in body
    rows = re.findall(r"<tr>(.*?)</tr>", rendered, flags=re.DOTALL)
    assert len(rows) == 2 * 2 + 3  # two files of one finding each, and the approvals table


# --- errors ---------------------------------------------------------------------------------------


def test_a_fork_pull_requests_read_only_token_gives_a_clear_message(
    github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    github_server.fail(r"^/repos/.+/issues/\d+/comments$", 403, method="POST")
    result = run(pull, write_report(tmp_path, finding()))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "(403)" in result.stderr
    assert "read-only token" in result.stderr
    assert github_server.token not in result.output
    assert comments(repo, pull) == []


def test_a_missing_pull_request_is_a_clear_error(
    github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    report = write_report(tmp_path, finding())
    result = CliRunner().invoke(
        main, ["github", "comment", "--repo", REPO, "--pr", "99", "--report", str(report)]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith("error: GitHub found nothing while reading pull request #99")
    assert result.stderr.count("\n") == 1


def test_without_a_token_nothing_is_asked(
    monkeypatch: pytest.MonkeyPatch, github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    result = run(pull, write_report(tmp_path, finding()))
    assert result.exit_code == 2
    assert "GITHUB_TOKEN is not set" in result.stderr
    assert github_server.requests == []


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("not json at all", "is not valid JSON"),
        ('{"findings": {}}', "has no list of findings"),
        ('{"findings": [], "summary": {"files": -1}}', "how many files were checked"),
        (
            '{"findings": [{"path": "a", "line": 1, "column": 1, "rule": "SR1", '
            '"severity": "fatal", "message": "m"}], "summary": {"files": 1}}',
            "unknown severity",
        ),
        ('{"findings": [1], "summary": {"files": 1}}', "finding 1 is not an object"),
    ],
)
def test_a_report_of_the_wrong_shape_is_refused_in_one_line(
    content: str, says: str, github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    report = tmp_path / "report.json"
    report.write_text(content, encoding="utf-8")
    result = run(pull, report)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {report} is not a socialreg JSON report: ")
    assert says in result.stderr
    assert result.stderr.count("\n") == 1
    assert github_server.requests == []


def test_a_report_that_is_not_text_or_too_big_is_refused(
    github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe{}")
    assert "it is not UTF-8 text" in run(pull, binary).stderr
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 64_000_001)
    assert "it is larger than 64,000,000 bytes" in run(pull, big).stderr
    missing = run(pull, tmp_path / "nowhere.json")
    assert missing.exit_code == 2
    assert "cannot read it" in missing.stderr
    assert github_server.requests == []


def test_a_dry_run_prints_the_comment_and_changes_nothing(
    github_server: FakeGitHub, repo: Repo, tmp_path: Path
) -> None:
    pull = repo.open_pull("olle", {ACCOUNT: RECORD})
    result = run(pull, write_report(tmp_path, finding()), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(MARKER)
    assert "Labels to add: account-request, needs-changes; to remove: none." in result.stderr
    assert github_server.writes() == []


# --- the workflow that calls it -------------------------------------------------------------------


def test_the_pull_request_bot_calls_the_command_with_options_it_has() -> None:
    workflow = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "pr-bot.yml"
    lines = [
        line.strip()
        for line in workflow.read_text(encoding="utf-8").splitlines()
        if "socialreg github comment" in line and line.strip().startswith("run:")
    ]
    assert len(lines) == 1
    words = shlex.split(lines[0].removeprefix("run:"))
    assert words[:3] == ["socialreg", "github", "comment"]
    known = {option for parameter in comment_command.params for option in parameter.opts}
    given = {word for word in words if word.startswith("--")}
    assert given == {"--repo", "--pr", "--report", "--approvals"}
    assert given <= known
