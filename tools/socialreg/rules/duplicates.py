"""Rule 8: no duplicate channels.

The same platform handle, address or permanent id is registered once. Every record involved
gets the finding, so whichever file a pull request changes shows the conflict: one finding per
file and kind of clash (handle, address, id), naming the first three other files in path order
and counting the rest, so a thousand files sharing one address make a thousand findings, not a
million. Handles are compared as people see them (identity.text: invisible characters,
letter widths, case and look-alike letters do not count), addresses as accounts
(identity.catalogue: www./m., alternate domains, trailing slashes and tracking parameters do
not count), and an address written with the permanent id (bsky.app/profile/did:plc:...) is
the same account as the record that names that id. A unit's second account on the same
platform is allowed, with a warning, when it does not name the first in
decision.related_accounts; and every related account named must exist.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from socialreg.findings import Severity
from socialreg.identity.catalogue import catalogue_from_policy
from socialreg.identity.keys import identity_keys
from socialreg.load.model import Record, RecordSummary, Repository
from socialreg.parallel import collector_paused
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import KI, STOCKHOLM_NEW
from socialreg.wording import FEW, first_few


def _platform(fields: Any) -> str:
    platform = fields.get("platform")
    return platform if isinstance(platform, str) else ""


def _id(fields: Any) -> str | None:
    value = fields.get("platform_id")
    return value.strip() if isinstance(value, str) and value.strip() else None


class _Registrations:
    """Every account's handle, addresses and id, normalised, and the accounts of each unit."""

    def __init__(self, repository: Repository) -> None:
        self.catalogue = catalogue_from_policy(repository.org_data("policy"))
        self.hosts = self.catalogue.host_table()
        self.handles: dict[tuple[str, str], list[RecordSummary]] = defaultdict(list)
        self.urls: dict[str, list[RecordSummary]] = defaultdict(list)
        self.ids: dict[tuple[str, str], list[RecordSummary]] = defaultdict(list)
        # unit, platform -> the ids of the unit's accounts there that are not archived
        self.by_unit_platform: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        # Many small keys and lists, none in a cycle: see collector_paused.
        with collector_paused():
            self._index(repository)

    def _index(self, repository: Repository) -> None:
        for summary in repository.accounts.values():
            platform = _platform(summary)
            # Made where the record was loaded; an entry without them (made by hand) gets them.
            keys = summary.identity or identity_keys(summary.fields, self.catalogue, self.hosts)
            if keys.handle is not None:
                self.handles[(platform, keys.handle)].append(summary)
            for url in keys.addresses:
                self.urls[url].append(summary)
            platform_id = _id(summary)
            if platform_id is not None:
                self.ids[(platform, platform_id)].append(summary)
            if summary.get("status") != "archived" and platform:
                self.by_unit_platform[(summary.folder_unit, platform)][summary.id] = None


class _Clash:
    """The accounts that share one handle, address or id, and the first few of them in path
    order, which a message names: the same ones in every worker, however the work was split."""

    __slots__ = ("first", "ids", "members")

    def __init__(self, members: list[RecordSummary]) -> None:
        self.members = members
        self.ids = frozenset(summary.id for summary in members)
        # One more than a message names: the record itself may be among them.
        self.first = heapq.nsmallest(FEW + 1, members, key=_by_path)


def _by_path(summary: RecordSummary) -> tuple[str, str]:
    return (summary.path, summary.id)


def _clashes(context: RuleContext) -> dict[tuple[str, ...], _Clash]:
    """Each shared key's _Clash, made once per run when a record first meets it: a thousand
    records sharing one address make one sorted list, not a thousand."""
    return context.derived("SR108.clashes", lambda _repository: {})


def _shared(
    context: RuleContext,
    record: Record,
    shared: Sequence[tuple[tuple[str, ...], list[RecordSummary] | None]],
) -> tuple[list[RecordSummary], int] | None:
    """The first few other accounts that share one of `record`'s keys, and how many in all;
    None if no other does. `shared` holds each key with the accounts that have it."""
    clashes = []
    for key, members in shared:
        if not members or (len(members) == 1 and members[0].id == record.id):
            continue  # the usual case: nobody else has it
        memo = _clashes(context)
        clash = memo.get(key)
        if clash is None:
            clash = memo[key] = _Clash(members)
        clashes.append(clash)
    if not clashes:
        return None
    others, total = _other_accounts(clashes, record)
    return (others, total) if total else None


