"""Rules 18 and 19: the ads run from an allowed account, in allowed placements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from socialreg.load.model import Record
from socialreg.rules.base import (
    Problem,
    RuleContext,
    choices_hint,
    listed_choices,
    mapping,
    register,
)
from socialreg.sources import STOCKHOLM_ADS

DEFAULT_FORBIDDEN = ["audience_network"]


def _senders(context: RuleContext) -> list[str] | None:
    """The accounts the policy lets send ads; None when the policy does not restrict them."""
    senders = mapping(context.policy, "advertising").get("senders")
    return [str(item) for item in senders] if isinstance(senders, list) else None


@register(
    code="SR203",
    compares_records=True,
    reads=("sender",),
    scope="campaign",
    rationale="""
Ads run from one of the organisation's accounts, and comments on them land there. So the sender
is an account in the registry, it is active (not a pilot, paused or archived: someone watches
it), and the policy lets it send ads (org/policy.yaml, advertising.senders): the communications
office holds advertiser rights on exactly those accounts.
""",
    source=STOCKHOLM_ADS,
    options={"allowed_statuses": ["active"]},
    passing="""
sender: uni-facebook
""",
    failing="""
sender: library-facebook   # not one of the senders in the policy
""",
)
def check_sender(record: Record, context: RuleContext) -> Iterator[Problem]:
    sender = record.data.get("sender")
    if not isinstance(sender, str):
        return
    allowed = _senders(context)
    choices = choices_hint(context, "SR203", sender, allowed or (), "Accounts that may send ads")
    account = context.repository.accounts.get(sender)
    if account is None:
        yield Problem(
            record.document,
            ("sender",),
            f"There is no account `{sender}` in the registry. Write the id of the account the "
            f"ads run from: its file name under accounts/ without .yaml.{choices}",
        )
        return
    statuses = [str(item) for item in context.options["allowed_statuses"]]
    status = account.get("status")
    if status not in statuses:
        yield Problem(
            record.document,
            ("sender",),
            f"The account {sender} is {status}, so nobody can be relied on to watch the comments "
            f"on the ads. Ads run from an account that is {' or '.join(statuses)}.{choices}",
        )
    if allowed is not None and sender not in allowed:
        yield Problem(
            record.document,
            ("sender",),
            f"{sender} is not allowed to send ads (org/policy.yaml, advertising.senders): the "
            f"communications office can only stop ads on the accounts listed there "
            f"({STOCKHOLM_ADS}).{choices}",
        )


def _forbidden(context: RuleContext) -> list[str]:
    forbidden = mapping(context.policy, "advertising").get("forbidden_placements")
    if not isinstance(forbidden, list):
        return DEFAULT_FORBIDDEN
    return [str(item) for item in forbidden]


@register(
    code="SR204",
    compares_records=True,
    reads=("placements", "sender"),
    scope="campaign",
    rationale="""
Ads may use every Facebook placement except Audience Network (ads in other apps and websites,
where the organisation cannot see or answer comments, next to content it does not choose). The
policy lists forbidden placements (org/policy.yaml, advertising.forbidden_placements; by
default audience_network), either a whole publisher platform or one position, like
facebook.marketplace. Ads placed on Instagram run from the organisation's own Instagram account,
so that the communications office can answer the comments that come in.
""",
    source=STOCKHOLM_ADS,
    passing="""
sender: uni-instagram
placements:
  instagram: [stream, story]
""",
    failing="""
sender: uni-facebook
placements:
  instagram: [stream, story]     # Instagram ads from the Facebook page
  audience_network: [classic]    # forbidden
""",
)
def check_placements(record: Record, context: RuleContext) -> Iterator[Problem]:
    placements = record.data.get("placements")
    if not isinstance(placements, dict):
        return
    forbidden = set(_forbidden(context))
    for publisher, positions in placements.items():
        if publisher in forbidden:
            yield Problem(
                record.document,
                ("placements", publisher),
                f"{publisher} placements are not allowed (org/policy.yaml, "
                f"advertising.forbidden_placements). Remove `{publisher}` from placements "
                f"({STOCKHOLM_ADS}).",
            )
            continue
        for index, position in enumerate(positions if isinstance(positions, list) else []):
            if f"{publisher}.{position}" in forbidden:
                yield Problem(
                    record.document,
                    ("placements", publisher, index),
                    f"The {publisher} position {position} is not allowed (org/policy.yaml, "
                    "advertising.forbidden_placements). Remove it from the list.",
                )
    if "instagram" in placements:
        yield from _instagram_sender(record, context)


def _instagram_sender(record: Record, context: RuleContext) -> Iterator[Problem]:
    sender = record.data.get("sender")
    account = context.repository.accounts.get(sender) if isinstance(sender, str) else None
    if account is None or account.get("platform") == "instagram":
        return  # SR203 reports a sender that does not exist
    own = [
        account_id
        for account_id in _senders(context) or []
        if _platform(context, account_id) == "instagram"
    ]
    listed = listed_choices(context, sender if isinstance(sender, str) else "", own)
    instead = (
        f" Write sender: {own[0]}."
        if len(own) == 1
        else (f" Write one of: {listed}." if own else "")
    )
    yield Problem(
        record.document,
        ("placements", "instagram"),
        f"Instagram ads run from the organisation's own Instagram account, so that the "
        f"communications office can answer comments, but the sender {sender} is on "
        f"{account.get('platform')}.{instead} Or put the Instagram placements in a campaign of "
        f"their own ({STOCKHOLM_ADS}).",
    )


def _platform(context: RuleContext, account_id: str) -> Any:
    account = context.repository.accounts.get(account_id)
    return account.get("platform") if account is not None else None
