"""The two-key approval check: plain data in, a verdict out; no GitHub calls here.

The policy asks for two approvals of every account and campaign: the supervisor of the unit
that owns the record, who has operational responsibility (Karolinska Institutet's guidance,
seed 000), and the communications office (seeds 000 and 001). GitHub's CODEOWNERS lets any one
listed owner approve, so this check adds the second key:

- every unit whose records the pull request changes needs an approval from one of that unit's
  supervisors; a record moved from one unit to another needs both units' supervisors;
- any record change needs an approval from a communications reviewer;
- one person never counts for both keys (a supervisor who is also a communications reviewer
  gives one key; someone else must give the other);
- every other file (org/, schemas/, tools/, .github/, CODEOWNERS, and anything else, like the
  catch-all `*` in CODEOWNERS) needs a registry maintainer; a maintainer may also hold one of
  the other keys, because theirs is a check of the registry's machinery, not of the record;
- the pull request's author never approves their own change;
- who counts is read from org/ on the base branch, never from the pull request, so a pull
  request that adds its author to org/units.yaml cannot approve itself;
- only a person's latest review counts, as on GitHub: a later approval replaces a change
  request, a later change request or dismissal replaces an approval, and a plain comment
  replaces nothing;
- "changes requested" by anyone who could give a key blocks until they approve;
- an approval given on an older commit no longer counts once the files it is about changed
  after it (the record files for the supervisor and communications keys, the other files for
  the maintainer key). Whether they changed is decided from the compare API; when GitHub cannot
  say (a force-push that left the reviewed commit off the branch), the approval is treated as
  stale: a sound answer that may ask for one approval too many, never one too few.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from socialreg.codeowners import Owners

RECORD_FOLDERS = ("accounts", "campaigns")
APPROVED = "APPROVED"
CHANGES_REQUESTED = "CHANGES_REQUESTED"
DISMISSED = "DISMISSED"
# Reviews that set a person's standing; COMMENTED and PENDING leave it as it was (as on GitHub).
DECISIVE_STATES = frozenset({APPROVED, CHANGES_REQUESTED, DISMISSED})
STATUS_CONTEXT = "socialreg/approvals"

KeyKind = Literal["supervisor", "communications", "maintainer"]


@dataclass(frozen=True, slots=True)
class FileChange:
    """A file the pull request changes; `previous_path` is set for a rename."""

    path: str
    previous_path: str | None = None

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,) if self.previous_path is None else (self.previous_path, self.path)


@dataclass(frozen=True, slots=True)
class ReviewFact:
    """One submitted review; give them oldest first."""

    user: str
    state: str
    commit_id: str


@dataclass(frozen=True, slots=True)
class Scope:
    """What a pull request touches, and so which keys it needs."""

    units: dict[str, tuple[str, ...]]  # unit -> record paths of that unit
    record_paths: frozenset[str]
    other_paths: frozenset[str]


@dataclass(frozen=True, slots=True)
class Key:
    kind: KeyKind
    unit: str | None
    candidates: tuple[str, ...]  # who could give it (the author left out)
    given_by: str | None = None

    @property
    def label(self) -> str:
        if self.kind == "supervisor":
            return f"a supervisor of {self.unit}"
        if self.kind == "communications":
            return "communications"
        return "a registry maintainer"


@dataclass(frozen=True, slots=True)
class Verdict:
    author: str
    head_sha: str
    base_ref: str
    scope: Scope
    keys: tuple[Key, ...]
    blocked_by: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # plain sentences; logins are written `@name`
    org_changed: tuple[str, ...] = ()

    @property
    def approved(self) -> bool:
        return not self.blocked_by and all(key.given_by for key in self.keys)

    @property
    def missing(self) -> tuple[Key, ...]:
        return tuple(key for key in self.keys if not key.given_by)

    @property
    def status_state(self) -> str:
        return "success" if self.approved else "pending"


def record_unit(path: str) -> str | None:
    """`accounts/library/x.yaml` -> `library`; None for anything that is not a record's place."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] in RECORD_FOLDERS and parts[1] and parts[2]:
        return parts[1]
    return None