def _other_accounts(clashes: list[_Clash], record: Record) -> tuple[list[RecordSummary], int]:
    """The first few other accounts that share one of `clashes` with `record`, in path order,
    and how many other accounts share one in all.

    Only the smaller clashes are walked: a thousand records that share one address, each with
    its own permanent id, do not each walk the thousand.
    """
    largest = max(clashes, key=lambda clash: len(clash.members))
    total = len(largest.members) - (record.id in largest.ids)
    outside = {
        summary.id
        for clash in clashes
        if clash is not largest
        for summary in clash.members
        if summary.id not in largest.ids and summary.id != record.id
    }
    total += len(outside)
    candidates = {
        summary.id: summary
        for clash in clashes
        for summary in clash.first
        if summary.id != record.id
    }
    return sorted(candidates.values(), key=_by_path)[:FEW], total


def _registered_in(others: list[RecordSummary], total: int) -> str:
    """ "is already registered in a.yaml, b.yaml, c.yaml and 997 more files"."""
    return f"is already registered in {first_few([other.path for other in others], total, 'file')}"


def _that_file(total: int) -> str:
    return "that file" if total == 1 else "one of those files"


@register(
    code="SR108",
    compares_records=True,
    reads=("platform", "handle", "url", "platform_id", "status", "decision.related_accounts"),
    scope="account",
    rationale="""
Before a new account is opened, the existing ones are reviewed: perhaps the unit can contribute
to one of them instead. The registry is the list of official accounts, so each platform handle,
address and permanent id (platform_id) is registered once. Handles are compared as a person
reads them: a zero-width space, full-width letters, a Cyrillic letter that looks Latin or a
trailing / does not make a second account. An archived account keeps its registration (re-open it
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
    platform = _platform(data)
    # One finding per kind of clash, naming the first few others: a thousand accounts sharing
    # one address make a thousand findings, not a million.
    keys = record.identity  # made where the record was loaded, or here
    keys = keys or identity_keys(data, registrations.catalogue, registrations.hosts)
    handle = keys.handle
    same_handle = registrations.handles.get((platform, handle)) if handle else None
    if shared := _shared(context, record, [(("handle", platform, str(handle)), same_handle)]):
        others, total = shared
        differently = _written_differently(data.get("handle"), [o.get("handle") for o in others])
        yield Problem(
            record.document,
            ("handle",),
            f"The {platform} handle {data['handle']} {_registered_in(others, total)}{differently}. "
            f"Each account is registered once: change {_that_file(total)} instead (re-open it if "
            "it is archived), or correct the handle.",
        )
    urls = keys.addresses
    same_urls = [(("url", url), registrations.urls.get(url)) for url in urls]
    if shared := _shared(context, record, same_urls):
        others, total = shared
        yield Problem(
            record.document,
            ("url",),
            f"The address {data.get('url')} {_registered_in(others, total)}. Each account is "
            f"registered once: change {_that_file(total)} instead, or correct the address.",
        )
    platform_id = _id(data)
    same_id = registrations.ids.get((platform, platform_id)) if platform_id else None
    if shared := _shared(context, record, [(("id", platform, str(platform_id)), same_id)]):
        others, total = shared
        yield Problem(
            record.document,
            ("platform_id",),
            f"The {platform} id {platform_id} {_registered_in(others, total)}: it is the same "
            f"account, whatever its handle is now. Change {_that_file(total)} instead, or "
            "correct the id.",
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


def _written_differently(mine: Any, theirs: list[Any]) -> str:
    """Say why handles that look different are the same, so the finding is believed."""
    if not isinstance(mine, str):
        return ""
    differ = [
        other
        for other in theirs
        if isinstance(other, str)
        and mine.strip().lstrip("@").casefold() != other.strip().lstrip("@").casefold()
    ]
    if not differ:
        return ""
    why = (
        "the same handle once invisible characters, letter widths, a trailing / and look-alike "
        "letters from other alphabets are set aside"
    )
    if len(theirs) == 1:
        return f" as {differ[0]} ({why})"
    where = "there" if len(differ) == len(theirs) else "in some"
    return f" (written differently {where}, but {why})"
