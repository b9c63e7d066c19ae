"""Generate a large registry repository from the example organisation's records.

Accounts are copied in groups: group g holds one copy of every example account, each in a copy
of its unit (`library-g`, with the same supervisors), with a new id, handle and URL, and with
its related accounts pointing at the same group's copies. So every group looks like the example
organisation, and the generated repository passes every check, as a real one would. The
originals are copied too, because campaigns (copied as they are) name them as senders.
"""

from __future__ import annotations

import argparse
import copy
import re
import shutil
from itertools import cycle
from pathlib import Path

import yaml

REPOSITORY = Path(__file__).resolve().parent.parent
_NAME_LIMITS = {"x": 15}


def generate(target: Path, accounts: int, campaigns: int, source: Path = REPOSITORY) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for folder in ("org", "schemas"):
        shutil.copytree(source / folder, target / folder)
    account_sources = sorted((source / "accounts").glob("*/*.yaml"))
    campaign_sources = sorted((source / "campaigns").glob("*/*.yaml"))
    for path in account_sources + campaign_sources:
        _copy(path, target / path.relative_to(source))
    stems = [path.stem for path in account_sources]
    for number, path in zip(range(accounts), cycle(account_sources), strict=False):
        group = number // len(account_sources)
        first = group * len(account_sources)
        group_ids = {stem: f"{stem}-{first + index}" for index, stem in enumerate(stems)}
        _copy_account(path, target, number, group, group_ids)
    groups = (accounts + len(account_sources) - 1) // len(account_sources)
    _add_unit_copies(target / "org" / "units.yaml", groups)
    for number, path in zip(range(campaigns), cycle(campaign_sources), strict=False):
        _copy(path, target / "campaigns" / path.parent.name / f"{path.stem}-{number}.yaml")


def _add_unit_copies(units_file: Path, groups: int) -> None:
    """Add `<unit>-<group>` for every unit and group, with the unit's name and supervisors."""
    units = yaml.safe_load(units_file.read_text(encoding="utf-8"))
    originals = dict(units["units"])
    for group in range(groups):
        for unit, entry in originals.items():
            units["units"][f"{unit}-{group}"] = copy.deepcopy(entry)  # written out, no aliases
    units_file.write_text(yaml.safe_dump(units, sort_keys=False), encoding="utf-8")


def _copy_account(
    path: Path, target: Path, number: int, group: int, group_ids: dict[str, str]
) -> None:
    text = path.read_text(encoding="utf-8")
    unit = f"{path.parent.name}-{group}"
    text = re.sub(r"^unit: \S+$", f"unit: {unit}", text, count=1, flags=re.M)
    # Related accounts are list items holding an example id: point them at this group's copies.
    for stem, copy_id in group_ids.items():
        text = re.sub(rf"^(\s+- ){re.escape(stem)}$", rf"\g<1>{copy_id}", text, flags=re.M)
    # A new handle and URL for each copy: the registry allows each of them only once. X allows
    # 15 characters in a user name, so long names are shortened before the number.
    platform = re.search(r"^platform: (\S+)", text, flags=re.M)
    limit = _NAME_LIMITS.get(platform.group(1) if platform else "", 1000) - len(str(number))

    def handle(match: re.Match[str]) -> str:
        return f"{match.group(1)}{match.group(2)[:limit]}{number}"

    def url(match: re.Match[str]) -> str:
        return f"{match.group(1)}{match.group(2)[:limit]}{number}{match.group(3)}"

    # The user name is what gets the number, also in a fediverse handle (`@news@server`).
    text = re.sub(r'^(handle: "?@?)([^"@\n]+)', handle, text, count=1, flags=re.M)
    # The permanent id is unique too: the copy's number replaces the end of the example's id
    # (in base 32 for a DID, whose alphabet has no 0, 1, 8 or 9).
    text = re.sub(
        r"^(platform_id: )(\S+)$",
        lambda m: m.group(1) + _new_id(m.group(2), number),
        text,
        count=1,
        flags=re.M,
    )
    text = re.sub(r"^(url: https://\S+/@?)([^/@\s]+?)(/?)$", url, text, count=1, flags=re.M)
    destination = target / "accounts" / unit / f"{path.stem}-{number}.yaml"
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(text, encoding="utf-8")


def _new_id(platform_id: str, number: int) -> str:
    if platform_id.startswith("did:plc:"):
        digits = ""
        for _ in range(6):
            digits = "abcdefghijklmnopqrstuvwxyz234567"[number % 32] + digits
            number //= 32
        return platform_id[:-6] + digits
    if platform_id.startswith("https://"):
        return f"{platform_id}{number}"
    return platform_id[:-6] + f"{number:06d}"


def _copy(path: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, destination)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", type=Path)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--campaigns", type=int, default=2_000)
    arguments = parser.parse_args()
    generate(arguments.target, arguments.accounts, arguments.campaigns)


if __name__ == "__main__":
    main()
