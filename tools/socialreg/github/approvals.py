"""The two-key approval check: plain data in, a verdict out; no GitHub calls and no prose here.

The policy asks for two approvals of every account and campaign: the supervisor of the unit
that owns the record, who has operational responsibility (Karolinska Institutet, *Setting up a
social media account*), and the communications office (the same, and City of Stockholm, *Guide
– starta nytt konto*). GitHub's CODEOWNERS lets any one listed owner approve, so this check
adds the second key:

- every unit whose records the pull request changes needs an approval from one of that unit's
  supervisors; a record moved from one unit to another needs both units' supervisors;
- any record change needs an approval from a communications reviewer;
- one person never counts for both keys (a supervisor who is also a communications reviewer
  gives one key; someone else must give the other);
- every other file (org/, schemas/, tools/, .github/, CODEOWNERS, and anything else) needs a
  registry maintainer; a maintainer may also hold one of the other keys, because theirs is a
  check of the registry's machinery, not of the record;
- the pull request's author never approves their own change, and (org/policy.yaml,
  `approvals:`) a record's owner never holds a key for their own record, nor, when the policy
  says so, its moderators;
- a key is held only by someone who still has write access to the repository;
- who counts is read from org/ on the *default branch* as it is now, never from the pull
  request or its base, so neither a pull request that adds its author to org/units.yaml nor one
  opened against a branch with a made-up org/ can approve itself;
- only a person's latest review counts, as on GitHub; "changes requested" by anyone who could
  give a key blocks until they approve;
- an approval counts only on the most recent push: it must be given on the head commit, after
  the branch was last force-pushed (so a force-push back to an approved commit starts over).

Some pull requests are refused outright (status `failure`, see `Refusal`): one whose base is not
the default branch, one with more files than GitHub lists, one that adds a symlink or another
non-regular file where records live.

The steps, each a function a reviewer can follow: `scope_of` (which keys), `candidates` (who
may give each), `fresh_approvals` (whose approval still counts), `assign_keys` (who gives which
key), `verdict` (the decision with its notes). The words are in approvals_text.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from socialreg.codeowners import Owners

RECORD_FOLDERS = ("accounts", "campaigns")
# Where only regular files may be: a symlink there would let a later, lightly reviewed change of
# its target rewrite a record (or read a file outside the repository on the runner).
REGULAR_FILE_FOLDERS = ("accounts/", "campaigns/", "org/")
REGULAR_FILE_MODES = frozenset({"100644", "100755"})
APPROVED = "APPROVED"
CHANGES_REQUESTED = "CHANGES_REQUESTED"
DISMISSED = "DISMISSED"
# Reviews that set a person's standing; COMMENTED and PENDING leave it as it was (as on GitHub).
DECISIVE_STATES = frozenset({APPROVED, CHANGES_REQUESTED, DISMISSED})
STATUS_CONTEXT = "socialreg/approvals"

KeyKind = Literal["supervisor", "communications", "maintainer"]
StatusState = Literal["success", "pending", "failure"]


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
    submitted_at: datetime.datetime | None = None


@dataclass(frozen=True, slots=True)
class Duties:
    """Separation of duties, from the `approvals:` section of org/policy.yaml."""

    owner_may_approve: bool = False
    moderators_may_approve: bool = True


@dataclass(frozen=True, slots=True)
class RecordPeople:
    """Who a record names (at the base and at the head): its owner and its moderators."""

    owners: frozenset[str] = frozenset()
    moderators: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why the check fails outright, whatever the reviews say."""

    kind: Literal["base", "too_many_files", "too_many_records", "non_regular", "tree_unknown"]
    detail: str = ""  # the base branch, the file count, or the path
    extra: str = ""  # the default branch, GitHub's count, or the git mode


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
    candidates: tuple[str, ...]  # who could give it (the author and barred people left out)
    given_by: str | None = None

    @property
    def label(self) -> str:
        if self.kind == "supervisor":
            return f"a supervisor of {self.unit}"
        if self.kind == "communications":
            return "communications"
        return "a registry maintainer"


