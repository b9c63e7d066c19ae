"""Rule 9: while the policy pauses new accounts, a new account needs a waiver."""

from __future__ import annotations

from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import STOCKHOLM_NEW


@register(
    code="SR109",
    scope="account",
    change_aware=True,
    rationale="""
An organisation may pause new accounts, as Stockholm did after the Schrems II judgement on
transfers of personal data. While org/policy.yaml says `moratorium: active: true`, a new account
needs a waiver of SR109 approved by a communications reviewer (see SR301).

Which accounts are new: with `validate --base REF` (CI passes the pull request's base), an
account whose id did not exist at the base commit. Without --base, nothing says when a file was
added, so the rule looks at accounts with status `requested`, which are requests for new
accounts. Accounts that already existed are never affected.
""",
    source=STOCKHOLM_NEW,
    passing="""
# org/policy.yaml: moratorium: {active: true}
status: requested
decision:
  date: 2026-11-16
waivers:
  - rule: SR109
    reason: The emergency information account is needed during the flooding.
    approved_by: maria-lind
    expires: 2027-03-31
""",
    failing="""
# org/policy.yaml: moratorium: {active: true}
status: requested
decision:
  date: 2026-11-16
""",
)
def check_moratorium(record: Record, context: RuleContext) -> Iterator[Problem]:
    moratorium = mapping(context.policy, "moratorium")
    if moratorium.get("active") is not True:
        return
    if context.base is not None:
        if context.base.existed(record.kind, record.id):
            return
        what = "This account is new"
    elif record.data.get("status") == "requested":
        what = "This account is a request for a new account"
    else:
        return
    reason = moratorium.get("reason")
    why = f" The reason: {' '.join(reason.split())}" if isinstance(reason, str) else ""
    since = moratorium.get("since")
    since_text = f" since {since}" if isinstance(since, str) else ""
    yield Problem(
        record.document,
        ("status",),
        f"{what}, and new accounts are paused{since_text} (org/policy.yaml, moratorium).{why} "
        "Ask the communications office whether an exception is possible; if it is, add a "
        "waiver of SR109 with the reason, the reviewer's GitHub user name as approved_by, and "
        f"an expiry date ({STOCKHOLM_NEW}).",
    )
