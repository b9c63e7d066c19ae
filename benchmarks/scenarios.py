"""Repositories that stress one way the check could grow faster than the problems it finds.

Each function writes a whole registry repository at `target` (removed first if it exists): the
org/ and schemas/ of `source` (the example organisation by default), then records made for the
scenario. The benchmark table times `socialreg validate` on them.

- `shared_url`: many accounts that all give the same address. Each is a duplicate of every
  other, and the report must stay linear: one finding per file, not one per pair.
- `unknown_unit`: an organisation with thousands of units, and records that name a unit that
  does not exist. The message must not list every unit, and the close matches must not be
  worked out again for every record.

    python benchmarks/scenarios.py shared-url /tmp/shared --accounts 1000
    python benchmarks/scenarios.py unknown-unit /tmp/units --units 5000
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path

import yaml

REPOSITORY = Path(__file__).resolve().parent.parent
# A complete, valid account of the example organisation, copied with a few fields changed.
_ACCOUNT = Path("accounts/communications/norrvik-university-facebook.yaml")


def shared_url(target: Path, accounts: int = 1000, source: Path = REPOSITORY) -> None:
    """`accounts` Facebook accounts of the communications office, each with its own id and
    handle, all with the address of the example's main page."""
    _start(target, source)
    text = (source / _ACCOUNT).read_text(encoding="utf-8")
    folder = target / "accounts" / "communications"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(accounts):
        copy = _set(text, "handle", f'"@NorrvikUniversity{number}"')
        (folder / f"shared-url-{number:05d}.yaml").write_text(copy, encoding="utf-8")


def unknown_unit(
    target: Path, units: int = 5000, records: int = 100, source: Path = REPOSITORY
) -> None:
    """An organisation of `units` units (`unit-00000`, ...) and `records` accounts, each in a
    unit's folder but naming that unit with a letter missing (`unt-00000`), which no unit is."""
    _start(target, source)
    units_file = target / "org" / "units.yaml"
    document = yaml.safe_load(units_file.read_text(encoding="utf-8"))
    template = document["units"]["communications"]
    document["units"] = {
        f"unit-{number:05d}": {**template, "name": f"Unit {number}"} for number in range(units)
    }
    units_file.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    text = (source / _ACCOUNT).read_text(encoding="utf-8")
    for number in range(records):
        unit = f"unit-{number * max(units // max(records, 1), 1) % units:05d}"
        copy = _set(text, "unit", f"unt-{unit[5:]}")
        copy = _set(copy, "handle", f'"@UnknownUnit{number}"')
        copy = _set(copy, "url", f"https://www.facebook.com/UnknownUnit{number}")
        folder = target / "accounts" / unit
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"unknown-unit-{number:05d}.yaml").write_text(copy, encoding="utf-8")


def _start(target: Path, source: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for folder in ("org", "schemas"):
        shutil.copytree(source / folder, target / folder)


def _set(text: str, key: str, value: str) -> str:
    """`text` with the top-level `key: ...` line saying `value` instead."""
    changed, found = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, count=1, flags=re.M)
    if not found:
        raise ValueError(f"the template account has no top-level {key}")
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenario", choices=["shared-url", "unknown-unit"])
    parser.add_argument("target", type=Path)
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--units", type=int, default=5000)
    arguments = parser.parse_args()
    if arguments.scenario == "shared-url":
        shared_url(arguments.target, arguments.accounts)
    else:
        unknown_unit(arguments.target, arguments.units, arguments.accounts)


if __name__ == "__main__":
    main()
