"""Messages that name the organisation's choices do not grow with the organisation."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml
from tests.rules.casefiles import DEFAULT_TODAY, FIXTURE, make_repository

from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.rules.base import MAX_LISTED_CHOICES, close_matches


def _with_many_units(root: Path, count: int) -> None:
    units_file = root / "org" / "units.yaml"
    units = yaml.safe_load(units_file.read_text(encoding="utf-8"))
    template = units["units"]["library"]
    for number in range(count):
        units["units"][f"unit-{number:05d}"] = dict(template)  # no YAML aliases
    units_file.write_text(yaml.safe_dump(units), encoding="utf-8")


def _unit_messages(root: Path, wrong_unit: str, copies: int) -> list[str]:
    source = root / "accounts" / "library" / "library-facebook.yaml"
    text = source.read_text(encoding="utf-8").replace("unit: library", f"unit: {wrong_unit}")
    paths = []
    for number in range(copies):
        target = root / "accounts" / "library" / f"wrong-{number}.yaml"
        target.write_text(
            text.replace("NorrvikLibrary", f"NorrvikLibrary{number}"), encoding="utf-8"
        )
        paths.append(target.relative_to(root).as_posix())
    report = validate(ValidateOptions(root, tuple(paths), DEFAULT_TODAY, strict=False))
    return [f.message for f in report.findings if f.rule == "SR014" and "no unit" in f.message]


def test_a_few_units_are_listed_in_full(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")
    (message,) = _unit_messages(root, "libary", 1)
    assert "Did you mean library?" in message
    assert "Units: communications, library." in message


def test_among_thousands_of_units_only_the_closest_are_named(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")
    _with_many_units(root, 5000)
    messages = _unit_messages(root, "unit-0042x", 3)
    assert len(messages) == 3 and len(set(messages)) == 1
    message = messages[0]
    assert re.search(r"Did you mean unit-\d{5}\? Others like it: unit-\d{5}, ", message)
    assert "(5002 in all)" in message
    assert message.count("unit-") <= MAX_LISTED_CHOICES + 1  # the value itself is named too
    assert len(message) < 400


# The organisation's people and domains: reviewers, branding owners, supervisors, e-mail
# domains. A message names all of them while they are few, and the closest three of many.


def _edit_org(root: Path, name: str, change: Any) -> None:
    file = root / "org" / f"{name}.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    change(data)
    file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _messages(root: Path, path: str, text: str, rule: str) -> list[str]:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    report = validate(ValidateOptions(root, (path,), DEFAULT_TODAY, strict=False))
    return [f.message for f in report.findings if f.rule == rule and f.path == path]


def _campaign(approved_by: str) -> str:
    text = (FIXTURE / "templates" / "campaign.yaml").read_text(encoding="utf-8")
    return text.replace("approved_by: maria-lind", f"approved_by: {approved_by}")


PEOPLE = [f"reviewer-{name}" for name in ("anna", "bo", "cecilia", "david")] + [
    f"person-{number:03d}" for number in range(40)
]


def test_a_few_reviewers_are_listed_in_full(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")
    (message,) = _messages(root, "campaigns/library/c.yaml", _campaign("olle"), "SR205")
    assert "one of maria-lind, johan-ek (org/organization.yaml)" in message


def test_among_many_reviewers_the_closest_three_are_named(tmp_path: Path) -> None:
    # Every reviewer of the organisation was listed: a message as long as the staff list.
    root = make_repository(tmp_path / "repo")
    _edit_org(root, "organization", lambda org: org["communications"].update(reviewers=PEOPLE))
    (message,) = _messages(root, "campaigns/library/c.yaml", _campaign("reviewer-ana"), "SR205")
    assert "one of reviewer-anna, " in message
    assert f"and {len(PEOPLE) - 3} more (org/organization.yaml)" in message
    assert "person-039" not in message


def test_among_many_supervisors_the_closest_three_are_named(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")

    def many(units: Any) -> None:
        units["units"]["library"]["supervisors"] = [
            {
                "name": f"Person {number}",
                "email": f"p{number}@norrvik.example",
                "github": f"p{number}",
            }
            for number in range(30)
        ]

    _edit_org(root, "units", many)
    text = (FIXTURE / "templates" / "account.yaml").read_text(encoding="utf-8")
    messages = _messages(root, "accounts/library/a.yaml", text, "SR103")
    (message,) = [m for m in messages if "is not a supervisor" in m]
    assert "and 27 more." in message
    assert message.count("Person ") == 3


def test_among_many_email_domains_the_closest_three_are_named(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")
    domains = [f"dept{number}.norrvik.example" for number in range(30)] + ["norrvik.example"]
    _edit_org(root, "organization", lambda org: org.update(email_domains=domains))
    text = (FIXTURE / "templates" / "account.yaml").read_text(encoding="utf-8")
    text = text.replace("lina.berg@norrvik.example", "lina.berg@norvik.example", 1)
    messages = _messages(root, "accounts/library/a.yaml", text, "SR115")
    (message,) = [m for m in messages if "lina.berg@norvik.example" in m]
    assert "ending in @norrvik.example or @" in message
    assert "(or one of 28 more in org/organization.yaml)" in message


def test_close_matches_among_thousands_are_as_close_as_difflib_finds() -> None:
    # The trigram shortlist must not lose a closer match than difflib would find (among
    # equally close ones, either may come first).
    choices = [*sorted(f"unit-{number:05d}" for number in range(5000)), "library", "careers"]

    def score(value: str, choice: str) -> float:
        return difflib.SequenceMatcher(None, choice, value).ratio()

    for value in ("unit-0042x", "unt-00042", "libary", "carers", "unit-4999", "zzz"):
        expected = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
        found = close_matches(value, choices, 1)
        assert len(found) == len(expected)
        assert [score(value, x) for x in found] == [score(value, x) for x in expected]
