"""Rule 1: a clear purpose, measurable goals and named target audiences."""

from __future__ import annotations

import re
from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, register
from socialreg.sources import KI, STOCKHOLM_NEW
from socialreg.wording import plural

# Dates say when, not how much: "by June 2027" or "before 2027-06-30" names no target.
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "januari|februari|mars|maj|juni|juli|augusti|oktober|jan|feb|mar|apr|jun|jul|aug|sep|sept|"
    "oct|okt|nov|dec"
)
_DATES = re.compile(
    rf"\b\d{{4}}-\d{{2}}-\d{{2}}\b|\b(?:19|20)\d{{2}}\b|\bq[1-4]\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = re.compile(
    r"\b(?:once|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
    r"fifty|hundred|thousand|half|double|twice|två|tre|fyra|fem|tio|hundra|tusen)\b",
    re.IGNORECASE,
)


# A date, or a digit that is not part of one. Scanned from the left, a date is tried first at
# each place, so the first `digit` found is the first digit outside every date: the same answer
# as removing the dates and searching what is left, in a quarter of the time (every goal of every
# account is asked).
_DATE_OR_DIGIT = re.compile(rf"{_DATES.pattern}|(?P<digit>\d)", re.IGNORECASE)


def names_a_number(target: str) -> bool:
    """Whether a goal's target says how much, besides when: "150 sign-ups by June 2027"."""
    if any(match.lastgroup == "digit" for match in _DATE_OR_DIGIT.finditer(target)):
        return True
    # Each date starts and ends with a letter or digit next to a character that is neither
    # (its pattern's \b), so no number word begins or ends inside one: the words are searched
    # for in the whole target.
    return _NUMBER_WORDS.search(target) is not None


@register(
    code="SR101",
    scope="account",
    rationale="""
An account without a clear purpose is hard to keep alive and hard to close. Stockholm asks for a
purpose tied to the unit's mission, measurable goals and identified target groups; Karolinska
Institutet asks what you want to achieve and for whom. This rule checks that the purpose is
more than a few words, that every goal's target has a number (how many, by when), and that the
audiences name real groups rather than "everyone".
""",
    source=f"{KI}; {STOCKHOLM_NEW}",
    options={
        "min_purpose_words": 12,
        "vague_audiences": ["everyone", "all", "anyone", "the public", "general public", "alla"],
    },
    passing="""
purpose: >-
  Opening hours, workshops and new e-resources of the library, for students who rarely visit
  the library building.
goals:
  - description: Fill the library's workshops
    measure: Sign-ups that answer "Instagram" to "Where did you hear about us?"
    target: 150 sign-ups between 1 December 2026 and 30 April 2027
audiences:
  - Undergraduate students
""",
    failing="""
purpose: Library news.
goals:
  - description: More followers
    measure: Followers
    target: Many more followers
audiences:
  - Everyone
""",
)
def check_purpose(record: Record, context: RuleContext) -> Iterator[Problem]:
    data = record.data
    purpose = data.get("purpose")
    minimum = int(context.options["min_purpose_words"])
    if isinstance(purpose, str) and purpose.strip() and len(purpose.split()) < minimum:
        yield Problem(
            record.document,
            ("purpose",),
            f"The purpose has only {plural(len(purpose.split()), 'word')}. In at least {minimum} "
            "words, "
            "say what the account is for, how it serves the unit's mission and what it will not "
            f"be used for ({STOCKHOLM_NEW}).",
        )
    goals = data.get("goals")
    for index, goal in enumerate(goals if isinstance(goals, list) else []):
        target = goal.get("target") if isinstance(goal, dict) else None
        if isinstance(target, str) and target.strip() and not names_a_number(target):
            dated = " A date alone says when, not how much." if _DATES.search(target) else ""
            yield Problem(
                record.document,
                ("goals", index, "target"),
                f'The target "{target.strip()}" cannot be measured.{dated} Write a number and a '
                f'date, for example "800 followers by 30 April 2027" ({STOCKHOLM_NEW}).',
            )
    audiences = data.get("audiences")
    vague = {word.casefold() for word in context.options["vague_audiences"]}
    for index, audience in enumerate(audiences if isinstance(audiences, list) else []):
        if isinstance(audience, str) and audience.strip().rstrip(".").casefold() in vague:
            yield Problem(
                record.document,
                ("audiences", index),
                f'"{audience.strip()}" is not a target audience. Name the groups the account is '
                'for, for example "first-year students" or "employers in the region" '
                f"({KI}).",
            )
