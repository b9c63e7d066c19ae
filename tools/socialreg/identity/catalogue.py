"""The platform catalogue of org/policy.yaml, and account addresses compared as accounts.

`https://m.Facebook.com/ExampleUniversity/?ref=share`, `fb.com/exampleuniversity` and
`https://www.facebook.com/ExampleUniversity` are one account. `address_key` reduces each to
the same key: no scheme, no `www.`/`m.`/`mobile.`, the platform's own domain instead of an
alternate one (twitter.com -> x.com, threads.net -> threads.com), lower case (every platform
in the catalogue ignores case in profile addresses), no trailing slash or fragment, and no
query parameters but those that name the account (facebook.com/profile.php?id=...), so
tracking parameters (utm_*, igsh, si, ...) do not count.

The registry site's verify script (static/verify.js) makes the same key in the browser from
`host_table`, which the build writes into the page's data; keep the two in step.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from socialreg.identity.text import without_invisible

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://")
_SUBDOMAIN_PREFIX = re.compile(r"^(www|m|mobile|web)\.")
_SLASHES = re.compile(r"/{2,}")


@dataclass(frozen=True, slots=True)
class PlatformId:
    name: str
    pattern: re.Pattern[str] | None
    urls: tuple[str, ...]
    help: str


@dataclass(frozen=True, slots=True)
class Platform:
    key: str
    name: str
    profile_url: str = ""
    handle_pattern: re.Pattern[str] | None = None
    domains: tuple[str, ...] = ()
    keep_query: tuple[str, ...] = ()
    id: PlatformId | None = None
    documentation: tuple[str, ...] = ()

    def id_addresses(self, platform_id: str) -> list[str]:
        """The profile's addresses written with its permanent id."""
        if self.id is None:
            return []
        return [template.replace("{id}", platform_id) for template in self.id.urls]

    def profile_address(self, handle: str) -> str:
        """The canonical address of the profile with `handle`, or "" when unknown."""
        bare = handle.strip().lstrip("@")
        if not self.profile_url or not bare:
            return ""
        if "{user}" in self.profile_url:  # user@server
            user, _, server = bare.partition("@")
            if not server:
                return ""
            return self.profile_url.replace("{user}", user).replace("{server}", server)
        if "{handle}" not in self.profile_url:
            return ""
        return self.profile_url.replace("{handle}", bare)


@dataclass(frozen=True, slots=True)
class Catalogue:
    platforms: dict[str, Platform] = field(default_factory=dict)

    def get(self, key: object) -> Platform | None:
        return self.platforms.get(key) if isinstance(key, str) else None

    def host_table(self) -> dict[str, Any]:
        """Alternate domain -> the platform's own domain, and each domain's kept parameters."""
        aliases: dict[str, str] = {}
        keep: dict[str, list[str]] = {}
        for platform in self.platforms.values():
            if not platform.domains:
                continue
            main = _bare_host(platform.domains[0])
            for domain in platform.domains:
                host = _bare_host(domain)
                if host != main:
                    aliases[host] = main
            if platform.keep_query:
                keep.setdefault(main, []).extend(platform.keep_query)
        return {"aliases": aliases, "keep": keep}


def _compiled(pattern: object) -> re.Pattern[str] | None:
    if not isinstance(pattern, str):
        return None
    try:
        return re.compile(pattern)
    except re.error:  # the policy schema reports it
        return None


def _strings(value: object) -> tuple[str, ...]:
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _platform_id(value: object) -> PlatformId | None:
    if not isinstance(value, dict):
        return None
    return PlatformId(
        name=str(value.get("name") or "id"),
        pattern=_compiled(value.get("pattern")),
        urls=_strings(value.get("urls")),
        help=str(value.get("help") or "").strip(),
    )


def catalogue_from_policy(policy: dict[str, Any]) -> Catalogue:
    """The catalogue in org/policy.yaml's `platforms`, read defensively (it may be invalid)."""
    platforms = policy.get("platforms")
    result: dict[str, Platform] = {}
    for key, entry in (platforms if isinstance(platforms, dict) else {}).items():
        if not isinstance(entry, dict):
            continue
        result[str(key)] = Platform(
            key=str(key),
            name=str(entry.get("name") or key),
            profile_url=str(entry.get("profile_url") or ""),
            handle_pattern=_compiled(entry.get("handle_pattern")),
            domains=_strings(entry.get("domains")),
            keep_query=_strings(entry.get("keep_query")),
            id=_platform_id(entry.get("id")),
            documentation=_strings(entry.get("documentation")),
        )
    return Catalogue(result)


def _bare_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    while True:
        shorter = _SUBDOMAIN_PREFIX.sub("", host, count=1)
        if shorter == host or "." not in shorter:
            return host
        host = shorter


def address_key(text: str, hosts: dict[str, Any] | None = None) -> str:
    """`https://m.Facebook.com/ExampleUniversity/?ref=x` -> `facebook.com/exampleuniversity`.

    `hosts` is `Catalogue.host_table()`; without it only the generic steps apply.
    """
    aliases: dict[str, str] = (hosts or {}).get("aliases", {})
    keep: dict[str, list[str]] = (hosts or {}).get("keep", {})
    value = unicodedata.normalize("NFKC", without_invisible(text)).strip()
    value = _SCHEME.sub("", value.lower(), count=1)
    value, _, _fragment = value.partition("#")
    value, _, query = value.partition("?")
    host, _, path = value.partition("/")
    host = host.rpartition("@")[2]  # no user:password@ part
    host = _bare_host(host)
    host = aliases.get(host, host)
    if "//" in path:
        path = _SLASHES.sub("/", path)
    path = path.strip("/")
    # Most hosts keep no query parameter: their query is not even parsed (a site's build asks
    # for the key of every account's address).
    names = keep.get(host)
    kept = sorted((name, item) for name, item in parse_qsl(query) if name in names) if names else []
    key = f"{host}/{path}" if path else host
    return f"{key}?{urlencode(kept)}" if kept else key