def scope_of(changes: Iterable[FileChange]) -> Scope:
    units: dict[str, list[str]] = {}
    records: set[str] = set()
    others: set[str] = set()
    for change in changes:
        for path in change.paths:
            unit = record_unit(path)
            if unit is None:
                others.add(path)
            else:
                records.add(path)
                units.setdefault(unit, []).append(path)
    return Scope(
        {unit: tuple(sorted(set(paths))) for unit, paths in sorted(units.items())},
        frozenset(records),
        frozenset(others),
    )


def latest_reviews(reviews: Sequence[ReviewFact], author: str) -> dict[str, ReviewFact]:
    """Each reviewer's standing review (lowercase login -> review); the author's are left out."""
    latest: dict[str, ReviewFact] = {}
    for review in reviews:
        login = review.user.lower()
        if login and login != author.lower() and review.state in DECISIVE_STATES:
            latest[login] = review
    return latest


def commits_to_compare(reviews: Sequence[ReviewFact], author: str, head_sha: str) -> set[str]:
    """The older commits that standing approvals were given on: each needs one compare call."""
    return {
        review.commit_id
        for review in latest_reviews(reviews, author).values()
        if review.state == APPROVED and review.commit_id != head_sha
    }


def _changed_after(
    commit: str,
    head_sha: str,
    paths: frozenset[str],
    changed_since: Mapping[str, frozenset[str] | None],
) -> bool:
    if commit == head_sha or not paths:
        return False
    changed = changed_since.get(commit)
    return changed is None or bool(changed & paths)


@dataclass(slots=True)
class _Assignment:
    supervisors: dict[str, str | None] = field(default_factory=dict)
    communications: str | None = None

    @property
    def score(self) -> int:
        given = sum(1 for person in self.supervisors.values() if person)
        return given + (1 if self.communications else 0)


def _assign(
    units: Sequence[str],
    supervisors: Mapping[str, tuple[str, ...]],
    communications: tuple[str, ...],
    approvers: set[str],
) -> _Assignment:
    """Give the keys to approvers so that no one holds both a supervisor key and communications.

    One supervisor may give the key for several of their units. Tries no one and then each
    approving communications reviewer for that key, and keeps the assignment that gives the
    most keys.
    """
    # None first: on a tie, a person who holds both roles gives the supervisor key.
    options: list[str | None] = [None]
    options += [person for person in communications if person in approvers]
    best: _Assignment | None = None
    for comms in options:
        assignment = _Assignment(communications=comms)
        for unit in units:
            pool = [p for p in supervisors.get(unit, ()) if p in approvers and p != comms]
            assignment.supervisors[unit] = pool[0] if pool else None
        if best is None or assignment.score > best.score:
            best = assignment
    assert best is not None
    return best


