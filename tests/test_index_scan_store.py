"""Rows the index store holds as scanned (load/index_scan.py) are used only once their file has
been read in full: a check of a few files finds what a check of every file finds, though a first
run scans the other records rather than reading them.

Every test here makes the store scan from the first file (`_SCAN_FROM` is 1,000 otherwise),
and shows that it did, so that none passes by reading every file in full.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from socialreg.check import context_store
from socialreg.load import index_cache as cache
from socialreg.load.index_store import STORE_FILE
from tests import test_index_store
from tests import test_index_store_histories as histories
from tests.test_index_store import (
    _account,
    _edit,
    _everything_indexed,
    _few,
    _records,
    _registry,
)

BROKEN = "accounts/communications/broken.yaml"


@pytest.fixture(autouse=True)
def scan_from_the_first_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context_store, "_SCAN_FROM", 0)


def _scanned_rows(root: Path) -> set[str]:
    with sqlite3.connect(root / STORE_FILE) as database:
        rows = database.execute("SELECT path FROM files WHERE entry LIKE '%,\"scanned\"]'")
        return {path for (path,) in rows}


def _break_nesting(root: Path, path: str) -> None:
    """Indent one nested key more than its neighbours: no longer YAML, but every line at the
    left edge is as it was, so the file still scans."""
    file = root / path
    text = file.read_text(encoding="utf-8")
    assert "\n  email: " in text
    file.write_text(text.replace("\n  email: ", "\n    email: ", 1), encoding="utf-8")


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_each_file_alone_finds_what_every_file_finds_from_scanned_rows(
    tmp_path: Path, in_git: bool
) -> None:
    root = _registry(tmp_path, in_git)
    expected = {path: _everything_indexed(root, path) for path in _records(root)}
    first, *others = _records(root)
    assert _few(root, first) == expected[first]
    assert len(_scanned_rows(root)) >= len(others) // 2  # most were scanned, not read
    for path in others:
        assert _few(root, path) == expected[path], path
    for path in _records(root):  # every row now read in full once its file was needed
        assert _few(root, path) == expected[path], path


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_a_file_that_scans_but_is_not_yaml_is_not_compared_with(
    tmp_path: Path, in_git: bool
) -> None:
    root = _registry(tmp_path, in_git)
    checked = "accounts/library/copy-one.yaml"
    _account(root, BROKEN, handle="@library.example.org")  # the checked account's handle
    _break_nesting(root, BROKEN)
    expected = _everything_indexed(root, checked)
    assert not any("broken.yaml" in finding[5] for finding in expected)
    assert _few(root, checked) == expected  # a first run, which scans the other records
    assert BROKEN not in _scanned_rows(root)  # read in full when it was found by its handle
    assert _few(root, checked) == expected


def test_a_broken_account_is_no_suggestion_for_a_sender(tmp_path: Path) -> None:
    root = _registry(tmp_path, in_git=False)
    policy = root / "org/policy.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("    - uni-youtube\n", "    - broken-acount\n"), "utf-8")
    checked = "accounts/library/copy-one.yaml"
    expected = _everything_indexed(root, checked)
    _account(root, "accounts/communications/broken-account.yaml", handle="@b.example.org")
    _break_nesting(root, "accounts/communications/broken-account.yaml")
    assert _everything_indexed(root, checked) == expected  # a broken file is no account
    assert any("`broken-acount`" in finding[5] for finding in expected)
    assert _few(root, checked) == expected
    assert "accounts/communications/broken-account.yaml" not in _scanned_rows(root)


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_changes_since_the_last_run_are_seen_in_scanned_rows(tmp_path: Path, in_git: bool) -> None:
    test_index_store.test_changes_since_the_last_run_are_seen(tmp_path, in_git)


@pytest.mark.parametrize(("in_git", "seed", "steps"), [(True, 7, 10), (False, 207, 12)])
def test_random_histories_from_scanned_rows_find_what_the_files_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool, seed: int, steps: int
) -> None:
    histories.test_random_histories_find_what_the_files_say(
        tmp_path, monkeypatch, in_git, seed, steps
    )


@pytest.mark.parametrize("seed", [6, 7])
def test_random_staged_histories_from_scanned_rows_find_what_the_index_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    histories.test_random_histories_staged_find_what_the_index_says(tmp_path, monkeypatch, seed)


def test_a_staged_check_reads_a_scanned_row_from_its_blob_not_the_work_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row Git vouched for stands for its blob: an edit of the work tree that is not staged
    must not reach a `--staged` check through the reading in full of a scanned row."""
    monkeypatch.setattr(cache, "RECENT_NS", 0)  # Git vouches for files written just now
    root = _registry(tmp_path, in_git=True)
    checked, other = "accounts/library/copy-one.yaml", "accounts/library/copy-two.yaml"
    _few(root, "campaigns/communications/from-instagram.yaml")  # a first run: it scans
    assert other in _scanned_rows(root)  # the first run scanned it, Git vouching for it
    # The staged copy-two has copy-one's handle; the work tree's no longer does.
    _edit(root / other, "LIBRARY.EXAMPLE.ORG", "LIBRARY.EXAMPLE.ORX")
    staged = histories._what_the_index_says(root, [checked], tmp_path / "index")[checked]
    assert any("copy-two" in finding[5] for finding in staged)
    assert histories._few_staged(root, checked) == staged
    assert _few(root, checked) == _everything_indexed(root, checked)  # the work tree's
    assert histories._few_staged(root, checked) == staged
