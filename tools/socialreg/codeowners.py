"""Write the CODEOWNERS file from org/units.yaml and org/organization.yaml.

GitHub asks the owners of every changed file for a review, and branch protection can require
one of them to approve. Which folder belongs to whom is already written in the org/ files, so
CODEOWNERS is generated, never edited by hand:

- `/accounts/<unit>/` and `/campaigns/<unit>/`: the unit's supervisors and the communications
  office's reviewers;
- `/org/`, `/schemas/`, `/tools/`, `/.github/` and `/CODEOWNERS` itself: the registry
  maintainers;
- everything else (`*`): the registry maintainers.

GitHub uses the *last* pattern that matches a file, so the catch-all comes first and the more
specific folders after it. CODEOWNERS alone lets any one listed owner approve; the second key
(supervisor *and* communications) is the `socialreg/approvals` status (see approvals.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from socialreg.load.discover import RECORD_FOLDERS

# A GitHub user name: letters, digits and single inner hyphens, at most 39 characters.
GITHUB_LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\Z")
UNIT_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
REGISTRY_PATHS = ("/org/", "/schemas/", "/tools/", "/.github/", "/CODEOWNERS")

HEADER = """\
# CODEOWNERS: who GitHub asks to review a change, and whose approval branch protection needs.
#
# Written by `socialreg codeowners` from org/units.yaml and org/organization.yaml. Do not edit
# it by hand: change those files and run `socialreg codeowners`; CI checks that it is current.
#
# GitHub uses the LAST pattern that matches a file, so the catch-all comes first.
"""


@dataclass(frozen=True, slots=True)
class Owners:
    """Who owns what, read from the org/ files; unusable entries are reported, not written."""

    maintainers: tuple[str, ...]
    communications: tuple[str, ...]
    supervisors: dict[str, tuple[str, ...]]  # unit id -> GitHub user names
    problems: tuple[str, ...] = ()


def unique_logins(names: Iterable[str]) -> tuple[str, ...]:
    """Drop repeats, comparing as GitHub does (user names ignore case); keep the first spelling."""
    seen: set[str] = set()
    result = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            result.append(name)
    return tuple(result)


def _logins(value: Any, where: str, problems: list[str]) -> list[str]:
    logins = []
    for item in value if isinstance(value, list) else []:
        if isinstance(item, str) and GITHUB_LOGIN.match(item):
            logins.append(item)
        else:
            problems.append(f"{where}: {item!r} is not a GitHub user name; it was left out.")
    return logins


def read_owners(organization: Mapping[str, Any], units: Mapping[str, Any]) -> Owners:
    """The owners from the data of org/organization.yaml and org/units.yaml."""
    problems: list[str] = []
    maintainers = _logins(
        organization.get("maintainers"), "org/organization.yaml maintainers", problems
    )
    communications_section = organization.get("communications")
    reviewers = (
        communications_section.get("reviewers")
        if isinstance(communications_section, dict)
        else None
    )
    communications = _logins(reviewers, "org/organization.yaml communications.reviewers", problems)
    supervisors: dict[str, tuple[str, ...]] = {}
    unit_map = units.get("units")
    for unit_id, unit in unit_map.items() if isinstance(unit_map, dict) else []:
        if not UNIT_ID.match(str(unit_id)):
            problems.append(f"org/units.yaml: the unit id {unit_id!r} cannot be a folder name.")
            continue
        people = unit.get("supervisors") if isinstance(unit, dict) else None
        handles = [person.get("github") for person in people or [] if isinstance(person, dict)]
        supervisors[str(unit_id)] = unique_logins(
            _logins(handles, f"org/units.yaml {unit_id} supervisors", problems)
        )
    return Owners(
        unique_logins(maintainers), unique_logins(communications), supervisors, tuple(problems)
    )


def _line(pattern: str, owners: Iterable[str]) -> str:
    return " ".join([pattern, *(f"@{owner}" for owner in owners)])


def render(owners: Owners) -> str:
    """The text of the CODEOWNERS file."""
    lines = [HEADER]
    if owners.maintainers:
        lines.append("# Everything not listed below: the registry maintainers.")
        lines.append(_line("*", owners.maintainers))
        lines.append("")
    for unit_id in sorted(owners.supervisors):
        unit_owners = unique_logins([*owners.supervisors[unit_id], *owners.communications])
        if not unit_owners:
            continue
        lines.append(f"# {unit_id}: its supervisors and the communications office.")
        for folder in RECORD_FOLDERS:
            lines.append(_line(f"/{folder}/{unit_id}/", unit_owners))
        lines.append("")
    if owners.maintainers:
        lines.append("# The registry itself: the maintainers.")
        lines.extend(_line(path, owners.maintainers) for path in REGISTRY_PATHS)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
