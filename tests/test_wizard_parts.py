"""The small parts behind the wizard and the friendlier messages, each on its own.

Property tests (hypothesis) for what must hold for any input: a quoted line that the message
tells people to write reads back as the value they meant; completing an address twice changes
nothing; leaving out knock-on findings never hides a finding about the file itself.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from socialreg.check.knock_on import SHAPE_CODES, without_knock_ons
from socialreg.findings import Finding, Severity
from socialreg.load.places import in_words
from socialreg.load.yaml_hints import RESERVED_STARTS, quoted_line
from socialreg.rules.handle_address import handle_in_url
from socialreg.rules.pasted_text import PASTED_CHARACTERS, url_for_handle, without_pasted
from socialreg.wizard.drafts import discard_draft, draft_path, load_draft, save_draft
from socialreg.wizard.form import Choice, Rejected, _choose, complete_url, flatten
from socialreg.wizard.questions import SECTIONS
from socialreg.wording import a_or_an, ordinal, plural


@pytest.mark.parametrize(
    ("index", "said"),
    [(0, "first"), (2, "third"), (9, "tenth"), (10, "11th"), (11, "12th"), (20, "21st")],
)
def test_positions_are_counted_from_one(index: int, said: str) -> None:
    assert ordinal(index) == said


def test_articles_and_plurals() -> None:
    assert a_or_an("account") == "an account"
    assert a_or_an("campaign") == "a campaign"
    assert a_or_an("unit") == "a unit"
    assert a_or_an("Instagram") == "an Instagram"
    assert plural(1, "word") == "1 word"
    assert plural(2, "word") == "2 words"


@pytest.mark.parametrize(
    ("path", "said"),
    [
        (("moderators", 0), "the first moderator"),
        (("moderators", 2, "email"), "`email` of the third moderator"),
        (("goals", 1, "target"), "`target` of the second goal"),
        (("decision", "related_accounts", 0), "the first related account"),
        (("owner", "email"), "`owner.email`"),
        (("mystery", 1), "the second item of `mystery`"),
    ],
)
def test_places_in_words(path: tuple[str | int, ...], said: str) -> None:
    assert in_words(path) == said


@pytest.mark.parametrize(
    ("typed", "completed"),
    [
        ("www.instagram.com/norrvik.library", "https://www.instagram.com/norrvik.library"),
        ("\u201chttps://bsky.app/profile/a.b\u201d", "https://bsky.app/profile/a.b"),
        ("  bsky.app/profile/a.b\u200b ", "https://bsky.app/profile/a.b"),
        ("http://example.org/x", "http://example.org/x"),  # refused later, with a reason
        ("not an address", "not an address"),
    ],
)
def test_addresses_are_completed(typed: str, completed: str) -> None:
    assert complete_url(typed) == completed


@given(st.text(max_size=60))
def test_completing_an_address_twice_changes_nothing(text: str) -> None:
    once = complete_url(text)
    assert complete_url(once) == once


CHOICES = [Choice("library", "Norrvik University Library"), Choice("careers", "Careers Service")]


@pytest.mark.parametrize(
    ("typed", "chosen"),
    [("2", "careers"), ("LIBRARY", "library"), ("norrvik university library", "library")],
)
def test_a_choice_by_number_value_or_displayed_name(typed: str, chosen: str) -> None:
    assert _choose(CHOICES, typed) == chosen


@pytest.mark.parametrize("typed", ["0", "3", "libary", ""])
def test_other_answers_are_refused_with_the_numbers_to_type(typed: str) -> None:
    with pytest.raises(Rejected, match="1 to 2"):
        _choose(CHOICES, typed)


@pytest.mark.parametrize(
    ("pattern", "handle", "address"),
    [
        (r"^https://www\.instagram\.com/[A-Za-z0-9_.]{1,30}/?$", "@norrvik.library", True),
        (r"^https://www\.youtube\.com/@[A-Za-z0-9_.-]{3,30}/?$", "@StudyAtNorrvik", True),
        (r"^https://bsky\.app/profile/[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/?$", "@lib.example", True),
        (r"^https://\S+$", "@news@mastodon.example", False),  # no literal start to build on
        (r"^https://www\.instagram\.com/[a-z]{1,5}/?$", "@toolongforthis", False),
    ],
)
def test_the_address_a_handle_implies(pattern: str, handle: str, address: bool) -> None:
    suggested = url_for_handle(pattern, handle)
    assert (suggested is not None) is address
    if suggested is not None:
        assert handle_in_url(handle, suggested)


def test_handles_and_addresses_compared() -> None:
    assert handle_in_url("@News@Mastodon.Example", "https://mastodon.example/@news")
    assert handle_in_url("lib.norrvik.example", "https://bsky.app/profile/lib.norrvik.example")
    assert not handle_in_url("@norrvik", "https://www.instagram.com/norrvik.library/")
    assert without_pasted("\u201c@norrvik\u2013library\u201d") == "@norrvik-library"


@given(st.text(alphabet="ab@. \"'\u201c\u2013\u00a0\u200b\u00e9"))
def test_text_without_pasted_characters_is_only_trimmed(text: str) -> None:
    """without_pasted leaves ASCII text to strip alone (it is asked of every handle and
    address); that is right only while no pasted character is ASCII."""
    assert not any(character.isascii() for character in PASTED_CHARACTERS)
    cleaned = without_pasted(text)
    assert not any(character in PASTED_CHARACTERS for character in cleaned)
    if not any(character in PASTED_CHARACTERS for character in text):
        assert cleaned == text.strip().strip("\"'")


_VALUE = st.text(
    alphabet=string.ascii_letters + string.digits + " .-_/@*&!%`|'\"\\#:",
    min_size=1,
    max_size=30,
).filter(lambda text: text.strip() == text)


@given(st.sampled_from(RESERVED_STARTS), _VALUE)
def test_the_line_the_message_suggests_reads_back_as_the_value(start: str, rest: str) -> None:
    value = start + rest
    found = quoted_line(f"handle: {value}\n", 1)
    assert found is not None
    assert yaml.safe_load(found[1]) == {"handle": value}


def _finding(rule: str, at: str, path: str = "accounts/u/a.yaml") -> Finding:
    return Finding(path, 1, 1, rule, Severity.ERROR, "message.", at)


def test_knock_on_findings_are_left_out() -> None:
    findings = [
        _finding("SR012", "$.moderators[0]"),
        _finding("SR105", "$.moderators"),  # "0 moderators are named": explained above
        _finding("SR102", "$.moderators"),
        _finding("SR101", "$.purpose"),  # about something else: kept
        _finding("SR113", "$"),  # about the whole record: kept
        _finding("SR105", "$.moderators", path="accounts/u/other.yaml"),  # another file
    ]
    kept = without_knock_ons(findings)
    assert [(f.rule, f.path) for f in kept] == [
        ("SR012", "accounts/u/a.yaml"),
        ("SR101", "accounts/u/a.yaml"),
        ("SR113", "accounts/u/a.yaml"),
        ("SR105", "accounts/u/other.yaml"),
    ]


_PLACES = st.sampled_from(["$", "$.owner", "$.owner.email", "$.moderators", "$.moderators[1]"])
_CODES = st.sampled_from(["SR002", "SR011", "SR012", "SR101", "SR105", "SR201"])


@given(st.lists(st.tuples(_CODES, _PLACES, st.sampled_from(["a.yaml", "b.yaml"])), max_size=12))
def test_findings_about_the_file_itself_are_never_left_out(
    raw: list[tuple[str, str, str]],
) -> None:
    findings = [_finding(code, at, path) for code, at, path in raw]
    kept = without_knock_ons(findings)
    shape = [f for f in findings if f.rule in SHAPE_CODES]
    assert shape == [f for f in kept if f.rule in SHAPE_CODES]
    assert without_knock_ons(kept) == kept


STEPS = {step.name: step for step in flatten(SECTIONS["account"])}


def test_saved_answers_round_trip_and_survive_bad_files(tmp_path: Path) -> None:
    answers = {
        "unit": "library",
        "goals": [{"description": "x", "measure": "y", "target": "1 by 2027"}],
        "uses-organisation-logo": False,
        "audiences": ["Students"],
    }
    save_draft(tmp_path, "account", answers)
    draft = load_draft(tmp_path, "account", STEPS)
    assert draft is not None and draft.answers == answers
    assert load_draft(tmp_path, "campaign", STEPS) is None
    path = draft_path(tmp_path, "account")
    for broken in ("{", "[]", json.dumps({"version": 99, "answers": answers}), "\x00"):
        path.write_text(broken, encoding="utf-8")
        assert load_draft(tmp_path, "account", STEPS) is None
    # Answers of the wrong shape, or for questions that do not exist, are asked again.
    odd = {"unit": ["x"], "goals": "many", "audiences": [1], "nonsense": "x", "purpose": "ok"}
    path.write_text(json.dumps({"version": 1, "answers": odd}), encoding="utf-8")
    draft = load_draft(tmp_path, "account", STEPS)
    assert draft is not None and draft.answers == {"purpose": "ok"}
    discard_draft(tmp_path, "account")
    discard_draft(tmp_path, "account")  # twice is fine
    assert not path.exists()
