"""Rules 20 and 21: the communications office approves the proof and can stop the ads."""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.dates import as_date
from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, listed_choices, mapping, register
from socialreg.sources import STOCKHOLM_ADS

# The statuses in which the ads are, or have been, approved for publishing.
_APPROVED = ("approved", "live", "ended")


@register(
    code="SR205",
    scope="campaign",
    rationale="""
The communications office sees the finished ad before it is published. A campaign that is
approved, live or ended has `proof` with `approved_by` (the GitHub user name of one of the
communications reviewers in org/organization.yaml) and `approved_on`, a date no later than the
start of the ads and not in the future.
""",
    source=STOCKHOLM_ADS,
    passing="""
status: approved
starts: 2027-01-18
proof:
  approved_by: maria-lind
  approved_on: 2026-11-19
""",
    failing="""
status: live
starts: 2026-11-16
proof:
  approved_by: elin-forsberg    # the requester, not a communications reviewer
  approved_on: 2026-11-18       # after the ads started
""",
)
def check_proof(record: Record, context: RuleContext) -> Iterator[Problem]:
    status = record.data.get("status")
    if status not in _APPROVED:
        return
    proof = record.data.get("proof")
    if not isinstance(proof, dict):
        yield Problem(
            record.document,
            ("status",),
            f"The campaign is {status}, but no approved proof is recorded. Send the finished ad "
            "to the communications office and add `proof:` with approved_by (the reviewer's "
            "GitHub user name) and approved_on; until then the status is submitted "
            f"({STOCKHOLM_ADS}).",
        )
        return
    communications = mapping(context.organization, "communications")
    reviewers = [str(name) for name in communications.get("reviewers") or []]
    approved_by = proof.get("approved_by")
    if isinstance(approved_by, str) and reviewers and approved_by.lstrip("@") not in reviewers:
        yield Problem(
            record.document,
            ("proof", "approved_by"),
            f"{approved_by} is not a communications reviewer. The proof is approved by one of "
            f"{listed_choices(context, approved_by, reviewers)} (org/organization.yaml) "
            f"({STOCKHOLM_ADS}).",
        )
    approved_on, starts = as_date(proof.get("approved_on")), as_date(record.data.get("starts"))
    if approved_on is None:
        return
    if approved_on > context.today:
        yield Problem(
            record.document,
            ("proof", "approved_on"),
            f"approved_on is {approved_on.isoformat()}, a date in the future. Write the date the "
            "communications office approved the proof.",
        )
    elif starts is not None and approved_on > starts:
        yield Problem(
            record.document,
            ("proof", "approved_on"),
            f"The proof was approved on {approved_on.isoformat()}, after the ads started on "
            f"{starts.isoformat()}. The proof is approved before publishing: correct the date, "
            f"or move the start ({STOCKHOLM_ADS}).",
        )


@register(
    code="SR206",
    scope="campaign",
    rationale="""
An agency that buys the ads gets advertiser rights, and the communications office gets rights on
the ad account that let it stop the ads, which it does only in exceptional cases such as a
crisis. The record says so with comms_can_stop: true.
""",
    source=STOCKHOLM_ADS,
    passing="""
comms_can_stop: true
""",
    failing="""
comms_can_stop: false
""",
)
def check_stop_rights(record: Record, context: RuleContext) -> Iterator[Problem]:
    if record.data.get("comms_can_stop") is False:
        yield Problem(
            record.document,
            ("comms_can_stop",),
            "The communications office must be able to stop the ads, for example in a crisis. "
            "Give it advertiser rights on the ad account that allow stopping ads, then write "
            f"comms_can_stop: true ({STOCKHOLM_ADS}).",
        )
