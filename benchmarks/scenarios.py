"""The repositories the benchmark table measures, each made from a generated registry.

Every function writes a repository at `target` (which must not exist) from the example
records, through `generate.generate` (see its docstring: every copy passes every check) and
then changes what its scenario is about. The scenarios are the cases where a check used to slow
down or grow (issue 15): findings on every record, one value shared by a thousand records, a
wrong unit among thousands, and sheer size.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from generate import generate

TODAY = "2026-11-21"


def clean(target: Path, accounts: int, campaigns: int) -> None:
    """The generated registry as it is: no findings at all."""
    generate(target, accounts, campaigns)


def one_unit_folder(target: Path, accounts: int, campaigns: int) -> None:
    """Every account in one unit's folder: each gets SR108's "the unit already has accounts on
    this platform" warning, which names a few of the others and counts the rest."""
    generate(target, accounts, campaigns)
    folder = target / "accounts" / "everyone"
    folder.mkdir()
    for path in sorted((target / "accounts").glob("*/*.yaml")):
        if path.parent == folder:
            continue
        text = re.sub(
            r"^unit: \S+$", "unit: everyone", path.read_text(encoding="utf-8"), count=1, flags=re.M
        )
        (folder / path.name).write_text(text, encoding="utf-8")
        path.unlink()
    units_file = target / "org" / "units.yaml"
    units = yaml.safe_load(units_file.read_text(encoding="utf-8"))
    everyone = dict(next(iter(units["units"].values())))
    # Every supervisor of the organisation supervises the one unit, so the accounts' own
    # supervisors stay right and SR108's warning is the only finding.
    supervisors = {}
    for unit in units["units"].values():
        for supervisor in unit.get("supervisors", []):
            supervisors.setdefault(supervisor["name"], supervisor)
    everyone["supervisors"] = list(supervisors.values())
    units["units"]["everyone"] = everyone
    units_file.write_text(yaml.safe_dump(units, sort_keys=False), encoding="utf-8")


def policy_warning_everywhere(target: Path, accounts: int, campaigns: int) -> None:
    """A policy tightened so that every record gets a warning: accounts must answer within an
    hour (SR106), campaigns check their ads' comments 100 times a day (SR208)."""
    generate(target, accounts, campaigns)
    policy_file = target / "org" / "policy.yaml"
    policy = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
    rules = policy.setdefault("rules", {})
    rules["SR106"] = {"severity": "warning", "options": {"max_hours": 1}}
    rules["SR208"] = {"severity": "warning", "options": {"min_checks_per_day": 100}}
    policy_file.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")


def shared_url(target: Path, accounts: int = 1000, campaigns: int = 0) -> None:
    """`accounts` Instagram accounts that all give the same address (each has its own handle):
    every one of them is a duplicate of every other."""
    generate(target, accounts, campaigns)
    for path in sorted((target / "accounts").glob("*/*.yaml")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(
            r"^url: \S+$", "url: https://www.instagram.com/shared", text, count=1, flags=re.M
        )
        path.write_text(text, encoding="utf-8")


def unknown_unit(target: Path, accounts: int, campaigns: int, wrong_every: int = 10) -> None:
    """An organisation of thousands of units (generate makes one per example unit and group:
    5,005 at 10,000 accounts) where every `wrong_every`th account names a unit that does not
    exist (a typing mistake in the unit's name)."""
    generate(target, accounts, campaigns)
    for number, path in enumerate(sorted((target / "accounts").glob("*/*.yaml"))):
        if number % wrong_every:
            continue
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^unit: (\S+)$", r"unit: \1-typo", text, count=1, flags=re.M)
        path.write_text(text, encoding="utf-8")


def in_git(target: Path, accounts: int, campaigns: int) -> None:
    """The clean registry committed to Git, as the pre-commit hook meets it."""
    generate(target, accounts, campaigns)
    _commit_everything(target)


def _commit_everything(target: Path) -> None:
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=target, check=True)
    subprocess.run([*git, "add", "-A"], cwd=target, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=target, check=True)


def stage_a_change(root: Path, run: int) -> None:
    """What the pre-commit hook checks: the account it checks changed and staged (`git add`)."""
    account = changed_account(root)
    text = account.read_text(encoding="utf-8")
    hours = 12 + run % 2  # another value each run
    changed = re.sub(r"^(\s*response_time_hours:) \d+$", rf"\1 {hours}", text, count=1, flags=re.M)
    assert changed != text or f"response_time_hours: {hours}" in text
    account.write_text(changed, encoding="utf-8")
    subprocess.run(["git", "add", "--", str(account.relative_to(root))], cwd=root, check=True)


def with_git_base(target: Path, accounts: int, campaigns: int) -> str:
    """The clean registry committed to Git, then one account changed in the work tree (a pull
    request's change); returns the base revision for `validate --base`."""
    generate(target, accounts, campaigns)
    _commit_everything(target)
    changed = changed_account(target)
    text = changed.read_text(encoding="utf-8")
    faster = text.replace("response_time_hours: 24", "response_time_hours: 12", 1)
    changed.write_text(faster, encoding="utf-8")
    return "main"


def changed_account(root: Path) -> Path:
    """The account a one-file scenario changes or checks: the one in the middle."""
    accounts = sorted((root / "accounts").glob("*/*.yaml"))
    return accounts[len(accounts) // 2]


def record_files(root: Path) -> list[Path]:
    """Every YAML file a whole-repository check parses."""
    found = [*sorted(root.glob("accounts/*/*.yaml")), *sorted(root.glob("campaigns/*/*.yaml"))]
    return [*sorted((root / "org").glob("*.yaml")), *found]


def copy_repository(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True)
