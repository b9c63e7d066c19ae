"""The hash-pinned lock the workflows install from (.github/requirements.lock).

The jobs that hold a write token install exactly the versions and files in the lock
(`pip install --require-hashes`), then socialreg itself with `--no-deps`, so a bad new release
of a dependency cannot run with that token. The lock must still satisfy pyproject.toml: when a
lower bound moves, regenerate it with the command written at its top.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / ".github" / "requirements.lock"
WORKFLOWS = ROOT / ".github" / "workflows"
_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\]+)\s*\\?$")


def locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for every entry of the lock."""
    entries: dict[str, tuple[str, list[str]]] = {}
    current: str | None = None
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        match = _ENTRY.match(line)
        if match is not None:
            current = canonicalize_name(match[1])
            entries[current] = (match[2], [])
        elif line.strip().startswith("--hash=") and current is not None:
            entries[current][1].append(line.strip().removeprefix("--hash=").rstrip(" \\"))
        elif line.strip() and not line.lstrip().startswith("#"):
            pytest.fail(f"unexpected line in the lock: {line!r}")
    return entries


def dependencies() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(text) for text in project["dependencies"]]


def test_every_dependency_of_pyproject_is_locked_at_a_version_it_allows() -> None:
    entries = locked()
    for requirement in dependencies():
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{requirement.name} is missing from the lock: regenerate it"
        version = entries[name][0]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"the lock has {requirement.name}=={version}, pyproject.toml asks for "
            f"{requirement.specifier}: regenerate the lock"
        )


def test_every_locked_package_is_pinned_with_hashes() -> None:
    entries = locked()
    assert len(entries) >= len(dependencies())
    for name, (version, hashes) in entries.items():
        assert re.fullmatch(r"[0-9][0-9A-Za-z.+!-]*", version), name
        assert hashes, f"{name} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", digest) for digest in hashes), name


def test_the_lock_says_how_it_was_made() -> None:
    head = LOCK.read_text(encoding="utf-8").splitlines()[:3]
    assert any("--generate-hashes" in line and "pyproject.toml" in line for line in head)


def install_commands() -> list[tuple[str, str]]:
    found = []
    for path in sorted(WORKFLOWS.glob("*.yml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                for line in str(step.get("run", "")).splitlines():
                    if "pip install" in line:
                        found.append((path.name, line.strip()))
    return found


def test_the_workflows_install_only_from_the_lock() -> None:
    commands = install_commands()
    assert commands
    for name, command in commands:
        locked_install = "--require-hashes" in command and "-r .github/requirements.lock" in command
        own_package = "--no-deps" in command and command.endswith(" .")
        assert locked_install or own_package, f"{name}: {command}"
    names = {name for name, _ in commands}
    for name in names:
        kinds = [command for workflow, command in commands if workflow == name]
        assert any("--require-hashes" in command for command in kinds), name
