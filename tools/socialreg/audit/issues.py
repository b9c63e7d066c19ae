"""One GitHub issue per record that the audit found, kept up to date from run to run.

Each issue carries a hidden marker with the record's path, so the next audit finds it again
instead of opening another: it updates the text when the findings changed, leaves it alone when
they did not, and closes it (with a comment) when nothing is left to do or the record is gone.
Should two open issues carry the same marker (two runs at once), the older one stays and the
other is closed as a duplicate. The issue mentions the record's owner, so they are told; every
other piece of text from the record is escaped, so it cannot ping anyone or break the Markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from socialreg.audit.schedule import AuditItem, AuditResult, RecordInfo
from socialreg.github.api import Issue, Repository
from socialreg.reporters.markdown_text import code_span, escape, escape_message

LABEL = "registry-audit"
LABEL_COLOR = "d93f0b"
LABEL_DESCRIPTION = "Opened by socialreg audit: a record that time has made untrue"
_MARKER = re.compile(r"<!-- socialreg-audit: (\S+) -->")
_GITHUB_USER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\Z")


@dataclass(slots=True)
class SyncOutcome:
    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)

    def describe(self) -> str:
        parts = [
            f"{len(numbers)} {word}"
            for numbers, word in (
                (self.opened, "opened"),
                (self.updated, "updated"),
                (self.unchanged, "unchanged"),
                (self.closed, "closed"),
            )
        ]
        return "Audit issues: " + ", ".join(parts) + "."


def marker(path: str) -> str:
    # Quoted, so that no file name can end the comment or add a second marker.
    return f"<!-- socialreg-audit: {quote(path, safe='/._-')} -->"


def marked_path(body: str) -> str | None:
    match = _MARKER.match(body.lstrip())
    return unquote(match.group(1)) if match else None


def issue_title(info: RecordInfo, items: list[AuditItem]) -> str:
    due_now = any(item.starts is None for item in items)
    what = "needs attention" if due_now else "will need attention soon"
    return f"Registry audit: {info.kind} {info.id} {what}"


def issue_body(info: RecordInfo, items: list[AuditItem], file_url: str) -> str:
    owner = info.owner_github.lstrip("@") if info.owner_github else ""
    if owner and _GITHUB_USER.match(owner):
        greeting = f"@{owner}, the scheduled audit of the registry found something to change in"
    else:  # no usable GitHub user name in the record: nobody to mention
        greeting = "The scheduled audit of the registry found something to change in"
    lines = [
        marker(info.path),
        f"{greeting} {escape(info.title)} ({code_span(info.path)}):",
        "",
        "| Line | When | Rule | What to change |",
        "|---:|---|---|---|",
    ]
    for item in items:
        finding = item.finding
        link = f"[{finding.line}]({file_url}#L{finding.line})" if file_url else str(finding.line)
        # Dates, not "in 3 days": the text stays the same from run to run until the record
        # changes, so an unchanged issue is not edited.
        starts = "now" if item.starts is None else f"from {item.starts.isoformat()}"
        lines.append(f"| {link} | {starts} | {finding.rule} | {escape_message(finding.message)} |")
    lines.extend(
        [
            "",
            "Change the file in a pull request (the pencil icon on the file's page), and your "
            "supervisor and the communications office will be asked to approve it as usual. "
            "`socialreg explain CODE` says more about each rule.",
            "",
            "The scheduled audit keeps this issue up to date, and closes it when nothing is left "
            "to do.",
        ]
    )
    return "\n".join(lines) + "\n"


def sync_issues(repo: Repository, result: AuditResult, blob_url: str | None = None) -> SyncOutcome:
    """Open, update and close the audit issues of `repo` to match `result`.

    `blob_url` is the address files are shown under, like
    https://github.com/OWNER/NAME/blob/main; None leaves the line numbers without links.
    """
    outcome = SyncOutcome()
    existing: dict[str, list[Issue]] = {}
    for issue in sorted(repo.issues(label=LABEL, state="open"), key=lambda issue: issue.number):
        path = marked_path(issue.body)
        if path is not None:
            existing.setdefault(path, []).append(issue)
    wanted = result.by_path()
    for path, items in wanted.items():
        info = result.records.get(path) or RecordInfo(path, "record", path, path, None, None)
        title = issue_title(info, items)
        body = issue_body(info, items, f"{blob_url}/{quote(path)}" if blob_url else "")
        issues = existing.get(path, [])
        if not issues:
            if not outcome.opened:
                repo.ensure_label(LABEL, LABEL_COLOR, LABEL_DESCRIPTION)
            created = repo.create_issue(title, body, labels=(LABEL,))
            outcome.opened.append(created.number)
            continue
        keep, *duplicates = issues
        if keep.title != title or keep.body != body:
            repo.edit_issue(keep.number, title=title, body=body)
            outcome.updated.append(keep.number)
        else:
            outcome.unchanged.append(keep.number)
        for duplicate in duplicates:
            repo.create_comment(
                duplicate.number, f"This is the same record as #{keep.number}; closing this one."
            )
            repo.close_issue(duplicate.number)
            outcome.closed.append(duplicate.number)
    for path, issues in existing.items():
        if path in wanted:
            continue
        gone = path not in result.records
        reason = (
            "the file is no longer in the registry" if gone else "nothing is left to change in it"
        )
        for issue in issues:
            repo.create_comment(
                issue.number,
                f"The audit of {result.today.isoformat()} found that {reason} "
                f"({code_span(path)}). Thank you; closing this issue.",
            )
            repo.close_issue(issue.number)
            outcome.closed.append(issue.number)
    return outcome
