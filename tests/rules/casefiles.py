"""Rule test cases: YAML files under tests/rules/cases/<CODE>/{pass,fail}/.

A case is a record, or the change a record makes to a template, with a header of comments:

    # expect: SR105            the code a failing case must raise (one line per code; add
                               `warning` for a warning); a failing case raises nothing else
    # template: account        overlay the case on templates/account.yaml (or campaign.yaml,
                               or an org/ file of the fixture, like policy); without it the
                               case is the whole file, written byte for byte
    # remove: pilot, decision.date   keys to delete from the template
    # path: accounts/library/x.yaml  where the case is written (default: under the library,
                               named after the case file)
    # today: 2026-11-21        the date the date rules use (this is the default)
    # policy: {moratorium: {active: true}}   changes to the fixture's org/policy.yaml
    # waived: SR105            a finding the case must show as waived

Each case is written into a copy of tests/rules/fixture/repo, which holds the org/ files and
a few accounts the cases refer to (uni-facebook, uni-instagram, the paused uni-youtube, and
library-facebook, which may not send ads).
"""

from __future__ import annotations

import copy
import datetime
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
CASES = HERE / "cases"
FIXTURE = HERE / "fixture"
PROJECT = HERE.parent.parent
DEFAULT_TODAY = datetime.date(2026, 11, 21)


@dataclass
class Case:
    code: str
    outcome: str  # "pass" or "fail"
    file: Path
    expect: list[tuple[str, str]] = field(default_factory=list)  # (code, severity)
    waived: list[str] = field(default_factory=list)
    template: str | None = None
    remove: list[str] = field(default_factory=list)
    path: str | None = None
    today: datetime.date = DEFAULT_TODAY
    policy: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.code}/{self.outcome}/{self.file.stem}"

    @property
    def target(self) -> str:
        if self.path:
            return self.path
        kind = "campaigns" if self.template == "campaign" else "accounts"
        return f"{kind}/library/{self.file.stem}.yaml"


def collect() -> list[Case]:
    return [read_case(path) for path in sorted(CASES.glob("SR*/*/*.yaml"))]


def read_case(file: Path) -> Case:
    outcome, code = file.parent.name, file.parent.parent.name
    case = Case(code, outcome, file)
    for line in file.read_bytes().decode("utf-8", "replace").splitlines():
        if not line.startswith("# ") or ":" not in line:
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, _, value = line[2:].partition(":")
        key, value = key.strip(), value.strip()
        if key == "expect":
            words = value.split()
            case.expect.append((words[0], words[1] if len(words) > 1 else "error"))
        elif key == "waived":
            case.waived.append(value)
        elif key == "template":
            case.template = value
        elif key == "remove":
            case.remove = [item.strip() for item in value.split(",") if item.strip()]
        elif key == "path":
            case.path = value
        elif key == "today":
            case.today = datetime.date.fromisoformat(value)
        elif key == "policy":
            case.policy = yaml.safe_load(value)
    return case


def make_repository(destination: Path) -> Path:
    """A copy of the fixture repository with the project's schemas."""
    shutil.copytree(FIXTURE / "repo", destination)
    shutil.copytree(PROJECT / "schemas", destination / "schemas")
    return destination


def write_case(case: Case, root: Path) -> str:
    if case.policy:
        policy_file = root / "org" / "policy.yaml"
        policy = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
        _dump(merge(policy, case.policy), policy_file)
    target = root / case.target
    target.parent.mkdir(parents=True, exist_ok=True)
    if case.template is None:
        target.write_bytes(case.file.read_bytes())
        return case.target
    data = merge(_template(case.template), yaml.safe_load(case.file.read_text("utf-8")) or {})
    for dotted in case.remove:
        *parents, last = dotted.split(".")
        holder = data
        for key in parents:
            holder = holder[key]
        del holder[last]
    _dump(data, target)
    return case.target


def _template(name: str) -> Any:
    own = FIXTURE / "templates" / f"{name}.yaml"
    path = own if own.is_file() else FIXTURE / "repo" / "org" / f"{name}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def merge(base: Any, change: Any) -> Any:
    """`change` over `base`: mappings are merged key by key, anything else is replaced."""
    if isinstance(base, dict) and isinstance(change, dict):
        result = copy.deepcopy(base)
        for key, value in change.items():
            result[key] = merge(base.get(key), value)
        return result
    return copy.deepcopy(change)


def _dump(data: Any, path: Path) -> None:
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(text, encoding="utf-8")


def git(root: Path, *arguments: str) -> str:
    """Run git in `root` as a test author; the change-aware tests build real repositories."""
    return subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@norrvik.example", *arguments],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
