"""SR017: what the org/ files refer to exists, and nobody is listed twice.

The schemas check each org/ file on its own. These references cross files, so they are checked
here, once per run, like the policy's rule settings (SR016): the accounts that may send ads
(org/policy.yaml) must be accounts in the registry, the branding approvers
(org/organization.yaml) must be people the org/ files know, and a person is listed once in each
list of people. Each problem is an error at its own line; nothing else changes, so a broken
reference never switches a rule off.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from socialreg.codes import ORG_REFERENCES
from socialreg.findings import Finding
from socialreg.load.documents import Document
from socialreg.load.model import Repository
from socialreg.load.org_units import supervisor_logins, units_of
from socialreg.rules.base import mapping, register_input
from socialreg.sources import RECORD_FORMAT

# The lists of GitHub user names in org/organization.yaml, and what each list is, for messages.
PEOPLE_LISTS = {
    ("communications", "reviewers"): "communications reviewers",
    ("maintainers",): "registry maintainers",
    ("branding_owner", "github"): "branding approvers",
}

register_input(
    code=ORG_REFERENCES,
    rationale="""
The org/ files name accounts and people that other parts of the registry rely on: the accounts
ads may run from, the people who approve the use of the organisation's logo, the communications
reviewers and the maintainers. A name that points at nothing fails quietly later (a campaign
that can never be approved, a logo nobody may approve), so each is an error at its line: an
account in advertising.senders that has no file under accounts/, a branding approver who is not
a communications reviewer, a maintainer or a unit's supervisor, and a person listed twice in the
same list. A unit without a supervisor is an error of the units schema (SR012).
""",
    source=RECORD_FORMAT,
    passing="""
# org/policy.yaml
advertising:
  senders:
    - uni-instagram   # accounts/communications/uni-instagram.yaml
""",
    failing="""
# org/policy.yaml
advertising:
  senders:
    - uni-instagarm   # no such account
""",
)


def check_org_references(repository: Repository) -> list[Finding]:
    """Every dangling reference and repeated person in the org/ files, at its line."""
    findings: list[Finding] = []
    if repository.policy is not None:
        findings.extend(_sender_problems(repository.policy, set(repository.account_ids())))
    organization = repository.organization
    if organization is not None and isinstance(organization.data, dict):
        for path, what in PEOPLE_LISTS.items():
            findings.extend(_repeated_people(organization, path, what))
        findings.extend(_branding_problems(organization, _known_people(repository)))
    return findings


def _items(data: Any, path: tuple[str, ...]) -> list[Any]:
    for key in path[:-1]:
        data = mapping(data, key)
    value = data.get(path[-1]) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _sender_problems(policy: Document, accounts: set[str]) -> Iterator[Finding]:
    path = ("advertising", "senders")
    for index, sender in enumerate(_items(policy.data, path)):
        if not isinstance(sender, str) or sender in accounts:
            continue  # the schema reports a sender that is not an id
        hint = difflib.get_close_matches(sender, sorted(accounts), n=1, cutoff=0.7)
        suggestion = f" Did you mean {hint[0]}?" if hint else ""
        yield policy.finding(
            (*path, index),
            ORG_REFERENCES,
            f"Ads may run from `{sender}`, but there is no account with that id (no file "
            f"accounts/<unit>/{sender}.yaml).{suggestion} Write the id of an existing account, "
            "or remove this line.",
        )


def _repeated_people(organization: Document, path: tuple[str, ...], what: str) -> Iterator[Finding]:
    # GitHub user names ignore case, so Maria-Lind and maria-lind are one person. A repeat
    # spelt exactly the same is already an error of the schema (uniqueItems).
    spellings: set[str] = set()
    people: set[str] = set()
    for index, login in enumerate(_items(organization.data, path)):
        if not isinstance(login, str):
            continue
        if login.lower() in people and login not in spellings:
            yield organization.finding(
                (*path, index),
                ORG_REFERENCES,
                f"{login} is listed twice among the {what} (GitHub user names ignore case). "
                "Remove this line.",
            )
        spellings.add(login)
        people.add(login.lower())


def _known_people(repository: Repository) -> set[str]:
    """The GitHub user names of the people the org/ files name, in lower case."""
    organization = repository.org_data("organization")
    people = [
        *_items(organization, ("communications", "reviewers")),
        *_items(organization, ("maintainers",)),
    ]
    people.extend(supervisor_logins(units_of(repository.org_data("units"))))
    return {login.lower() for login in people if isinstance(login, str)}


def _branding_problems(organization: Document, people: set[str]) -> Iterator[Finding]:
    path = ("branding_owner", "github")
    for index, login in enumerate(_items(organization.data, path)):
        if isinstance(login, str) and login.lower() not in people:
            yield organization.finding(
                (*path, index),
                ORG_REFERENCES,
                f"The branding approver {login} is not a person in org/: not a communications "
                "reviewer, a maintainer or a unit's supervisor. Add them to one of those lists, "
                "or write the GitHub user name of someone who is.",
            )
