"""Rule 15: contact e-mail addresses belong to the organisation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from socialreg.load.documents import JsonPath
from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, register, some_choices
from socialreg.sources import RECORD_FORMAT

# The people in a record. An agency's contact is not listed: agencies are outside the
# organisation, so their address is in their own domain.
_PEOPLE = ("owner", "supervisor", "moderators", "requested_by", "editors")


def _addresses(data: dict[str, Any]) -> Iterator[tuple[JsonPath, str]]:
    for key in _PEOPLE:
        value = data.get(key)
        people = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, person in people:
            if isinstance(person, dict) and isinstance(person.get("email"), str):
                place: JsonPath = (key, "email") if index is None else (key, index, "email")
                yield place, person["email"]


@register(
    code="SR115",
    scope="any",
    rationale="""
The people named in a record are reached through the organisation's own mail, where messages
are kept and registered and where someone else can take over. A private address stops working
when the person leaves. Every address of the owner, supervisor, moderators, requester and
editors ends in one of the domains in org/organization.yaml (email_domains), or a subdomain of
one. An agency's contact is exempt: agencies are outside the organisation.
""",
    source=RECORD_FORMAT,
    options={"allow_subdomains": True},
    passing="""
owner: {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
""",
    failing="""
owner: {name: Lina Berg, email: lina.berg@gmail.com, github: lina-berg}
""",
)
def check_email_domains(record: Record, context: RuleContext) -> Iterator[Problem]:
    domains = context.organization.get("email_domains")
    if not isinstance(domains, list) or not domains:
        return
    allowed = [str(domain).casefold().lstrip("@") for domain in domains]
    subdomains = bool(context.options["allow_subdomains"])
    for place, address in _addresses(record.data):
        domain = address.rpartition("@")[2].casefold()
        if domain in allowed or (subdomains and any(domain.endswith("." + d) for d in allowed)):
            continue
        yield Problem(
            record.document,
            place,
            f"{address} is not an address of the organisation. Write the person's work address "
            f"ending in {_domains(context, domain, allowed)}.",
        )


def _domains(context: RuleContext, domain: str, allowed: list[str]) -> str:
    """ "@x.org or @y.org"; with many domains, the few most like `domain` and how many more."""
    shown, left = some_choices(context, domain, allowed)
    more = f" (or one of {left} more in org/organization.yaml)" if left else ""
    return f"@{' or @'.join(shown)}{more}"
