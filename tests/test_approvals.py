"""The two-key approval logic, without GitHub: plain data in, a verdict out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hypothesis import given as for_all
from hypothesis import settings
from hypothesis import strategies as st

from socialreg.codeowners import Owners
from socialreg.github.approvals import (
    FileChange,
    RecordPeople,
    ReviewFact,
    Verdict,
    approvers_to_ask,
    evaluate,
    record_unit,
    scope_of,
)
from socialreg.github.approvals_text import note_markdown, render_summary, status_description

HEAD = "h" * 40
OLD = "o" * 40
OWNERS = Owners(
    maintainers=("erik-holm",),
    communications=("maria-lind", "johan-ek"),
    supervisors={"library": ("anna", "erik"), "careers": ("sofia",), "admissions": ("lars",)},
)
LIBRARY_RECORD = [FileChange("accounts/library/library-instagram.yaml")]


def verdict(
    reviews: Sequence[tuple[str, ...]],
    changes: Sequence[FileChange] = LIBRARY_RECORD,
    author: str = "olle",
    owners: Owners = OWNERS,
    write_access: Mapping[str, bool] | None = None,
) -> Verdict:
    facts = [
        ReviewFact(review[0], review[1], review[2] if len(review) == 3 else HEAD)
        for review in reviews
    ]
    return evaluate(
        author=author,
        head_sha=HEAD,
        base_ref="main",
        default_branch="main",
        changes=changes,
        reviews=facts,
        owners=owners,
        # Everyone asked still has write access unless a test says otherwise.
        write_access=write_access or dict.fromkeys(approvers_to_ask(facts, author), True),
    )


def said(result: Verdict) -> str:
    """Every note of the verdict, as the summary writes them."""
    return "\n".join(note_markdown(note) for note in result.notes)


def given(result: Verdict) -> dict[str, str | None]:
    return {key.label: key.given_by for key in result.keys}


def test_record_unit_is_the_folder_of_a_record() -> None:
    assert record_unit("accounts/library/x.yaml") == "library"
    assert record_unit("campaigns/careers/spring.yaml") == "careers"
    assert record_unit("accounts/x.yaml") is None
    assert record_unit("accounts/library/sub/x.yaml") is None
    assert record_unit("org/units.yaml") is None


def test_scope_splits_records_by_unit_and_keeps_other_files() -> None:
    scope = scope_of(
        [
            FileChange("accounts/library/a.yaml"),
            FileChange("campaigns/library/b.yaml"),
            FileChange("accounts/careers/c.yaml", previous_path="accounts/admissions/c.yaml"),
            FileChange("README.md"),
        ]
    )
    assert list(scope.units) == ["admissions", "careers", "library"]
    assert scope.units["library"] == ("accounts/library/a.yaml", "campaigns/library/b.yaml")
    assert scope.other_paths == frozenset({"README.md"})


def test_both_keys_approve() -> None:
    result = verdict([("anna", "APPROVED"), ("maria-lind", "APPROVED")])
    assert result.approved
    assert given(result) == {"a supervisor of library": "anna", "communications": "maria-lind"}
    assert result.status_state == "success"
    assert status_description(result).startswith("Approved by a supervisor of library (@anna)")


def test_supervisor_missing_names_who_can_give_it() -> None:
    result = verdict([("maria-lind", "APPROVED")])
    assert not result.approved
    assert status_description(result) == "waiting for: a supervisor of library (@anna, @erik)"


def test_communications_missing() -> None:
    result = verdict([("erik", "APPROVED")])
    assert status_description(result) == "waiting for: communications"


def test_nothing_yet_reads_like_the_issue_example() -> None:
    result = verdict([])
    assert status_description(result) == (
        "waiting for: a supervisor of library (@anna, @erik); communications"
    )


def test_one_person_holding_both_roles_gives_one_key() -> None:
    owners = Owners(("erik-holm",), ("anna", "maria-lind"), {"library": ("anna",)})
    result = verdict([("anna", "APPROVED")], owners=owners)
    assert not result.approved
    assert given(result) == {"a supervisor of library": "anna", "communications": None}
    assert "already counts as a supervisor of library" in said(result)
    both = verdict([("anna", "APPROVED"), ("maria-lind", "APPROVED")], owners=owners)
    assert both.approved
    assert given(both) == {"a supervisor of library": "anna", "communications": "maria-lind"}


def test_dual_role_person_is_used_where_the_other_key_has_no_one_else() -> None:
    # anna is a supervisor and a communications reviewer; erik (supervisor) also approved.
    owners = Owners(("erik-holm",), ("anna",), {"library": ("anna", "erik")})
    result = verdict([("anna", "APPROVED"), ("erik", "APPROVED")], owners=owners)
    assert result.approved
    assert given(result) == {"a supervisor of library": "erik", "communications": "anna"}


def test_one_supervisor_may_approve_for_two_of_their_units() -> None:
    owners = Owners(("m",), ("maria-lind",), {"library": ("anna",), "careers": ("anna",)})
    changes = [FileChange("accounts/library/a.yaml"), FileChange("accounts/careers/b.yaml")]
    result = verdict([("anna", "APPROVED"), ("maria-lind", "APPROVED")], changes, owners=owners)
    assert result.approved


def test_the_authors_own_approval_never_counts() -> None:
    result = verdict([("anna", "APPROVED"), ("maria-lind", "APPROVED")], author="anna")
    assert not result.approved
    assert given(result)["a supervisor of library"] is None
    # The author is not offered as someone who could give the key either.
    assert status_description(result) == "waiting for: a supervisor of library (@erik)"
    assert "own approval never counts" in said(result)


def test_only_the_latest_review_counts() -> None:
    changed_then_approved = verdict(
        [("anna", "CHANGES_REQUESTED"), ("maria-lind", "APPROVED"), ("anna", "APPROVED")]
    )
    assert changed_then_approved.approved
    approved_then_changed = verdict(
        [("anna", "APPROVED"), ("maria-lind", "APPROVED"), ("anna", "CHANGES_REQUESTED")]
    )
    assert not approved_then_changed.approved
    assert approved_then_changed.blocked_by == ("anna",)
    dismissed = verdict([("anna", "APPROVED"), ("maria-lind", "APPROVED"), ("anna", "DISMISSED")])
    assert not dismissed.approved


def test_a_comment_does_not_replace_an_approval() -> None:
    result = verdict([("anna", "APPROVED"), ("maria-lind", "APPROVED"), ("anna", "COMMENTED")])
    assert result.approved


def test_changes_requested_by_a_key_holder_blocks_even_with_every_key() -> None:
    result = verdict(
        [("anna", "APPROVED"), ("maria-lind", "APPROVED"), ("johan-ek", "CHANGES_REQUESTED")]
    )
    assert all(key.given_by for key in result.keys)
    assert not result.approved
    assert status_description(result) == "changes requested by @johan-ek"


def test_changes_requested_by_someone_without_a_key_does_not_block() -> None:
    result = verdict(
        [("anna", "APPROVED"), ("maria-lind", "APPROVED"), ("visitor", "CHANGES_REQUESTED")]
    )
    assert result.approved
    assert "`@visitor` requested changes" in said(result)


def test_an_approval_on_an_older_commit_never_counts() -> None:
    reviews = [("anna", "APPROVED", OLD), ("maria-lind", "APPROVED")]
    result = verdict(reviews)
    assert not result.approved
    assert "approved an earlier push (commit `ooooooo`)" in said(result)


def test_the_people_asked_for_write_access_are_the_standing_approvers() -> None:
    facts = [
        ReviewFact("anna", "APPROVED", OLD),
        ReviewFact("erik", "APPROVED", HEAD),
        ReviewFact("olle", "APPROVED", "a" * 40),
        ReviewFact("sofia", "CHANGES_REQUESTED", "b" * 40),
        ReviewFact("lars", "APPROVED", HEAD),
        ReviewFact("lars", "DISMISSED", HEAD),
    ]
    assert approvers_to_ask(facts, "olle") == ["anna", "erik"]


def test_a_moved_record_needs_the_supervisors_of_both_units() -> None:
    moved = [
        FileChange("accounts/careers/job-fair.yaml", previous_path="accounts/library/job-fair.yaml")
    ]
    only_new = verdict([("sofia", "APPROVED"), ("maria-lind", "APPROVED")], moved)
    assert not only_new.approved
    assert status_description(only_new) == "waiting for: a supervisor of library (@anna, @erik)"
    both = verdict([("sofia", "APPROVED"), ("anna", "APPROVED"), ("maria-lind", "APPROVED")], moved)
    assert both.approved


def test_registry_files_need_a_maintainer() -> None:
    changes = [FileChange("org/units.yaml")]
    result = verdict([("maria-lind", "APPROVED")], changes)
    assert [key.label for key in result.keys] == ["a registry maintainer"]
    assert not result.approved
    assert verdict([("erik-holm", "APPROVED")], changes).approved
    assert "org/units.yaml" in render_summary(result)


def test_a_maintainer_may_also_hold_a_record_key() -> None:
    owners = Owners(("maria-lind",), ("maria-lind",), {"library": ("anna",)})
    changes = [*LIBRARY_RECORD, FileChange(".github/workflows/ci.yml")]
    result = verdict([("anna", "APPROVED"), ("maria-lind", "APPROVED")], changes, owners=owners)
    assert result.approved


def test_a_unit_without_supervisors_on_the_base_branch_waits_with_a_note() -> None:
    changes = [FileChange("accounts/new-unit/x.yaml")]
    result = verdict([("maria-lind", "APPROVED")], changes)
    assert status_description(result) == "waiting for: a supervisor of new-unit (no one listed)"
    assert "No one who may give the key" in said(result)


def test_logins_compare_without_case() -> None:
    result = verdict([("Anna", "APPROVED"), ("Maria-Lind", "APPROVED")])
    assert result.approved


def test_summary_pings_no_one_and_escapes_path_text() -> None:
    changes = [FileChange("accounts/lib[x](https:__evil)*/a.yaml")]
    result = verdict([("anna", "APPROVED"), ("maria-lind", "APPROVED")], changes)
    summary = render_summary(result)
    for line in summary.splitlines():
        # Every @login sits in a code span, where GitHub does not turn it into a mention.
        for chunk in line.split("`")[::2]:
            assert "@" not in chunk, line
    outside_code = "".join(summary.split("`")[::2])
    assert "](https" not in outside_code.replace("\\]", "")
    assert "lib\\[x\\]" in outside_code
    assert "| Communications office | `@maria-lind`, `@johan-ek` | ✅ `@maria-lind` |" in summary


def test_summary_of_an_approved_pull_request() -> None:
    summary = render_summary(verdict([("anna", "APPROVED"), ("maria-lind", "APPROVED")]))
    assert summary.startswith("### ✅ Approvals: complete")
    assert "| Supervisor of `library` | `@anna`, `@erik` | ✅ `@anna` |" in summary
    assert "Waiting for" not in summary


def test_an_empty_pull_request_has_nothing_to_approve() -> None:
    result = verdict([], changes=[])
    assert result.approved
    assert "nothing to approve" in render_summary(result)


# --- properties ----------------------------------------------------------------------------------

PEOPLE = ("p0", "p1", "p2", "p3", "p4", "p5")
_people = st.lists(st.sampled_from(PEOPLE), min_size=1, max_size=3, unique=True).map(tuple)
# Mostly approvals on the head commit, so that many examples reach a success to check.
_standing = st.sampled_from(
    [("APPROVED", True)] * 6
    + [("APPROVED", False), ("CHANGES_REQUESTED", True), ("COMMENTED", True), ("DISMISSED", True)]
)


@settings(max_examples=300, deadline=None)
@for_all(
    supervisors=st.fixed_dictionaries({"u1": _people, "u2": _people}),
    communications=_people,
    maintainers=_people,
    units=st.lists(st.sampled_from(["u1", "u2"]), min_size=1, max_size=2, unique=True),
    other_file=st.booleans(),
    author=st.sampled_from(PEOPLE),
    owner=st.sampled_from((*PEOPLE, "nobody", "nobody", "nobody")),
    standing=st.fixed_dictionaries({person: _standing for person in PEOPLE}),
    lost_access=st.sets(st.sampled_from(PEOPLE), max_size=2),
)
def test_a_success_always_has_every_key_from_a_different_allowed_person(
    supervisors: dict[str, tuple[str, ...]],
    communications: tuple[str, ...],
    maintainers: tuple[str, ...],
    units: list[str],
    other_file: bool,
    author: str,
    owner: str,
    standing: dict[str, tuple[str, bool]],
    lost_access: set[str],
) -> None:
    changes = [FileChange(f"accounts/{unit}/a.yaml") for unit in units]
    if other_file:
        changes.append(FileChange("README.md"))
    reviews = [(user, state, on_head) for user, (state, on_head) in standing.items()]
    writers = set(PEOPLE) - lost_access
    facts = [ReviewFact(user, state, HEAD if on_head else OLD) for user, state, on_head in reviews]
    people = {change.path: RecordPeople(owners=frozenset({owner})) for change in changes}
    result = evaluate(
        author=author,
        head_sha=HEAD,
        base_ref="main",
        default_branch="main",
        changes=changes,
        reviews=facts,
        owners=Owners(maintainers, communications, supervisors),
        write_access={person: person in writers for person in approvers_to_ask(facts, author)},
        record_people=people,
    )
    latest = {user: (state, on_head) for user, state, on_head in reviews if state != "COMMENTED"}
    if not result.approved:
        assert result.status_state == "pending"
        return
    assert result.status_state == "success"
    record_givers = [key.given_by for key in result.keys if key.kind != "maintainer"]
    assert len(record_givers) == len(set(record_givers)) or len(units) > 1
    communications_giver = next(k.given_by for k in result.keys if k.kind == "communications")
    supervisor_givers = {k.given_by for k in result.keys if k.kind == "supervisor"}
    assert communications_giver not in supervisor_givers
    for key in result.keys:
        giver = key.given_by
        assert giver is not None and giver in key.candidates
        assert giver != author and giver in writers
        assert latest[giver] == ("APPROVED", True)
        if key.kind != "maintainer":
            assert giver != owner
    for person, (state, _) in latest.items():
        holds_a_key = any(person in key.candidates for key in result.keys)
        assert not (state == "CHANGES_REQUESTED" and holds_a_key and person != author)
