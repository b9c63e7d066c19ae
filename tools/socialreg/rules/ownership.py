"""Rules 2 and 3: a named owner, and the owner's supervisor who approves."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from socialreg.load.model import Record, Repository
from socialreg.load.org_units import contact_emails, units_of
from socialreg.rules.base import Problem, RuleContext, listed_choices, mapping, register
from socialreg.sources import KI, STOCKHOLM_NEW


def _same_person(first: dict[str, Any], second: dict[str, Any]) -> bool:
    for key in ("github", "email"):
        one, other = first.get(key), second.get(key)
        if isinstance(one, str) and isinstance(other, str) and one.casefold() == other.casefold():
            return True
    return False


def _shared_mailboxes(repository: Repository) -> set[str]:
    """Addresses of units and offices: an owner must be a person, not a shared mailbox."""
    addresses = set()
    for address in contact_emails(units_of(repository.org_data("units"))):
        if isinstance(address, str):
            addresses.add(address.casefold())
    organization = repository.org_data("organization")
    for value in (
        mapping(organization, "communications").get("email"),
        mapping(organization, "registry").get("contact_email"),
    ):
        if isinstance(value, str):
            addresses.add(value.casefold())
    return addresses


@register(
    code="SR102",
    scope="account",
    rationale="""
Every account has one designated person responsible for planning, publishing, follow-up,
monitoring and moderation. A shared mailbox cannot be responsible, and an owner who does not
moderate cannot follow up, so the owner is a person and is one of the moderators.
""",
    source=STOCKHOLM_NEW,
    options={"owner_moderates": True},
    passing="""
owner: {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
moderators:
  - {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
  - {name: Oskar Falk, email: oskar.falk@example.org, github: oskar-falk}
""",
    failing="""
owner: {name: Library, email: library@example.org, github: example-library}
moderators:
  - {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
  - {name: Oskar Falk, email: oskar.falk@example.org, github: oskar-falk}
""",
)
def check_owner(record: Record, context: RuleContext) -> Iterator[Problem]:
    owner = record.data.get("owner")
    if not isinstance(owner, dict):
        return
    email = owner.get("email")
    mailboxes = context.derived("SR102.mailboxes", _shared_mailboxes)
    if isinstance(email, str) and email.casefold() in mailboxes:
        yield Problem(
            record.document,
            ("owner", "email"),
            f"The owner's address {email} is a shared mailbox. Name one person who is "
            "responsible for planning, publishing, follow-up, monitoring and moderation, with "
            f"their own address ({STOCKHOLM_NEW}).",
        )
    moderators = record.data.get("moderators")
    if context.options["owner_moderates"] and isinstance(moderators, list) and moderators:
        people = [person for person in moderators if isinstance(person, dict)]
        if not any(_same_person(owner, person) for person in people):
            name = owner.get("name") if isinstance(owner.get("name"), str) else "The owner"
            yield Problem(
                record.document,
                ("moderators",),
                f"{name} owns the account but is not one of its moderators. Add the owner to "
                f"moderators: the owner is responsible for moderation too ({STOCKHOLM_NEW}).",
            )


@register(
    code="SR103",
    scope="account",
    rationale="""
Opening an account on behalf of the organisation needs the approval of the owner's immediate
supervisor with operational responsibility. The supervisor must be listed for the unit in
org/units.yaml, written exactly as there (their GitHub user name is how their approval is
asked for), and cannot be the owner: nobody approves their own account.
""",
    source=KI,
    passing="""
# accounts/communications/example.yaml
unit: communications
owner: {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
supervisor: {name: Ada Lund, email: ada.lund@example.org, github: ada-lund}
""",
    failing="""
# accounts/communications/example.yaml
unit: communications
owner: {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
supervisor: {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
""",
)
def check_supervisor(record: Record, context: RuleContext) -> Iterator[Problem]:
    supervisor, owner = record.data.get("supervisor"), record.data.get("owner")
    if not isinstance(supervisor, dict):
        return
    if isinstance(owner, dict) and _same_person(owner, supervisor):
        yield Problem(
            record.document,
            ("supervisor",),
            "The supervisor is the owner. Name the owner's immediate supervisor, who approves "
            f"the account; nobody approves their own account ({KI}).",
        )
        return
    unit_id = record.data.get("unit")
    unit = context.units.get(unit_id) if isinstance(unit_id, str) else None
    if not isinstance(unit, dict):
        return  # SR014 reports a unit that does not exist
    listed = [person for person in unit.get("supervisors") or [] if isinstance(person, dict)]
    match = next((person for person in listed if _same_person(person, supervisor)), None)
    if match is None:
        everyone = [f"{person.get('name')} ({person.get('github')})" for person in listed]
        written = f"{supervisor.get('name', '')} ({supervisor.get('github', '')})"
        names = listed_choices(context, written, everyone) or "nobody yet"
        yield Problem(
            record.document,
            ("supervisor",),
            f"{supervisor.get('name', 'This person')} is not a supervisor of the unit {unit_id} "
            f"in org/units.yaml, which lists {names}. Name one of them, or ask the registry's "
            f"maintainers to add the supervisor to org/units.yaml ({KI}).",
        )
        return
    for key in ("name", "email", "github"):
        if key in match and supervisor.get(key) != match[key]:
            yield Problem(
                record.document,
                ("supervisor", key),
                f"Write the supervisor's {key} exactly as in org/units.yaml: {match[key]}.",
            )