def evaluate(
    *,
    author: str,
    head_sha: str,
    base_ref: str,
    changes: Sequence[FileChange],
    reviews: Sequence[ReviewFact],
    owners: Owners,
    changed_since: Mapping[str, frozenset[str] | None],
    problems: Sequence[str] = (),
    go_live_only: bool = False,
) -> Verdict:
    """Decide whether the pull request has every key it needs.

    `owners` must come from the base branch. `changed_since` maps each commit in
    `commits_to_compare()` to the paths changed between it and the head (None: unknown).
    `go_live_only` (see socialreg.go_live): the pull request only opens approved accounts, so
    the communications office's key is enough.
    """
    author_login = author.lower()
    scope = scope_of(changes)
    units = [] if go_live_only else list(scope.units)
    supervisors = {
        unit: tuple(
            p.lower() for p in owners.supervisors.get(unit, ()) if p.lower() != author_login
        )
        for unit in units
    }
    communications = (
        tuple(p.lower() for p in owners.communications if p.lower() != author_login)
        if scope.units
        else ()
    )
    maintainers = (
        tuple(p.lower() for p in owners.maintainers if p.lower() != author_login)
        if scope.other_paths
        else ()
    )

    record_holders = {p for people in supervisors.values() for p in people} | set(communications)
    required = record_holders | set(maintainers)
    latest = latest_reviews(reviews, author)
    notes: list[str] = list(problems)
    if go_live_only:
        notes.append(
            "This pull request only opens an account that was already approved (its status "
            "goes from requested to active or pilot, with its address), so the communications "
            "office's approval is enough."
        )
    record_approvers: set[str] = set()
    other_approvers: set[str] = set()
    for login, review in sorted(latest.items()):
        if review.state != APPROVED:
            continue
        stale_records = _changed_after(
            review.commit_id, head_sha, scope.record_paths, changed_since
        )
        stale_others = _changed_after(review.commit_id, head_sha, scope.other_paths, changed_since)
        if not stale_records:
            record_approvers.add(login)
        if not stale_others:
            other_approvers.add(login)
        # Say so only where it costs a key this person could give.
        lost_record_key = stale_records and login in record_holders
        lost_other_key = stale_others and login in maintainers
        if lost_record_key or lost_other_key:
            what = "the records" if lost_record_key else "the files"
            notes.append(
                f"@{login} approved an older version (commit {review.commit_id[:7]}); {what} "
                "changed after that, so this approval no longer counts. Ask for a new approval."
            )

    assignment = _assign(units, supervisors, communications, record_approvers)
    keys: list[Key] = [
        Key("supervisor", unit, supervisors[unit], assignment.supervisors.get(unit))
        for unit in units
    ]
    if scope.units:
        keys.append(Key("communications", None, communications, assignment.communications))
    if scope.other_paths:
        maintainer = next((p for p in maintainers if p in other_approvers), None)
        keys.append(Key("maintainer", None, maintainers, maintainer))

    holders = {key.given_by: key for key in keys if key.given_by and key.kind != "maintainer"}
    for key in keys:
        if key.given_by or key.kind == "maintainer":
            continue
        for person in key.candidates:
            other = holders.get(person)
            if person in record_approvers and other is not None:
                notes.append(
                    f"@{person} approved, but already counts as {other.label}; one person "
                    f"counts for one key only, so {key.label} must come from someone else."
                )

    blocked_by = tuple(
        login
        for login, review in sorted(latest.items())
        if review.state == CHANGES_REQUESTED and login in required
    )
    for login in blocked_by:
        notes.append(f"@{login} requested changes; that blocks until they approve.")
    for login, review in sorted(latest.items()):
        if review.state == CHANGES_REQUESTED and login not in required:
            notes.append(
                f"@{login} requested changes. They hold none of the keys, so this does not "
                "block the check, but please read their review."
            )
        if review.state == APPROVED and login not in required:
            notes.append(
                f"@{login} approved, but holds none of the keys this pull request needs "
                f"according to the org/ files on {base_ref}."
            )
    if any(review.user.lower() == author_login and review.state == APPROVED for review in reviews):
        notes.append(f"@{author_login} opened this pull request; their own approval never counts.")
    for key in keys:
        if not key.candidates:
            notes.append(
                f"No one who may give the key '{key.label}' is listed in the org/ files on "
                f"{base_ref} (the author does not count). Add such a person there first, in a "
                "separate pull request."
            )
    org_changed = tuple(sorted(p for p in scope.other_paths if p.startswith("org/")))
    return Verdict(
        author=author_login,
        head_sha=head_sha,
        base_ref=base_ref,
        scope=scope,
        keys=tuple(keys),
        blocked_by=blocked_by,
        notes=tuple(dict.fromkeys(notes)),
        org_changed=org_changed,
    )


