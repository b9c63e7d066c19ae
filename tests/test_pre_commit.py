"""The project's pre-commit configuration, and the hooks it publishes for registry repositories."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from socialreg.cli import main
from tests.conftest import EXAMPLE, EXAMPLE_FOLDERS, REPOSITORY

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def _config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (REPOSITORY / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    )
    return loaded


def _hooks() -> dict[str, dict[str, Any]]:
    return {hook["id"]: hook for repo in _config()["repos"] for hook in repo["hooks"]}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_hook_is_local_and_installs_from_pypi() -> None:
    for repo in _config()["repos"]:
        assert repo["repo"] == "local"  # hook repositories cannot be cloned from GitHub here
    for hook in _hooks().values():
        assert hook["language"] == "python"
        assert hook.get("additional_dependencies"), hook["id"]


def test_the_hooks_cover_what_the_issue_asks_for() -> None:
    hooks = _hooks()
    expected = {"socialreg-validate", "socialreg-validate-all", "socialreg-codeowners"}
    assert expected | {"ruff", "ruff-format", "mypy"} <= set(hooks)
    validate = hooks["socialreg-validate"]
    # the other records as the commit will hold them (pre-commit stashed the rest)
    assert validate["entry"].endswith(" validate --staged")
    assert validate.get("pass_filenames", True) is True  # only the changed records
    assert re.match(validate["files"], "accounts/library/x.yaml")
    assert not re.match(validate["files"], "tools/socialreg/cli.py")
    assert hooks["socialreg-validate-all"]["pass_filenames"] is False
    assert "--check" in hooks["ruff-format"]["entry"]


def test_hook_dependencies_keep_step_with_pyproject() -> None:
    project = tomllib.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = {_name(requirement) for requirement in project["project"]["dependencies"]}
    hooks = _hooks()
    for hook_id in ("socialreg-validate", "socialreg-validate-all", "socialreg-codeowners", "mypy"):
        installed = {_name(item) for item in hooks[hook_id]["additional_dependencies"]}
        assert runtime <= installed, f"{hook_id} lacks {sorted(runtime - installed)}"
    dev = {_name(item): item for item in project["project"]["optional-dependencies"]["dev"]}
    stubs = {name for name in dev if name.startswith("types-")}
    mypy_deps = {_name(item) for item in hooks["mypy"]["additional_dependencies"]}
    assert stubs <= mypy_deps


def test_published_hooks_run_the_installed_command() -> None:
    published = yaml.safe_load((REPOSITORY / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    ours = _hooks()
    assert {hook["id"] for hook in published} == {
        "socialreg-validate",
        "socialreg-validate-all",
        "socialreg-codeowners",
    }
    for hook in published:
        assert hook["language"] == "python"  # pre-commit installs socialreg from the hook repo
        assert hook["entry"].startswith("socialreg ")
        assert ours[hook["id"]]["entry"] == "python tools/run_socialreg.py " + hook["entry"][10:]
        assert hook["files"] == ours[hook["id"]]["files"]
        assert hook.get("pass_filenames", True) == ours[hook["id"]].get("pass_filenames", True)


def _working_copy(target: Path) -> Path:
    """The repository's files as they are now (committed or not) in a fresh git repository,
    with the fixture organisation's org/ files and records instead of the repository's own."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = REPOSITORY / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)
    for folder in EXAMPLE_FOLDERS:
        shutil.rmtree(target / folder, ignore_errors=True)
        shutil.copytree(EXAMPLE / folder, target / folder)
    generated = CliRunner().invoke(main, ["--root", str(target), "generate"])
    assert generated.exit_code == 0, generated.output
    subprocess.run(["git", "init", "-q"], cwd=target, check=True)
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)
    return target


def _pre_commit(root: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SKIP": ""}
    environment.pop("SOCIALREG_ROOT", None)
    return subprocess.run(
        [str(PRE_COMMIT), "run", "--color", "never", *arguments],
        cwd=root,
        capture_output=True,
        text=True,
        env=environment,
        timeout=900,
        check=False,
    )


@pytest.mark.precommit
def test_pre_commit_run_all_files_in_a_clone(tmp_path: Path) -> None:
    if not (REPOSITORY / ".git").exists() or shutil.which("git") is None:
        pytest.skip("needs a git checkout of the project")
    if not PRE_COMMIT.exists():
        pytest.skip("pre-commit is not installed in this environment")
    clone = _working_copy(tmp_path / "clone")
    everything = _pre_commit(clone, "--all-files")
    assert everything.returncode == 0, everything.stdout + everything.stderr
    hooks = (
        "socialreg validate (changed records)",
        "socialreg codeowners --check",
        "mypy --strict",
    )
    for hook in (*hooks, "ruff check", "ruff format --check"):
        assert re.search(rf"{re.escape(hook)}\.+Passed", everything.stdout), everything.stdout

    # The validate hook does check what a commit changes.
    record = clone / "accounts/library/norrvik-library-instagram.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("response_time_hours: 24", "response_time_hours: 72"), "utf-8")
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    broken = _pre_commit(clone, "--files", "accounts/library/norrvik-library-instagram.yaml")
    assert broken.returncode == 1
    assert "response_time_hours is 72" in broken.stdout
    assert "accounts/library/norrvik-library-instagram.yaml:" in broken.stdout

    # So does the CODEOWNERS hook, after a change to the units.
    units = clone / "org/units.yaml"
    units.write_text(
        units.read_text("utf-8").replace("github: per-nystrom", "github: per-nystrom-2"), "utf-8"
    )
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    stale = _pre_commit(clone, "socialreg-codeowners", "--files", "org/units.yaml")
    assert stale.returncode == 1
    assert "CODEOWNERS is out of date" in stale.stdout

    # The validate hook compares with what the commit will hold (--staged): a draft copy of a
    # record that was never added is no clash, where a check of the work tree finds one; and
    # pre-commit gives back the change it set aside while the hook ran.
    units.write_text(
        units.read_text("utf-8").replace("github: per-nystrom-2", "github: per-nystrom"), "utf-8"
    )
    record.write_text(text, "utf-8")
    subprocess.run(["git", "add", "-A"], cwd=clone, check=True)
    author = ["-c", "user.name=Test", "-c", "user.email=test@norrvik.example"]
    commit = ["git", *author, "commit", "-q", "--no-verify", "-m", "the registry"]
    subprocess.run(commit, cwd=clone, check=True)
    draft = clone / "accounts/library/norrvik-library-draft.yaml"
    shutil.copy(record, draft)
    record.write_text(text + "# reviewed\n", "utf-8")
    subprocess.run(["git", "add", str(record)], cwd=clone, check=True)
    record.write_text(text + "# reviewed\n# not staged yet\n", "utf-8")
    validated = _pre_commit(clone, "socialreg-validate")
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "not staged yet" in record.read_text("utf-8")
    work_tree = CliRunner().invoke(
        main, ["--root", str(clone), "validate", str(record)], env={"SOCIALREG_ROOT": ""}
    )
    assert work_tree.exit_code == 1 and "already registered" in work_tree.output
