"""The data behind the "Check an account" box: every published handle and address, normalised.

The browser script (static/verify.js) normalises what a person pastes in the same way and
looks the result up here, so the check needs no server. Keep `address_key` and the script's
`addressKey` in step; the browser tests check them together.

A person checks one account, so the page should not download fifty thousand. The keys are
split into shards by a hash of the key (FNV-1a, 32 bits, of its UTF-8 bytes; verify.js computes
the same), about SHARD_SIZE accounts to a shard, each a small script in verify/. The page loads
only the shards of the keys it looks up: usually one or two files of a few kilobytes.
"""

from __future__ import annotations

import json
import unicodedata
from collections import defaultdict
from typing import Any

from socialreg.identity import catalogue as identity_catalogue
from socialreg.identity.text import confusables_map, identity_key, series_key
from socialreg.registry_site.model import Registry

# Used when the catalogue names no other domains: the one alias everybody knows.
_DEFAULT_HOSTS: dict[str, Any] = {"aliases": {"twitter.com": "x.com"}, "keep": {}}


def address_key(text: str, hosts: dict[str, Any] | None = None) -> str:
    """`https://www.Instagram.com/example.library/?hl=sv` -> `instagram.com/example.library`.

    As identity.catalogue.address_key, with the catalogue's other domains (`hosts`), which
    the page gets in verify-identity.js.
    """
    return identity_catalogue.address_key(text, hosts or _DEFAULT_HOSTS)


def handle_key(text: str) -> str:
    """`@ExampleUniversity` -> `exampleuniversity`; full-width letters count as plain ones.

    Invisible characters are kept: a handle pasted with a zero-width space is not the official
    one, and the look-alike check (identity.js) says what it resembles.
    """
    return unicodedata.normalize("NFKC", text).strip().lstrip("@").rstrip("/").lower()


def hosts_of(registry: Registry) -> dict[str, Any]:
    table = registry.catalogue.host_table()
    return table if table["aliases"] else _DEFAULT_HOSTS


def verify_data(registry: Registry) -> dict[str, object]:
    """Each account as [name, platform, handle, status, page]; a requested account (approved,
    not yet opened) has no page, and the check says it is not open yet."""
    hosts = hosts_of(registry)
    accounts = []
    keys: dict[str, list[int]] = {}
    for number, account in enumerate([*registry.accounts, *registry.requested]):
        page = account.page if account.status != "requested" else ""
        accounts.append([account.name, account.platform_name, account.handle, account.status, page])
        found = []
        if account.url:
            found.append("u:" + address_key(account.url, hosts))
        if account.handle:
            found.append("h:" + handle_key(account.handle))
        if account.platform_id:
            # A permanent id pasted alone, or an address written with it, finds the account.
            found.append("h:" + account.platform_id.lower())
            platform = registry.catalogue.get(account.platform)
            for url in platform.id_addresses(account.platform_id) if platform else []:
                found.append("u:" + address_key(url, hosts))
        for key in found:
            numbers = keys.setdefault(key, [])
            if number not in numbers:
                numbers.append(number)
    return {"accounts": accounts, "keys": keys}


SHARD_SIZE = 128
MAX_SHARDS = 4096
SHARD_FOLDER = "verify"


def shard_count(accounts: int) -> int:
    """A power of two, so that a shard is `hash & (count - 1)` in both languages."""
    count = 1
    while count * SHARD_SIZE < accounts and count < MAX_SHARDS:
        count *= 2
    return count


def fnv1a(text: str) -> int:
    # The low 32 bits of a product and of an exclusive or depend only on the low 32 bits of
    # what they are made from, so the value is cut to 32 bits once per 32 bytes, not at
    # every byte (a build hashes every published key: a third faster).
    data = text.encode("utf-8")
    value = 0x811C9DC5
    for start in range(0, len(data), 32):
        for byte in data[start : start + 32]:
            value = (value ^ byte) * 0x01000193
        value &= 0xFFFFFFFF
    return value


def script_json(value: object) -> str:
    """JSON that is safe inside a script file: record text can never read as markup."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def verify_shards(registry: Registry) -> tuple[int, dict[str, str]]:
    """The number of shards and each shard's script, by its path in the site.

    A shard calls `SOCIALREG_VERIFY_SHARD(number, {key: [[name, platform, handle, status,
    page], ...]})`; a script file, not JSON, so the check works from file:// too (no fetch).
    """
    data = verify_data(registry)
    accounts: list[list[str]] = data["accounts"]  # type: ignore[assignment]
    keys: dict[str, list[int]] = data["keys"]  # type: ignore[assignment]
    count = shard_count(len(accounts))
    shards: dict[int, dict[str, list[list[str]]]] = defaultdict(dict)
    for key, numbers in keys.items():
        shards[fnv1a(key) & (count - 1)][key] = [accounts[number] for number in numbers]
    return count, {
        f"{SHARD_FOLDER}/{number}.js": (
            f"SOCIALREG_VERIFY_SHARD({number},{script_json(shards.get(number, {}))});\n"
        )
        for number in range(count)
    }


def identity_data(registry: Registry) -> dict[str, object]:
    """What the look-alike warning needs (static/identity.js): each official account as
    [name, platform, handle, status, page, identity key, series key], the part of Unicode's
    confusables table that can lead to those keys, and the catalogue's other domains.
    """
    accounts: list[list[str]] = []
    characters: set[str] = set()
    for account in registry.official_accounts:
        if account.handle:
            key = identity_key(account.handle)
            characters.update(key)
            accounts.append(
                [
                    account.name,
                    account.platform_name,
                    account.handle,
                    account.status,
                    account.page,
                    key,
                    series_key(account.handle),
                ]
            )
    # Only prototypes made of characters some official key has can make typed text equal or
    # close to an official key; the rest of the table would only make the page heavier.
    mapping = {
        source: target
        for source, target in confusables_map().items()
        if set(target.casefold()) <= characters
    }
    return {"accounts": accounts, "map": mapping, "hosts": hosts_of(registry)}


def identity_script(registry: Registry) -> str:
    return f"window.SOCIALREG_IDENTITY = {script_json(identity_data(registry))};\n"