NoteKind = Literal[
    "problem",  # text: a sentence about the org/ files
    "stale",  # login approved before the latest push
    "no_write",  # login approved but no longer has write access
    "own_approval",  # the author approved
    "own_record",  # login owns a changed record
    "moderator",  # login moderates a changed account
    "one_key_only",  # login already counts for `key_label`; `other` is the key they cannot give
    "blocked",  # login requested changes and could give a key
    "changes_without_key",  # login requested changes but holds no key
    "no_key",  # login approved but holds no key
    "no_candidates",  # no one may give `key_label`
    "go_live",  # the pull request only opens approved accounts: communications is enough
]


@dataclass(frozen=True, slots=True)
class Note:
    """One thing the summary explains; approvals_text.py turns it into a sentence."""

    kind: NoteKind
    login: str = ""
    key_label: str = ""
    other: str = ""
    text: str = ""


@dataclass(frozen=True, slots=True)
class Candidates:
    """Who may give each key of this pull request (lowercase logins)."""

    supervisors: dict[str, tuple[str, ...]]  # unit -> people
    communications: tuple[str, ...]
    maintainers: tuple[str, ...]
    barred: dict[str, Literal["own_record", "moderator"]]  # person -> why they hold no record key

    @property
    def record_holders(self) -> frozenset[str]:
        people = {person for group in self.supervisors.values() for person in group}
        return frozenset(people | set(self.communications))

    @property
    def anyone(self) -> frozenset[str]:
        return self.record_holders | frozenset(self.maintainers)


@dataclass(frozen=True, slots=True)
class Verdict:
    author: str
    head_sha: str
    base_ref: str
    default_branch: str
    scope: Scope
    keys: tuple[Key, ...]
    blocked_by: tuple[str, ...] = ()
    notes: tuple[Note, ...] = ()
    org_changed: tuple[str, ...] = ()
    refusals: tuple[Refusal, ...] = ()

    @property
    def approved(self) -> bool:
        return not self.refusals and not self.blocked_by and all(key.given_by for key in self.keys)

    @property
    def missing(self) -> tuple[Key, ...]:
        return tuple(key for key in self.keys if not key.given_by)

    @property
    def status_state(self) -> StatusState:
        if self.refusals:
            return "failure"
        return "success" if self.approved else "pending"


# --- refusals: pull requests this check never approves --------------------------------------------


def base_refusal(base_ref: str, default_branch: str) -> Refusal | None:
    """Who counts is read from the default branch, so only pull requests into it are checked."""
    return None if base_ref == default_branch else Refusal("base", base_ref, default_branch)


def file_count_refusal(listed: int, changed_files: int | None) -> Refusal | None:
    """GitHub lists at most 3,000 files; keys for files it did not list were never asked for."""
    if changed_files is None or listed >= changed_files:
        return None
    return Refusal("too_many_files", str(listed), str(changed_files))


def non_regular_refusals(
    changes: Iterable[FileChange], modes: Mapping[str, str] | None
) -> list[Refusal]:
    """Symlinks, submodules and other non-regular files where records and org/ files live.

    `modes` is the git mode of every path at the head commit; None when GitHub could not list
    them all, which is refused as well: a record that cannot be checked is not approved.
    """
    paths = sorted(
        {change.path for change in changes if change.path.startswith(REGULAR_FILE_FOLDERS)}
    )
    if not paths:
        return []
    if modes is None:
        return [Refusal("tree_unknown")]
    return [
        Refusal("non_regular", path, modes[path])
        for path in paths
        if path in modes and modes[path] not in REGULAR_FILE_MODES
    ]


# --- step 1: scope --------------------------------------------------------------------------------


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


# --- step 2: candidates ---------------------------------------------------------------------------


def barred_people(
    scope: Scope, people: Mapping[str, RecordPeople], duties: Duties
) -> dict[str, Literal["own_record", "moderator"]]:
    """The people the policy keeps from holding a record key: owners (and moderators)."""
    barred: dict[str, Literal["own_record", "moderator"]] = {}
    for path in sorted(scope.record_paths):
        named = people.get(path, RecordPeople())
        if not duties.moderators_may_approve:
            for person in named.moderators:
                barred.setdefault(person.lower(), "moderator")
        if not duties.owner_may_approve:
            for person in named.owners:
                barred[person.lower()] = "own_record"
    return barred


