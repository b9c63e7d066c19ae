"""Random histories of a registry (edits, adds, deletes, moves, Git operations): after each
step, a check of a few files from the index store finds what a check with every record read
from a copy of the files finds. (A hostile review's fuzzer, kept as a test.)

The same histories check `validate --staged` too, in turns with checks of the work tree (both
keep their state in the one store): it must find what a check of a copy of Git's index finds,
with the files checked as they are in the work tree."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from socialreg.check.pipeline import check_few
from socialreg.load import index_cache as cache
from tests.rules.casefiles import git
from tests.test_index_store import (
    TODAY,
    Found,
    _account,
    _as_tuples,
    _everything_indexed,
    _few,
    _in_git,
    _tangled,
)

HANDLES = [
    "@library.example.org",
    "@LIBRARY.EXAMPLE.ORG/",
    "@library.exampie.org",
    "@officiallibrary.example.org",
    "@library7.example.org",
    "@library8.example.org",
    "@elsewhere.example.org",
    "@library.exanple.org",
    "@l\u0456brary.example.org",  # a Cyrillic і
    "@library_example.org",
    "@far.example.org",
]
UNITS = ["library", "communications", "new-unit"]
IDS = ["copy-one", "copy-two", "copy-three", "related", "lookalike", "x1", "uni-facebook"]


def _records(root: Path, folder: str = "") -> list[str]:
    return sorted(
        path.relative_to(root).as_posix()
        for top in ("accounts", "campaigns")
        for path in (root / top).rglob("*.yaml")
        if path.relative_to(root).as_posix().startswith(folder)
        and path.is_file()
        and not path.is_symlink()
    )


def _change_yaml(path: Path, key: str, value: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data[key] = value
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


def _step(root: Path, rng: random.Random) -> str:
    """One random change; returns what it did."""
    choice = rng.choice(
        ["edit", "edit", "same size", "add", "delete", "move", "archive", "sender", "git add",
         "commit", "stash", "pop", "branch", "checkout", "reset", "rm cached", "hidden",
         "folder for file", "break or mend"]
    )  # fmt: skip
    accounts = _records(root, "accounts/")
    target = rng.choice(accounts) if accounts else None
    try:
        if choice == "edit" and target:
            _change_yaml(root / target, "handle", rng.choice(HANDLES))
        elif choice == "same size" and target:
            text = (root / target).read_text(encoding="utf-8")
            for old, new in (("library", "librarz"), ("librarz", "library"), ("exa", "exi")):
                if old in text:
                    (root / target).write_text(text.replace(old, new, 1), encoding="utf-8")
                    break
        elif choice == "add":
            path = f"accounts/{rng.choice(UNITS)}/{rng.choice(IDS)}.yaml"
            _account(root, path, handle=rng.choice(HANDLES))
        elif choice == "delete":
            files = _records(root)
            if files:
                (root / rng.choice(files)).unlink()
        elif choice == "move" and target:
            moved = root / "accounts" / rng.choice(UNITS) / Path(target).name
            moved.parent.mkdir(parents=True, exist_ok=True)
            os.replace(root / target, moved)
        elif choice == "archive" and target:
            text = (root / target).read_text(encoding="utf-8")
            swap = ("status: active", "status: archived")
            old, new = swap if swap[0] in text else swap[::-1]
            (root / target).write_text(text.replace(old, new, 1), encoding="utf-8")
        elif choice == "sender":
            campaigns = _records(root, "campaigns/")
            if campaigns:
                sender = rng.choice([*IDS, "uni-instagram", "library-facebook"])
                _change_yaml(root / rng.choice(campaigns), "sender", sender)
        elif choice == "git add":
            git(root, "add", "-A")
        elif choice == "commit":
            git(root, "add", "-A")
            git(root, "commit", "-q", "--allow-empty", "-m", "step")
        elif choice == "stash":
            git(root, "stash", "-u", "-q")
        elif choice == "pop":
            git(root, "stash", "pop", "-q")
        elif choice == "branch":
            git(root, "checkout", "-q", "-B", f"b{rng.randrange(3)}")
        elif choice == "checkout":
            git(
                root,
                "checkout",
                "-q",
                rng.choice(git(root, "branch", "--format=%(refname:short)").split()),
            )
        elif choice == "reset":
            git(root, "reset", "-q", "--hard", "HEAD~1")
        elif choice == "rm cached" and target:
            git(root, "rm", "-q", "--cached", target)
        elif choice == "break or mend" and target:
            # One nested key indented more than its neighbours: not YAML, though every line at
            # the left edge is as it was (load/index_scan.py still finds the handle); or back.
            text = (root / target).read_text(encoding="utf-8")
            broken, mended = "\n    email: ", "\n  email: "
            old, new = (broken, mended) if broken in text else (mended, broken)
            (root / target).write_text(text.replace(old, new, 1), encoding="utf-8")
        elif choice == "hidden":
            _account(root, f"accounts/.drafts/{rng.choice(IDS)}.yaml", handle=rng.choice(HANDLES))
        elif choice == "folder for file" and target:
            (root / target).unlink()
            _account(root, f"{target}/inner.yaml", handle=rng.choice(HANDLES))
    except (subprocess.CalledProcessError, OSError, yaml.YAMLError) as error:
        return f"{choice} (refused: {error})"
    return f"{choice} {target or ''}"


def _what_the_files_say(root: Path, paths: list[str], copy: Path) -> dict[str, Found]:
    """Checks with every record read, on a copy without the store (and without Git)."""
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(".socialreg-cache"))
    return {path: list(_everything_indexed(copy, path)) for path in paths}


def _history(root: Path, rng: random.Random, steps: int) -> Iterator[tuple[list[str], list[str]]]:
    """After each of `steps` random steps (none before the first), what happened so far and
    two record files to check."""
    history: list[str] = []
    for step in range(steps):
        if step:
            history.extend(_step(root, rng) for _ in range(rng.choice((1, 2))))
        files = _records(root)
        yield history, rng.sample(files, min(2, len(files)))


def _files_agree(root: Path, checked: list[str], copy: Path, history: list[str]) -> None:
    """A check of each file of `checked` alone finds what `_what_the_files_say`."""
    expected = _what_the_files_say(root, checked, copy)
    for path in checked:
        assert list(_few(root, path)) == expected[path], (path, history)


def _what_the_index_says(root: Path, paths: list[str], copy: Path) -> dict[str, Found]:
    """Checks with every record read, on a copy of what Git's index holds (what a commit would
    hold: no untracked file, no merge conflict), with the files checked as the work tree has
    them."""
    shutil.rmtree(copy, ignore_errors=True)
    copy.mkdir()
    # Unmerged paths are left out (and said so on standard error, with exit code 1). A commit
    # holds the files a sparse checkout (or `update-index --skip-worktree`) leaves out.
    subprocess.run(
        ["git", "checkout-index", "-a", "-f", "--ignore-skip-worktree-bits", f"--prefix={copy}/"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    for path in paths:
        target = copy / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / path, target)
    return {path: list(_everything_indexed(copy, path)) for path in paths}


def _under_a_staged_file(root: Path, path: str) -> bool:
    staged = set(git(root, "ls-files", "-z").split("\0"))
    return any(parent.as_posix() in staged for parent in Path(path).parents)


def _few_staged(root: Path, path: str) -> Found:
    return list(_as_tuples(check_few(root, [path], TODAY, staged=True).findings))


# (in Git, seed, steps): 4 histories in Git, and 3 outside it, where each file is vouched
# for by its stamp alone (load/look_ahead.py, `stale_files`) and the Git steps are refused.
_HISTORIES = [(True, seed, 10) for seed in range(4)] + [(False, 200 + s, 12) for s in range(3)]


@pytest.mark.parametrize(("in_git", "seed", "steps"), _HISTORIES)
def test_random_histories_find_what_the_files_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool, seed: int, steps: int
) -> None:
    # As if every check ran long after the change before it: folders and files are trusted
    # by their stamps, so the paths that skip reading them are the ones tested.
    monkeypatch.setattr(cache, "RECENT_NS", 0)
    root = _tangled(tmp_path / "repo")
    if in_git:
        _in_git(root)
    for history, checked in _history(root, random.Random(seed), steps):
        _files_agree(root, checked, tmp_path / "copy", history)


@pytest.mark.parametrize("seed", range(6))
def test_random_histories_staged_find_what_the_index_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(cache, "RECENT_NS", 0)
    rng = random.Random(100 + seed)
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    compared = 0
    for history, checked in _history(root, rng, 12):
        # Each file checked alone: the other one is compared with as it is staged. A file in
        # a folder that Git holds as a file cannot be in the same registry as that file.
        comparable = [path for path in checked if not _under_a_staged_file(root, path)]
        staged = {
            path: _what_the_index_says(root, [path], tmp_path / "index")[path]
            for path in comparable
        }
        # Both kinds of check, in either order, on the one store.
        for kind in rng.sample(["staged", "work tree"], 2):
            if kind == "staged":
                compared += len(comparable)
                for path in comparable:
                    assert _few_staged(root, path) == staged[path], (kind, path, history)
            else:
                _files_agree(root, checked, tmp_path / "copy", history)
    assert compared >= 18, compared  # of 24: few files are under a folder Git holds as a file
