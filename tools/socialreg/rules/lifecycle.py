"""Rules 12 and 13: pilots end in time, and every record is confirmed regularly."""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.dates import add_months, as_date
from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import NHS_LIBRARY, STOCKHOLM_NEW


@register(
    code="SR112",
    scope="account",
    rationale="""
A pilot is a short but extendable trial that gives everyone the chance to stop if it does not
work. So a pilot has an end date, at most `pilot_months` after the decision to open it. When
the end date has passed, the unit and the communications office decide: activate the account
(status: active), extend the pilot (a new decision date and a new end date), or archive it.
""",
    source=NHS_LIBRARY,
    options={"pilot_months": 6},
    passing="""
status: pilot
decision:
  date: 2026-11-02
pilot:
  ends: 2027-04-30
""",
    failing="""
status: pilot
decision:
  date: 2026-11-02
pilot:
  ends: 2027-11-01   # more than 6 months after the decision
""",
)
def check_pilot(record: Record, context: RuleContext) -> Iterator[Problem]:
    if record.data.get("status") != "pilot":
        return
    pilot = record.data.get("pilot")
    months = int(context.options["pilot_months"])
    if not isinstance(pilot, dict) or "ends" not in pilot:
        yield Problem(
            record.document,
            ("pilot",) if isinstance(pilot, dict) else ("status",),
            "A pilot needs an end date. Add `pilot:` with `ends:` (YYYY-MM-DD), at most "
            f"{months} months after the decision ({NHS_LIBRARY}).",
        )
        return
    ends = as_date(pilot.get("ends"))
    if ends is None:
        return
    decided = as_date(mapping(record.data, "decision").get("date"))
    if decided is not None and ends > add_months(decided, months):
        latest = add_months(decided, months)
        yield Problem(
            record.document,
            ("pilot", "ends"),
            f"The pilot ends on {ends.isoformat()}, more than {months} months after the "
            f"decision on {decided.isoformat()}. End it by {latest.isoformat()}; to extend a "
            f"pilot, record a new decision with a new decision date ({NHS_LIBRARY}).",
        )
    if ends < context.today:
        yield Problem(
            record.document,
            ("pilot", "ends"),
            f"The pilot ended on {ends.isoformat()}. Decide with the communications office: "
            "activate the account (status: active), extend the pilot (a new decision date and a "
            f"later pilot.ends), or archive it (status: archived, with date and reason) "
            f"({NHS_LIBRARY}).",
        )


@register(
    code="SR113",
    scope="account",
    rationale="""
People change jobs and accounts fall silent. A registry is only worth something if it is true,
so someone confirms every record at least every `review_months` months and writes the date in
review.last. The scheduled audit reports records that are overdue.
""",
    source=STOCKHOLM_NEW,
    options={"review_months": 12},
    passing="""
review:
  last: 2026-09-15
""",
    failing="""
review:
  last: 2024-06-01
""",
)
def check_review(record: Record, context: RuleContext) -> Iterator[Problem]:
    last = as_date(mapping(record.data, "review").get("last"))
    if last is None:
        return
    months = int(context.options["review_months"])
    due = add_months(last, months)
    if due < context.today:
        yield Problem(
            record.document,
            ("review", "last"),
            f"The record was last confirmed on {last.isoformat()}; a review was due by "
            f"{due.isoformat()}. Check that everything in the file is still true (owner, "
            "supervisor, moderators, purpose), correct what changed, and write today's date in "
            "review.last.",
        )
    elif last > context.today:
        yield Problem(
            record.document,
            ("review", "last"),
            f"review.last is {last.isoformat()}, a date in the future. Write the date the "
            "record was checked.",
        )
