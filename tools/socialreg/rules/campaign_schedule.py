"""Rules 16 and 17: the brief arrives in good time, and the status agrees with the dates."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from socialreg.dates import as_date
from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, register
from socialreg.sources import STOCKHOLM_ADS


@register(
    code="SR201",
    scope="campaign",
    rationale="""
The communications office needs time to agree the details with the unit and to review the
proof. The brief says what the ads are about, between which dates they run, the budget, the
audience, and who needs editor rights to answer questions (the schema requires each of these);
it is sent in good time: at least `lead_days` days before the first day of the ads.
""",
    source=STOCKHOLM_ADS,
    options={"lead_days": 14},
    passing="""
brief_sent: 2026-11-02
starts: 2027-01-18
""",
    failing="""
brief_sent: 2027-01-10
starts: 2027-01-18
""",
)
def check_brief(record: Record, context: RuleContext) -> Iterator[Problem]:
    sent, starts = as_date(record.data.get("brief_sent")), as_date(record.data.get("starts"))
    if sent is None or starts is None:
        return
    lead_days = int(context.options["lead_days"])
    days = (starts - sent).days
    if days < lead_days:
        yield Problem(
            record.document,
            ("brief_sent",),
            f"The brief was sent on {sent.isoformat()}, {_days(days)} before the start on "
            f"{starts.isoformat()}; the communications office needs at least {lead_days} days. "
            f"Move the start to {(sent + datetime.timedelta(days=lead_days)).isoformat()} or "
            f"later, or agree an exception with the office ({STOCKHOLM_ADS}).",
        )
    if sent > context.today:
        yield Problem(
            record.document,
            ("brief_sent",),
            f"brief_sent is {sent.isoformat()}, a date in the future. Write the date the brief "
            "reached the communications office.",
        )


def _days(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} after rather than"
    return f"{days} day{'s' if days != 1 else ''}"


@register(
    code="SR202",
    scope="campaign",
    rationale="""
A campaign's status tells the communications office and the public what is happening now. The
last day (ends) is not before the first (starts), and on the day of the check (`--today`, the
scheduled audit runs daily):
draft, submitted and approved campaigns have not started yet; a live campaign is between its
start and end; an ended campaign has passed its end. A stopped campaign may stop at any time.
""",
    source=STOCKHOLM_ADS,
    passing="""
status: live
starts: 2026-11-20
ends: 2027-04-15
""",
    failing="""
status: live
starts: 2026-11-20
ends: 2026-11-20    # the ads ended, but the status still says live
""",
)
def check_dates(record: Record, context: RuleContext) -> Iterator[Problem]:
    starts, ends = as_date(record.data.get("starts")), as_date(record.data.get("ends"))
    status = record.data.get("status")
    if starts is None or ends is None:
        return
    if ends < starts:
        yield Problem(
            record.document,
            ("ends",),
            f"The campaign ends on {ends.isoformat()}, before it starts on {starts.isoformat()}. "
            "Check both dates: `ends` is the last day the ads run.",
        )
        return
    today = context.today
    message = None
    if status in ("draft", "submitted", "approved") and starts <= today:
        if ends < today:
            message = (
                f"The campaign was to run from {starts.isoformat()} to {ends.isoformat()}, but "
                f"its status is still {status}. If it ran, write status: ended; if it never "
                "ran, write status: stopped or move the dates."
            )
        elif status == "approved":
            message = (
                f"The campaign was to start on {starts.isoformat()}, but its status is still "
                "approved. If the ads are running, write status: live; otherwise move starts "
                "to a later date."
            )
        else:
            message = (
                f"The campaign was to start on {starts.isoformat()}, but it is still {status}: "
                "ads start only after the communications office has approved the proof. Move "
                "starts and ends to later dates."
            )
    elif status == "live" and today < starts:
        message = (
            f"The status is live, but the ads start on {starts.isoformat()}. Write status: "
            "approved until then, or correct the start date."
        )
    elif status == "live" and ends < today:
        message = (
            f"The status is live, but the ads ended on {ends.isoformat()}. Write status: ended "
            "(or stopped if they were stopped early), or correct the end date."
        )
    elif status == "ended" and today < ends:
        message = (
            f"The status is ended, but the end date {ends.isoformat()} has not come yet. If the "
            "ads were stopped early, write status: stopped; otherwise correct the status or "
            "the end date."
        )
    if message is not None:
        yield Problem(record.document, ("status",), message)
