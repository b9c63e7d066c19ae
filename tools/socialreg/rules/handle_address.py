"""Rule SR130: the handle and the address name the same account."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from socialreg.findings import Severity
from socialreg.load.model import Record
from socialreg.patterns import url_matches
from socialreg.rules.base import Problem, RuleContext, register
from socialreg.rules.pasted_text import url_for_handle, without_pasted
from socialreg.sources import KI


def handle_in_url(handle: str, url: str) -> bool:
    """Whether the user name of `handle` appears in `url` as its host or a part of its path.

    `@example.library` fits https://www.instagram.com/example.library/, and a Mastodon handle
    `@news@mastodon.example` fits https://mastodon.example/@news.
    """
    name = without_pasted(handle).lstrip("@").casefold()
    parts = urlsplit(without_pasted(url).casefold())
    segments = [segment.lstrip("@") for segment in parts.path.split("/") if segment]
    if "@" in name:  # user@instance
        user, _, instance = name.partition("@")
        return parts.hostname == instance and user in segments
    return name == parts.hostname or name in segments


def _url_pattern(policy: dict[str, Any], platform: Any) -> str | None:
    platforms = policy.get("platforms")
    entry = platforms.get(platform) if isinstance(platforms, dict) else None
    pattern = entry.get("url_pattern") if isinstance(entry, dict) else None
    return pattern if isinstance(pattern, str) else None


def _fits_platform(policy: dict[str, Any], record: Record, url: str) -> bool:
    pattern = _url_pattern(policy, record.data.get("platform"))
    # A pattern that cannot be used, or runs out of time, is reported by SR015 and the schema.
    return pattern is None or url_matches(pattern, url) is not False


def suggested_address(policy: dict[str, Any], platform: Any, handle: str) -> str | None:
    """The address of the account with `handle` on `platform`, from the policy's pattern."""
    pattern = _url_pattern(policy, platform)
    return url_for_handle(pattern, handle) if pattern is not None and handle else None


@register(
    code="SR130",
    scope="account",
    severity=Severity.WARNING,
    rationale="""
The handle (@example.library) and the address (https://www.instagram.com/example.library/) are
typed separately, often copied from two places. When they disagree, one of them points at
another account, perhaps someone else's, and the registry would vouch for it. This rule checks
that the user name of the handle is part of the address. Addresses that name an account by a
number (profile.php?id=..., /channel/UC...) cannot be compared and are skipped (option
`numeric_addresses`).
""",
    source=KI,
    options={"numeric_addresses": ["profile.php", "/channel/"]},
    passing="""
handle: "@library.example.org"
url: https://bsky.app/profile/library.example.org
""",
    failing="""
handle: "@library.example.org"
url: https://bsky.app/profile/example.org
""",
)
def check_handle_address(record: Record, context: RuleContext) -> Iterator[Problem]:
    handle, url = record.data.get("handle"), record.data.get("url")
    if not isinstance(handle, str) or not isinstance(url, str) or not handle.strip():
        return
    if "/" in handle or re.match(r"^[a-z]+://", url.strip()) is None:
        return  # a handle that is an address is SR131's; an address without https:// the schema's
    if any(marker in url for marker in context.options["numeric_addresses"]):
        return
    if handle_in_url(handle, url) or not _fits_platform(context.policy, record, url):
        return  # an address of another platform is SR015's to report
    expected = suggested_address(context.policy, record.data.get("platform"), handle)
    suggestion = f" With this handle the address would be {expected}." if expected else ""
    yield Problem(
        record.document,
        ("url",),
        f"The address does not contain the handle {handle.strip()}, so one of them may point "
        f"at another account. Check both on the platform and correct the one that is "
        f"wrong.{suggestion} ({KI})",
    )
