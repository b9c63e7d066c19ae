"""What the cross-file identity rules compare, worked out once per account and kept in its index
entry.

The duplicate rule (SR108) compares every account's handle and addresses as a person reads
them, and the look-alike rule (SR121) compares handles by their skeletons. Normalising a
handle or an address takes microseconds, but for every account of a large registry, on every
run, in every worker, it took longer than parsing the files (2.8 s for the duplicate index and
2.7 s for the look-alike index at 50,000 accounts in a one-file check). So each account's keys
are made once, where the account is loaded (in the worker that loads it), travel with its
index entry, and are kept in the index store (load/index_store.py) between runs.

Addresses depend on the platform catalogue of org/policy.yaml (alternate domains, query
parameters that name the account): `catalogue_fingerprint` says which catalogue keys were made
with, so a cache made with another catalogue is not used.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from socialreg.identity.catalogue import Catalogue, address_key
from socialreg.identity.text import identity_key, series_key


@dataclass(frozen=True, slots=True)
class IdentityKeys:
    handle: str | None  # identity_key of the handle: equal for handles people cannot tell apart
    series: str | None  # series_key of the handle: the same with its digits kept
    addresses: tuple[str, ...]  # address keys of the url and of the addresses made with the id

    def __reduce__(self) -> tuple[Any, ...]:
        # As its fields (see RecordSummary.__reduce__): a worker sends one for every account.
        return (IdentityKeys, (self.handle, self.series, self.addresses))

    def as_list(self) -> list[Any]:
        """For the index store (JSON)."""
        return [self.handle, self.series, list(self.addresses)]

    @classmethod
    def from_list(cls, value: Any) -> IdentityKeys | None:
        """The keys `as_list` wrote, or None for anything else (a cache is never trusted)."""
        # Written out rather than with all(): this runs for every entry of a large cache.
        if type(value) is not list or len(value) != 3:
            return None
        handle, series, addresses = value
        if handle is not None and type(handle) is not str:
            return None
        if series is not None and type(series) is not str:
            return None
        if type(addresses) is not list:
            return None
        for address in addresses:
            if type(address) is not str:
                return None
        return cls(handle, series, tuple(addresses))


def handle_key(value: Any) -> str | None:
    """The handle's identity: equal for handles a person cannot tell apart."""
    if not isinstance(value, str) or not value.strip():
        return None
    return identity_key(value) or None


def url_key(value: Any, hosts: dict[str, Any] | None = None) -> str | None:
    """The address's account: equal for addresses that open the same profile."""
    if not isinstance(value, str) or not value.strip():
        return None
    return address_key(value, hosts) or None


def account_addresses(
    fields: Mapping[str, Any], catalogue: Catalogue, hosts: dict[str, Any] | None = None
) -> list[str]:
    """Every address key of an account: its url and the addresses made with its id."""
    hosts = catalogue.host_table() if hosts is None else hosts
    found = [url_key(fields.get("url"), hosts)]
    platform = catalogue.get(fields.get("platform"))
    platform_id = fields.get("platform_id")
    if platform is not None and isinstance(platform_id, str) and platform_id.strip():
        found.extend(url_key(url, hosts) for url in platform.id_addresses(platform_id.strip()))
    return list(dict.fromkeys(key for key in found if key))


def identity_keys(
    fields: Mapping[str, Any], catalogue: Catalogue, hosts: dict[str, Any] | None = None
) -> IdentityKeys:
    """An account's keys, from its fields (a record's data or its index entry)."""
    handle = fields.get("handle")
    # Made once per account, where it is loaded: not through the functions' caches, which
    # cannot help there and kept 20 MB of handles and keys alive in each worker.
    key = None
    if isinstance(handle, str) and handle.strip():
        key = identity_key.__wrapped__(handle) or None
    series = series_key.__wrapped__(handle) if key is not None else None
    if series == key:
        series = key  # one string, not two equal ones: most handles have no digits
    return IdentityKeys(key, series, tuple(account_addresses(fields, catalogue, hosts)))


def catalogue_fingerprint(policy: Mapping[str, Any]) -> str:
    """Which platform catalogue keys were made with: a digest of the policy's `platforms`."""
    platforms = policy.get("platforms")
    text = json.dumps(platforms, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
