"""`socialreg init`: turn the template into an organisation's own registry.

It writes the three org/ files from a few answers, removes the example organisation's records
(or keeps them for reference under docs/example/), and writes every file made from org/. It
refuses to replace an organisation that is not the example unless forced, and it never removes
a file it cannot prove it wrote: a record that is not part of the example, or that was changed
since, is kept and named in the report.
"""

from __future__ import annotations

import re
import shutil
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from socialreg.adopt.derived import generate
from socialreg.adopt.example import (
    EXAMPLE_MANIFEST,
    is_example,
    read_manifest,
    record_files,
    unchanged,
)
from socialreg.adopt.issue_forms import read_template
from socialreg.codeowners import GITHUB_LOGIN, UNIT_ID
from socialreg.registry_site.i18n import LANGUAGES

ORG_FILES = ("org/organization.yaml", "org/units.yaml", "org/policy.yaml")
KEPT_EXAMPLE = "docs/example"
DOMAIN = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+\Z")
EMAIL = re.compile(r"^[^@\s]+@([^@\s]+)\Z")
REPOSITORY = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+\Z")

# Words the policy's rules look for, per language: audiences too vague to plan for (SR101) and
# the word that shows crimes are reported to the police (SR107).
LANGUAGE_WORDS: dict[str, dict[str, list[str]]] = {
    "en": {
        "vague_audiences": ["everyone", "all", "anyone", "the public", "general public"],
        "crimes_words": ["police"],
    },
    "sv": {
        "vague_audiences": ["alla", "allmänheten"],
        "crimes_words": ["polis"],
    },
    "fi": {
        "vague_audiences": ["kaikki", "kuka tahansa", "suuri yleisö"],
        "crimes_words": ["poliisi"],
    },
}


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    email: str
    github: str


@dataclass(slots=True)
class Unit:
    id: str
    name: str
    contact_email: str
    supervisors: list[Person] = field(default_factory=list)


@dataclass(slots=True)
class Adoption:
    """The answers `init` needs."""

    name: str
    email_domains: list[str]
    languages: list[str]
    maintainers: list[str]
    reviewers: list[str]
    units: list[Unit]
    communications_email: str = ""
    site_url: str = ""
    repository: str = ""


@dataclass(slots=True)
class InitResult:
    """What `init` did, in the order it happened, for the command to print."""

    refused: str = ""
    problems: list[str] = field(default_factory=list)
    done: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    org_errors: list[str] = field(default_factory=list)


# One answer at a time, for the questions: None when the answer can be used.


def domain_problem(domain: str) -> str | None:
    if DOMAIN.match(domain):
        return None
    return f"{domain!r} is not an e-mail domain like example.org (lower case, no @)."


def login_problem(login: str) -> str | None:
    return None if _login(login) else f"{login!r} is not a GitHub user name."


def unit_id_problem(unit_id: str) -> str | None:
    if UNIT_ID.match(unit_id):
        return None
    return (
        f"The unit id {unit_id!r} must be lowercase letters, digits and hyphens (it is a "
        "folder name), like press-office."
    )


def address_problem(address: str, domains: list[str]) -> str | None:
    match = EMAIL.match(address)
    if match is None:
        return f"{address!r} is not an e-mail address."
    domain = match.group(1)
    if not any(domain == known or domain.endswith(f".{known}") for known in domains):
        return f"{address} is not in the organisation's e-mail domains ({', '.join(domains)})."
    return None


