"""The data behind the "Check an account" box: every published handle, address and id, normalised.

The browser script (static/verify.js) normalises what a person pastes in the same way and
looks the result up here, so the check needs no server. Keep `address_key` and `handle_key` and
the scripts' `addressKey` and `handleKey` in step; the browser tests check them together.

A second file, verify-identity.js (`identity_script`), holds what the look-alike warning needs
(static/identity.js): each official account's identity key (identity.text) and the part of
Unicode's confusables table that can turn typed text into those keys.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from socialreg.identity import catalogue as identity_catalogue
from socialreg.identity.text import confusables_map, identity_key, series_key
from socialreg.registry_site.model import Registry

# Used when no catalogue is at hand (a policy without `domains`): the one alias everybody knows.
_DEFAULT_HOSTS: dict[str, Any] = {"aliases": {"twitter.com": "x.com"}, "keep": {}}


def address_key(text: str, hosts: dict[str, Any] | None = None) -> str:
    """`https://www.Instagram.com/norrvik.library/?hl=sv` -> `instagram.com/norrvik.library`."""
    return identity_catalogue.address_key(text, hosts or _DEFAULT_HOSTS)


def handle_key(text: str) -> str:
    """`@NorrvikUniversity` -> `norrvikuniversity`; full-width letters count as plain ones.

    Invisible characters are kept: a handle pasted with a zero-width space is not the official
    one, and the look-alike check (identity.js) says what it resembles.
    """
    return unicodedata.normalize("NFKC", text).strip().lstrip("@").rstrip("/").lower()


def _hosts(registry: Registry) -> dict[str, Any]:
    table = registry.catalogue.host_table()
    if not table["aliases"]:
        return _DEFAULT_HOSTS
    return table


def verify_data(registry: Registry) -> dict[str, object]:
    hosts = _hosts(registry)
    accounts = []
    keys: dict[str, list[int]] = {}
    for number, account in enumerate(registry.accounts):
        accounts.append(
            [account.name, account.platform_name, account.handle, account.status, account.page]
        )
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
    return {"accounts": accounts, "keys": keys, "hosts": hosts}


def _as_script(name: str, data: object) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # Keep record text from ever reading as markup or ending the script early.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{name} = {text};\n"


def verify_script(registry: Registry) -> str:
    """A script file that sets the data, so the check works from file:// too (no fetch)."""
    return _as_script("SOCIALREG_VERIFY", verify_data(registry))


def identity_data(registry: Registry) -> dict[str, object]:
    """Identity and series keys of the official accounts (by their number in verify data),
    and the confusables that can lead to those keys.
    """
    keys: dict[str, list[str]] = {}
    characters: set[str] = set()
    for number, account in enumerate(registry.accounts):
        if account.official and account.handle:
            key = identity_key(account.handle)
            keys[str(number)] = [key, series_key(account.handle)]
            characters.update(key)
    # Only prototypes made of characters some official key has can make typed text equal or
    # close to an official key; the rest of the table would only make the page heavier.
    mapping = {
        source: target
        for source, target in confusables_map().items()
        if set(target.casefold()) <= characters
    }
    return {"keys": keys, "map": mapping, "organization": registry.organization}


def identity_script(registry: Registry) -> str:
    return _as_script("SOCIALREG_IDENTITY", identity_data(registry))
