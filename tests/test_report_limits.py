"""No finding is lost for its length, and a long report is read, not refused (issue 15).

A message is bounded where it is made (findings.MAX_MESSAGE); a row of the pull request comment
is bounded again after escaping (markdown.ROW_LIMIT), so findings are left out of the comment
only when it is full; and the bot reads a report of 100,000 findings.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import cmarkgfm
from cmarkgfm.cmark import Options
from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg.findings import MAX_MESSAGE, Finding, Severity, Summary, shortened, sorted_findings
from socialreg.github import pr_comment
from socialreg.github.bot import read_report
from socialreg.reporters import Report, json_report, markdown
from socialreg.reporters.markdown_text import escape_message, escape_message_within

LINKS = pr_comment.WebLinks("https://github.com", "org/registry", "0" * 40, "main")
GITHUB_COMMENT_LIMIT = 65_536


def _report(findings: list[Finding], files: int = 10) -> Report:
    ordered = sorted_findings(findings)
    return Report(ordered, Summary.of(ordered, files))


def _finding(number: int, message: str, severity: Severity = Severity.ERROR) -> Finding:
    path = f"accounts/unit-{number % 50:02d}/account-{number:06d}.yaml"
    return Finding(path, 3, 1, "SR113", severity, message, "$.review.last")


# --- at the source ------------------------------------------------------------------------------


def test_a_message_that_quotes_a_huge_value_keeps_its_start_and_says_it_was_shortened() -> None:
    pasted = "Our purpose is " + "very " * 10_000 + "important."
    finding = Finding("accounts/a/b.yaml", 1, 1, "SR999", Severity.ERROR, f"{pasted} Shorten it.")
    assert len(finding.message) <= MAX_MESSAGE
    assert finding.message.startswith("Our purpose is very very")
    assert finding.message.endswith(f"(shortened from {len(pasted + ' Shorten it.'):,} characters)")


@given(st.text(max_size=3000), st.integers(min_value=0, max_value=2500))
def test_a_shortened_text_is_within_its_limit_and_kept_whole_when_short(
    text: str, limit: int
) -> None:
    short = shortened(text, limit)
    if len(text) <= limit:
        assert short == text
    else:
        note = short[short.index("… (shortened") :] if "… (shortened" in short else short
        assert len(short) <= max(limit, len(note))
        assert "shortened from" in short


# --- the Markdown row ---------------------------------------------------------------------------

HOSTILE = st.lists(
    st.sampled_from([*"ab `&<>|@#*_[]\\\n", "</details>", "@team", "#12", "``", "www.x"]),
    max_size=1000,
).map("".join)


@settings(max_examples=300)
@given(HOSTILE, st.integers(min_value=200, max_value=3000))
def test_a_shortened_message_is_escaped_as_safely_and_fits(text: str, limit: int) -> None:
    shown = escape_message_within(text, limit)
    assert len(shown) <= limit
    if len(escape_message(text)) <= limit:
        assert shown == escape_message(text)
    # As harmless as any escaped message: no HTML, nothing leaves the table cell or the line.
    assert "\n" not in shown
    rendered = cmarkgfm.github_flavored_markdown_to_html(
        f"| a |\n|---|\n| {shown} |\n", options=Options.CMARK_OPT_UNSAFE
    )
    # An e-mail address may become a mailto: link, as GitHub makes it; no other link or tag.
    rendered = re.sub(r'<a href="mailto:[^"<>]*">([^<>]*)</a>', r"\1", rendered)
    tags = set(re.findall(r"</?([a-z]+)", rendered))
    assert tags <= {"table", "thead", "tbody", "tr", "th", "td", "code"}, rendered
    assert rendered.count("<td>") == 1


def test_an_address_after_an_underscore_is_not_made_a_link() -> None:
    # Found by the property above: GitHub links "www." after "_", where \b saw no word start.
    assert escape_message("_www.example.org") == "\\_www\\.example.org"


def test_a_message_of_83_kb_is_shown_shortened_not_dropped() -> None:
    # Issue 15: an SR014 message that listed 5,000 units (83 KB) made the comment drop it, and
    # with it every finding after it; the requester never saw it.
    units = ", ".join(f"unit-{number:04d}" for number in range(8_000))
    huge = Finding("accounts/a/b.yaml", 5, 1, "SR014", Severity.ERROR, f"No unit x. Units: {units}")
    after = Finding("accounts/a/c.yaml", 2, 1, "SR105", Severity.ERROR, "Two moderators.")
    comment = pr_comment.render_comment(_report([huge, after]), LINKS)
    assert len(comment) <= GITHUB_COMMENT_LIMIT
    assert "No unit x. Units\\: unit-0000" in comment
    # The note gives the length of the message as the rule wrote it.
    assert f"shortened from {len('No unit x. Units: ' + units):,} characters" in comment
    assert "Two moderators." in comment
    assert "more" not in comment.split("Two moderators.")[1]  # no "N more not shown" note


def test_long_rows_are_shortened_so_no_finding_is_hidden_until_the_comment_is_full() -> None:
    # 2,000 ampersands escape to 10,000 characters: six such rows filled the comment before.
    findings = [_finding(number, "&" * 1_990) for number in range(30)]
    text = markdown.render(_report(findings))
    rows = [line for line in text.splitlines() if line.startswith("| ") and "SR113" in line]
    assert len(rows) == 30
    assert all(len(row) <= markdown.ROW_LIMIT for row in rows)
    assert "not shown" not in text


def test_a_full_comment_says_how_many_findings_it_could_not_show() -> None:
    findings = [_finding(number, "Review overdue. " * 80) for number in range(1_000)]
    comment = pr_comment.render_comment(_report(findings), LINKS)
    assert len(comment) <= GITHUB_COMMENT_LIMIT
    shown = sum(1 for line in comment.splitlines() if line.startswith("| [3]"))
    hidden = int(re.search(r"and (\d+) more", comment).group(1))  # type: ignore[union-attr]
    assert shown >= 30 and shown + hidden == 1_000


# --- the report the bot reads -------------------------------------------------------------------


def test_a_report_of_100000_warnings_is_read_by_the_bot(tmp_path: Path) -> None:
    # A policy change that touches every record of a large registry: refused before (more than
    # 10,000 findings, and over 5 MB), so the pull request got no comment at all.
    message = (
        "The last review was on 2025-11-02, more than 12 months ago. Review the account with "
        "the supervisor and write the date in review.last."
    )
    findings = [_finding(number, message, Severity.WARNING) for number in range(100_000)]
    file = tmp_path / "report.json"
    file.write_text(json_report.render(_report(findings, 100_000)), encoding="utf-8")
    assert file.stat().st_size <= json_report.MAX_REPORT_BYTES
    report = read_report(file)
    assert report.summary == Summary(files=100_000, errors=0, warnings=100_000, waived=0)
    comment = pr_comment.render_comment(report, LINKS)
    assert len(comment) <= GITHUB_COMMENT_LIMIT
    assert "100000 warnings" in comment or "100,000 warnings" in comment


def test_a_report_with_an_overlong_message_is_read_with_the_message_shortened() -> None:
    item = _finding(1, "short").as_dict()
    item["message"] = "Start of the message. " + "x" * 50_000
    text = json.dumps({"findings": [item], "summary": {"files": 1}})
    (finding,) = json_report.parse(text).findings
    assert finding.message.startswith("Start of the message.")
    assert len(finding.message) <= MAX_MESSAGE


def test_the_workflow_and_the_bot_refuse_reports_at_the_same_size() -> None:
    workflow = (Path(__file__).parent.parent / ".github" / "workflows" / "pr-bot.yml").read_text(
        encoding="utf-8"
    )
    (limit,) = re.findall(r'stat --format=%s "\$report_file"\) > (\d+)', workflow)
    assert int(limit) == json_report.MAX_REPORT_BYTES
    assert f"larger than {json_report.MAX_REPORT_BYTES // 1_000_000} MB" in workflow