def problems(adoption: Adoption) -> list[str]:
    """Everything wrong with the answers, each said so the person can correct it."""
    found = []
    if not adoption.name.strip():
        found.append("The organisation's name is empty.")
    if not adoption.email_domains:
        found.append("Give at least one e-mail domain, like example.org.")
    found += [
        f"{domain!r} is not an e-mail domain like example.org (lower case, no @)."
        for domain in adoption.email_domains
        if not DOMAIN.match(domain)
    ]
    if not adoption.languages:
        found.append(f"Give at least one language: {', '.join(LANGUAGES)}.")
    found += [
        f"{language!r} is not a language the registry speaks: {', '.join(LANGUAGES)}."
        for language in adoption.languages
        if language not in LANGUAGES
    ]
    for what, logins in (("maintainer", adoption.maintainers), ("reviewer", adoption.reviewers)):
        if not logins:
            found.append(f"Give at least one {what} (a GitHub user name).")
        found += [
            f"{what} {login!r} is not a GitHub user name." for login in logins if not _login(login)
        ]
    if not adoption.units:
        found.append("Give at least one unit.")
    seen: set[str] = set()
    for unit in adoption.units:
        if not UNIT_ID.match(unit.id):
            found.append(
                f"The unit id {unit.id!r} must be lowercase letters, digits and hyphens "
                "(it is a folder name), like press-office."
            )
        if unit.id in seen:
            found.append(f"The unit {unit.id} is given twice.")
        seen.add(unit.id)
        found += _email_problems(unit.contact_email, f"unit {unit.id}'s contact address", adoption)
        if not unit.supervisors:
            found.append(f"The unit {unit.id} has no supervisor; every unit needs one.")
        for person in unit.supervisors:
            found += _email_problems(person.email, f"{person.name}'s address", adoption)
            if not _login(person.github):
                found.append(f"{person.github!r} ({person.name}) is not a GitHub user name.")
    if adoption.communications_email:
        found += _email_problems(
            adoption.communications_email, "the communications office's address", adoption
        )
    if adoption.site_url and not adoption.site_url.startswith("https://"):
        found.append(f"The site address {adoption.site_url!r} must start with https://.")
    if adoption.repository and not REPOSITORY.match(adoption.repository):
        found.append(f"The repository {adoption.repository!r} must be written OWNER/NAME.")
    return found


def _login(value: str) -> bool:
    return bool(GITHUB_LOGIN.match(value))


def _email_problems(address: str, what: str, adoption: Adoption) -> list[str]:
    match = EMAIL.match(address)
    if match is None:
        return [f"{what} {address!r} is not an e-mail address."]
    domain = match.group(1)
    if not any(domain == d or domain.endswith(f".{d}") for d in adoption.email_domains):
        return [f"{what} {address} is not in the e-mail domains {adoption.email_domains}."]
    return []


