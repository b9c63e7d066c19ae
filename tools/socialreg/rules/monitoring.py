"""Accounts are watched daily, by at least two people, and questions are answered in time."""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, register
from socialreg.sources import CONSULTANCY, KI, STOCKHOLM_ADS


@register(
    code="SR105",
    scope="account",
    rationale="""
A public authority must watch its accounts: questions answered, inappropriate comments removed,
every day, even during holidays. One person cannot do that alone all year, so at least two
moderators are named and the holiday cover is written down.
""",
    source=KI,
    options={"min_moderators": 2, "allowed_frequencies": ["twice-daily", "daily"]},
    passing="""
moderators:
  - {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
  - {name: Oskar Falk, email: oskar.falk@example.org, github: oskar-falk}
monitoring:
  frequency: daily
""",
    failing="""
moderators:
  - {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
monitoring:
  frequency: weekdays
""",
)
def check_moderation(record: Record, context: RuleContext) -> Iterator[Problem]:
    data = record.data
    moderators = data.get("moderators")
    minimum = int(context.options["min_moderators"])
    if isinstance(moderators, list):
        people = {m.get("github") or m.get("email") for m in moderators if isinstance(m, dict)}
        if len(people) < minimum:
            named = "Only one moderator is" if len(people) == 1 else f"{len(people)} moderators are"
            yield Problem(
                record.document,
                ("moderators",),
                f"{named} named. Name at least {minimum} different people, so the account "
                f"is watched during holidays ({KI}).",
            )
    monitoring = data.get("monitoring")
    if isinstance(monitoring, dict):
        frequency = monitoring.get("frequency")
        allowed = list(context.options["allowed_frequencies"])
        if isinstance(frequency, str) and frequency not in allowed:
            yield Problem(
                record.document,
                ("monitoring", "frequency"),
                f"The account is checked '{frequency}'; the policy asks for "
                f"{' or '.join(allowed)}, including weekends and holidays ({KI}).",
            )


@register(
    code="SR106",
    scope="any",
    rationale="""
People expect fast answers, and an unanswered question tells followers nobody is there. The
policy sets the longest time to answer; at weekends, the next working day.
""",
    source=f"{STOCKHOLM_ADS}; {CONSULTANCY}",
    options={"max_hours": 24},
    passing="""
monitoring:
  response_time_hours: 24
""",
    failing="""
monitoring:
  response_time_hours: 48
""",
)
def check_response_time(record: Record, context: RuleContext) -> Iterator[Problem]:
    monitoring = record.data.get("monitoring")
    if not isinstance(monitoring, dict):
        return
    hours = monitoring.get("response_time_hours")
    limit = int(context.options["max_hours"])
    if isinstance(hours, int) and not isinstance(hours, bool) and hours > limit:
        yield Problem(
            record.document,
            ("monitoring", "response_time_hours"),
            f"response_time_hours is {hours}; the policy allows at most {limit} hours. "
            f"Write {limit} or less and make sure someone can answer that fast.",
        )
