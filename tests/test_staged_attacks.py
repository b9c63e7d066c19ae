"""Attacks on `validate --staged` (a hostile review): Git states that make the index differ from
the work tree, in every way Git can, where the check must find what a check of a copy of Git's
index finds, and a later check of the work tree what a check of a copy of the files finds."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from socialreg.check.pipeline import check_repository
from socialreg.cli import main
from socialreg.load import git_view, index_cache, index_store
from socialreg.load.index_store import FileRow, IndexStore, hashed_key
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
from tests.test_staged_check import (
    CHECKED,
    HANDLE,
    OTHER,
    _clash,
    _expected,
    _in_files,
    _in_index,
    _registry,
    _staged,
)


@pytest.fixture(autouse=True)
def trusted_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_cache, "RECENT_NS", 0)


def _agree(root: Path, tmp_path: Path) -> None:
    """Both checks, twice each and in both orders, find what their copies find."""
    in_index, in_files = _expected(root, tmp_path)
    for _ in range(2):
        assert _staged(root, CHECKED) == in_index
        assert _few(root, CHECKED) == in_files
    assert _staged(root, CHECKED) == in_index


def test_a_link_committed_as_a_record(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _staged(root, CHECKED)
    _account(root, OTHER, handle=HANDLE)
    link = root / "accounts/library/linked.yaml"
    link.symlink_to("../communications/same-address.yaml")
    git(root, "add", str(link))
    git(root, "commit", "-q", "-m", "link")
    _agree(root, tmp_path)


def test_a_submodule_in_a_unit_folder(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _staged(root, CHECKED)
    inner = _tangled(tmp_path / "inner")
    _in_git(inner)
    git(root, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(inner),
        "accounts/library/sub.yaml")  # fmt: skip
    _agree(root, tmp_path)


def test_a_merge_conflict_on_another_record(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    git(root, "commit", "-q", "-m", "fresh")
    _staged(root, CHECKED)
    git(root, "checkout", "-q", "-b", "other")
    _account(root, OTHER, handle=HANDLE)
    git(root, "commit", "-q", "-am", "clash")
    git(root, "checkout", "-q", "main")
    _account(root, OTHER, handle="@third.example.org")
    git(root, "commit", "-q", "-am", "third")
    _staged(root, CHECKED)
    subprocess.run(["git", "merge", "-q", "other"], cwd=root, capture_output=True, check=False)
    assert "U" in git(root, "status", "--porcelain")
    _agree(root, tmp_path)


@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_a_record_git_does_not_compare(tmp_path: Path, flag: str) -> None:
    root = _registry(tmp_path)
    _staged(root, CHECKED)
    git(root, "update-index", flag, OTHER)
    _account(root, OTHER, handle=HANDLE)  # not staged, and Git does not see it
    _agree(root, tmp_path)
    (root / OTHER).unlink()
    _agree(root, tmp_path)


def test_a_sparse_checkout_leaves_a_record_out_of_the_work_tree(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)
    git(root, "commit", "-q", "-am", "clash")
    _staged(root, CHECKED)
    git(root, "sparse-checkout", "set", "--no-cone", "/*", "!/accounts/communications/")
    assert not (root / OTHER).exists()
    _agree(root, tmp_path)
    # The commit holds the record the sparse checkout leaves out; the work tree does not.
    assert _clash(_staged(root, CHECKED)) and not _clash(_few(root, CHECKED))


@pytest.mark.parametrize(
    "name", ["two words.yaml", "new\nline.yaml", 'quo"te.yaml', "tab\there.yaml", "caf\udce9.yaml"]
)
def test_odd_names_in_the_listing(tmp_path: Path, name: str) -> None:
    root = _registry(tmp_path)
    _staged(root, CHECKED)
    path = root / "accounts/communications" / name
    _account(root, f"accounts/communications/{name}", handle=HANDLE)
    git(root, "add", "accounts/communications")
    _agree(root, tmp_path)
    path.unlink()
    _agree(root, tmp_path)
    git(root, "add", "-A")
    _agree(root, tmp_path)


def test_a_record_that_is_a_file_in_the_index_and_a_folder_in_the_work_tree(
    tmp_path: Path,
) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    _staged(root, CHECKED)
    (root / OTHER).unlink()
    _account(root, f"{OTHER}/inner.yaml", handle="@inner.example.org")
    _agree(root, tmp_path)


def test_staged_then_deleted_then_removed_from_the_index(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    _agree(root, tmp_path)
    (root / OTHER).unlink()
    _agree(root, tmp_path)
    git(root, "rm", "-q", "--cached", OTHER)
    _agree(root, tmp_path)
    _account(root, OTHER, handle=HANDLE)
    _agree(root, tmp_path)


def test_a_rename_across_units(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)
    git(root, "commit", "-q", "-am", "clash")
    _agree(root, tmp_path)
    git(root, "mv", OTHER, "accounts/library/same-address.yaml")
    _agree(root, tmp_path)
    git(root, "mv", "accounts/library/same-address.yaml", "campaigns/library/same-address.yaml")
    _agree(root, tmp_path)


def test_an_empty_record_staged(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    _agree(root, tmp_path)
    (root / OTHER).write_bytes(b"")
    git(root, "add", OTHER)
    _agree(root, tmp_path)


def test_a_repository_with_no_commit_yet(tmp_path: Path) -> None:
    root = _tangled(tmp_path / "repo")
    git(root, "init", "-q", "-b", "main")
    _account(root, CHECKED, handle=HANDLE)
    git(root, "add", "-A")
    _account(root, OTHER, handle=HANDLE)  # not staged
    _agree(root, tmp_path)
    git(root, "add", "-A")
    _agree(root, tmp_path)


def test_a_registry_in_a_folder_of_a_larger_repository(tmp_path: Path) -> None:
    top = tmp_path / "top"
    root = _tangled(top / "registry")
    _account(top, "accounts/library/outer.yaml", handle=HANDLE)  # outside the registry
    _in_git(top)
    _account(root, CHECKED, handle=HANDLE, url="https://bsky.app/profile/fresh.example.org")
    git(root, "add", CHECKED)
    _staged(root, CHECKED)

    def index_says() -> Found:
        # Git's index of the whole repository, of which the registry is a folder.
        copy = tmp_path / "index"
        shutil.rmtree(copy, ignore_errors=True)
        git(top, "checkout-index", "-a", "-f", f"--prefix={copy}/")
        shutil.copy2(root / CHECKED, copy / "registry" / CHECKED)
        return list(_everything_indexed(copy / "registry", CHECKED))

    _account(root, OTHER, handle=HANDLE)
    assert _staged(root, CHECKED) == index_says() and not _clash(index_says())
    git(root, "add", OTHER)
    assert _staged(root, CHECKED) == index_says() and _clash(index_says())
    (root / OTHER).unlink()
    assert _staged(root, CHECKED) == index_says()
    assert _few(root, CHECKED) == _in_files(root, tmp_path)


def _removed(loose: Path) -> None:
    loose.unlink()


def _corrupted(loose: Path) -> None:
    loose.chmod(0o644)
    loose.write_bytes(b"not zlib at all")


@pytest.mark.parametrize("damage", [_removed, _corrupted], ids=["missing", "corrupt"])
def test_a_blob_git_cannot_read(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    root = _registry(tmp_path)
    _staged(root, CHECKED)
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    blob = git(root, "rev-parse", f":{OTHER}").strip()
    damage(root / ".git/objects" / blob[:2] / blob[2:])
    in_files = _in_files(root, tmp_path)
    found = _staged(root, CHECKED)
    assert found == in_files, found
    assert _few(root, CHECKED) == in_files


def test_a_store_a_staged_check_wrote_read_without_git(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _staged(root, CHECKED)
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    _few(root, CHECKED)
    (root / OTHER).unlink()
    _account(root, "accounts/library/new-one.yaml", handle="@x.example.org")
    git(root, "add", "-A")
    _account(root, "accounts/library/new-one.yaml", handle=HANDLE)  # staged: another handle
    assert _staged(root, CHECKED) == _in_index(root, tmp_path)
    shutil.rmtree(root / ".git")
    in_files = _in_files(root, tmp_path)
    assert _clash(in_files)
    assert _few(root, CHECKED) == in_files
    assert _staged(root, CHECKED) == in_files


def test_a_store_a_staged_check_wrote_read_by_a_check_of_many_files(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _staged(root, CHECKED)
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    _account(root, OTHER, handle="@other.example.org")  # not staged
    assert _clash(_staged(root, CHECKED))
    in_files = _in_files(root, tmp_path)
    assert _as_tuples(check_repository(root, [CHECKED], TODAY).findings) == in_files
    _agree(root, tmp_path)


def test_org_files_given_with_staged(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    runner = CliRunner()
    arguments = ["--root", str(root), "validate", "--today", "2026-11-21", "--format", "json"]
    given = [str(root / "org/policy.yaml"), str(root / CHECKED)]
    staged = runner.invoke(main, [*arguments, "--staged", *given])
    plain = runner.invoke(main, [*arguments, *given])
    assert '"path": "accounts/library/fresh.yaml"' in plain.output
    assert staged.exit_code == plain.exit_code, (staged.output, plain.output)
    assert staged.output == plain.output


def test_a_unit_folder_whose_name_is_not_utf_8(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _agree(root, tmp_path)
    folder = "accounts/caf\udce9"  # os.fsdecode of the Latin-1 byte \xe9
    _account(root, f"{folder}/same-handle.yaml", handle=HANDLE)
    _agree(root, tmp_path)
    git(root, "add", "-A")
    _agree(root, tmp_path)
    assert _clash(_staged(root, CHECKED))
    shutil.rmtree(root / ".git")  # the folders the store keeps, without Git
    in_files = _in_files(root, tmp_path)
    assert _few(root, CHECKED) == in_files == _few(root, CHECKED)


def _work_of_update(store: IndexStore, rows: list[FileRow]) -> int:
    """How much SQLite works to write `rows`: its virtual machine's steps, in thousands (not a
    time: the same on every machine)."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0  # go on

    store._database.set_progress_handler(count, 1000)
    store.update(rows)
    store._database.set_progress_handler(None, 0)
    return steps[0]


