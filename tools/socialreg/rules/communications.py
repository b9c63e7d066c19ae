"""Rule 4: the communications office knows of every account, and checked existing channels."""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.dates import as_date
from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import KI, STOCKHOLM_NEW


@register(
    code="SR104",
    scope="account",
    rationale="""
The communications office must know of every account, and it checks whether the organisation
already has a channel for the same need before a new one is opened. So the decision records
when the office was contacted (on or before the decision date, not in the future) and that
existing channels were reviewed. The office's approval itself is given on the pull request:
CODEOWNERS asks a communications reviewer to approve every account file.
""",
    source=f"{KI}; {STOCKHOLM_NEW}",
    passing="""
decision:
  date: 2026-11-02
  comms_contacted: 2026-10-06
  existing_channels_reviewed: true
  related_accounts: []
""",
    failing="""
decision:
  date: 2026-11-02
  comms_contacted: 2026-11-20   # after the decision
  existing_channels_reviewed: false
  related_accounts: []
""",
)
def check_communications(record: Record, context: RuleContext) -> Iterator[Problem]:
    decision = mapping(record.data, "decision")
    if decision.get("existing_channels_reviewed") is False:
        yield Problem(
            record.document,
            ("decision", "existing_channels_reviewed"),
            "Existing channels were not reviewed. Ask the communications office which accounts "
            "the organisation already has for this need, consider joining one of them, list "
            "the ones you looked at in related_accounts and then write true "
            f"({STOCKHOLM_NEW}).",
        )
    contacted, decided = as_date(decision.get("comms_contacted")), as_date(decision.get("date"))
    if contacted is None:
        return
    if contacted > context.today:
        yield Problem(
            record.document,
            ("decision", "comms_contacted"),
            f"comms_contacted is {contacted.isoformat()}, a date in the future. Write the date "
            f"the communications office was actually told about the account ({KI}).",
        )
    elif decided is not None and contacted > decided:
        yield Problem(
            record.document,
            ("decision", "comms_contacted"),
            f"The communications office was contacted on {contacted.isoformat()}, after the "
            f"decision on {decided.isoformat()}. Contact the office before deciding, and write a "
            f"decision date on or after {contacted.isoformat()} ({KI}).",
        )