# --- words --------------------------------------------------------------------------------------


def _missing_text(key: Key) -> str:
    if key.kind == "supervisor":
        people = ", ".join(f"@{person}" for person in key.candidates) or "no one listed"
        return f"{key.label} ({people})"
    return key.label


def status_description(verdict: Verdict) -> str:
    """The commit status line (GitHub cuts it at 140 characters; the facade does too)."""
    if not verdict.keys:
        return "Nothing to approve: the pull request changes no files."
    if verdict.approved:
        given = ", ".join(f"{key.label} (@{key.given_by})" for key in verdict.keys)
        return f"Approved by {given}"
    parts = []
    if verdict.blocked_by:
        parts.append("changes requested by " + ", ".join(f"@{p}" for p in verdict.blocked_by))
    if verdict.missing:
        parts.append("waiting for: " + "; ".join(_missing_text(key) for key in verdict.missing))
    return "; ".join(parts)


_UNSAFE_MARKDOWN = re.compile(r"[`|\r\n<>\\]")


def _code(text: str) -> str:
    """Text as a Markdown code span inside a table: no pings, no HTML, no broken cells."""
    return "`" + _UNSAFE_MARKDOWN.sub("?", text) + "`"


def _login(person: str) -> str:
    return _code("@" + person)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|~#!])")


def _sentence(text: str) -> str:
    """A note as Markdown: every `@login` in a code span (so the comment pings no one), and
    every other character that Markdown or HTML would read escaped."""
    text = " ".join(text.split())
    pieces = re.split(r"(@[A-Za-z0-9-]+)", text)
    return "".join(
        _code(piece) if index % 2 else _MARKDOWN_SPECIAL.sub(r"\\\1", piece)
        for index, piece in enumerate(pieces)
    )


def render_summary(verdict: Verdict) -> str:
    """The Markdown summary for the pull request comment and the workflow log."""
    lines: list[str] = []
    if not verdict.keys:
        lines.append("### ✅ Approvals: nothing to approve")
        lines.append("")
        lines.append("This pull request changes no files.")
        return "\n".join(lines) + "\n"
    title = "✅ Approvals: complete" if verdict.approved else "⏳ Approvals: waiting"
    lines += [f"### {title}", ""]
    lines += ["| Needed | Who can give it | Approved by |", "|---|---|---|"]
    for key in verdict.keys:
        if key.kind == "supervisor":
            needed = f"Supervisor of {_code(key.unit or '')}"
        elif key.kind == "communications":
            needed = "Communications office"
        else:
            needed = "Registry maintainer"
        who = ", ".join(_login(person) for person in key.candidates) or "no one listed"
        given = f"✅ {_login(key.given_by)}" if key.given_by else "⏳ waiting"
        lines.append(f"| {needed} | {who} | {given} |")
    lines.append("")
    if verdict.blocked_by:
        people = ", ".join(_login(person) for person in verdict.blocked_by)
        lines += [f"**Changes requested by** {people}.", ""]
    if verdict.missing:
        waiting = "; ".join(_missing_text(key) for key in verdict.missing)
        lines += [f"**Waiting for:** {_sentence(waiting)}.", ""]
    for note in verdict.notes:
        lines.append(f"- {_sentence(note)}")
    if verdict.notes:
        lines.append("")
    base = _code(verdict.base_ref)
    if verdict.org_changed:
        changed = ", ".join(_code(path) for path in verdict.org_changed)
        lines.append(
            f"This pull request changes {changed}. Who may approve is read from {base}, so "
            "the change applies to pull requests after this one is merged."
        )
    else:
        lines.append(f"Who may approve is read from the org/ files on {base}.")
    lines.append("")
    lines.append(
        "One person counts for one key; the author's own approval never counts; an approval "
        f"counts until the files change after it. Checked at commit {_code(verdict.head_sha[:7])}."
    )
    return "\n".join(lines) + "\n"