def test_replacing_many_rows_is_as_much_work_as_writing_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A check of the work tree after a staged one (or a pull) writes again the rows of every
    # record that changed: more than _BULK of them drops the indexes, which the deletion of the
    # replaced rows' keys needs (25,000 records took 70 seconds instead of 8).
    monkeypatch.setattr(index_store, "_BULK", 100)
    store = IndexStore(tmp_path, "test")
    store.files()

    def rows(version: int) -> list[FileRow]:
        return [
            FileRow(
                f"a/{n}.yaml",
                "a",
                None,
                (version, 1, 1, n),
                "{}",
                [hashed_key(f"k{n}-{m}") for m in range(8)],
            )
            for n in range(3000)
        ]

    written = _work_of_update(store, rows(1))
    replaced = _work_of_update(store, rows(2))
    assert replaced < 3 * written, (written, replaced)
    assert set(dict(store.entries_with_keys(["k5-3"]))) == {"a/5.yaml"}
    store.close()


def test_a_policy_sender_spelt_like_the_account_checked(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    policy = root / "org/policy.yaml"
    text = policy.read_text(encoding="utf-8")
    policy.write_text(text.replace("  senders:\n", "  senders:\n    - fresj\n", 1), "utf-8")
    git(root, "add", "-A")
    in_index = _in_index(root, tmp_path)
    assert any("Did you mean fresh?" in finding[5] for finding in in_index)
    # The file checked has a row (the first staged check builds the store from the work
    # tree): its account is still one of all the accounts, as in a whole check.
    assert _staged(root, CHECKED) == in_index
    assert _staged(root, CHECKED) == in_index
    assert _few(root, CHECKED) == in_index


def test_a_record_the_work_tree_made_a_link(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    _agree(root, tmp_path)
    (root / OTHER).unlink()
    (root / OTHER).symlink_to("copy-one.yaml")  # a typechange Git sees, not staged
    _agree(root, tmp_path)


def test_a_record_added_with_intent_to_add(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _agree(root, tmp_path)
    _account(root, OTHER.replace("same-address", "intent"), handle=HANDLE)
    git(root, "add", "-N", OTHER.replace("same-address", "intent"))
    _agree(root, tmp_path)


def test_many_files_to_look_at_are_found_in_one_reading_of_the_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Untracked drafts stay among the files a check of the work tree looks at (Git does not
    # vouch for them); each one looked up alone in Git's listing read all of it: 4 of the
    # 4.3 seconds of `validate FILE` at 25,000 records with 5,000 drafts.
    root = _registry(tmp_path)
    for number in range(100):
        _account(root, f"accounts/drafts/draft-{number}.yaml", handle=f"@d{number}.example.org")
    _few(root, CHECKED)
    lookups = [0]
    one_lookup = git_view._blob_of

    def counted(*arguments: Any) -> str | None:
        lookups[0] += 1
        return one_lookup(*arguments)

    monkeypatch.setattr(git_view, "_blob_of", counted)
    for _ in range(2):
        assert _few(root, CHECKED) == _in_files(root, tmp_path)
        assert _staged(root, CHECKED) == _in_index(root, tmp_path)
    assert lookups[0] <= 4 * 32, lookups[0]
