"""The pull request comment's pieces, without GitHub: links, labels, finding the comment again."""

from __future__ import annotations

import pytest

from socialreg.findings import Finding, Severity, Summary
from socialreg.github.api import ChangedFile, Comment
from socialreg.github.pr_comment import (
    APPROVALS_LIMIT,
    COMMENT_LIMIT,
    MARKER,
    WebLinks,
    changed_paths,
    find_comment,
    has_waivers,
    label_changes,
    linkable,
    records_to_read,
    render_comment,
    server_url,
    wanted_labels,
)
from socialreg.reporters import Report
from socialreg.reporters.markdown import link

SHA = "0123456789abcdef0123456789abcdef01234567"
LINKS = WebLinks("https://github.com", "norrvik/registry", SHA, "main")


def report(*severities: Severity, files: int = 4) -> Report:
    findings = [
        Finding("accounts/library/x.yaml", n, 1, "SR105", severity, "Message.")
        for n, severity in enumerate(severities, 1)
    ]
    return Report(findings, Summary.of(findings, files))


@pytest.mark.parametrize(
    "path",
    ["accounts/library/x.yaml", "campaigns/admissions/apply-2027.yml", "org/units.yaml"],
)
def test_record_and_org_paths_are_linkable(path: str) -> None:
    assert linkable(path)


@pytest.mark.parametrize(
    "path",
    [
        "accounts/../x.yaml",
        "accounts/./x.yaml",
        "accounts/.hidden",
        "accounts",
        "accounts/",
        "schemas/account.schema.json",
        "tools/socialreg/cli.py",
        "accounts/library/x.yaml#L1",
        "accounts/library/x y.yaml",
        "accounts/library/ä.yaml",
        "accounts//x.yaml",
    ],
)
def test_other_paths_are_not_linkable(path: str) -> None:
    assert not linkable(path)


def test_links_encode_every_part() -> None:
    links = WebLinks("https://ghe.example/sub", "norrvik/registry", SHA, "release/2027 (spring)")
    assert links.rule("SR105") == (
        "https://ghe.example/sub/norrvik/registry/blob/release/2027%20%28spring%29"
        "/docs/rules.md#sr105"
    )
    assert links.line("org/units.yaml", 7) == (
        f"https://ghe.example/sub/norrvik/registry/blob/{SHA}/org/units.yaml#L7"
    )
    assert links.rule("sr105") is None
    assert links.rule("SR1050") is None
    assert links.file("../x") is None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "https://github.com"),
        ({"GITHUB_SERVER_URL": ""}, "https://github.com"),
        ({"GITHUB_SERVER_URL": "https://git.norrvik.example/"}, "https://git.norrvik.example"),
        ({"GITHUB_SERVER_URL": "http://127.0.0.1:8080/ghe"}, "http://127.0.0.1:8080/ghe"),
    ],
)
def test_server_url(environ: dict[str, str], expected: str) -> None:
    assert server_url(environ) == expected


@pytest.mark.parametrize(
    "value", ["javascript:alert(1)", "github.com", "https://x.example/a b", "https://a.example/)"]
)
def test_a_strange_server_url_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="GITHUB_SERVER_URL"):
        server_url({"GITHUB_SERVER_URL": value})


def test_the_comment_starts_with_the_marker_and_stays_within_the_limit() -> None:
    approvals = "### ⏳ Approvals: waiting\n\n" + "\n".join(f"- note {n}" for n in range(9000))
    body = render_comment(report(*[Severity.ERROR] * 3000), LINKS, approvals)
    assert body.startswith(MARKER + "\n\n")
    assert len(body) <= COMMENT_LIMIT
    # The approvals are cut first, at a line, and say where the rest is.
    approvals_part = body[body.index("### ⏳") :]
    assert len(approvals_part) < APPROVALS_LIMIT + 200
    assert "…and more: the full approvals summary is in the job summary" in approvals_part


def test_only_the_bots_own_comment_with_the_marker_is_found() -> None:
    found = find_comment(
        [
            Comment(1, "olle", MARKER + " mine"),
            Comment(2, "github-actions[bot]", "Thanks for the pull request!"),
            Comment(3, "github-actions[bot]", MARKER + "\n\nfirst"),
            Comment(4, "github-actions[bot]", MARKER + "\n\nsecond"),
        ],
        "github-actions[bot]",
    )
    assert found is not None and found.id == 3
    assert find_comment([Comment(1, "olle", MARKER)], "github-actions[bot]") is None


def test_another_bots_comment_with_the_marker_is_not_the_bots_own() -> None:
    # Another App (or a workflow with its own App token) writes the marker first: the bot must
    # not take that comment for its own and edit or hide behind it.
    comments = [
        Comment(1, "someone-elses-app[bot]", MARKER + "\n\nAll approved, merge away."),
        Comment(2, "socialreg-registry[bot]", MARKER + "\n\nthe real one"),
    ]
    assert find_comment(comments, "github-actions[bot]") is None
    found = find_comment(comments, "socialreg-registry[bot]")
    assert found is not None and found.id == 2


def test_wanted_labels() -> None:
    paths = ["accounts/library/x.yaml", "README.md"]
    assert wanted_labels(report(), paths, False) == {"account-request"}
    assert wanted_labels(report(Severity.ERROR), ["campaigns/a/b.yaml"], False) == {
        "campaign",
        "needs-changes",
    }
    assert wanted_labels(report(Severity.WARNING), [], False) == set()
    assert wanted_labels(report(Severity.WAIVED), [], False) == {"waiver"}
    assert wanted_labels(report(), [], True) == {"waiver"}


def test_renamed_records_count_under_both_names() -> None:
    files = [ChangedFile("campaigns/library/x.yaml", "renamed", "accounts/library/x.yaml")]
    assert changed_paths(files) == {"campaigns/library/x.yaml", "accounts/library/x.yaml"}


def test_label_changes_touch_only_the_four_labels() -> None:
    add, remove = label_changes(
        ["help wanted", "Campaign", "waiver", "needs-changes-later"], {"account-request", "waiver"}
    )
    assert [label.name for label in add] == ["account-request"]
    assert remove == ["Campaign"]


def test_records_to_read_skips_removed_and_other_files() -> None:
    files = [
        ChangedFile("accounts/library/a.yaml", "added"),
        ChangedFile("accounts/library/b.yaml", "removed"),
        ChangedFile("campaigns/careers/c.yml", "modified"),
        ChangedFile("org/units.yaml", "modified"),
        ChangedFile("accounts/library/README.md", "added"),
    ]
    assert records_to_read(files) == ["accounts/library/a.yaml", "campaigns/careers/c.yml"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("platform: x\nwaivers:\n  - rule: SR105\n", True),
        ("platform: x\nwaivers: []\n", False),
        ("platform: x\n", False),
        ("- a list\n", False),
        ("key: [unclosed\n", False),
        ("notes: 'waivers: yes'\n", False),
    ],
)
def test_has_waivers(text: str, expected: bool) -> None:
    assert has_waivers(text, "accounts/library/x.yaml") is expected


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://a.example/x)y",
        "https://a.example/x y",
        "https://a.example/x|y",
        "https://a.example/<x>",
        'https://a.example/"x',
        "//a.example/x",
    ],
)
def test_the_reporter_drops_an_address_that_could_break_out(url: str) -> None:
    assert link("12", url) == "12"
    assert link("12", None) == "12"


def test_the_reporter_links_a_plain_address() -> None:
    assert link("SR105", "https://github.com/o/r/blob/main/docs/rules.md#sr105") == (
        "[SR105](https://github.com/o/r/blob/main/docs/rules.md#sr105)"
    )
