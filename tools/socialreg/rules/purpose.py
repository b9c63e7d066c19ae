"""Rule 1: a clear purpose, measurable goals and named target audiences."""

from __future__ import annotations

import re
from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.rules.base import KI, STOCKHOLM_NEW, Problem, RuleContext, register

_DIGIT = re.compile(r"\d")


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
    source=f"{KI}, {STOCKHOLM_NEW}",
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
            f"The purpose has only {len(purpose.split())} words. In at least {minimum} words, "
            "say what the account is for, how it serves the unit's mission and what it will not "
            f"be used for ({STOCKHOLM_NEW}).",
        )
    goals = data.get("goals")
    for index, goal in enumerate(goals if isinstance(goals, list) else []):
        target = goal.get("target") if isinstance(goal, dict) else None
        if isinstance(target, str) and target.strip() and not _DIGIT.search(target):
            yield Problem(
                record.document,
                ("goals", index, "target"),
                f'The target "{target.strip()}" cannot be measured. Write a number and a date, '
                f'for example "800 followers by 30 April 2027" ({STOCKHOLM_NEW}).',
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
