"""The Markdown report: counts first, findings grouped by file, and record text made harmless.

The escaping is checked by rendering with cmark-gfm, the Markdown library GitHub itself uses,
with raw HTML allowed, so that nothing relies on GitHub's own sanitising.
"""

from __future__ import annotations

import re

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from socialreg.findings import Finding, Severity, Summary, sorted_findings
from socialreg.reporters import Report, reporters
from socialreg.reporters.markdown import ZERO_WIDTH_JOINER, escape, render

ACCOUNT = "accounts/library/norrvik-library-instagram.yaml"
CAMPAIGN = "campaigns/admissions/apply-autumn-2027.yaml"


def report(*findings: Finding, files: int = 3) -> Report:
    ordered = sorted_findings(findings)
    return Report(ordered, Summary.of(ordered, files))


def finding(
    message: str,
    path: str = ACCOUNT,
    line: int = 12,
    rule: str = "SR105",
    severity: Severity = Severity.ERROR,
) -> Finding:
    return Finding(path, line, 3, rule, severity, message, "$.moderators")


def html(markdown: str) -> str:
    return str(
        cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    )


def cells(markdown: str) -> list[list[str]]:
    """The body cells of every table, as the text GitHub would show in them."""
    rows = re.findall(r"<tr>(.*?)</tr>", html(markdown), flags=re.DOTALL)
    found = [re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.DOTALL) for row in rows]
    return [row for row in found if row]


def test_markdown_and_sarif_are_formats_of_validate() -> None:
    assert {"markdown", "sarif"} <= set(reporters())


def test_a_clean_run_says_all_clear_and_nothing_else() -> None:
    text = render(report(files=16))
    assert text == "### ✅ All clear\n\n16 files checked, no problems found.\n"


def test_counts_come_first_then_the_findings_grouped_by_file() -> None:
    text = render(
        report(
            finding("Only one moderator is named."),
            finding("The account is checked 'weekdays'.", line=40, rule="SR105"),
            finding("response_time_hours is 48.", line=44, rule="SR106", severity=Severity.WARNING),
            finding("The brief was sent 3 days before the start.", path=CAMPAIGN, rule="SR116"),
        )
    )
    assert text.startswith("### ❌ 3 errors and 1 warning\n\n3 files checked.")
    assert text.index(f"#### {escape(ACCOUNT)}") < text.index(f"#### {escape(CAMPAIGN)}")
    assert text.count("#### ") == 2
    rows = cells(text)
    assert [row[0] for row in rows] == ["12", "40", "44", "12"]
    assert rows[2][1:] == ["⚠️ Warning", "SR106", "response_time_hours is 48."]
    assert rows[0][1:] == ["❌ Error", "SR105", "Only one moderator is named."]


def test_warnings_only_do_not_stop_the_merge() -> None:
    text = render(report(finding("Consider a FAQ page.", severity=Severity.WARNING)))
    assert text.startswith("### ⚠️ No errors, 1 warning\n\n3 files checked. Nothing stops the merge")


def test_waived_findings_are_shown_and_counted() -> None:
    text = render(report(finding("Only one moderator is named.", severity=Severity.WAIVED)))
    assert text.startswith("### ✅ All clear")
    assert "1 finding is excused by a waiver in the record, shown below." in text
    assert cells(text) == [["12", "ℹ️ Waived", "SR105", "Only one moderator is named."]]


HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</details><script>alert(1)</script>",
    "@anna-berg and @norrvik/comms please look",
    "fixes #12 and GH-3",
    "a | b | c",
    "*bold* _em_ ~~gone~~ [click](https://evil.example) ![i](https://evil.example/i.png)",
    "first line\n## a heading\n- a list item\r\n| x | y |",
    "$x^2$ and \\ and &lt;b&gt;",
    "see www.evil.example or https://evil.example/path?a=1#top",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_record_text_shows_as_itself_in_one_cell(text: str) -> None:
    shown = cells(render(report(finding(text))))
    assert len(shown) == 1 and len(shown[0]) == 4
    rendered = shown[0][3]
    assert "<" not in rendered.replace("&lt;", "")  # no element of any kind
    expected = " ".join(text.split())
    unescaped = (
        rendered.replace(ZERO_WIDTH_JOINER, "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )
    assert unescaped == expected


def test_record_text_cannot_ping_people_or_link_issues() -> None:
    text = render(report(finding("Ask @anna-berg, @norrvik/comms or see #12 (mail a@b.example).")))
    assert re.search(r"(?<![\w])@[A-Za-z0-9]", text) is None
    assert re.search(r"(?<![\w])#[0-9]", text) is None
    # An e-mail address is not a mention, and stays as written.
    assert "a@b.example" in text


def test_backticked_words_stay_code_and_code_is_inert() -> None:
    text = render(report(finding("`@anna <b>|x` appears twice. Keep one.")))
    (row,) = cells(text)
    assert row[3] == "<code>@anna &lt;b&gt;|x</code> appears twice. Keep one."


def test_an_odd_backtick_is_shown_as_a_backtick() -> None:
    (row,) = cells(render(report(finding("It's a ` stray backtick"))))
    assert row[3] == "It's a ` stray backtick"


def test_a_hostile_file_name_is_escaped_in_its_heading() -> None:
    text = render(report(finding("Wrong folder.", path="accounts/<b>@x</b>.yaml", rule="SR013")))
    assert "<b>" not in html(text)
    assert f"@{ZERO_WIDTH_JOINER}x" in text


def test_a_long_report_stays_within_the_limit_and_says_how_many_are_left_out() -> None:
    many = [finding("x" * 300 + f" {number}", line=number) for number in range(1, 400)]
    text = render(report(*many), limit=20_000)
    assert len(text) <= 20_000
    shown = len(cells(text))
    assert 30 < shown < 399
    assert f"**{399 - shown} more findings not shown here**" in text
    # The ones shown are the first ones, in order.
    assert [int(row[0]) for row in cells(text)] == list(range(1, shown + 1))


def test_the_default_limit_fits_a_github_comment() -> None:
    many = [finding("y" * 500, line=number) for number in range(1, 1000)]
    assert len(render(report(*many))) < 65_536 - 4_000
