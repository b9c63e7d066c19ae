"""Only public fields are published: no person's e-mail, name or GitHub handle, no assessment.

The scan reads every file under the built site (pages, scripts, exports) as text and looks for
every personal detail that any record or org/units.yaml holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from socialreg.check.pipeline import load_repository


def _people(value: Any) -> Iterator[dict[str, Any]]:
    """Every person (a mapping with a name and an e-mail or GitHub handle) anywhere in `value`."""
    if isinstance(value, dict):
        if isinstance(value.get("name"), str) and ("email" in value or "github" in value):
            yield value
        for item in value.values():
            yield from _people(item)
    elif isinstance(value, list):
        for item in value:
            yield from _people(item)


def _personal_details(root: Path) -> dict[str, set[str]]:
    repository = load_repository(root)
    people = [person for record in repository.records for person in _people(record.data)]
    people += list(_people(repository.org_data("units")))
    assessments = {
        " ".join(record.data["privacy"]["personal_data_assessment"].split())
        for record in repository.records
        if record.kind == "account"
    }
    return {
        "emails": {person["email"].lower() for person in people if "email" in person},
        "names": {person["name"] for person in people},
        "github": {person["github"].lower() for person in people if "github" in person},
        "assessments": assessments,
    }


def _site_text(site: Path) -> dict[str, str]:
    files = [path for path in site.rglob("*") if path.is_file()]
    assert len(files) > 20
    return {str(path.relative_to(site)): path.read_text(encoding="utf-8") for path in files}


@pytest.fixture(scope="module")
def details(example_root: Path) -> dict[str, set[str]]:
    found = _personal_details(example_root)
    # The scan must have something to look for, or it proves nothing.
    assert len(found["emails"]) >= 20 and "amira.haddad@norrvik.example" in found["emails"]
    assert "Viktor Ström" in found["names"] and "viktor-strom" in found["github"]
    assert any("Dnr NU 2024/2210" in text for text in found["assessments"])
    return found


def test_no_personal_email_appears_anywhere_in_the_site(
    built_site: Path, details: dict[str, set[str]]
) -> None:
    for name, text in _site_text(built_site).items():
        lowered = text.lower()
        leaked = sorted(email for email in details["emails"] if email in lowered)
        assert not leaked, f"{name} shows personal e-mail addresses: {leaked}"


def test_no_name_or_github_handle_of_a_person_appears(
    built_site: Path, details: dict[str, set[str]]
) -> None:
    for name, text in _site_text(built_site).items():
        leaked_names = sorted(person for person in details["names"] if person in text)
        assert not leaked_names, f"{name} shows people's names: {leaked_names}"
        handles = set(
            re.findall(r"(?<![A-Za-z0-9-])[a-z0-9]+(?:-[a-z0-9]+)+(?![A-Za-z0-9-])", text.lower())
        )
        leaked_handles = sorted(handles & details["github"])
        assert not leaked_handles, f"{name} shows GitHub user names: {leaked_handles}"


def test_no_privacy_assessment_appears(built_site: Path, details: dict[str, set[str]]) -> None:
    for name, text in _site_text(built_site).items():
        flat = " ".join(text.split())
        assert "Dnr NU 20" not in flat, name
        for assessment in details["assessments"]:
            assert assessment[:40] not in flat, name


def test_units_are_shown_with_their_functional_contact(built_site: Path) -> None:
    page = (built_site / "accounts" / "sleep-research-bluesky.html").read_text(encoding="utf-8")
    assert "Sleep and Circadian Health Research Group" in page
    assert 'href="mailto:sleeplab@norrvik.example"' in page


def test_the_scan_finds_a_planted_leak(
    registry_copy: Path, tmp_path: Path, build_registry: Any
) -> None:
    """A leak through a published field (here the purpose) is caught, so the scan is not blind."""
    path = registry_copy / "accounts" / "library" / "norrvik-library-instagram.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "purpose: >-\n", "purpose: >-\n  Ask Oskar Falk, oskar.falk@norrvik.example.\n", 1
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site"
    build_registry(registry_copy, out)
    details = _personal_details(registry_copy)
    pages = _site_text(out)
    assert any("oskar.falk@norrvik.example" in text.lower() for text in pages.values())
    assert "oskar.falk@norrvik.example" in details["emails"] and "Oskar Falk" in details["names"]
