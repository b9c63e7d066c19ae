"""Rule 26: an approved request becomes a live account, or is withdrawn, without delay.

The request -> live lifecycle (README, "For people who request an account"): a pull request
adds the account with `status: requested`; its merge is the approval; then the unit opens the
account on the platform, and a follow-up pull request sets `status: active` or `pilot` with the
real address. A request that stays `requested` leaves a handle the organisation has announced
but not taken, which a squatter can take first. The audit reports it to the owner.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from socialreg.dates import as_date
from socialreg.findings import Severity
from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import STOCKHOLM_NEW


@register(
    code="SR116",
    scope="account",
    severity=Severity.WARNING,
    rationale="""
A record with `status: requested` is a request for an account that does not exist yet; merging
it approves the request. The unit then opens the account on the platform and, in a follow-up
pull request, sets `status: active` (or `pilot`) with the real `url` and `handle`; that pull
request needs only the communications office's approval. A request still not opened
`open_within_days` days after its decision (decision.date) is reported, so that the owner
opens the account or withdraws the request (status: archived, with the reason).
""",
    source=STOCKHOLM_NEW,
    options={"open_within_days": 30},
    passing="""
status: requested
decision:
  date: 2026-11-02      # opened by 2026-12-02
""",
    failing="""
status: requested
decision:
  date: 2026-09-01      # still not opened on 2026-11-21
  comms_contacted: 2026-08-20
""",
)
def check_request_opened(record: Record, context: RuleContext) -> Iterator[Problem]:
    if record.data.get("status") != "requested":
        return
    decided = as_date(mapping(record.data, "decision").get("date"))
    if decided is None:
        return
    days = int(context.options["open_within_days"])
    due = decided + datetime.timedelta(days=days)
    if due < context.today:
        yield Problem(
            record.document,
            ("status",),
            # No count of days here: the audit would rewrite the owner's issue every day.
            f"The request was decided on {decided.isoformat()}, so the account was to be opened "
            f"by {due.isoformat()} (the policy allows {days} days), but it is still requested. "
            "Open the account on the platform and, in a new pull request, set status: active "
            "(or pilot) "
            "with its real url and handle; or, if it will not be opened, set status: archived "
            "with the date and the reason.",
        )
