"""`validate --staged`: a check of a few files that compares them with the other records as Git's
index holds them (what the commit will hold), for the pre-commit hook."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from socialreg.check.context_store import ContextStore
from socialreg.check.pipeline import check_few
from socialreg.check.schemas import SchemaSet
from socialreg.cli import main
from socialreg.load import index_cache
from socialreg.load.git_view import GitView, StagedOrgFiles
from socialreg.load.model import Repository
from tests.rules.casefiles import git
from tests.test_index_store import TODAY, Found, _account, _as_tuples, _few, _in_git, _tangled
from tests.test_index_store_histories import _what_the_files_say, _what_the_index_says

CHECKED = "accounts/library/fresh.yaml"
OTHER = "accounts/communications/same-address.yaml"
HANDLE = "@fresh.example.org"


@pytest.fixture(autouse=True)
def trusted_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if each check ran long after the change before it (load/index_cache.py).
    monkeypatch.setattr(index_cache, "RECENT_NS", 0)


def _staged(root: Path, *paths: str) -> list[tuple[str, int, int, str, str, str]]:
    return _as_tuples(check_few(root, paths, TODAY, staged=True).findings)


def _clash(found: Found) -> bool:
    """Whether CHECKED's handle is said to be registered already (SR108)."""
    return any(finding[0] == CHECKED and "already registered" in finding[5] for finding in found)


def _registry(tmp_path: Path) -> Path:
    """The tangled registry in Git, with a new account staged for the commit."""
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    _account(root, CHECKED, handle=HANDLE, url="https://bsky.app/profile/fresh.example.org")
    git(root, "add", CHECKED)
    return root


def _in_index(root: Path, tmp_path: Path) -> Found:
    """What a check of every record, as Git's index holds them, finds for CHECKED."""
    return _what_the_index_says(root, [CHECKED], tmp_path / "index")[CHECKED]


def _in_files(root: Path, tmp_path: Path) -> Found:
    """What a check of every record, as the work tree holds them, finds for CHECKED."""
    return _what_the_files_say(root, [CHECKED], tmp_path / "files")[CHECKED]


def _expected(root: Path, tmp_path: Path) -> tuple[Found, Found]:
    """What a check of every record finds for CHECKED: in Git's index, and in the work tree."""
    return _in_index(root, tmp_path), _in_files(root, tmp_path)


