"""Generate a large registry repository from the example organisation's records.

Each generated record is a copy of an example record with a new id, handle and URL. The
originals are copied too, so the senders and related accounts the copies name exist, and the
copies pass the same checks as the originals (unique handles, addresses the platform accepts).
The one exception is by design: the thousands of copies of one unit on one platform do not name
each other as related accounts, so each gets SR108's warning about a second account.
"""

from __future__ import annotations

import argparse
import re
import shutil
from itertools import cycle
from pathlib import Path

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
    for number, path in zip(range(accounts), cycle(account_sources), strict=False):
        _copy_account(path, target, number)
    for number, path in zip(range(campaigns), cycle(campaign_sources), strict=False):
        _copy(path, target / "campaigns" / path.parent.name / f"{path.stem}-{number}.yaml")


def _copy_account(path: Path, target: Path, number: int) -> None:
    text = path.read_text(encoding="utf-8")
    # A new handle and URL for each copy: the registry allows each of them only once. X allows
    # 15 characters in a user name, so long names are shortened before the number.
    platform = re.search(r"^platform: (\S+)", text, flags=re.M)
    limit = _NAME_LIMITS.get(platform.group(1) if platform else "", 1000) - len(str(number))

    def handle(match: re.Match[str]) -> str:
        return f"{match.group(1)}{match.group(2)[:limit]}{number}"

    def url(match: re.Match[str]) -> str:
        return f"{match.group(1)}{match.group(2)[:limit]}{number}{match.group(3)}"

    text = re.sub(r'^(handle: "?@?)([^"\n]+)', handle, text, count=1, flags=re.M)
    text = re.sub(r"^(url: https://\S+/@?)([^/@\s]+?)(/?)$", url, text, count=1, flags=re.M)
    destination = target / "accounts" / path.parent.name / f"{path.stem}-{number}.yaml"
    destination.parent.mkdir(parents=True, exist_ok=True)
    destination.write_text(text, encoding="utf-8")


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
