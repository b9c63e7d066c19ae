"""Rule SR131: a handle is the user name, not the address of the account's page."""

from __future__ import annotations

import re
from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, register
from socialreg.sources import KI

_ADDRESS = re.compile(r"^(?:[a-z]+://|www\.)|^[^\s/@]+\.[a-z]{2,}/\S", re.IGNORECASE)


@register(
    code="SR131",
    scope="account",
    rationale="""
The handle is what people see and search for on the platform (@example.library); the address
goes in `url`. A handle written as an address cannot be compared with other records, so a
duplicate account would go unnoticed, and the public registry would show an address where
people expect a name.
""",
    source=KI,
    passing="""
handle: "@library.example.org"
""",
    failing="""
handle: https://bsky.app/profile/library.example.org
""",
)
def check_handle_not_url(record: Record, context: RuleContext) -> Iterator[Problem]:
    handle = record.data.get("handle")
    if not isinstance(handle, str) or not _ADDRESS.search(handle.strip()):
        return
    name = handle.strip().rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].lstrip("@")
    example = f' For this account that is probably "@{name}".' if name else ""
    yield Problem(
        record.document,
        ("handle",),
        f"The handle is written as an address. Write only the user name, as the platform "
        f"shows it after the @; the address belongs in url.{example} ({KI})",
    )