def test_the_other_records_are_taken_as_staged_not_as_in_the_work_tree(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    assert not _clash(_staged(root, CHECKED)) and not _clash(_few(root, CHECKED))  # both warm

    # A change that is not staged gives the other record the same handle: the work tree has a
    # clash, the commit does not.
    other = root / OTHER
    committed = other.read_text(encoding="utf-8")
    _account(root, OTHER, handle=HANDLE)
    in_index, in_files = _expected(root, tmp_path)
    assert _clash(_few(root, CHECKED)) and _few(root, CHECKED) == in_files
    assert not _clash(_staged(root, CHECKED)) and _staged(root, CHECKED) == in_index

    # Staged, then taken back in the work tree only: the commit has the clash, the work tree not.
    git(root, "add", OTHER)
    other.write_text(committed, encoding="utf-8")
    in_index, in_files = _expected(root, tmp_path)
    assert _clash(_staged(root, CHECKED)) and _staged(root, CHECKED) == in_index
    assert not _clash(_few(root, CHECKED)) and _few(root, CHECKED) == in_files


def test_files_git_does_not_track_are_not_compared_with(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _staged(root, CHECKED)
    _account(root, "accounts/library/draft.yaml", handle=HANDLE)  # never added
    in_index, in_files = _expected(root, tmp_path)
    assert _clash(_few(root, CHECKED)) and _few(root, CHECKED) == in_files
    assert not _clash(_staged(root, CHECKED)) and _staged(root, CHECKED) == in_index


def test_an_account_git_no_longer_tracks_is_no_sender_of_the_policy(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _staged(root, CHECKED)
    git(root, "rm", "-q", "--cached", "accounts/communications/uni-youtube.yaml")
    in_index, in_files = _expected(root, tmp_path)
    missing = [finding for finding in in_index if "uni-youtube" in finding[5]]
    assert [finding[3] for finding in missing] == ["SR017"]  # org/policy.yaml names it
    assert _staged(root, CHECKED) == in_index
    assert _few(root, CHECKED) == in_files and not any("uni-youtube" in f[5] for f in in_files)


def test_a_record_deleted_but_not_staged_is_still_compared_with(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    assert _clash(_staged(root, CHECKED))
    assert _clash(_few(root, CHECKED))
    (root / OTHER).unlink()  # the commit still holds it
    in_index, in_files = _expected(root, tmp_path)
    assert _clash(in_index) and not _clash(in_files)
    assert _few(root, CHECKED) == in_files  # the work tree's check removes the file's row
    assert _staged(root, CHECKED) == in_index  # so this one reads the blob
    assert _few(root, CHECKED) == in_files
    assert _staged(root, CHECKED) == in_index


def test_a_row_read_from_git_never_stands_for_the_work_tree(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _few(root, CHECKED)
    # Staged: the clash. In the work tree: another handle, of the same size.
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    _account(root, OTHER, handle=HANDLE.replace("fresh", "fresk"))
    assert _clash(_staged(root, CHECKED))  # the row of OTHER is now its blob's
    in_index, in_files = _expected(root, tmp_path)
    assert _few(root, CHECKED) == in_files and not _clash(in_files)
    git(root, "checkout", "--", OTHER)  # now the work tree holds the blob
    in_index, in_files = _expected(root, tmp_path)
    assert _few(root, CHECKED) == in_files and _clash(in_files)
    assert _staged(root, CHECKED) == in_index


def test_the_first_staged_check_builds_the_store(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)  # in the work tree only
    in_index, _ = _expected(root, tmp_path)
    shutil.rmtree(root / ".socialreg-cache", ignore_errors=True)
    assert _staged(root, CHECKED) == in_index
    assert (root / ".socialreg-cache").is_dir()
    assert _staged(root, CHECKED) == in_index  # and from the store


def test_outside_git_the_work_tree_is_all_there_is(tmp_path: Path) -> None:
    root = _tangled(tmp_path / "repo")
    _account(root, CHECKED, handle=HANDLE)
    _account(root, OTHER, handle=HANDLE)
    assert _staged(root, CHECKED) == _few(root, CHECKED)
    assert _clash(_staged(root, CHECKED))


def test_a_view_without_diff_files_cannot_sync_the_work_tree(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    facts = GitView(root, compare=False).facts()
    assert facts is not None and not facts.compared
    assert facts.staged_blob(CHECKED) is not None
    repository = Repository(root=root, schemas=SchemaSet(root / "schemas"))
    with pytest.raises(ValueError, match="diff-files"):
        ContextStore(repository, lambda jobs, contents, may_scan: []).sync_with_git(facts)


def test_the_command_takes_staged_and_refuses_it_with_base(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)  # not staged
    runner = CliRunner()
    arguments = ["--root", str(root), "validate", "--today", "2026-11-21", "--format", "json"]
    staged = runner.invoke(main, [*arguments, "--staged", str(root / CHECKED)])
    plain = runner.invoke(main, [*arguments, str(root / CHECKED)])
    assert "already registered" not in staged.output and "already registered" in plain.output
    both = runner.invoke(main, [*arguments, "--staged", "--base", "HEAD", str(root / CHECKED)])
    assert both.exit_code == 2
    assert "--staged compares with the commit being made" in both.output


def test_rows_read_from_git_are_read_again_once_git_is_gone(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    _account(root, OTHER, handle=HANDLE)
    git(root, "add", OTHER)
    _account(root, OTHER, handle=HANDLE.replace("fresh", "fresk"))  # not staged
    assert _clash(_staged(root, CHECKED))  # the store has OTHER's row from its blob
    shutil.rmtree(root / ".git")
    in_files = _what_the_files_say(root, [CHECKED], tmp_path / "files")[CHECKED]
    assert not _clash(in_files)
    assert _few(root, CHECKED) == in_files


def test_many_files_staged_are_not_compared_with_untracked_ones_either(tmp_path: Path) -> None:
    # More than FEW_RECORDS files are checked with every record read from disk; a draft Git
    # does not track is still no part of the commit.
    root = _registry(tmp_path)
    many = [f"accounts/library/new-{number}.yaml" for number in range(70)]
    for number, path in enumerate(many):
        handle = f"new{number}.example.org"
        _account(root, path, handle=f"@{handle}", url=f"https://bsky.app/profile/{handle}")
    git(root, "add", "--", *many)
    _account(root, "accounts/library/draft.yaml", handle=HANDLE)  # never added
    runner = CliRunner()
    arguments = ["--root", str(root), "validate", "--today", "2026-11-21", "--format", "json"]
    files = [str(root / path) for path in (CHECKED, *many)]
    staged = runner.invoke(main, [*arguments, "--staged", *files])
    plain = runner.invoke(main, [*arguments, *files])
    assert "draft.yaml" not in staged.output
    assert "is already registered in accounts/library/draft.yaml" in plain.output


@pytest.mark.parametrize("run", ["the first run", "a run after a change was staged"])
def test_a_file_that_changes_after_git_compared_it_is_not_taken_for_its_blob(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: str
) -> None:
    """Git says a file is its blob; the file changes before the check reads it (an editor
    saves, a script writes). A row made from what was read must not stand for the blob, or
    later `--staged` checks would compare with the work tree's content."""
    root = _registry(tmp_path)
    if run == "the first run":  # every file is read
        shutil.rmtree(root / ".socialreg-cache", ignore_errors=True)
    else:  # the files whose line in Git's listing changed are read
        assert not _clash(_few(root, CHECKED))
        _account(root, OTHER, handle="@other.example.org")
        git(root, "add", OTHER)
    asked = GitView.facts

    def then_edited(view: GitView) -> object:
        facts = asked(view)
        time.sleep(0.05)  # past the tick of the file system's clock
        _account(root, OTHER, handle=HANDLE)  # after Git compared it, before it is read
        return facts

    with monkeypatch.context() as patched:
        patched.setattr(GitView, "facts", then_edited)
        assert _clash(_few(root, CHECKED))  # the work tree, as read
    in_index = _in_index(root, tmp_path)
    assert not _clash(in_index)  # the commit has no clash: the change is not staged
    assert _staged(root, CHECKED) == in_index
    assert _clash(_few(root, CHECKED)) and _few(root, CHECKED) == _in_files(root, tmp_path)


def _sr014(found: Found) -> bool:
    """Whether CHECKED is told its unit does not exist (SR014)."""
    return any(isinstance(f, tuple) and f[0] == CHECKED and f[3] == "SR014" for f in found)


def test_the_org_files_are_taken_as_staged_too(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    assert not _sr014(_staged(root, CHECKED))  # warm, with the library unit
    units = root / "org" / "units.yaml"
    committed = units.read_text(encoding="utf-8")
    renamed = committed.replace("\n  library:\n", "\n  libraries:\n")
    assert renamed != committed

    # In the work tree only: the commit still has the library unit.
    units.write_text(renamed, encoding="utf-8")
    in_index, in_files = _expected(root, tmp_path)
    assert _sr014(in_files) and not _sr014(in_index)
    assert _staged(root, CHECKED) == in_index
    assert _few(root, CHECKED) == in_files

    # Staged, and then taken back in the work tree: the commit has no library unit.
    git(root, "add", "org/units.yaml")
    units.write_text(committed, encoding="utf-8")
    in_index, in_files = _expected(root, tmp_path)
    assert _sr014(in_index) and not _sr014(in_files)
    assert _staged(root, CHECKED) == in_index
    assert _few(root, CHECKED) == in_files

    # Deleted in the work tree only: the commit keeps it.
    units.unlink()
    in_index = _in_index(root, tmp_path)
    assert _staged(root, CHECKED) == in_index


def _registry_in_a_folder(tmp_path: Path) -> Path:
    """`_registry`, as the folder `registry` of a larger work tree (the returned root)."""
    outer = tmp_path / "outer"
    root = _tangled(outer / "registry")
    _in_git(outer)
    _account(root, CHECKED, handle=HANDLE, url="https://bsky.app/profile/fresh.example.org")
    git(root, "add", CHECKED)
    return root


def _rename_the_library_unit(root: Path) -> None:
    """Rename CHECKED's unit in org/units.yaml on disk (not staged): SR014 in the work tree."""
    units = root / "org" / "units.yaml"
    text = units.read_text(encoding="utf-8")
    assert "\n  library:\n" in text
    units.write_text(text.replace("\n  library:\n", "\n  libraries:\n"), encoding="utf-8")


def test_the_org_files_are_taken_as_staged_in_a_folder_of_a_larger_work_tree(
    tmp_path: Path,
) -> None:
    """The registry is a folder of a larger repository: Git names files from the top of the
    work tree unless asked otherwise."""
    root = _registry_in_a_folder(tmp_path)
    _rename_the_library_unit(root)
    assert _sr014(_few(root, CHECKED))  # the work tree has no library unit
    assert not _sr014(_staged(root, CHECKED))  # the commit has


@pytest.mark.parametrize("how", ["removed from the index only", "never added"])
def test_an_org_file_the_commit_lacks_is_missing_for_a_staged_check(
    tmp_path: Path, how: str
) -> None:
    root = _registry(tmp_path)
    if how == "removed from the index only":
        git(root, "rm", "-q", "--cached", "org/units.yaml")
    else:
        git(root, "rm", "-q", "--cached", "org/units.yaml")
        git(root, "commit", "-q", "-m", "units.yaml not yet added")
    in_index, in_files = _expected(root, tmp_path)
    missing = [f for f in in_index if f[0] == "org/units.yaml"]
    assert missing and "is missing" in missing[0][5]
    assert _staged(root, CHECKED) == in_index
    assert _few(root, CHECKED) == in_files and not any(f[0] == "org/units.yaml" for f in in_files)


def test_an_org_file_that_is_a_link_in_the_commit_is_refused_as_on_disk(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    policy = root / "org" / "policy.yaml"
    text = policy.read_text(encoding="utf-8")
    (root / "org" / "policy-real.yaml").write_text(text, encoding="utf-8")
    policy.unlink()
    policy.symlink_to("policy-real.yaml")
    git(root, "add", "org")
    policy.unlink()
    policy.write_text(text, encoding="utf-8")  # a file in the work tree, a link in the commit
    in_index = _in_index(root, tmp_path)
    refused = [f for f in in_index if f[0] == "org/policy.yaml"]
    assert refused and "symbolic link" in refused[0][5]
    assert _staged(root, CHECKED) == in_index


@pytest.mark.parametrize("flag", ["--skip-worktree", "--assume-unchanged"])
def test_an_org_file_git_does_not_compare_is_taken_from_the_index(
    tmp_path: Path, flag: str
) -> None:
    root = _registry(tmp_path)
    git(root, "update-index", flag, "org/units.yaml")
    _rename_the_library_unit(root)
    in_index = _in_index(root, tmp_path)
    assert not _sr014(in_index)
    assert _staged(root, CHECKED) == in_index


def test_an_org_folder_that_is_a_link_is_read_through_it(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    (root / "org").rename(root / "org-real")
    (root / "org").symlink_to("org-real", target_is_directory=True)
    git(root, "add", "-A")
    in_index = _in_index(root, tmp_path)
    assert not any("is missing" in finding[5] for finding in in_index)
    assert _staged(root, CHECKED) == in_index


def test_an_org_file_the_commit_lacks_is_not_counted_as_checked(tmp_path: Path) -> None:
    root = _registry(tmp_path)
    assert check_few(root, (CHECKED,), TODAY, staged=True).files_checked == 4
    git(root, "rm", "-q", "--cached", "org/units.yaml")
    assert check_few(root, (CHECKED,), TODAY, staged=True).files_checked == 3  # as if deleted
    (root / "org" / "units.yaml").unlink()
    assert check_few(root, (CHECKED,), TODAY).files_checked == 3


def test_the_git_commands_about_org_files_are_waited_for_outside_git(tmp_path: Path) -> None:
    asked = StagedOrgFiles(tmp_path)
    processes = list(asked._processes)
    assert len(processes) == 2
    assert asked.differing() is None
    assert all(process.returncode is not None for process in processes)  # both reaped


def test_git_s_folder_given_relative_to_another_folder_is_still_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`git --git-dir=.git --work-tree=. commit` runs its hooks with these variables relative
    to the top of the work tree; the registry may be a folder below it."""
    root = _registry_in_a_folder(tmp_path)
    _rename_the_library_unit(root)
    monkeypatch.chdir(root.parent)
    monkeypatch.setenv("GIT_DIR", ".git")
    monkeypatch.setenv("GIT_WORK_TREE", ".")
    assert not _sr014(_staged(root, CHECKED))  # the commit still has the library unit
