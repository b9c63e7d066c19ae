"""The words of the approval check: the status line and the Markdown summary.

Everything here is read by supervisors and communications staff on the pull request page. Every
piece of text that comes from elsewhere (unit folder names, file paths, logins, branch names,
sentences about the org/ files) goes through socialreg.reporters.markdown_text, the one escaper
for what reaches GitHub, so none of it can ping, link or break out of the summary.
"""

from __future__ import annotations

from socialreg.github.approvals import Key, Note, Refusal, Verdict
from socialreg.reporters.markdown_text import code_span, escape, login

# --- the status line (plain text: GitHub shows it as it is, cut at 140 characters) -------------


def _plain_missing(key: Key) -> str:
    if key.kind == "supervisor":
        people = ", ".join(f"@{person}" for person in key.candidates) or "no one listed"
        return f"{key.label} ({people})"
    return key.label


def refusal_line(refusal: Refusal) -> str:
    """A refusal in one plain sentence, short enough for the status line."""
    if refusal.kind == "base":
        return (
            f"not checked: the base is {refusal.detail}, not {refusal.extra}; "
            f"approvals count only for pull requests into {refusal.extra}"
        )
    if refusal.kind == "too_many_files":
        return (
            f"too many files: GitHub lists {refusal.detail} of {refusal.extra}; "
            "split the pull request"
        )
    if refusal.kind == "too_many_records":
        return f"too many records ({refusal.detail}) to check their owners; split the pull request"
    if refusal.kind == "non_regular":
        return f"{refusal.detail} is a symlink or other special file, not a plain file"
    return "the files of the head commit could not all be listed, so they cannot be checked"


def status_description(verdict: Verdict) -> str:
    """The commit status line (GitHub cuts it at 140 characters; the facade does too)."""
    if verdict.refusals:
        return "Refused: " + "; ".join(refusal_line(refusal) for refusal in verdict.refusals)
    if not verdict.keys:
        return "Nothing to approve: the pull request changes no files."
    if verdict.approved:
        given = ", ".join(f"{key.label} (@{key.given_by})" for key in verdict.keys)
        return f"Approved by {given}"
    parts = []
    if verdict.blocked_by:
        parts.append("changes requested by " + ", ".join(f"@{p}" for p in verdict.blocked_by))
    if verdict.missing:
        parts.append("waiting for: " + "; ".join(_plain_missing(key) for key in verdict.missing))
    return "; ".join(parts)


# --- the summary (Markdown) -------------------------------------------------------------------


def key_label(key: Key) -> str:
    """A key's name as Markdown (the unit folder name in code, so it shows as written)."""
    if key.kind == "supervisor":
        return f"a supervisor of {code_span(key.unit or '')}"
    return escape(key.label)


def _missing(key: Key) -> str:
    if key.kind == "supervisor":
        people = ", ".join(login(person) for person in key.candidates) or "no one listed"
        return f"{key_label(key)} ({people})"
    return key_label(key)


def refusal_markdown(refusal: Refusal) -> str:
    if refusal.kind == "base":
        return (
            f"This pull request is into {code_span(refusal.detail)}. Who may approve is read "
            f"from {code_span(refusal.extra)}, so only pull requests into "
            f"{code_span(refusal.extra)} are checked. Change the base branch to "
            f"{code_span(refusal.extra)} (Edit, next to the title)."
        )
    if refusal.kind == "too_many_files":
        return (
            f"GitHub lists only {escape(refusal.detail)} of the {escape(refusal.extra)} files "
            "this pull request changes, so the keys for the others cannot be worked out. "
            "Split it into smaller pull requests."
        )
    if refusal.kind == "too_many_records":
        return (
            f"This pull request changes {escape(refusal.detail)} records; the check reads at "
            f"most {escape(refusal.extra)} to see who owns them. Split it into smaller pull "
            "requests."
        )
    if refusal.kind == "non_regular":
        return (
            f"{code_span(refusal.detail)} is a symlink or another special file (git mode "
            f"{code_span(refusal.extra)}). Records and org/ files must be plain files: a link "
            "would let a later change of its target rewrite a record. Replace it with the file."
        )
    return (
        "GitHub could not list every file of the head commit, so this pull request cannot be "
        "checked for symlinks. Split it into smaller pull requests."
    )


