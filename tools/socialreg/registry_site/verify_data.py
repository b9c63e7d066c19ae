"""The data behind the "Check an account" box: every published handle and address, normalised.

The browser script (static/verify.js) normalises what a person pastes in the same way and
looks the result up here, so the check needs no server. Keep `address_key` and the script's
`addressKey` in step; the browser tests check them together.
"""

from __future__ import annotations

import json
import re

from socialreg.registry_site.model import Registry

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_MOBILE_OR_WWW = re.compile(r"^(www\.|m\.|mobile\.)")
# The same platform under two names: an address on either is the same account.
_HOST_ALIASES = {"twitter.com": "x.com"}


def address_key(text: str) -> str:
    """`https://www.Instagram.com/example.library/?hl=sv` -> `instagram.com/example.library`."""
    value = _SCHEME.sub("", text.strip().lower())
    value = re.split(r"[?#]", value, maxsplit=1)[0]
    value = _MOBILE_OR_WWW.sub("", value).rstrip("/")
    host, _, path = value.partition("/")
    host = _HOST_ALIASES.get(host, host)
    return f"{host}/{path}" if path else host


def handle_key(text: str) -> str:
    """`@ExampleUniversity` -> `exampleuniversity`."""
    return text.strip().lower().lstrip("@").rstrip("/")


def verify_data(registry: Registry) -> dict[str, object]:
    accounts = []
    keys: dict[str, list[int]] = {}
    for number, account in enumerate(registry.accounts):
        accounts.append(
            [account.name, account.platform_name, account.handle, account.status, account.page]
        )
        found = []
        if account.url:
            found.append("u:" + address_key(account.url))
        if account.handle:
            found.append("h:" + handle_key(account.handle))
        for key in found:
            numbers = keys.setdefault(key, [])
            if number not in numbers:
                numbers.append(number)
    return {"accounts": accounts, "keys": keys}


def verify_script(registry: Registry) -> str:
    """A script file that sets the data, so the check works from file:// too (no fetch)."""
    text = json.dumps(verify_data(registry), ensure_ascii=False, separators=(",", ":"))
    # Keep record text from ever reading as markup or ending the script early.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.SOCIALREG_VERIFY = {text};\n"
