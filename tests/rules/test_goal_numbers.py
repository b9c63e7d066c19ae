"""SR101's test of a goal's target (purpose.names_a_number): a number says how much, a date
only when. The rule asks it of every goal of every account, so it is written for speed; here
it is held to the plain definition on any text: remove the dates, then look for a digit or a
number word."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from socialreg.rules.purpose import _DATES, _NUMBER_WORDS, names_a_number


def _by_definition(target: str) -> bool:
    rest = _DATES.sub(" ", target)
    return bool(re.search(r"\d", rest) or _NUMBER_WORDS.search(rest))


# Texts made of the pieces that matter (dates, digits, month names, number words, separators),
# so that random examples meet the edges: a date next to a digit, a word inside a date.
_PIECES = st.sampled_from(
    [
        "2027",
        "1999",
        "2027-06-30",
        "q2",
        "Q4",
        "1st",
        "30",
        "3",
        "12",
        "٣",
        "June",
        "juni",
        "sept",
        "Dec",
        "maj",
        "one",
        "two",
        "hundred",
        "tusen",
        "half",
        "twice",
        "sign-ups",
        "by",
        "views",
        "-",
        " ",
        "  ",
        "\n",
        ",",
        ".",
        "%",
        "/",
        "_",
        "a",
        "é",
        "x1",
    ]
)
_TARGETS = st.one_of(
    st.lists(_PIECES, max_size=12).map("".join),
    st.text(max_size=40),
)


@settings(max_examples=3000, deadline=None)
@given(_TARGETS)
@example("150 sign-ups between 1 December 2026 and 30 April 2027")
@example("by 30 June 2027")
@example("2027two")
@example("q1one")
@example("1 june2")
def test_names_a_number_is_the_definition(target: str) -> None:
    assert names_a_number(target) == _by_definition(target)


@pytest.mark.parametrize(
    ("target", "says_how_much"),
    [
        ("150 sign-ups by June 2027", True),
        ("Before 2027-06-30", False),
        ("By 1 June 2027", False),
        ("Twice as many visitors in Q3", True),
        ("Many more followers", False),
        ("More followers by 2027, 20 % of them students", True),
    ],
)
def test_examples(target: str, says_how_much: bool) -> None:
    assert names_a_number(target) is says_how_much