def note_markdown(note: Note) -> str:
    """One note as a Markdown sentence."""
    who = login(note.login) if note.login else ""
    if note.kind == "problem":
        return escape(note.text)
    if note.kind == "go_live":
        return (
            "This pull request only opens an account that was already approved (its status goes "
            "from requested to active or pilot, with its address), so the communications "
            "office's approval is enough."
        )
    if note.kind == "stale":
        return (
            f"{who} approved an earlier push (commit {code_span(note.other)}). An approval "
            "counts only on the most recent push: ask for a new approval."
        )
    if note.kind == "no_write":
        return (
            f"{who} approved, but no longer has write access to this repository (or has left "
            "the organisation), so the approval does not count. Ask someone who does, or "
            "update org/ first."
        )
    if note.kind == "own_approval":
        return f"{who} opened this pull request; their own approval never counts."
    if note.kind == "own_record":
        return (
            f"{who} approved, but is the owner of a record this pull request changes. The "
            "policy (org/policy.yaml, `approvals`) says an owner holds no key for their own "
            "record."
        )
    if note.kind == "moderator":
        return (
            f"{who} approved, but moderates an account this pull request changes. The policy "
            "(org/policy.yaml, `approvals`) says moderators hold no key for it."
        )
    if note.kind == "one_key_only":
        return (
            f"{who} approved, but already counts as {escape(note.key_label)}; one person counts "
            f"for one key only, so {escape(note.other)} must come from someone else."
        )
    if note.kind == "blocked":
        return f"{who} requested changes; that blocks until they approve."
    if note.kind == "changes_without_key":
        return (
            f"{who} requested changes. They hold none of the keys, so this does not block the "
            "check, but please read their review."
        )
    if note.kind == "no_key":
        return (
            f"{who} approved, but holds none of the keys this pull request needs according to "
            "the org/ files on the default branch."
        )
    return (
        f"No one who may give the key '{escape(note.key_label)}' is listed in the org/ files on "
        "the default branch (the author and the record's own people do not count). Add such a "
        "person there first, in a separate pull request."
    )


def _needed(key: Key) -> str:
    if key.kind == "supervisor":
        return f"Supervisor of {code_span(key.unit or '')}"
    if key.kind == "communications":
        return "Communications office"
    return "Registry maintainer"


def _table(verdict: Verdict) -> list[str]:
    lines = ["| Needed | Who can give it | Approved by |", "|---|---|---|"]
    for key in verdict.keys:
        who = ", ".join(login(person) for person in key.candidates) or "no one listed"
        given = f"✅ {login(key.given_by)}" if key.given_by else "⏳ waiting"
        lines.append(f"| {_needed(key)} | {who} | {given} |")
    return [*lines, ""]


def _title(verdict: Verdict) -> str:
    if verdict.refusals:
        return "❌ Approvals: refused"
    if not verdict.keys:
        return "✅ Approvals: nothing to approve"
    return "✅ Approvals: complete" if verdict.approved else "⏳ Approvals: waiting"


def render_summary(verdict: Verdict) -> str:
    """The Markdown summary for the pull request comment, the check and the workflow log."""
    lines = [f"### {_title(verdict)}", ""]
    for refusal in verdict.refusals:
        lines.append(f"- **{refusal_markdown(refusal)}**")
    if verdict.refusals:
        lines.append("")
    if not verdict.keys:
        lines.append("This pull request changes no files.")
        return "\n".join(lines) + "\n"
    lines += _table(verdict)
    if verdict.blocked_by:
        people = ", ".join(login(person) for person in verdict.blocked_by)
        lines += [f"**Changes requested by** {people}.", ""]
    if verdict.missing:
        waiting = "; ".join(_missing(key) for key in verdict.missing)
        lines += [f"**Waiting for:** {waiting}.", ""]
    lines += [f"- {note_markdown(note)}" for note in verdict.notes]
    if verdict.notes:
        lines.append("")
    default = code_span(verdict.default_branch)
    if verdict.org_changed:
        changed = ", ".join(code_span(path) for path in verdict.org_changed)
        lines.append(
            f"This pull request changes {changed}. Who may approve is read from {default}, so "
            "the change applies to pull requests after this one is merged."
        )
    else:
        lines.append(f"Who may approve is read from the org/ files on {default}.")
    lines += [
        "",
        "One person counts for one key; the author's own approval never counts; an approval "
        "counts only on the most recent push. Checked at commit "
        f"{code_span(verdict.head_sha[:7])}.",
    ]
    return "\n".join(lines) + "\n"
