"""Messages that name the organisation's choices do not grow with the organisation."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from casefiles import DEFAULT_TODAY, make_repository

from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.rules.base import MAX_LISTED_CHOICES


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
