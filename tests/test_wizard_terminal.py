"""The wizard in a real pseudo-terminal, as a person uses it: interrupted, resumed, finished.

pexpect runs `socialreg new account` in a pseudo-terminal, so prompts, Ctrl+C and the saved
answers behave as they do for someone at a keyboard. The repository is the small fixture of
the rule tests, not the example organisation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import pytest

from socialreg.load.documents import load_file

from .rules.casefiles import make_repository  # the rule tests' small fixture

TODAY = "2026-11-21"
TIMEOUT = 30  # seconds per expected prompt; a run takes a few seconds on 2 cores


def _spawn(root: Path) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "socialreg", "--root", str(root), "new", "account", "--today", TODAY],
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 200),
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parent.parent / "tools")},
    )
    return child


def _number_of(screen: str | None, starts: str) -> str:
    """The number the review shows before an answer, to type when changing it."""
    for line in (screen or "").splitlines():
        number, _, rest = line.strip().partition(". ")
        if number.isdigit() and rest.startswith(starts):
            return number
    raise AssertionError(f"no numbered answer {starts!r} in:\n{screen}")


def _answer(child: pexpect.spawn, prompt: str, text: str) -> None:
    child.expect_exact(prompt)
    child.sendline(text)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repository(tmp_path / "repo")


def test_interrupt_resume_change_and_write(repo: Path) -> None:
    # --- first session: what to have ready, step 1, then Ctrl+C in step 2 -------------------
    child = _spawn(repo)
    child.expect_exact("Have this ready before you start")
    child.expect_exact("Step 1 of 6: Purpose and audience")
    # The unit by its displayed name, not its id.
    _answer(child, "Which unit will own the account", "Norrvik University Library")
    _answer(
        child,
        "Why does the account exist",
        "Workshops, opening hours and new e-resources of the library for doctoral students,"
        " and nothing else.",
    )
    _answer(child, "What should the account achieve (goal 1)", "Fill the workshops")
    _answer(child, "How will you measure it (goal 1)", "Sign-ups that name Bluesky")
    _answer(child, "The target, with a number and a date (goal 1)", "60 sign-ups by June 2027")
    _answer(child, "(goal 2) (press Enter if there are no more)", "")
    _answer(child, "Who is the account for (target audience 1)", "Doctoral students")
    _answer(child, "(target audience 2) (press Enter if there are no more)", "")
    child.expect_exact("Step 2 of 6: People")
    _answer(child, "The owner's first and last name", "Lina Berg")
    child.expect_exact("The owner's work e-mail address")
    child.sendintr()  # Ctrl+C
    child.expect_exact("Your answers so far are saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert (repo / ".socialreg-cache" / "new-account-answers.json").is_file()
    assert not list((repo / "accounts" / "library").glob("library-bluesky*.yaml"))

    # --- second session: continue where it stopped -----------------------------------------
    child = _spawn(repo)
    _answer(child, "Continue where you stopped", "y")
    child.expect_exact("Step 2 of 6: People")
    # The owner's name was saved before Ctrl+C: the next question is the first one unanswered.
    _answer(child, "The owner's work e-mail address", "lina.berg@norrvik.example")
    assert "first and last name" not in (child.before or "")
    _answer(child, "The owner's GitHub user name", "lina-berg")
    _answer(child, "who approves the account [per-nystrom]", "")
    # The owner as the first moderator, in one answer.
    _answer(
        child,
        "Moderator 1: Lina Berg, lina.berg@norrvik.example, lina-berg. Is that right [Y/n]",
        "",
    )
    _answer(child, "The moderator's first and last name (moderator 2)", "Oskar Falk")
    _answer(child, "work e-mail address (moderator 2)", "oskar.falk@norrvik.example")
    _answer(child, "The moderator's GitHub user name (moderator 2)", "@oskar-falk")
    hint = " ".join((child.before or "").split())
    assert "moderators are not asked to approve anything" in hint
    assert "approval" not in hint
    _answer(child, "(moderator 3) (press Enter if there are no more)", "")
    child.expect_exact("Step 3 of 6: The account on the platform")
    child.expect_exact("8. bluesky")
    _answer(child, "Which platform is the account on", "8")  # by its number
    _answer(child, "The account's display name on the platform", "Library Workshops")
    _answer(child, "Does the account already exist on the platform [no]", "")
    _answer(child, "The account's user name on the platform", "@workshops.norrvik.example")
    # The address is suggested from the platform and the handle.
    _answer(
        child,
        "[https://bsky.app/profile/workshops.norrvik.example]",
        "",
    )
    _answer(child, "The account's permanent id on the platform (Enter to leave it out)", "")
    child.expect_exact("A short name for the record file: library-workshops-bluesky")
    _answer(child, "Will the profile use the organisation's logo [no]", "yes")
    # The branding owner's approver is offered.
    _answer(child, "Who of the branding owner approved the logo [johan-ek]", "")
    _answer(child, "When was the logo approved", "")
    child.expect_exact("Step 4 of 6: Routines")
    frequency_hint = child.before
    _answer(child, "How often is the account checked [daily]", "")
    assert "weekdays" not in (frequency_hint or "") + (child.before or "")
    _answer(child, "Within how many hours are questions answered [24]", "")
    _answer(
        child,
        "Who watches the account in holidays",
        "The two moderators take turns, weekends and holidays included.",
    )
    # No https:// typed: it is added.
    _answer(
        child,
        "Address of the published rules for comments",
        "www.norrvik.example/library/social-media-rules",
    )
    _answer(child, "The tone of voice", "Nice.")
    child.expect_exact("`tone` says only 1 word")  # SR133, at the prompt
    _answer(child, "The tone of voice", "Friendly and short, signed with a first name.")
    _answer(child, "What happens to posts that may be crimes", "")
    _answer(child, "(optional)", "")
    child.expect_exact("Step 5 of 6: Decision")
    _answer(child, "Date of the decision to open the account", "")
    _answer(child, "Date the communications office was told", "")
    _answer(child, "Did you check the organisation's existing accounts first", "yes")
    _answer(child, "Id of an existing account you reviewed (reviewed account 1)", "")
    # Not opened yet, so it is a request: said, not asked.
    child.expect_exact("The account's status: requested (you can change it at the end)")
    _answer(child, "Where is the personal data assessment kept", "Dnr NU 2026/77")

    # --- the review: every answer numbered, findings in words, answers changed ---------------
    child.expect_exact("Step 6 of 6: Check and write")
    child.expect_exact("Press Enter to write the file")
    assert "The registry's checks find nothing to correct." in (child.before or "")
    child.sendline(_number_of(child.before, "The account's user name on the platform:"))
    _answer(
        child,
        "The account's user name on the platform [@workshops.norrvik.example]",
        "@kurser.norrvik.example",  # a Bluesky handle is a domain name (SR120)
    )
    child.expect_exact("Step 6 of 6: Check and write")
    # The changed handle no longer fits the address: said in words, naming the question.
    child.expect_exact("Press Enter to write the file")
    review = child.before or ""
    assert (
        'Note in step 3 (The account on the platform), "The address of the account\'s page": '
        "The address does not contain the handle @kurser.norrvik.example"
    ) in " ".join(review.split())
    assert "$." not in review and "SR130" not in review
    # The account exists after all: the status is asked again (a request is no longer one of
    # the choices), and a pilot asks the question it unlocks: the pilot's last day.
    child.sendline(_number_of(review, "Does the account already exist on the platform:"))
    _answer(child, "Does the account already exist on the platform [no]", "yes")
    _answer(child, "The account's status", "pilot")
    _answer(child, "The last day of the pilot [2027-02-21]", "")
    child.expect_exact("Step 6 of 6: Check and write")
    _answer(child, "Press Enter to write the file", "")
    child.expect_exact("Written: accounts/library/library-workshops-bluesky.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0

    document = load_file(repo, "accounts/library/library-workshops-bluesky.yaml").document
    assert document is not None
    data = document.data
    assert data["unit"] == "library"
    assert data["platform"] == "bluesky"
    assert data["url"] == "https://bsky.app/profile/workshops.norrvik.example"
    assert data["handle"] == "@kurser.norrvik.example"
    assert data["status"] == "pilot"
    assert data["pilot"] == {"ends": "2027-02-21"}
    assert data["dialogue"]["house_rules_url"] == (
        "https://www.norrvik.example/library/social-media-rules"
    )
    assert data["dialogue"]["tone"] == "Friendly and short, signed with a first name."
    assert data["owner"]["email"] == "lina.berg@norrvik.example"  # answered after resuming
    assert data["goals"][0]["target"] == "60 sign-ups by June 2027"  # answered before Ctrl+C
    assert data["branding"]["approved_by"] == "johan-ek"
    assert data["moderators"][1]["github"] == "oskar-falk"
    assert not (repo / ".socialreg-cache" / "new-account-answers.json").exists()


def test_closed_input_keeps_the_answers_for_next_time(repo: Path) -> None:
    child = _spawn(repo)
    _answer(child, "Which unit will own the account", "2")
    child.expect_exact("Why does the account exist")
    child.sendeof()
    child.expect_exact("Your answers so far are saved")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    child = _spawn(repo)
    child.expect_exact("answered 1 question.")
    _answer(child, "Continue where you stopped", "n")  # start over: the draft is dropped
    child.expect_exact("Have this ready before you start")
    child.expect_exact("Which unit will own the account")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