def candidates(
    scope: Scope,
    owners: Owners,
    author: str,
    people: Mapping[str, RecordPeople] | None = None,
    duties: Duties = Duties(),
) -> Candidates:
    """Who may give each key: from org/, without the author and the people the policy bars."""
    barred = barred_people(scope, people or {}, duties)
    left_out = {author.lower(), *barred}

    def allowed(logins: Iterable[str], excluded: set[str]) -> tuple[str, ...]:
        return tuple(p.lower() for p in logins if p.lower() not in excluded)

    supervisors = {
        unit: allowed(owners.supervisors.get(unit, ()), left_out) for unit in scope.units
    }
    return Candidates(
        supervisors=supervisors,
        communications=allowed(owners.communications, left_out) if scope.units else (),
        maintainers=(allowed(owners.maintainers, {author.lower()}) if scope.other_paths else ()),
        barred=barred,
    )


# --- step 3: staleness ----------------------------------------------------------------------------


def latest_reviews(reviews: Sequence[ReviewFact], author: str) -> dict[str, ReviewFact]:
    """Each reviewer's standing review (lowercase login -> review); the author's are left out."""
    latest: dict[str, ReviewFact] = {}
    for review in reviews:
        login = review.user.lower()
        if login and login != author.lower() and review.state in DECISIVE_STATES:
            latest[login] = review
    return latest


def on_latest_push(
    review: ReviewFact, head_sha: str, last_force_push: datetime.datetime | None
) -> bool:
    """Whether a review was given on the head commit, after the branch was last force-pushed.

    A force-push back to a commit approved earlier makes it the head again; the approvals given
    before the force-push were about a branch that has since changed, so they start over.
    """
    if review.commit_id != head_sha:
        return False
    if last_force_push is None:
        return True
    return review.submitted_at is not None and review.submitted_at > last_force_push


def approvers_to_ask(reviews: Sequence[ReviewFact], author: str) -> list[str]:
    """The people whose write access must be asked for: everyone whose standing review approves."""
    return sorted(
        login
        for login, review in latest_reviews(reviews, author).items()
        if review.state == APPROVED
    )


@dataclass(frozen=True, slots=True)
class Approvals:
    """Whose approval counts now, and the notes about those that do not."""

    counting: frozenset[str]
    notes: tuple[Note, ...]


def fresh_approvals(
    latest: Mapping[str, ReviewFact],
    chosen: Candidates,
    head_sha: str,
    last_force_push: datetime.datetime | None,
    write_access: Mapping[str, bool],
) -> Approvals:
    """Approvals on the latest push by people who still have write access.

    `write_access` maps logins to whether they may still write to the repository; a login
    missing from it counts as having lost access (fail closed).
    """
    counting: set[str] = set()
    notes: list[Note] = []
    for login, review in sorted(latest.items()):
        if review.state != APPROVED:
            continue
        if not on_latest_push(review, head_sha, last_force_push):
            if login in chosen.anyone:
                notes.append(Note("stale", login, other=review.commit_id[:7]))
            continue
        if not write_access.get(login, False):
            if login in chosen.anyone:
                notes.append(Note("no_write", login))
            continue
        counting.add(login)
    return Approvals(frozenset(counting), tuple(notes))


# --- step 4: key assignment -----------------------------------------------------------------------


@dataclass(slots=True)
class _Assignment:
    supervisors: dict[str, str | None] = field(default_factory=dict)
    communications: str | None = None

    @property
    def score(self) -> int:
        given = sum(1 for person in self.supervisors.values() if person)
        return given + (1 if self.communications else 0)


def _assign_record_keys(
    supervisors: Mapping[str, tuple[str, ...]],
    communications: tuple[str, ...],
    approvers: frozenset[str],
) -> _Assignment:
    """Give the keys so that no one holds both a supervisor key and communications.

    One supervisor may give the key for several of their units. Tries no one and then each
    approving communications reviewer for that key, and keeps the assignment that gives the
    most keys.
    """
    # None first: on a tie, a person who holds both roles gives the supervisor key.
    options: list[str | None] = [None]
    options += [person for person in communications if person in approvers]
    best = _Assignment()
    for comms in options:
        assignment = _Assignment(communications=comms)
        for unit, people in supervisors.items():
            pool = [p for p in people if p in approvers and p != comms]
            assignment.supervisors[unit] = pool[0] if pool else None
        if not best.supervisors or assignment.score > best.score:
            best = assignment
    return best