def _yaml(value: Any) -> str:
    """A value written as YAML on one line (quoted only when YAML needs it)."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10_000)
    return text.removesuffix("\n...\n").strip()


def organization_yaml(adoption: Adoption) -> str:
    comms_email = adoption.communications_email or f"communications@{adoption.email_domains[0]}"
    lines = [
        "# yaml-language-server: $schema=../schemas/organization.schema.json",
        "#",
        "# Who the organisation is. Written by `socialreg init`; edit it by hand, then run",
        "# `socialreg generate` and `socialreg validate`.",
        "",
        f"name: {_yaml(adoption.name)}",
        "",
        "# Every contact address in accounts/ and campaigns/ must end in one of these domains.",
        "email_domains:",
        *(f"  - {_yaml(domain)}" for domain in adoption.email_domains),
        "",
        "communications:",
        "  name: Communications Office",
        f"  email: {_yaml(comms_email)}",
        "  # A web page about the office, linked from the issue forms (optional):",
        "  # url: https://www.example.org/communications",
        "  # Their approval on a pull request counts as the communications office's approval, and",
        "  # campaign proofs (proof.approved_by) must be approved by one of them.",
        "  reviewers:",
        *(f"    - {_yaml(login)}" for login in adoption.reviewers),
        "",
        "# Who may approve that an account uses the organisation's logo (branding.approved_by).",
        "branding_owner:",
        "  name: Communications Office",
        "  github:",
        f"    - {_yaml(adoption.reviewers[0])}",
        "",
        "# The people who approve changes to org/, schemas/, tools/ and .github/.",
        "maintainers:",
        *(f"  - {_yaml(login)}" for login in adoption.maintainers),
        "",
        "registry:",
        f"  title: {_yaml(adoption.name + ': official social media accounts')}",
        "  # The site is built in each language; the first is the main one, at the site's root.",
        f"  languages: [{', '.join(adoption.languages)}]",
        f"  contact_email: {_yaml(comms_email)}",
    ]
    lines.append(
        "  # Where the site is published (for GitHub Pages https://OWNER.github.io/NAME/):"
    )
    site = f"base_url: {_yaml(adoption.site_url)}"
    lines.append(f"  {site}" if adoption.site_url else "  # base_url: https://social.example.org")
    lines.append("  # The GitHub repository that holds the records, OWNER/NAME:")
    repository = f"repository: {_yaml(adoption.repository)}"
    lines.append(f"  {repository}" if adoption.repository else "  # repository: owner/name")
    return "\n".join(lines) + "\n"


def units_yaml(adoption: Adoption) -> str:
    lines = [
        "# yaml-language-server: $schema=../schemas/units.schema.json",
        "#",
        "# The units that may own accounts and order campaigns. The key is the unit id: the folder",
        "# name under accounts/ and campaigns/. The supervisors approve their unit's accounts",
        "# (Karolinska Institutet, *Setting up a social media account*). Written by",
        "# `socialreg init`; edit it by hand, then run `socialreg generate`.",
        "",
        "units:",
    ]
    for unit in adoption.units:
        lines += [
            f"  {unit.id}:",
            f"    name: {_yaml(unit.name)}",
            f"    contact_email: {_yaml(unit.contact_email)}",
            "    supervisors:",
        ]
        for person in unit.supervisors:
            lines += [
                f"      - name: {_yaml(person.name)}",
                f"        email: {_yaml(person.email)}",
                f"        github: {_yaml(person.github)}",
            ]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def policy_yaml(adoption: Adoption) -> str:
    words: dict[str, list[str]] = {"vague_audiences": [], "crimes_words": []}
    for language in adoption.languages:
        for key, language_words in LANGUAGE_WORDS.get(language, {}).items():
            words[key] += [word for word in language_words if word not in words[key]]
    values = {key: _yaml(value) for key, value in words.items()}
    return string.Template(read_template("policy.yaml")).safe_substitute(
        organisation=adoption.name, **values
    )


def adopt(
    root: Path, adoption: Adoption, keep_example: bool = False, force: bool = False
) -> InitResult:
    """Write org/ for `adoption`, clear the example's records and generate the derived files."""
    result = InitResult()
    example = is_example(root)
    has_org = any((root / path).exists() for path in ORG_FILES)
    if has_org and not example and not force:
        result.refused = (
            "org/ describes an organisation that is not the template's example (its files "
            "were changed, or the repository was adopted already). `socialreg init` would "
            "replace them: run it with --force to do so; the old files stay in Git's history."
        )
        return result
    result.problems = problems(adoption)
    if result.problems:
        return result
    manifest = read_manifest(root)
    _clear_records(root, manifest, keep_example, result)
    for path, text in zip(
        ORG_FILES,
        (organization_yaml(adoption), units_yaml(adoption), policy_yaml(adoption)),
        strict=True,
    ):
        target = root / path
        if target.exists() and not unchanged(root, path, manifest):
            result.done.append(f"Replaced {path}, which was not the example's (see Git's history).")
        else:
            result.done.append(f"Wrote {path}.")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path in manifest:
        # Other files of the example's org/ (its logo), which the new org/ files do not use.
        if path.startswith("org/") and path not in ORG_FILES and unchanged(root, path, manifest):
            (root / path).unlink()
            result.done.append(f"Removed {path}, the example's.")
    if manifest:
        (root / EXAMPLE_MANIFEST).unlink()
        result.done.append(f"Removed {EXAMPLE_MANIFEST}, the list of the example's files.")
    generated = generate(root)
    result.org_errors = generated.org_errors
    result.done += [f"Wrote {path}." for path in generated.written]
    return result


def _clear_records(
    root: Path, manifest: dict[str, str], keep_example: bool, result: InitResult
) -> None:
    """Remove (or, with keep_example, move aside) the example's unchanged records."""
    cleared = 0
    for path in list(record_files(root)):
        if not unchanged(root, path, manifest):
            why = "changed since the example" if path in manifest else "not part of the example"
            result.kept.append(f"{path} ({why})")
            continue
        source = root / path
        if keep_example:
            target = root / KEPT_EXAMPLE / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)
        else:
            source.unlink()
        cleared += 1
    if not cleared:
        pass
    elif keep_example:
        for path in ORG_FILES:
            if unchanged(root, path, manifest):
                (root / KEPT_EXAMPLE / path).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(root / path, root / KEPT_EXAMPLE / path)
        result.done.append(
            f"Moved the example's {cleared} records and its org/ files to {KEPT_EXAMPLE}/, "
            "where they are kept for reference and not checked."
        )
    else:
        result.done.append(
            f"Removed the example's {cleared} records from accounts/ and campaigns/."
        )
    for folder in ("accounts", "campaigns"):
        _remove_empty_folders(root / folder)


def _remove_empty_folders(folder: Path) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
