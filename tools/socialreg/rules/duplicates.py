"""Rule 8: no duplicate channels.

The same platform handle or address is registered once. Both records involved get the finding,
each naming the other, so whichever file a pull request changes shows the conflict. A unit's
second account on the same platform is allowed, with a warning, when it does not name the
first in decision.related_accounts; and every related account named must exist.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import Any

from socialreg.findings import Severity
from socialreg.load.model import Record, RecordSummary, Repository
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import KI, STOCKHOLM_NEW

# Addresses that differ only in these ways lead to the same account.
_HOST_ALIASES = {"twitter.com": "x.com", "m.facebook.com": "facebook.com"}


def normal_handle(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lstrip("@").casefold()


def normal_url(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = re.sub(r"^[a-z]+://", "", value.strip().casefold())
    text = re.split(r"[?#]", text, maxsplit=1)[0].rstrip("/")
    host, _, path = text.partition("/")
    host = host.removeprefix("www.")
    host = _HOST_ALIASES.get(host, host)
    return f"{host}/{path}" if path else host


class _Registrations:
    """Every account's handle and address, normalised, and the accounts of each unit."""

    def __init__(self, repository: Repository) -> None:
        self.handles: dict[tuple[str, str], list[RecordSummary]] = defaultdict(list)
        self.urls: dict[str, list[RecordSummary]] = defaultdict(list)
        # unit, platform -> the ids of the unit's accounts there that are not archived
        self.by_unit_platform: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        for summary in repository.accounts.values():
            platform = summary.get("platform")
            platform = platform if isinstance(platform, str) else ""
            handle = normal_handle(summary.get("handle"))
            if handle is not None:
                self.handles[(platform, handle)].append(summary)
            url = normal_url(summary.get("url"))
            if url is not None:
                self.urls[url].append(summary)
            if summary.get("status") != "archived" and platform:
                self.by_unit_platform[(summary.folder_unit, platform)][summary.id] = None


def _others(found: list[RecordSummary], record: Record) -> list[RecordSummary]:
    return [summary for summary in found if summary.id != record.id]


@register(
    code="SR108",
    compares_records=True,
    scope="account",
    rationale="""
Before a new account is opened, the existing ones are reviewed: perhaps the unit can contribute
to one of them instead. The registry is the list of official accounts, so each platform handle
and each address is registered once; an archived account keeps its registration (re-open it
rather than registering it again). When a unit opens a second account on the same platform, the
first must be named in decision.related_accounts to show it was considered (a warning), and
every account named there must exist in the registry.
""",
    source=f"{KI}; {STOCKHOLM_NEW}",
    passing="""
platform: instagram
handle: "@uni.library"
url: https://www.instagram.com/uni.library/
decision:
  related_accounts:
    - uni-instagram
""",
    failing="""
platform: instagram
handle: "@ExampleUni"          # already registered as uni-instagram
url: https://www.instagram.com/exampleuni
decision:
  related_accounts:
    - library-tiktok           # no such account
""",
)
def check_duplicates(record: Record, context: RuleContext) -> Iterator[Problem]:
    data = record.data
    registrations = context.derived("SR108.registrations", _Registrations)
    platform = data["platform"] if isinstance(data.get("platform"), str) else ""
    handle = normal_handle(data.get("handle"))
    if handle is not None:
        for other in _others(registrations.handles.get((platform, handle), []), record):
            yield Problem(
                record.document,
                ("handle",),
                f"The {platform} handle {data['handle']} is already registered in {other.path}. "
                "Each account is registered once: change that file instead (re-open it if it "
                "is archived), or correct the handle.",
            )
    url = normal_url(data.get("url"))
    if url is not None:
        for other in _others(registrations.urls.get(url, []), record):
            yield Problem(
                record.document,
                ("url",),
                f"The address {data['url']} is already registered in {other.path}. Each "
                "account is registered once: change that file instead, or correct the address.",
            )
    related = mapping(data, "decision").get("related_accounts")
    named = [item for item in related if isinstance(item, str)] if isinstance(related, list) else []
    for index, account_id in enumerate(named):
        if account_id not in context.repository.accounts:
            yield Problem(
                record.document,
                ("decision", "related_accounts", index),
                f"There is no account `{account_id}` in the registry. Write the id (the file "
                "name without .yaml) of an account under accounts/, or remove it.",
            )
        elif account_id == record.id:
            yield Problem(
                record.document,
                ("decision", "related_accounts", index),
                "An account cannot be related to itself. Name the other accounts you reviewed.",
            )
    if data.get("status") == "archived" or not platform:
        return
    siblings = registrations.by_unit_platform.get((record.folder_unit, platform), {})
    # Counted rather than listed: a unit may have many accounts on one platform.
    unnamed_count = len(siblings) - (record.id in siblings) - len(set(named) & siblings.keys())
    if unnamed_count > 0:
        unnamed = islice((i for i in siblings if i != record.id and i not in named), 3)
        more = f" and {unnamed_count - 3} more" if unnamed_count > 3 else ""
        listed = ", ".join(unnamed) + more
        accounts = "an account" if unnamed_count == 1 else "accounts"
        them, they = ("it", "it was") if unnamed_count == 1 else ("them", "they were")
        yield Problem(
            record.document,
            ("decision", "related_accounts"),
            f"The unit already has {accounts} on {platform}: {listed}. Check whether one account "
            f"is enough; if this one is needed too, add {them} to decision.related_accounts to "
            f"show {they} reviewed ({STOCKHOLM_NEW}).",
            at_most=Severity.WARNING,
        )