def assign_keys(scope: Scope, chosen: Candidates, approvers: frozenset[str]) -> tuple[Key, ...]:
    """The keys this pull request needs, each with the approver who gives it (or None)."""
    assignment = _assign_record_keys(chosen.supervisors, chosen.communications, approvers)
    keys = [
        Key("supervisor", unit, chosen.supervisors[unit], assignment.supervisors.get(unit))
        for unit in scope.units
    ]
    if scope.units:
        keys.append(Key("communications", None, chosen.communications, assignment.communications))
    if scope.other_paths:
        maintainer = next((p for p in chosen.maintainers if p in approvers), None)
        keys.append(Key("maintainer", None, chosen.maintainers, maintainer))
    return tuple(keys)


# --- step 5: verdict ------------------------------------------------------------------------------


def _one_key_notes(keys: Sequence[Key], approvers: frozenset[str]) -> list[Note]:
    """An approver who could give a missing key but already gives another one."""
    holders = {key.given_by: key for key in keys if key.given_by and key.kind != "maintainer"}
    notes = []
    for key in keys:
        if key.given_by or key.kind == "maintainer":
            continue
        for person in key.candidates:
            other = holders.get(person)
            if person in approvers and other is not None:
                notes.append(Note("one_key_only", person, other.label, key.label))
    return notes


def _review_notes(
    latest: Mapping[str, ReviewFact], chosen: Candidates, reviews: Sequence[ReviewFact], author: str
) -> list[Note]:
    notes: list[Note] = []
    for login, review in sorted(latest.items()):
        if login in chosen.barred and review.state == APPROVED:
            notes.append(Note(chosen.barred[login], login))
        elif review.state == CHANGES_REQUESTED and login in chosen.anyone:
            notes.append(Note("blocked", login))
        elif review.state == CHANGES_REQUESTED:
            notes.append(Note("changes_without_key", login))
        elif review.state == APPROVED and login not in chosen.anyone:
            notes.append(Note("no_key", login))
    if any(r.user.lower() == author.lower() and r.state == APPROVED for r in reviews):
        notes.append(Note("own_approval", author.lower()))
    return notes


def evaluate(
    *,
    author: str,
    head_sha: str,
    base_ref: str,
    default_branch: str,
    changes: Sequence[FileChange],
    reviews: Sequence[ReviewFact],
    owners: Owners,
    write_access: Mapping[str, bool],
    last_force_push: datetime.datetime | None = None,
    record_people: Mapping[str, RecordPeople] | None = None,
    duties: Duties = Duties(),
    refusals: Sequence[Refusal] = (),
    problems: Sequence[str] = (),
    go_live_only: bool = False,
) -> Verdict:
    """Decide whether the pull request has every key it needs.

    `owners` and `duties` must come from the default branch as it is now; `write_access` must
    answer for every login in `approvers_to_ask(reviews, author)`. `go_live_only` (see
    go_live.py): the pull request only opens approved accounts, so no supervisor key is needed.
    """
    refused = list(refusals)
    base = base_refusal(base_ref, default_branch)
    if base is not None:
        refused.insert(0, base)
    scope = scope_of(changes)
    chosen = candidates(scope, owners, author, record_people, duties)
    if go_live_only:  # no supervisor may take the communications key from its holder
        chosen = replace(chosen, supervisors={unit: () for unit in chosen.supervisors})
    latest = latest_reviews(reviews, author)
    approvals = fresh_approvals(latest, chosen, head_sha, last_force_push, write_access)
    keys = assign_keys(scope, chosen, approvals.counting)
    if go_live_only:
        keys = tuple(key for key in keys if key.kind != "supervisor")
    blocked_by = tuple(
        login
        for login, review in sorted(latest.items())
        if review.state == CHANGES_REQUESTED and login in chosen.anyone
    )
    notes: list[Note] = [Note("problem", text=problem) for problem in problems]
    if go_live_only:
        notes.append(Note("go_live"))
    notes += approvals.notes
    notes += _one_key_notes(keys, approvals.counting)
    notes += _review_notes(latest, chosen, reviews, author)
    notes += [Note("no_candidates", key_label=key.label) for key in keys if not key.candidates]
    return Verdict(
        author=author.lower(),
        head_sha=head_sha,
        base_ref=base_ref,
        default_branch=default_branch,
        scope=scope,
        keys=keys,
        blocked_by=blocked_by,
        notes=tuple(dict.fromkeys(notes)),
        org_changed=tuple(sorted(p for p in scope.other_paths if p.startswith("org/"))),
        refusals=tuple(refused),
    )
