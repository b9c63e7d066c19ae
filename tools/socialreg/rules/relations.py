"""Which other records a check of a few records can read: the relations the rules follow.

A one-file check (the pre-commit hook) at 50,000 records cannot afford to index every other
record, so the index store (load/index_store.py) keeps, for each record, the lookup keys below,
and the check reads only the records that share a key with what it checks. That is the same
set of findings as indexing everything only if this list is complete: every way a rule, the
index (duplicate ids) or a repository check looks at another record must be here. The
equivalence tests (tests/test_index_store.py) check each file of several repositories both
ways.

- `id`: the records with an id (and, for every record read, the others with its id: see
  `id_key`) (duplicate ids; a campaign's sender; an account's
  decision.related_accounts; the policy's advertising.senders), SR108, SR203, SR204.
- `handle`, `url`, `platform_id`: accounts that are the same account (SR108).
- `unit`: the unit's other accounts on the platform that are not archived (SR108's warning).
- `bait`, and the `near` sketches: the handles on the platform, of accounts that are not
  archived, that may share a search key with one checked (SR121's candidates:
  identity.lookalike.search_keys, sketch and may_share_search_key).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from socialreg.identity.keys import IdentityKeys
from socialreg.identity.lookalike import bait_key, sketch
from socialreg.identity.text import MIN_LOOKALIKE_LENGTH, identity_key
from socialreg.load.model import RecordKind
from socialreg.rules.base import mapping
from socialreg.rules.duplicates import _id as _platform_id
from socialreg.rules.duplicates import _platform

SEPARATOR = "\x1f"  # in no handle, address, id or unit a file can hold (YAML forbids it)


def _key(*parts: object) -> str:
    return SEPARATOR.join(map(str, parts))


def id_key(kind: RecordKind, record_id: str) -> str:
    """The key of every record with this id. The index keeps one record per id (the first in
    path order), so whoever reads a record must also read the others with its id: one of them
    may be the one the index keeps."""
    return _key("id", kind, record_id)


# A lookalike candidate's group (platform, digits, length) and its letters (a mask).
Near = tuple[str, int]


def record_keys(
    kind: RecordKind,
    record_id: str,
    folder_unit: str,
    fields: Mapping[str, Any],
    identity: IdentityKeys | None,
) -> tuple[list[str], list[Near]]:
    """The keys under which other records' checks look for this record, and its sketch."""
    keys = [_key("id", kind, record_id)]
    if kind != "account" or identity is None:
        return keys, []
    platform = _platform(fields)
    if identity.handle is not None:
        keys.append(_key("handle", platform, identity.handle))
    keys.extend(_key("url", address) for address in identity.addresses)
    platform_id = _platform_id(fields)
    if platform_id is not None:
        keys.append(_key("platform_id", platform, platform_id))
    if fields.get("status") == "archived":
        return keys, []
    if platform:
        keys.append(_key("unit", folder_unit, platform))
    handle = fields.get("handle")
    if not isinstance(fields.get("platform"), str) or not isinstance(handle, str):
        return keys, []
    # The key SR121's index compares (rules.platform_identity._Officials).
    key, series = identity.handle, identity.series
    if key is None or series is None:
        key = identity_key(handle)
    if len(key) < MIN_LOOKALIKE_LENGTH:
        return keys, []  # never compared
    keys.append(_key("bait", platform, bait_key(key)))
    digits, length, mask = sketch(key)
    return keys, [(_key("lookalike", platform, digits, length), mask)]


def policy_senders(policy: Mapping[str, Any]) -> set[str]:
    """The accounts org/policy.yaml lets send ads (advertising.senders), as ids."""
    senders = mapping(policy, "advertising").get("senders")
    return {str(sender) for sender in senders} if isinstance(senders, list) else set()


def wanted_keys(
    records: Iterable[tuple[RecordKind, str, str, Mapping[str, Any], IdentityKeys | None]],
    policy: Mapping[str, Any],
) -> tuple[set[str], list[Near]]:
    """The keys of every record a check of `records` (kind, id, folder unit, data, identity
    keys) can read, with the org/ files' policy; and the sketches of its handles, to find the
    records that may look like them (`Near` within a mask's two bits)."""
    wanted = {_key("id", "account", sender) for sender in policy_senders(policy)}
    near: list[Near] = []
    for kind, record_id, folder_unit, data, identity in records:
        wanted.add(_key("id", kind, record_id))
        if kind == "campaign":
            sender = data.get("sender")
            if isinstance(sender, str):
                wanted.add(_key("id", "account", sender))
            continue
        related = mapping(data, "decision").get("related_accounts")
        for item in related if isinstance(related, list) else []:
            if isinstance(item, str):
                wanted.add(_key("id", "account", item))
        if identity is None:
            continue
        platform = _platform(data)
        if identity.handle:
            wanted.add(_key("handle", platform, identity.handle))
        wanted.update(_key("url", address) for address in identity.addresses)
        platform_id = _platform_id(data)
        if platform_id:
            wanted.add(_key("platform_id", platform, platform_id))
        if platform:
            wanted.add(_key("unit", folder_unit, platform))
        handle = data.get("handle")
        if isinstance(data.get("platform"), str) and isinstance(handle, str):
            key = identity_key(handle)
            if len(key) >= MIN_LOOKALIKE_LENGTH:
                wanted.add(_key("bait", platform, bait_key(key)))
                digits, length, mask = sketch(key)
                near.extend(
                    (_key("lookalike", platform, digits, nearby), mask)
                    for nearby in (length - 1, length, length + 1)
                )
    return wanted, near
