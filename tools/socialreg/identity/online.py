"""Is each account still the one registered? Asked with the platforms' public protocols.

Only protocols that are documented and need no key are used:

- Bluesky (https://atproto.com/specs/handle, /specs/did): the handle resolves to a DID through
  `https://<handle>/.well-known/atproto-did`, or else through the public AppView's
  `com.atproto.identity.resolveHandle`; the PLC directory (`GET /<did>`) returns the DID
  document, whose `alsoKnownAs` must name the handle back (a tombstoned DID answers 404/410).
- Mastodon and the fediverse (https://docs.joinmastodon.org/spec/webfinger/, RFC 7033):
  WebFinger `acct:user@server` gives the actor URI (the permanent id); the actor document
  (ActivityStreams JSON) carries the profile's links, and the one to the registry page is
  how the profile proves it belongs to the organisation (Mastodon's rel="me" verification).

Every address can be redirected for tests: `Endpoints.origin` sends every https://host/...
request to one local server, naming the host in the Host header, and the PLC directory and the
AppView have their own base addresses (environment: SOCIALREG_ONLINE_ORIGIN,
SOCIALREG_PLC_DIRECTORY, SOCIALREG_BSKY_APPVIEW).
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from socialreg.identity.catalogue import address_key
from socialreg.wording import FEW, first_few

USER_AGENT = "socialreg-audit (+https://github.com/; registry drift check)"
_DID = re.compile(r"^did:(plc:[a-z2-7]{24}|web:[a-z0-9.%-]+)\Z")
_HREF = re.compile(r"""href=["']([^"']+)["']""")


PLC_DIRECTORY = "https://plc.directory"
BSKY_APPVIEW = "https://public.api.bsky.app"


@dataclass(frozen=True, slots=True)
class Endpoints:
    plc_directory: str = PLC_DIRECTORY
    bsky_appview: str = BSKY_APPVIEW
    origin: str | None = None  # tests: every https://host/... goes here instead
    timeout: float = 10.0
    workers: int = 16

    @classmethod
    def from_environment(cls) -> Endpoints:
        return cls(
            plc_directory=os.environ.get("SOCIALREG_PLC_DIRECTORY", PLC_DIRECTORY),
            bsky_appview=os.environ.get("SOCIALREG_BSKY_APPVIEW", BSKY_APPVIEW),
            origin=os.environ.get("SOCIALREG_ONLINE_ORIGIN") or None,
        )


class Offline(Exception):
    """No network at all: the online checks cannot run."""


class _Missing(Exception):
    """The server answered that the thing asked for does not exist (404 or 410)."""


class _Unreachable(Exception):
    """This server could not be asked (DNS, refused, timeout, 5xx, bad answer)."""


@dataclass(frozen=True, slots=True)
class Account:
    """What the check needs of a registered account."""

    path: str
    platform: str  # "bluesky" or "mastodon"; others are not checked
    handle: str
    platform_id: str | None
    registry_page: str | None  # the account's page in the registry, for the link back


@dataclass(frozen=True, slots=True)
class Drift:
    """Something the platform says that the registry does not."""

    path: str
    kind: str  # "moved", "gone", "no-link-back", "id-unknown", "unreachable"
    message: str
    found_id: str | None = None


@dataclass(slots=True)
class OnlineResult:
    checked: int = 0
    drifts: list[Drift] = field(default_factory=list)


class _Client:
    def __init__(self, endpoints: Endpoints) -> None:
        self.endpoints = endpoints

    def get(self, url: str, accept: str = "application/json") -> bytes:
        target, headers = url, {"User-Agent": USER_AGENT, "Accept": accept}
        parts = urllib.parse.urlsplit(url)
        origin = self.endpoints.origin
        if origin and parts.scheme == "https" and not self._is_service(url):
            headers["Host"] = parts.netloc
            target = origin.rstrip("/") + urllib.parse.urlunsplit(("", "", *parts[2:]))
        request = urllib.request.Request(target, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.endpoints.timeout) as response:
                data: bytes = response.read(1_000_000)
                return data
        except urllib.error.HTTPError as error:
            if error.code in (404, 410):
                raise _Missing(url) from error
            raise _Unreachable(f"{url}: HTTP {error.code}") from error
        except (urllib.error.URLError, OSError, ValueError) as error:
            raise _Unreachable(f"{url}: {error}") from error

    def json(self, url: str, accept: str = "application/json") -> Any:
        try:
            return json.loads(self.get(url, accept))
        except (ValueError, UnicodeDecodeError) as error:
            raise _Unreachable(f"{url}: not JSON") from error

    def _is_service(self, url: str) -> bool:
        return url.startswith((self.endpoints.plc_directory, self.endpoints.bsky_appview))


def network_available(endpoints: Endpoints) -> bool:
    """Whether the PLC directory answers at all (any HTTP status counts as network)."""
    request = urllib.request.Request(
        endpoints.plc_directory.rstrip("/") + "/_health", headers={"User-Agent": USER_AGENT}
    )
    try:
        with urllib.request.urlopen(request, timeout=min(endpoints.timeout, 5.0)):
            return True
    except urllib.error.HTTPError:
        return True
    except (TimeoutError, urllib.error.URLError, OSError, ValueError):
        return False


def check_accounts(accounts: Iterable[Account], endpoints: Endpoints) -> OnlineResult:
    """Check every Bluesky and Mastodon account; raise Offline when there is no network."""
    chosen = [account for account in accounts if account.platform in _CHECKS]
    result = OnlineResult()
    if not chosen:
        return result
    if not network_available(endpoints):
        raise Offline("the PLC directory cannot be reached")
    client = _Client(endpoints)
    with ThreadPoolExecutor(max_workers=max(1, endpoints.workers)) as pool:
        for drifts in pool.map(lambda account: _CHECKS[account.platform](client, account), chosen):
            result.drifts.extend(drifts)
    result.checked = len(chosen)
    return result


def _bluesky(client: _Client, account: Account) -> list[Drift]:
    handle = account.handle.strip().lstrip("@").lower()
    expected = account.platform_id
    try:
        did = _resolve_handle(client, handle)
    except _Unreachable as error:
        return [
            Drift(
                account.path, "unreachable", f"The handle @{handle} could not be checked: {error}."
            )
        ]
    if did is None:
        return [
            Drift(
                account.path,
                "gone",
                f"The handle @{handle} no longer leads to any Bluesky account: the account was "
                "deleted, or renamed and its old handle given up. Check the account and update "
                "or archive the record.",
            )
        ]
    if expected and did != expected:
        return [
            Drift(
                account.path,
                "moved",
                f"The handle @{handle} now belongs to another account ({did}), not the "
                f"registered one ({expected}). The account was renamed, or someone else took "
                "the handle: check which, and warn the public if it is an impersonation.",
                did,
            )
        ]
    problems = _plc_document(client, account, handle, did)
    if not expected and not problems:
        problems.append(
            Drift(
                account.path,
                "id-unknown",
                f"The record names no permanent id. Write platform_id: {did}, so a later "
                "rename or takeover of the handle is noticed.",
                did,
            )
        )
    return problems


def _resolve_handle(client: _Client, handle: str) -> str | None:
    """The DID the handle resolves to, or None when no method finds one."""
    try:
        text = client.get(f"https://{handle}/.well-known/atproto-did", "text/plain")
        did = text.decode("utf-8", "replace").strip()
        if _DID.match(did):
            return did
    except (_Missing, _Unreachable):
        pass  # the HTTPS method is optional; the AppView also knows DNS-verified handles
    query = urllib.parse.urlencode({"handle": handle})
    url = f"{client.endpoints.bsky_appview}/xrpc/com.atproto.identity.resolveHandle?{query}"
    try:
        answer = client.json(url)
    except _Missing:
        return None
    except _Unreachable as error:
        if "HTTP 400" in str(error):  # XRPC: InvalidRequest "Unable to resolve handle"
            return None
        raise
    found = answer.get("did") if isinstance(answer, dict) else None
    return found if isinstance(found, str) and _DID.match(found) else None


def _plc_document(client: _Client, account: Account, handle: str, did: str) -> list[Drift]:
    if not did.startswith("did:plc:"):
        return []  # did:web documents live on the handle's own server
    try:
        document = client.json(f"{client.endpoints.plc_directory}/{did}")
    except _Missing:
        return [
            Drift(
                account.path,
                "gone",
                f"The account {did} was deleted: the PLC directory no longer has it.",
                did,
            )
        ]
    except _Unreachable as error:
        return [Drift(account.path, "unreachable", f"{did} could not be checked: {error}.")]
    names = document.get("alsoKnownAs") if isinstance(document, dict) else None
    if not isinstance(names, list) or f"at://{handle}" not in names:
        # The directory's answer is not ours: name a few of its names, each cut short.
        said = first_few([str(name)[:200] for name in (names or [])[:FEW]], len(names or []))
        return [
            Drift(
                account.path,
                "moved",
                f"The account {did} no longer claims the handle @{handle} (it says "
                f"{said or 'nothing'}): the handle is not proven.",
                did,
            )
        ]
    return []


def _mastodon(client: _Client, account: Account) -> list[Drift]:
    user, _, server = account.handle.strip().lstrip("@").partition("@")
    if not user or not server:
        return []
    acct = f"{user}@{server}".lower()
    query = urllib.parse.urlencode({"resource": f"acct:{acct}"})
    try:
        finger = client.json(
            f"https://{server}/.well-known/webfinger?{query}", "application/jrd+json"
        )
    except _Missing:
        return [
            Drift(
                account.path,
                "gone",
                f"{server} says there is no account @{acct} any more: it was deleted or moved. "
                "Check the account and update or archive the record.",
            )
        ]
    except _Unreachable as error:
        return [Drift(account.path, "unreachable", f"@{acct} could not be checked: {error}.")]
    actor = _self_link(finger)
    if actor is None:
        return [Drift(account.path, "unreachable", f"{server} gave no actor address for @{acct}.")]
    if account.platform_id and actor != account.platform_id:
        return [
            Drift(
                account.path,
                "moved",
                f"@{acct} is now the account {actor}, not the registered {account.platform_id}. "
                "It was re-created or someone else took the name: check which.",
                actor,
            )
        ]
    try:
        document = client.json(actor, "application/activity+json")
    except _Missing:
        return [Drift(account.path, "gone", f"The account {actor} was deleted.", actor)]
    except _Unreachable as error:
        return [Drift(account.path, "unreachable", f"{actor} could not be checked: {error}.")]
    problems = []
    if account.registry_page and not _links_to(document, account.registry_page):
        problems.append(
            Drift(
                account.path,
                "no-link-back",
                f"The profile of @{acct} does not link to its registry page "
                f"{account.registry_page}. Add that address as a profile field (Edit profile, "
                "Extra fields): Mastodon then shows it as verified, because the registry page "
                'links back with rel="me".',
                actor,
            )
        )
    if not account.platform_id:
        problems.append(
            Drift(
                account.path,
                "id-unknown",
                f"The record names no permanent id. Write platform_id: {actor}, so a later "
                "takeover of the name is noticed.",
                actor,
            )
        )
    return problems


def _self_link(finger: Any) -> str | None:
    links = finger.get("links") if isinstance(finger, dict) else None
    for link in links if isinstance(links, list) else []:
        if not isinstance(link, dict) or link.get("rel") != "self":
            continue
        kind = str(link.get("type", ""))
        href = link.get("href")
        if isinstance(href, str) and ("activity+json" in kind or "ld+json" in kind):
            return href
    return None


def _links_to(actor: Any, page: str) -> bool:
    """Whether the actor's profile fields (or its summary) link to `page`."""
    wanted = address_key(page)
    texts: list[str] = []
    if isinstance(actor, dict):
        for item in actor.get("attachment") or []:
            if isinstance(item, dict) and isinstance(item.get("value"), str):
                texts.append(item["value"])
        if isinstance(actor.get("summary"), str):
            texts.append(actor["summary"])
    return any(address_key(href) == wanted for text in texts for href in _HREF.findall(text))


_CHECKS = {"bluesky": _bluesky, "mastodon": _mastodon}
