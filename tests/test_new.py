"""`socialreg new account|campaign`: plain questions, checked answers, a file that validates."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.cli import main
from socialreg.findings import Finding, Severity, Summary
from socialreg.load.documents import load_file
from socialreg.reporters import Report
from socialreg.wizard import session as new_command

TODAY = "2026-11-20"

# Every answer of an account request, in the order the questions come. "" is pressing Enter.
ACCOUNT_ANSWERS = [
    # step 1: purpose and audience
    "library",  # unit
    (
        "News, opening hours and workshops of the library for doctoral students, and nothing"
        " else: no general university news."
    ),  # purpose
    "Fill the workshops",  # goal 1
    "Sign-ups that name Bluesky",
    "50 sign-ups by June 2027",
    "",  # no more goals
    "Doctoral students",  # audience 1
    "",  # no more audiences
    # step 2: people
    "Lina Berg",  # owner
    "lina.berg@norrvik.example",
    "lina-berg",
    "",  # supervisor: the library's only supervisor
    "",  # moderator 1 is the owner: yes
    "Oskar Falk",  # moderator 2
    "oskar.falk@norrvik.example",
    "oskar-falk",
    "",  # no more moderators
    # step 3: the account on the platform
    "bluesky",  # platform
    "Norrvik Library",  # display name
    "",  # exists already: no, so it is requested
    "@library.norrvik.example",  # handle
    "",  # url: the suggestion made from the handle
    "",  # permanent id: left out
    "",  # no logo
    # step 4: routines
    "",  # frequency: daily
    "",  # response time: 24
    "The moderators share a rota that covers weekends and holidays.",
    "https://www.norrvik.example/library/social-media-rules",
    "Helpful, short sentences, signed with a first name.",
    "",  # crimes: the default
    "",  # no FAQ page
    # step 5: decision
    "",  # decision date: today
    "",  # comms contacted: today
    "yes",  # existing channels reviewed
    "norrvik-university-instagram",  # related account
    "",  # no more
    "Dnr NU 2026/1234 in the records office's register",
    # step 6: check and write
    "",  # write the file
]

CAMPAIGN_ANSWERS = [
    # step 1: what and when
    "Open Day 2027",  # title
    "Sponsored posts inviting upper-secondary students to the open day.",
    "admissions",  # unit
    "2027-01-10",  # starts
    "2027-02-01",  # ends
    "",  # brief sent: today
    # step 2: budget and audience
    "15000",  # budget
    "",  # currency: the one the example campaigns use (SEK)
    "Students aged 17 to 19 in the region",
    # step 3: where the ads run
    "norrvik-university-instagram",  # sender
    "instagram",  # placement
    "stream, story",
    "",  # no more placements
    # step 4: people
    "Lars Dahl",  # requested by
    "lars.dahl@norrvik.example",
    "lars-dahl",
    "",  # editor 1 is the person ordering: yes
    "",  # no more editors
    "",  # no agency
    "yes",  # comms can stop
    # step 5: accessibility and monitoring
    "yes",  # alt text
    "yes",  # captions
    "",  # checks per day: 2
    "",  # response time: 24
    "",  # sign with first name: yes
    "",  # status: submitted
    # step 6: check and write
    "",  # write the file
]


def run(
    example_repo: Path, *arguments: str, answers: list[str] | None = None, raw: str | None = None
) -> Result:
    text = raw if raw is not None else "\n".join(answers or []) + "\n"
    return CliRunner().invoke(main, ["--root", str(example_repo), "new", *arguments], input=text)


def assert_passes_validate(example_repo: Path, relative: str) -> None:
    report = validate(
        ValidateOptions(example_repo, (relative,), datetime.date.fromisoformat(TODAY), strict=False)
    )
    assert report.summary.errors == 0, [finding.message for finding in report.findings]
    assert report.summary.files == 4  # the three org/ files and the new record


def test_account_by_answering_questions(example_repo: Path) -> None:
    result = run(example_repo, "account", "--today", TODAY, answers=ACCOUNT_ANSWERS)
    assert result.exit_code == 0, result.output
    relative = "accounts/library/norrvik-library-bluesky.yaml"
    assert f"Written: {relative}" in result.output
    text = (example_repo / relative).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/account.schema.json\n")
    assert "\n  date: 2026-11-20\n" in text  # dates unquoted, as people write them
    data = load_file(example_repo, relative).document
    assert data is not None
    assert data.data["supervisor"]["github"] == "per-nystrom"
    assert data.data["moderators"][0]["github"] == "lina-berg"
    assert data.data["decision"]["related_accounts"] == ["norrvik-university-instagram"]
    assert data.data["monitoring"]["response_time_hours"] == 24
    assert data.data["status"] == "requested"
    assert_passes_validate(example_repo, relative)


def test_bad_answers_are_asked_again(example_repo: Path) -> None:
    answers = list(ACCOUNT_ANSWERS)
    answers[0:1] = ["libary", "library"]  # a typo in the unit
    at = answers.index("@library.norrvik.example") + 1
    answers[at : at + 1] = ["http://bsky.app/profile/x", ""]
    at = answers.index("lina.berg@norrvik.example")
    answers[at : at + 1] = ["lina.berg@gmail.com", "lina.berg@norrvik.example"]
    at = answers.index("yes")
    answers[at : at + 1] = ["maybe", "yes"]
    result = run(example_repo, "account", "--today", TODAY, answers=answers)
    assert result.exit_code == 0, result.output
    assert "'libary' is not one of the choices" in result.output
    assert "Expected: A web address that starts with https://" in result.output
    assert "ends in @norrvik.example" in result.output
    assert "Answer yes or no (not 'maybe')" in result.output
    assert_passes_validate(example_repo, "accounts/library/norrvik-library-bluesky.yaml")


def test_policy_limits_are_checked_at_the_prompt(example_repo: Path) -> None:
    answers = list(ACCOUNT_ANSWERS)
    at = answers.index("The moderators share a rota that covers weekends and holidays.")
    # frequency and response time come just before the holiday cover
    answers[at - 2 : at] = ["weekdays", "daily", "48", "24"]
    result = run(example_repo, "account", "--today", TODAY, answers=answers)
    assert result.exit_code == 0, result.output
    assert "'weekdays' is not one of the choices" in result.output
    assert "the policy allows at most 24 hours" in result.output  # the rule itself (SR106)


def test_a_registered_handle_is_refused(example_repo: Path) -> None:
    answers = list(ACCOUNT_ANSWERS)
    at = answers.index("bluesky")
    answers[at : at + 5] = [  # platform, name, exists, handle, url
        "instagram",
        "Library",
        "",  # not opened yet
        "@norrvik.library",
        "@norrvik.library2",
        "www.instagram.com/norrvik.library2/",  # https:// is added
    ]
    result = run(example_repo, "account", "--today", TODAY, answers=answers)
    assert "already in the registry as norrvik-library-instagram" in result.output
    assert result.exit_code == 0, result.output
    written = example_repo / "accounts/library/library-instagram.yaml"
    document = load_file(example_repo, written.relative_to(example_repo).as_posix()).document
    assert document is not None
    assert document.data["url"] == "https://www.instagram.com/norrvik.library2/"


def test_enter_at_every_prompt_stops_cleanly(example_repo: Path) -> None:
    before = sorted(example_repo.rglob("*.yaml"))
    result = run(example_repo, "account", raw="\n" * 200)
    assert result.exit_code == 1
    assert "An answer is needed here" in result.output
    assert "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert sorted(example_repo.rglob("*.yaml")) == before


@pytest.mark.parametrize("kind", ["account", "campaign"])
def test_closed_standard_input_gives_a_message(example_repo: Path, kind: str) -> None:
    result = run(example_repo, kind, raw="")
    assert result.exit_code == 1
    assert "the input ended" in result.output
    assert "--no-input" in result.output
    assert "Traceback" not in result.output


def test_account_from_options_without_questions(example_repo: Path) -> None:
    result = CliRunner().invoke(
        main, ["--root", str(example_repo), "new", "account", *ACCOUNT_OPTIONS]
    )
    assert result.exit_code == 0, result.output
    relative = "accounts/sleep-research/sleep-lab-mastodon.yaml"
    assert_passes_validate(example_repo, relative)
    document = load_file(example_repo, relative).document
    assert document is not None
    assert document.data["pilot"] == {"ends": "2027-02-20"}
    assert document.data["goals"][0]["target"] == "20 volunteers by March 2027"
    assert document.data["dialogue"]["faq_url"] == "https://www.norrvik.example/sleep/faq"


ACCOUNT_OPTIONS = [
    "--no-input",
    "--today",
    TODAY,
    "--unit",
    "sleep-research",
    "--platform",
    "mastodon",
    "--name",
    "Norrvik Sleep Lab",
    "--handle",
    "@sleeplab@social.norrvik.example",
    "--url",
    "https://social.norrvik.example/@sleeplab",
    "--id",
    "sleep-lab-mastodon",
    "--purpose",
    "Recruit adult volunteers for the group's sleep studies and share what the studies found,"
    " nothing else.",
    "--goal",
    "Recruit volunteers | Sign-ups that name Mastodon | 20 volunteers by March 2027",
    "--audience",
    "Adults in the region who sleep badly",
    "--owner-name",
    "Nils Ek",
    "--owner-email",
    "nils.ek@norrvik.example",
    "--owner-github",
    "nils-ek",
    "--supervisor",
    "eva-lundqvist",
    "--moderator",
    "Nils Ek | nils.ek@norrvik.example | nils-ek",
    "--moderator",
    "Sara Holm | sara.holm@norrvik.example | @sara-holm",
    "--holiday-cover",
    "Two moderators alternate weeks, holidays included.",
    "--house-rules-url",
    "https://www.norrvik.example/sleep/rules",
    "--tone",
    "Calm and factual.",
    "--faq-url",
    "https://www.norrvik.example/sleep/faq",
    "--existing-channels-reviewed",
    "yes",
    "--exists",
    "yes",
    "--status",
    "pilot",
    "--personal-data-assessment",
    "Dnr NU 2026/99",
]


def test_missing_and_bad_options_are_all_listed(example_repo: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "--root",
            str(example_repo),
            "new",
            "account",
            "--no-input",
            "--unit",
            "nowhere",
            "--response-time-hours",
            "soon",
            "--moderator",
            "Only Name",
        ],
    )
    assert result.exit_code == 2
    assert "nothing was written" in result.output
    assert "--unit 'nowhere': 'nowhere' is not one of the choices" in result.output
    assert "--purpose is missing" in result.output
    assert "--response-time-hours 'soon': Write a whole number" in result.output
    assert "--moderator 'Only Name': it has 1 part." in result.output
    assert "Traceback" not in result.output


def test_an_existing_record_is_never_overwritten(example_repo: Path) -> None:
    target = example_repo / "accounts/library/norrvik-library-instagram.yaml"
    before = target.read_bytes()
    options = [
        item if item != "sleep-lab-mastodon" else "norrvik-library-instagram"
        for item in ACCOUNT_OPTIONS
    ]
    result = CliRunner().invoke(main, ["--root", str(example_repo), "new", "account", *options])
    assert result.exit_code == 2
    assert "There is already an account called norrvik-library-instagram" in result.output
    assert target.read_bytes() == before


def test_a_file_that_appears_meanwhile_is_not_overwritten(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = example_repo / "accounts/sleep-research/sleep-lab-mastodon.yaml"
    real_write = new_command._write_checked

    def someone_else_writes_first(*arguments: object) -> int:
        target.write_text("written by someone else\n", encoding="utf-8")
        return real_write(*arguments)  # type: ignore[arg-type]

    monkeypatch.setattr(new_command, "_write_checked", someone_else_writes_first)
    result = CliRunner().invoke(
        main, ["--root", str(example_repo), "new", "account", *ACCOUNT_OPTIONS]
    )
    assert result.exit_code == 1
    assert "never overwrites a file" in result.output
    assert target.read_text(encoding="utf-8") == "written by someone else\n"


def test_a_record_that_would_fail_validate_is_not_written(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(options: ValidateOptions) -> Report:
        finding = Finding(
            options.paths[0], 3, 1, "SR109", Severity.ERROR, "New accounts are paused.", "$"
        )
        return Report([finding], Summary.of([finding], 4))

    monkeypatch.setattr(new_command, "validate", failing)
    result = CliRunner().invoke(
        main, ["--root", str(example_repo), "new", "account", *ACCOUNT_OPTIONS]
    )
    assert result.exit_code == 1
    assert "would not pass the registry's checks" in result.output
    assert "New accounts are paused. (SR109)" in result.output
    assert not (example_repo / "accounts/sleep-research/sleep-lab-mastodon.yaml").exists()


def test_campaign_by_answering_questions(example_repo: Path) -> None:
    result = run(example_repo, "campaign", "--today", TODAY, answers=CAMPAIGN_ANSWERS)
    assert result.exit_code == 0, result.output
    relative = "campaigns/admissions/open-day-2027.yaml"
    text = (example_repo / relative).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/campaign.schema.json\n")
    document = load_file(example_repo, relative).document
    assert document is not None
    assert document.data["placements"] == {"instagram": ["stream", "story"]}
    assert document.data["budget"] == {"amount": 15000, "currency": "SEK"}
    assert document.data["editors"][0]["github"] == "lars-dahl"
    assert "agency" not in document.data
    assert_passes_validate(example_repo, relative)


def test_campaign_answers_are_checked(example_repo: Path) -> None:
    answers = list(CAMPAIGN_ANSWERS)
    at = answers.index("2027-01-10")
    answers[at : at + 2] = ["2027-01-10", "2027-01-09", "2027-02-01"]
    at = answers.index("norrvik-university-instagram")
    answers[at : at + 3] = [
        "study-at-norrvik-tiktok",
        "norrvik-university-instagram",
        "audience_network",
        "instagram",
        "stream, sideways",
        "stream, story",
    ]
    result = run(example_repo, "campaign", "--today", TODAY, answers=answers)
    assert result.exit_code == 0, result.output
    assert "'study-at-norrvik-tiktok' is not one of the choices" in result.output
    assert "This date is before the first day (2027-01-10)" in result.output
    assert "'audience_network' is not one of the choices" in result.output  # forbidden: not offered
    assert "'sideways'" in result.output


def test_campaign_from_options(example_repo: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "--root",
            str(example_repo),
            "new",
            "campaign",
            "--no-input",
            "--today",
            TODAY,
            "--unit",
            "careers",
            "--title",
            "Career Fair 2027",
            "--summary",
            "Invite students.",
            "--requested-by-name",
            "Petra Ahlgren",
            "--requested-by-email",
            "petra.ahlgren@norrvik.example",
            "--requested-by-github",
            "petra-ahlgren",
            "--sender",
            "norrvik-university-linkedin",
            "--starts",
            "2027-09-13",
            "--ends",
            "2027-10-06",
            "--budget-amount",
            "18 000",
            "--budget-currency",
            "SEK",
            "--audience",
            "Students and employers",
            "--editor",
            "Petra Ahlgren | petra.ahlgren@norrvik.example | petra-ahlgren",
            "--placement",
            "linkedin | feed",
            "--comms-can-stop",
            "yes",
            "--alt-text",
            "yes",
            "--captions",
            "yes",
            "--agency-name",
            "Ad Agency AB",
            "--agency-contact",
            "hello@agency.example",
        ],
    )
    assert result.exit_code == 0, result.output
    relative = "campaigns/careers/career-fair-2027.yaml"
    document = load_file(example_repo, relative).document
    assert document is not None
    assert document.data["agency"] == {"name": "Ad Agency AB", "contact": "hello@agency.example"}
    assert document.data["budget"]["amount"] == 18000
    assert document.data["status"] == "submitted"
    assert_passes_validate(example_repo, relative)


def test_a_permanent_id_in_the_wrong_form_is_asked_again(example_repo: Path) -> None:
    answers = list(ACCOUNT_ANSWERS)
    at = answers.index("@library.norrvik.example") + 2  # after the handle and the address
    answers[at : at + 1] = ["library.norrvik.example", "did:plc:ewvi7nxzyoun6zhxrhs64oiz"]
    result = run(example_repo, "account", "--today", TODAY, answers=answers)
    assert result.exit_code == 0, result.output
    assert "This is not a Bluesky DID. The DID starts with did:plc:" in result.output
    written = example_repo / "accounts" / "library" / "norrvik-library-bluesky.yaml"
    assert "platform_id: did:plc:ewvi7nxzyoun6zhxrhs64oiz" in written.read_text(encoding="utf-8")
