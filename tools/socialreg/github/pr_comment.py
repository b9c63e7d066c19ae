"""The pull request comment and labels: plain data in, Markdown and label names out.

One comment per pull request carries the validation result and the approvals. It starts with a
hidden marker, so the bot finds it again and edits it in place on every run; only a comment
written by the bot's own login counts (github-actions[bot] with the workflow token, the App's
`<slug>[bot]` as an App), so neither a person nor another bot that pastes the marker can hide
the real comment or have the bot edit theirs.

The report comes from an artifact that the pull request's own code wrote. It is parsed strictly
(socialreg.reporters.json_report.parse); its texts are escaped by the Markdown reporter; its
paths become links only when they look like a record's place (`accounts/...`, `campaigns/...`,
`org/...`, safe characters only), and every part of an address is percent-encoded.

Line links point at the file in the pull request's head commit, which the caller reads from
GitHub, never from the artifact. Rule codes link to docs/rules.md on the base branch (written by
`socialreg rules --format markdown`), whose headings are the codes (`## SR105` -> `#sr105`).

No GitHub calls here: socialreg.github.bot asks, this module decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from socialreg.findings import Severity
from socialreg.github.api import ChangedFile, Comment
from socialreg.load.documents import load_text
from socialreg.reporters import Report, markdown
from socialreg.reporters.markdown_text import code_span

MARKER = "<!-- socialreg:report -->"
COMMENT_LIMIT = 65_536  # characters GitHub accepts in one comment
# The approvals summary is short; a cap keeps a pathological one from crowding out the findings.
APPROVALS_LIMIT = 16_000
DEFAULT_SERVER_URL = "https://github.com"
RULES_DOCUMENT = "docs/rules.md"
RECORD_FOLDERS = ("accounts/", "campaigns/")
# Changed records read to look for `waivers:` when no finding in the report is waived.
WAIVER_READ_LIMIT = 30

_RULE_CODE = re.compile(r"SR[0-9]{3}")
_LINKABLE_PATH = re.compile(r"(?:accounts|campaigns|org)(?:/[A-Za-z0-9_][A-Za-z0-9._-]*)+")
_SERVER_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~-]+)*")


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str
    description: str


ACCOUNT_REQUEST = Label(
    "account-request", "1d76db", "Adds or changes an official social media account"
)
CAMPAIGN = Label("campaign", "5319e7", "Adds or changes a paid ad campaign")
NEEDS_CHANGES = Label(
    "needs-changes", "d93f0b", "socialreg found errors to fix before this can be merged"
)
WAIVER = Label("waiver", "fbca04", "A record asks for an exception to a rule: read its reason")
# The only labels the bot adds or removes; every other label is left as it is.
MANAGED_LABELS = (ACCOUNT_REQUEST, CAMPAIGN, NEEDS_CHANGES, WAIVER)


def server_url(environ: Mapping[str, str]) -> str:
    """GitHub's web address (GITHUB_SERVER_URL in Actions), or ValueError saying what is wrong."""
    url = (environ.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/")
    if _SERVER_URL.fullmatch(url) is None:
        raise ValueError(
            "GITHUB_SERVER_URL must be a web address like https://github.com "
            "(letters, digits, dots and dashes only)."
        )
    return url


def linkable(path: str) -> bool:
    """Whether a path from the report may become a link: a record's or org file's place."""
    return _LINKABLE_PATH.fullmatch(path) is not None and ".." not in path.split("/")


@dataclass(frozen=True, slots=True)
class WebLinks:
    """Links into the repository on GitHub's web pages (a `markdown.Links`)."""

    server: str  # https://github.com
    repository: str  # OWNER/NAME, as GitHub spells it
    head_sha: str  # the pull request's head commit, from GitHub
    rules_ref: str  # where docs/rules.md is read: the base branch

    def file(self, path: str) -> str | None:
        return self._blob(self.head_sha, path) if linkable(path) else None

    def line(self, path: str, line: int) -> str | None:
        url = self.file(path)
        return None if url is None else f"{url}#L{int(line)}"

    def rule(self, code: str) -> str | None:
        if _RULE_CODE.fullmatch(code) is None:
            return None
        return f"{self._blob(self.rules_ref, RULES_DOCUMENT)}#{code.lower()}"

    def _blob(self, ref: str, path: str) -> str:
        return f"{self.server}/{quote(self.repository)}/blob/{quote(ref)}/{quote(path)}"


# --- the comment ----------------------------------------------------------------------------------


def _more(hidden: int) -> str:
    return (
        f"**…and {hidden} more — see the job summary** of the Validate run, or run "
        "`socialreg validate` on the branch."
    )


def _shorten(summary: str, limit: int) -> str:
    """The approvals summary, cut at a line boundary when it is longer than `limit`."""
    if len(summary) <= limit:
        return summary
    note = "…and more: the full approvals summary is in the job summary of the pull request bot."
    kept: list[str] = []
    used = len(note) + 2
    for line in summary.splitlines():
        if used + len(line) + 1 > limit:
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join([*kept, "", note])


def render_comment(report: Report, links: WebLinks, approvals: str | None = None) -> str:
    """The whole comment, marker first, within GitHub's limit.

    A run without findings is a short all-clear; otherwise the counts, then the findings by
    file. `approvals` is the approvals summary (already Markdown, already escaped).
    """
    footer = (
        f"<sub>Checked at commit {code_span(links.head_sha[:7])}. socialreg updates "
        "this comment on every run.</sub>"
    )
    approvals_part = "" if approvals is None else _shorten(approvals.strip(), APPROVALS_LIMIT)
    if not report.findings and (report.baseline is None or not report.baseline.fixed):
        files = markdown.count(report.summary.files, "file")
        validation = f"### ✅ All checks passed\n\n{files} checked, no problems found."
    else:
        room = COMMENT_LIMIT - len(MARKER) - len(approvals_part) - len(footer) - 100
        validation = markdown.render(
            report, limit=min(markdown.DEFAULT_LIMIT, room), links=links, more=_more
        ).strip()
    parts = [MARKER, validation]
    if approvals_part:
        parts += ["---", approvals_part]
    parts.append(footer)
    return "\n\n".join(parts) + "\n"


def find_comment(comments: Sequence[Comment], bot_login: str) -> Comment | None:
    """The bot's earlier comment: the oldest one by `bot_login` that starts with the marker."""
    for comment in comments:
        if comment.author.lower() == bot_login.lower() and comment.body.startswith(MARKER):
            return comment
    return None


# --- labels ---------------------------------------------------------------------------------------


def changed_paths(files: Iterable[ChangedFile]) -> set[str]:
    """Every path the pull request touches, both names of a renamed file included."""
    return {path for entry in files for path in (entry.filename, entry.previous_filename) if path}


def records_to_read(files: Iterable[ChangedFile]) -> list[str]:
    """The added or changed records whose text may hold `waivers:`, at most a few."""
    paths = sorted(
        entry.filename
        for entry in files
        if entry.status != "removed"
        and entry.filename.startswith(RECORD_FOLDERS)
        and entry.filename.endswith((".yaml", ".yml"))
    )
    return paths[:WAIVER_READ_LIMIT]


def has_waivers(text: str, path: str) -> bool:
    """Whether a record's text asks for a waiver (a non-empty `waivers:` at the top)."""
    document = load_text(text, path).document
    return (
        document is not None
        and isinstance(document.data, dict)
        and bool(document.data.get("waivers"))
    )


def wanted_labels(report: Report, paths: Iterable[str], records_with_waivers: bool) -> set[str]:
    """The managed labels that apply to the pull request now."""
    paths = list(paths)
    wanted: set[str] = set()
    if any(path.startswith("accounts/") for path in paths):
        wanted.add(ACCOUNT_REQUEST.name)
    if any(path.startswith("campaigns/") for path in paths):
        wanted.add(CAMPAIGN.name)
    if report.deciding_summary.errors:  # with a base, errors already there do not count
        wanted.add(NEEDS_CHANGES.name)
    waived = any(finding.severity is Severity.WAIVED for finding in report.findings)
    if waived or records_with_waivers:
        wanted.add(WAIVER.name)
    return wanted


def label_changes(current: Iterable[str], wanted: set[str]) -> tuple[list[Label], list[str]]:
    """The managed labels to add, and the names (as the pull request spells them) to remove.

    GitHub's label names ignore case, so `Waiver` counts as `waiver`.
    """
    present = {name.lower(): name for name in current}
    add = [label for label in MANAGED_LABELS if label.name in wanted and label.name not in present]
    remove = [
        present[label.name]
        for label in MANAGED_LABELS
        if label.name not in wanted and label.name in present
    ]
    return add, remove
