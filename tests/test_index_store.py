"""The index store: a check of a few files finds what a check with every record indexed finds,
while reading only the entries that matter, and never trusts a row its file no longer matches."""

from __future__ import annotations

import dataclasses
import datetime
import errno
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg.check.pipeline import ValidateOptions, check_few, check_repository, validate
from socialreg.identity.lookalike import bait_key, may_share_search_key, search_keys, sketch
from socialreg.load import discover, index_store, look_ahead
from socialreg.load import index_cache as cache
from socialreg.load.index_cache import org_cache_file
from socialreg.load.index_store import STORE_FILE, FileRow, IndexStore, hashed_key
from tests.rules.casefiles import _template, git, make_repository

TODAY = datetime.date(2026, 11, 21)
Found = list[tuple[str, int, int, str, str, str]]


def _write(root: Path, path: str, data: dict[str, Any]) -> None:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


def _account(root: Path, path: str, **fields: object) -> None:
    data = _template("account")
    data.update(fields)
    _write(root, path, data)


def _campaign(root: Path, path: str, **fields: object) -> None:
    data = _template("campaign")
    data.update(fields)
    _write(root, path, data)


def _tangled(root: Path) -> Path:
    """A registry where records relate in every way the rules follow (rules/relations.py)."""
    make_repository(root)
    handle = "@library.example.org"  # the template's handle
    _account(root, "accounts/library/copy-one.yaml", handle=handle)
    _account(root, "accounts/library/copy-two.yaml", handle=handle.upper() + "/")
    _account(
        root,
        "accounts/library/related.yaml",
        handle="@library.archive.example.org",
        url="https://bsky.app/profile/library.archive.example.org",
        decision={"related_accounts": ["copy-one", "nowhere", "related"]},
    )
    _account(
        root,
        "accounts/library/lookalike.yaml",
        handle="@library.exampie.org",
        url="https://bsky.app/profile/library.exampie.org",
    )
    _account(
        root,
        "accounts/library/official-bait.yaml",
        handle="@officiallibrary.example.org",
        url="https://bsky.app/profile/officiallibrary.example.org",
    )
    _account(
        root,
        "accounts/library/numbered-7.yaml",
        handle="@library7.example.org",
        url="https://bsky.app/profile/library7.example.org",
    )
    _account(
        root,
        "accounts/library/archived.yaml",
        handle="@library.exanple.org",
        url="https://bsky.app/profile/library.exanple.org",
        status="archived",
    )
    # The same id in another unit's folder, the same address in another unit.
    _account(root, "accounts/communications/copy-one.yaml", handle="@elsewhere.example.org")
    _account(
        root,
        "accounts/communications/same-address.yaml",
        handle="@another.example.org",
        url="https://bsky.app/profile/library.exampie.org/",
    )
    _campaign(root, "campaigns/library/from-nowhere.yaml", sender="no-such-account")
    _campaign(root, "campaigns/library/from-a-library-page.yaml", sender="library-facebook")
    _campaign(root, "campaigns/library/from-instagram.yaml", sender="uni-instagram")
    _campaign(
        root,
        "campaigns/communications/instagram-from-facebook.yaml",
        sender="uni-facebook",
        placements={"instagram": ["stream"]},
    )
    _campaign(root, "campaigns/communications/from-instagram.yaml", sender="uni-instagram")
    return root


def _as_tuples(findings: list[Any]) -> Found:
    return sorted((f.path, f.line, f.column, f.rule, str(f.severity), f.message) for f in findings)


def _records(root: Path) -> list[str]:
    return sorted(
        path.relative_to(root).as_posix()
        for folder in ("accounts", "campaigns")
        for path in (root / folder).rglob("*.yaml")
    )


def _everything_indexed(root: Path, path: str) -> Found:
    return _as_tuples(check_repository(root, (path,), TODAY).findings)


def _few(root: Path, *paths: str) -> Found:
    return _as_tuples(check_few(root, paths, TODAY).findings)


def _registry(tmp_path: Path, in_git: bool) -> Path:
    """`_tangled`, committed to Git when `in_git`."""
    root = _tangled(tmp_path / "repo")
    if in_git:
        _in_git(root)
    return root


def _in_git(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "registry")


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_each_file_alone_finds_what_it_finds_with_every_record_indexed(
    tmp_path: Path, in_git: bool
) -> None:
    root = _registry(tmp_path, in_git)
    expected = {path: _everything_indexed(root, path) for path in _records(root)}
    rules = {finding[3] for found in expected.values() for finding in found}
    # The relations the store must follow all make findings here.
    assert {"SR108", "SR121", "SR203", "SR204"} <= rules
    assert any("Another account has the id" in f[5] for found in expected.values() for f in found)
    for run in ("cold", "warm"):
        for path in _records(root):
            assert _few(root, path) == expected[path], (run, path)
    assert (root / STORE_FILE).is_file()
    # Several files at once, as the pre-commit hook passes them.
    some = _records(root)[:5]
    assert _few(root, *some) == _as_tuples(check_repository(root, some, TODAY).findings)


def test_validate_of_a_few_files_reads_only_related_entries(tmp_path: Path) -> None:
    root = _tangled(tmp_path / "repo")
    for number in range(30):  # unrelated accounts: other handles, addresses and folders
        _account(
            root,
            f"accounts/unit-{number}/far-{number}.yaml",
            handle=f"@far{number}.example.org",
            url=f"https://bsky.app/profile/far{number}.example.org",
        )
    path = "accounts/library/copy-one.yaml"
    validate(ValidateOptions(root, (path,), TODAY, strict=False))  # fills the store
    result = check_few(root, (path,), TODAY)
    indexed = {summary.path for ids in result.repository.index.values() for summary in ids.values()}
    assert "accounts/library/copy-two.yaml" in indexed  # the same handle
    assert not any(p.startswith("accounts/unit-") for p in indexed)
    report = validate(ValidateOptions(root, (path,), TODAY, strict=False))
    assert _as_tuples(report.findings) == _everything_indexed(root, path)


def _clashes_with(root: Path, checked: str, name: str) -> bool:
    """Whether the checked account's handle is reported as registered in `name`."""
    return any(
        f[3] == "SR108"
        and " handle " in f[5].split(" is already registered")[0]
        and f"/{name}.yaml" in f[5]
        for f in _few(root, checked)
    )


def _edit(path: Path, old: str, new: str) -> None:
    """Change a file in place keeping its size, with a modification time just after."""
    text = path.read_text(encoding="utf-8")
    assert len(old) == len(new) and old in text
    status = path.stat()
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000))


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_changes_since_the_last_run_are_seen(tmp_path: Path, in_git: bool) -> None:
    root = _registry(tmp_path, in_git)
    checked = "accounts/library/copy-one.yaml"

    def same_as_everything() -> None:
        assert _few(root, checked) == _everything_indexed(root, checked)

    def clashes_with(name: str) -> bool:
        return _clashes_with(root, checked, name)

    same_as_everything()
    assert clashes_with("copy-two")
    # An edit in place that takes away the clash.
    _edit(root / "accounts/library/copy-two.yaml", "LIBRARY.EXAMPLE.ORG", "LIBRARY.EXAMPLE.ORX")
    same_as_everything()
    assert not clashes_with("copy-two")
    # A new file in a new folder, then staged and committed.
    _account(root, "accounts/new-unit/copy-three.yaml", handle="@library.example.org")
    same_as_everything()
    assert clashes_with("copy-three")
    if in_git:
        git(root, "add", "-A")
        same_as_everything()
        git(root, "commit", "-q", "-m", "more")
        same_as_everything()
    # Renamed, then deleted.
    moved = root / "accounts/new-unit/copy-four.yaml"
    (root / "accounts/new-unit/copy-three.yaml").rename(moved)
    same_as_everything()
    assert clashes_with("copy-four")
    moved.unlink()
    same_as_everything()
    assert not clashes_with("copy-four")
    # A file in a hidden folder is not a record, whatever it says.
    _account(root, "accounts/.drafts/copy-five.yaml", handle="@library.example.org")
    same_as_everything()
    assert not clashes_with("copy-five")


def _forge(root: Path, path: str, entry: str, mtime: int | None = None) -> None:
    database = sqlite3.connect(root / STORE_FILE)
    with database:
        database.execute("UPDATE files SET entry = ? WHERE path = ?", (entry, path))
        if mtime is not None:
            database.execute("UPDATE files SET mtime = ? WHERE path = ?", (mtime, path))
    database.close()


def test_a_committed_store_is_never_read(tmp_path: Path) -> None:
    """Someone commits .socialreg-cache/ with a row that hides a duplicate: its blob is the
    file's, so only knowing that the store is not ours keeps the check honest."""
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    assert any("copy-two" in f[5] for f in expected)
    _forge(root, "accounts/library/copy-two.yaml", '[{"platform": "x"}, [null, null, []]]')
    git(root, "add", "-f", ".socialreg-cache")
    git(root, "commit", "-q", "-m", "a cache of our own")
    assert _few(root, checked) == expected


def test_a_row_whose_file_changed_is_read_again(tmp_path: Path) -> None:
    root = _tangled(tmp_path / "repo")
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    _forge(root, "accounts/library/copy-two.yaml", '[{"platform": "x"}, [null, null, []]]', 1)
    assert _few(root, checked) == expected


@pytest.mark.parametrize("content", [b"not a database", b"", b"SQLite format 3\x00broken"])
def test_a_broken_store_is_made_again(tmp_path: Path, content: bytes) -> None:
    root = _tangled(tmp_path / "repo")
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    for extra in ("-wal", "-shm"):
        (root / f"{STORE_FILE}{extra}").unlink(missing_ok=True)
    (root / STORE_FILE).write_bytes(content)
    assert _few(root, checked) == expected
    assert _few(root, checked) == expected


def test_a_read_only_checkout_still_validates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tangled(tmp_path / "repo")
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    shutil.rmtree(root / STORE_FILE.parent)

    def refuse(*arguments: object, **keywords: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert _few(root, checked) == expected
    assert not (root / STORE_FILE.parent).exists()


def test_the_store_is_never_committed(tmp_path: Path) -> None:
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    _few(root, "accounts/library/copy-one.yaml")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ".socialreg-cache" not in status


def test_a_warm_run_leaves_the_cache_folders_gitignore_as_it_is(tmp_path: Path) -> None:
    root = _tangled(tmp_path / "repo")
    checked = "accounts/library/copy-one.yaml"
    _few(root, checked)
    ignore = root / STORE_FILE.parent / ".gitignore"
    assert ignore.read_text(encoding="utf-8") == "*\n"
    os.utime(ignore, ns=(1_000_000_000, 1_000_000_000))
    _few(root, checked)
    assert ignore.stat().st_mtime_ns == 1_000_000_000
    ignore.write_text("*.sqlite\n", encoding="utf-8")  # not what it must be: written again
    _few(root, checked)
    assert ignore.read_text(encoding="utf-8") == "*\n"


def test_a_gitignore_that_cannot_be_written_does_not_make_the_store_start_again(
    tmp_path: Path,
) -> None:
    root = _tangled(tmp_path / "repo")
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    ignore = root / STORE_FILE.parent / ".gitignore"
    ignore.unlink()
    ignore.mkdir()  # cannot be written, even by root (the tests run as root)
    database = sqlite3.connect(root / STORE_FILE)
    with database:
        database.execute("INSERT INTO meta VALUES ('left-by-the-test', 1)")
    database.close()
    assert _few(root, checked) == expected
    database = sqlite3.connect(root / STORE_FILE)
    kept = database.execute("SELECT value FROM meta WHERE name = 'left-by-the-test'").fetchall()
    database.close()
    assert kept == [(1,)]  # the same store, not one made anew (each run would read every file)


def test_a_whole_check_and_a_large_partial_one_agree_with_the_store(tmp_path: Path) -> None:
    """`check_repository(only=...)` reads every entry from the same store."""
    root = _tangled(tmp_path / "repo")
    checked = ("accounts/library/copy-one.yaml", "campaigns/library/from-nowhere.yaml")
    cold = _as_tuples(check_repository(root, checked, TODAY).findings)
    _few(root, checked[0])  # the store now has every row
    assert _as_tuples(check_repository(root, checked, TODAY).findings) == cold
    whole = _as_tuples(check_repository(root, None, TODAY).findings)
    assert [f for f in whole if f[0] in checked] == [f for f in cold if f[0] in checked]


def test_without_git_the_folders_are_walked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    monkeypatch.setenv("PATH", str(tmp_path / "nowhere"))  # no git to ask
    assert _few(root, checked) == expected
    _account(root, "accounts/new-unit/copy-three.yaml", handle="@library.example.org")
    assert _clashes_with(root, checked, "copy-three")


def _file_ids(root: Path) -> dict[str, int]:
    database = sqlite3.connect(root / STORE_FILE)
    try:
        return dict(database.execute("SELECT path, id FROM files"))
    finally:
        database.close()


def test_outside_git_the_stampers_share_the_rows_and_miss_no_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Outside Git, look_ahead.STAMPERS processes each compare a share of the store's rows
    with the files: every row in exactly one share, and a changed file found in any."""
    monkeypatch.setattr(cache, "RECENT_NS", 0)  # files are trusted by their stamps at once
    root = _tangled(tmp_path / "repo")
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    ids = _file_ids(root)
    parts = look_ahead.STAMPERS
    assert parts >= 2 and len(ids) >= 2 * parts
    nothing = [look_ahead.stale_files(root, part, parts) for part in range(parts)]
    assert all(stale is not None and stale.paths == [] for stale in nothing)
    # One changed file in each share.
    changed = [min(path for path, id in ids.items() if id % parts == part) for part in range(parts)]
    for path in changed:
        with (root / path).open("a", encoding="utf-8") as file:
            file.write("# changed\n")
    found = [look_ahead.stale_files(root, part, parts) for part in range(parts)]
    assert [stale.paths if stale else None for stale in found] == [[path] for path in changed]
    with look_ahead.LookAhead(root) as look:
        stale = look.stale()
    assert stale is not None and sorted(stale.paths) == sorted(changed)
    assert stale.token == found[0].token and stale.token is not None  # type: ignore[union-attr]
    assert _few(root, checked) == expected  # a comment changes no finding


def test_every_row_is_in_one_stampers_share_whatever_its_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shares are by the remainder of the row's id: a negative id (SQLite's remainder is
    then negative) is in a share too, and its file is compared."""
    monkeypatch.setattr(cache, "RECENT_NS", 0)  # files are trusted by their stamps at once
    root = _tangled(tmp_path / "repo")
    _few(root, "accounts/library/copy-one.yaml")
    ids = _file_ids(root)
    path = sorted(ids)[0]
    database = sqlite3.connect(root / STORE_FILE)
    with database:
        # An odd negative id: its remainder by 2 is -1.
        database.execute(
            "UPDATE files SET id = ? WHERE path = ?", (-2 * max(ids.values()) - 1, path)
        )
    database.close()
    with (root / path).open("a", encoding="utf-8") as file:
        file.write("# changed\n")
    parts = look_ahead.STAMPERS
    shares = [look_ahead.stale_files(root, part, parts) for part in range(parts)]
    assert [found for share in shares if share for found in share.paths] == [path]


def test_shares_read_before_and_after_another_runs_write_are_not_joined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run that writes a file's row again gives it a new id, which may move it from the
    share not yet read to one already read, while the folders, and so the token, stay as
    they were: shares read on either side of that write are not joined (a hostile review's
    race, with the file edited in place again after the other run)."""
    monkeypatch.setattr(cache, "RECENT_NS", 0)  # files are trusted by their stamps at once
    root = _tangled(tmp_path / "repo")
    checked, other = "accounts/library/copy-one.yaml", "accounts/library/copy-two.yaml"
    _few(root, checked)
    parts = look_ahead.STAMPERS
    first = look_ahead.stale_files(root, 0, parts)
    _edit(root / other, "LIBRARY.EXAMPLE.ORG", "LIBRARY.EXAMPLE.ORX")
    _few(root, checked)  # another run: it reads copy-two again and writes its row
    _edit(root / other, "LIBRARY.EXAMPLE.ORX", "LIBRARY.EXAMPLE.ORG")  # and after it
    rest = [look_ahead.stale_files(root, part, parts) for part in range(1, parts)]
    assert first is not None and all(share is not None for share in rest)
    assert look_ahead.joined_shares([first, *rest]) is None
    together = look_ahead.joined_shares(
        [look_ahead.stale_files(root, part, parts) for part in range(parts)]
    )
    assert together is not None and together.paths == [other]


def test_a_root_that_cannot_be_opened_is_walked_by_whole_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a file descriptor to spare, the folders are looked up by their whole paths:
    the records are all still found (a hostile review: they were reported gone)."""
    monkeypatch.setattr(cache, "RECENT_NS", 0)  # every folder's stamp is trusted at once
    root = _tangled(tmp_path / "repo")
    everything = discover.discover_changes(root, {}, {})
    files = {path: path.rpartition("/")[0] for path in everything.files}
    assert len(files) > 10

    def no_descriptor_to_spare(*arguments: object, **keywords: object) -> int:
        raise OSError(errno.EMFILE, "Too many open files")

    with monkeypatch.context() as patched:
        patched.setattr(os, "open", no_descriptor_to_spare)
        again = discover.discover_changes(root, everything.folders, files)
    assert again.files == everything.files and again.folders == everything.folders
    assert again.scanned == set()


def test_stampers_that_read_the_store_at_different_times_are_not_believed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A share read before another run wrote the store, and one read after, stand for two
    different stores: the check then compares every file itself."""
    root = _tangled(tmp_path / "repo")
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    stale_files = look_ahead.stale_files

    def each_of_another_store(root: Path, part: int, parts: int) -> look_ahead.StaleFiles | None:
        found = stale_files(root, part, parts)
        assert found is not None
        return dataclasses.replace(found, token=f"store {part}", paths=[])

    monkeypatch.setattr(look_ahead, "stale_files", each_of_another_store)
    with look_ahead.LookAhead(root) as look:
        assert look.stale() is None
    assert _clashes_with(root, checked, "copy-two")
    # Believed, the shares would say no file changed: this edit would go unseen.
    _edit(root / "accounts/library/copy-two.yaml", "LIBRARY.EXAMPLE.ORG", "LIBRARY.EXAMPLE.ORX")
    assert _few(root, checked) == _everything_indexed(root, checked) != expected
    assert not _clashes_with(root, checked, "copy-two")


# --- the store itself ------------------------------------------------------------------------


G = hashed_key("g")  # a group of near masks


def _hashed(*keys: str) -> list[int]:
    return [hashed_key(key) for key in keys]


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "indexes made again"])
def test_the_store_finds_rows_by_key_and_by_a_near_mask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk: bool
) -> None:
    if bulk:
        monkeypatch.setattr(index_store, "_BULK", 0)
    store = IndexStore(tmp_path, "test")
    store.files()
    store.update(
        [
            FileRow(
                "a/one.yaml",
                "a",
                None,
                (1, 1, 1, 1),
                '{"n": 1}',
                _hashed("k1", "k2"),
                [(G, 0b1011)],
            ),
            FileRow("a/two.yaml", "a", None, (1, 1, 1, 1), '{"n": 2}', _hashed("k2"), [(G, 0)]),
            FileRow("a/three.yaml", "a", None, (1, 1, 1, 1), None, _hashed("k1")),
        ]
    )
    assert dict(store.entries_with_keys(["k1"])) == {"a/one.yaml": {"n": 1}}  # three: no entry
    assert set(dict(store.entries_with_keys(["k2"]))) == {"a/one.yaml", "a/two.yaml"}
    assert dict(store.entries_with_keys([], [("g", 0b0111)])) == {"a/one.yaml": {"n": 1}}
    assert set(dict(store.entries_with_keys([], [("g", 0b0001)]))) == {"a/one.yaml", "a/two.yaml"}
    assert dict(store.entries_with_keys([], [("other", 0)])) == {}
    store.update(
        [FileRow("a/one.yaml", "a", None, (2, 2, 2, 2), '{"n": 3}', _hashed("k3"))], ["a/two.yaml"]
    )
    assert dict(store.entries_with_keys(["k1", "k2"])) == {}
    assert dict(store.entries_with_keys(["k3"])) == {"a/one.yaml": {"n": 3}}
    assert set(store.files()) == {"a/one.yaml", "a/three.yaml"}
    store.close()
    assert set(IndexStore(tmp_path, "test").files()) == {"a/one.yaml", "a/three.yaml"}
    assert IndexStore(tmp_path, "another version").files() == {}


_KEYS = st.text(alphabet="abcl1i0o7.-_", min_size=0, max_size=12)


@settings(max_examples=3000, deadline=None)
@given(_KEYS, _KEYS)
def test_keys_that_share_a_search_key_have_near_sketches(first: str, second: str) -> None:
    """The store finds look-alike candidates by sketch: it may fetch too many, never too few."""
    shared = search_keys(first) & search_keys(second)
    if shared - {bait_key(first)}:
        assert may_share_search_key(sketch(first), sketch(second))
    if bait_key(first) in shared:
        assert bait_key(first) == bait_key(second)


def test_every_relation_of_the_rules_is_in_the_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule comparing records that the relations do not know would make a few-file check miss
    findings; the equivalence tests above cover these rules, and this list must grow with them."""
    from socialreg.rules.base import all_rules

    comparing = {rule.code for rule in all_rules() if rule.compares_records}
    assert comparing == {"SR108", "SR121", "SR203", "SR204"}
    assert look_ahead.FEW_RECORDS <= 64


def test_org_files_come_from_the_cache_only_while_they_and_the_schemas_are_unchanged(
    tmp_path: Path,
) -> None:
    """A units.yaml of thousands of units is read from the cache, without being parsed or
    schema-checked again, only while it and the schemas are what they were when it was found
    valid; a file with findings is never cached."""
    root = make_repository(tmp_path / "repo")
    checked = "accounts/library/library-facebook.yaml"

    def unit_findings() -> set[str]:
        found = check_few(root, (checked,), TODAY).findings
        return {f.rule for f in found if f.path == "org/units.yaml"}

    first = check_few(root, (checked,), TODAY)
    assert (root / org_cache_file("units")).is_file()
    assert check_few(root, (checked,), TODAY).repository.org_data("units") == (
        first.repository.org_data("units")
    )
    units = root / "org" / "units.yaml"
    valid = units.read_text(encoding="utf-8")
    units.write_text(valid.replace("  library:\n", "  Library:\n", 1), encoding="utf-8")
    assert "SR012" in unit_findings()  # the unit id is no longer valid
    assert "SR012" in unit_findings()  # and a file with findings is not served from the cache
    units.write_text(valid, encoding="utf-8")
    assert unit_findings() == set()
    schema_file = root / "schemas" / "units.schema.json"
    schema = schema_file.read_text(encoding="utf-8")
    stricter = schema.replace(
        '"required": ["name", "contact_email", "supervisors"]',
        '"required": ["name", "contact_email", "supervisors", "phone"]',
        1,
    )
    assert stricter != schema
    schema_file.write_text(stricter, encoding="utf-8")
    assert "SR011" in unit_findings()  # checked again under the schemas that changed


# --- finding the files by the folders that changed --------------------------------------------

_NAMES = st.sampled_from(["a.yaml", "b.yaml", "c.yml", "README.md", ".hidden.yaml", "d.txt"])
_FOLDERS = st.sampled_from(["accounts/u1", "accounts/u2", "accounts/u1/deep", "campaigns/u1",
                            "accounts/.drafts", "campaigns", "accounts"])  # fmt: skip
_CHANGES = st.lists(
    st.tuples(st.sampled_from(["add", "remove", "rename", "remove folder"]), _FOLDERS, _NAMES),
    max_size=8,
)


def _age(root: Path) -> None:
    """Make every folder an hour old, as if nothing had changed for a while."""
    an_hour_ago = datetime.datetime.now().timestamp() - 3600
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir())]:
        os.utime(folder, (an_hour_ago, an_hour_ago))


@settings(max_examples=60, deadline=None)
@given(before=_CHANGES, after=_CHANGES)
def test_the_folders_that_changed_give_what_a_walk_finds(
    tmp_path_factory: pytest.TempPathFactory,
    before: list[tuple[str, str, str]],
    after: list[tuple[str, str, str]],
) -> None:
    from socialreg.load.discover import discover_changes, discover_records

    root = tmp_path_factory.mktemp("tree")

    def apply(changes: list[tuple[str, str, str]]) -> None:
        for change, folder, name in changes:
            path = root / folder / name
            if change == "add":
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text("x", encoding="utf-8")
            elif change == "remove":
                path.unlink(missing_ok=True)
            elif change == "rename" and path.exists():
                path.rename(path.with_name(f"renamed-{name}"))
            elif change == "remove folder":
                shutil.rmtree(root / folder, ignore_errors=True)

    apply(before)
    _age(root)
    first = discover_changes(root, {}, {})
    assert first.files == dict(discover_records(root))
    known = {path: os.path.dirname(path) for path in first.files}
    apply(after)
    again = discover_changes(root, first.folders, known)
    assert again.files == dict(discover_records(root))


@pytest.mark.parametrize("entry", ["{not json", '"a string"', "[1, 2, 3]"])
def test_a_row_that_is_not_an_entry_is_read_from_its_file(tmp_path: Path, entry: str) -> None:
    """Whatever a row holds, the check is the one the files make: a row that is not an entry
    (a broken write, an edit by hand) is replaced by its file, for a few files or for many."""
    root = _tangled(tmp_path / "repo")
    checked = "accounts/library/copy-one.yaml"
    few, many = _few(root, checked), _everything_indexed(root, checked)
    _forge(root, "accounts/library/copy-two.yaml", entry)
    assert _few(root, checked) == few
    _forge(root, "accounts/library/copy-two.yaml", entry)
    assert _everything_indexed(root, checked) == many


# --- what a hostile review found: each case fails with the first version of the store --------


@pytest.fixture
def trusted_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders and files count as old enough to be trusted by their stamps right away (they
    are younger than 2 s in a test), so the paths that skip them are the ones tested."""
    from socialreg.load import index_cache as cache

    monkeypatch.setattr(cache, "RECENT_NS", 0)


def _same(root: Path, path: str = "accounts/library/copy-one.yaml") -> None:
    assert _few(root, path) == _everything_indexed(root, path)


@pytest.mark.usefixtures("trusted_at_once")
@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_a_check_of_many_files_between_two_of_few_loses_nothing(
    tmp_path: Path, in_git: bool
) -> None:
    root = _registry(tmp_path, in_git)
    _same(root)
    # validate --base, or of 65 files and more: every entry, by stamps, from the same store
    check_repository(root, ("accounts/library/copy-two.yaml",), TODAY)
    _same(root)
    _same(root)


@pytest.mark.usefixtures("trusted_at_once")
def test_a_run_without_git_between_two_with_it_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    _same(root)
    _account(root, "accounts/library/copy-three.yaml", handle="@library.example.org")
    with monkeypatch.context() as without_git:
        without_git.setenv("PATH", str(tmp_path / "nowhere"))
        _same(root)
    _edit(root / "accounts/library/copy-three.yaml", "library.example.org", "library.exampXe.org")
    _same(root)
    _same(root)


@pytest.mark.usefixtures("trusted_at_once")
@pytest.mark.parametrize("flag", ["--assume-unchanged", "--skip-worktree"])
def test_files_git_does_not_compare_are_read(tmp_path: Path, flag: str) -> None:
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    _same(root)
    git(root, "update-index", flag, "accounts/library/copy-two.yaml")
    _edit(root / "accounts/library/copy-two.yaml", "LIBRARY.EXAMPLE.ORG", "LIBRARY.EXAMPLE.ORX")
    _same(root)


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_an_edit_that_keeps_size_and_modification_time_is_seen(
    tmp_path: Path, in_git: bool
) -> None:
    root = _registry(tmp_path, in_git)
    _same(root)
    target = root / "accounts/library/copy-two.yaml"
    before = target.stat()
    _edit(target, "LIBRARY.EXAMPLE.ORG", "LIBRARY.EXAMPLE.ORX")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `touch -r` would
    _same(root)


@pytest.mark.usefixtures("trusted_at_once")
@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_folders_swapped_with_their_times_kept_are_read_again(tmp_path: Path, in_git: bool) -> None:
    root = _registry(tmp_path, in_git)
    _same(root)
    library, communications = root / "accounts/library", root / "accounts/communications"
    times = {folder: folder.stat() for folder in (library, communications)}
    library.rename(root / "accounts/swap")
    communications.rename(library)
    (root / "accounts/swap").rename(communications)
    for folder, status in times.items():  # as an archive or `cp -a` leaves them
        other = communications if folder == library else library
        os.utime(other, ns=(status.st_atime_ns, status.st_mtime_ns))
    _same(root)
    _same(root, "accounts/communications/copy-two.yaml")


@pytest.mark.usefixtures("trusted_at_once")
@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_a_folder_that_became_a_link_is_not_walked_through(tmp_path: Path, in_git: bool) -> None:
    root = _tangled(tmp_path / "repo")
    _account(root, "accounts/moved/deep/copy-nine.yaml", handle="@library.example.org")
    if in_git:
        _in_git(root)
    _same(root)
    shutil.move(root / "accounts/moved", tmp_path / "elsewhere")
    (root / "accounts/moved").symlink_to(tmp_path / "elsewhere")
    _same(root)


@pytest.mark.usefixtures("trusted_at_once")
def test_a_path_through_a_linked_folder_is_not_a_record(tmp_path: Path) -> None:
    root = _tangled(tmp_path / "repo")
    (root / "accounts/mirror").symlink_to(root / "accounts/library")
    _same(root, "accounts/mirror/copy-one.yaml")
    assert _few(root, "accounts/mirror/copy-one.yaml") == []


def test_a_policy_sender_that_is_no_account_is_told_the_closest_of_all(tmp_path: Path) -> None:
    root = _tangled(tmp_path / "repo")
    policy_file = root / "org" / "policy.yaml"
    policy = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
    policy.setdefault("advertising", {})["senders"] = ["uni-youtub", "uni-facebook"]
    policy_file.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    _same(root)
    assert any(
        "Did you mean uni-youtube?" in f[5] for f in _few(root, "accounts/library/copy-one.yaml")
    )


@pytest.mark.usefixtures("trusted_at_once")
@pytest.mark.parametrize("table", ["near", "keys", "files"])
def test_a_store_missing_a_table_is_made_again(tmp_path: Path, table: str) -> None:
    root = _tangled(tmp_path / "repo")
    _same(root)
    database = sqlite3.connect(root / STORE_FILE)
    database.execute(f"DROP TABLE {table}")
    database.close()
    _same(root)
    _same(root)


@pytest.mark.usefixtures("trusted_at_once")
def test_a_store_written_elsewhere_is_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store that came with the repository (committed and then untracked, copied, in an
    archive) has rows whose blobs anyone can compute: only a store with this machine's key is
    read."""
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    expected = _few(root, "accounts/library/copy-one.yaml")
    _forge(root, "accounts/library/copy-two.yaml", '[{"platform": "x"}, [null, null, []]]')
    from socialreg.load import index_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))
    index_cache.local_key.cache_clear()
    try:
        assert _few(root, "accounts/library/copy-one.yaml") == expected
    finally:
        index_cache.local_key.cache_clear()


def test_a_cache_folder_that_is_a_link_is_never_used(tmp_path: Path) -> None:
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    _forge(root, "accounts/library/copy-two.yaml", '[{"platform": "x"}, [null, null, []]]')
    shutil.move(root / STORE_FILE.parent, root / "docs-cache")
    (root / STORE_FILE.parent).symlink_to(root / "docs-cache")
    git(root, "add", "-f", ".socialreg-cache", "docs-cache")
    git(root, "commit", "-q", "-m", "a linked cache")
    before = (root / "docs-cache" / STORE_FILE.name).read_bytes()
    assert _few(root, checked) == expected
    assert (root / "docs-cache" / STORE_FILE.name).read_bytes() == before  # never written


def test_a_walk_of_folders_the_store_no_longer_holds_is_not_used(tmp_path: Path) -> None:
    """The forked walk reports changes since the folders it read, with the store's token for
    them; a walk with another token (another run wrote the folders since) is not used: this
    process walks them itself."""
    root = _tangled(tmp_path / "repo")
    _in_git(root)
    checked = "accounts/communications/copy-one.yaml"  # its id is also in accounts/library
    expected = _everything_indexed(root, checked)
    assert any("accounts/library/copy-one.yaml" in finding[5] for finding in expected)
    _few(root, checked)
    library, away = root / "accounts" / "library", tmp_path / "away"
    library.rename(away)
    walked = look_ahead.walk_folders(root)  # made while the library's folder was away
    away.rename(library)
    assert walked is not None and walked.token is not None and "accounts/library" in walked.gone
    outdated = dataclasses.replace(walked, token="another run's")
    with look_ahead.LookAhead(root) as look:
        look.walked = lambda: outdated  # type: ignore[method-assign]
        assert _as_tuples(check_few(root, (checked,), TODAY, look).findings) == expected


def _walks_here(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The roots of the folder walks made in this process from now on (a forked process's
    walks are not counted)."""
    from socialreg.check import context_store

    walks: list[Path] = []
    walk = discover.discover_changes

    def counted(*arguments: Any) -> Any:
        walks.append(arguments[0])
        return walk(*arguments)

    monkeypatch.setattr(context_store, "discover_changes", counted)
    monkeypatch.setattr(look_ahead, "discover_changes", counted)
    return walks


def test_the_folders_are_walked_by_another_process_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk of the folders (an lstat each) is made in a forked process while this one reads
    the org/ files; this process walks them itself only when that walk is of no use."""

    root = _tangled(tmp_path / "repo")
    _in_git(root)
    checked = "accounts/library/copy-one.yaml"
    expected = _few(root, checked)
    walks = _walks_here(monkeypatch)
    assert _few(root, checked) == expected
    assert walks == []  # the forked process walked (its calls are not counted here)
    monkeypatch.setattr(look_ahead, "walk_folders", lambda root: None)
    assert _few(root, checked) == expected
    assert len(walks) == 1


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_a_first_run_takes_its_walk_of_every_folder_from_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool
) -> None:
    """With no store yet, the forked process walks every folder (while this one reads a
    units.yaml that may be megabytes), and this one uses that walk rather than its own."""

    root = _registry(tmp_path, in_git)
    checked = "accounts/library/copy-one.yaml"
    every = {path: _everything_indexed(root, path) for path in _records(root)}
    expected = every[checked]
    shutil.rmtree(root / STORE_FILE.parent, ignore_errors=True)
    walks = _walks_here(monkeypatch)
    assert _few(root, checked) == expected  # a first run
    assert walks == []  # the forked process walked (its calls are not counted here)
    assert (root / STORE_FILE).is_file()
    for path in _records(root):  # and the store it made holds every record
        assert _few(root, path) == every[path], path
    assert walks == []
    # The store written by another run after the walker found none (as if it had): the walk
    # of every folder is not of that store, and this process walks.
    walk_from_nothing = look_ahead.walk_folders

    def no_store_seen(root: Path) -> look_ahead.FolderChanges:
        aside = root / ".aside"
        (root / STORE_FILE.parent).rename(aside)
        try:
            return walk_from_nothing(root)
        finally:
            aside.rename(root / STORE_FILE.parent)

    monkeypatch.setattr(look_ahead, "walk_folders", no_store_seen)
    assert _few(root, checked) == expected
    assert len(walks) == 1


@pytest.mark.parametrize("in_git", [False, True], ids=["folder", "git"])
def test_a_walk_of_every_folder_is_not_taken_for_a_store_that_holds_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_git: bool
) -> None:
    """A store with rows and folders but no token (no run writes one, but a store is data the
    check did not make): the look-ahead's walk of every folder is not of it."""
    root = _registry(tmp_path, in_git)
    checked = "accounts/library/copy-one.yaml"
    expected = _everything_indexed(root, checked)
    assert _few(root, checked) == expected
    with sqlite3.connect(root / STORE_FILE) as database:
        database.execute("DELETE FROM meta WHERE name = ?", (f"value:{index_store.FOLDERS_TOKEN}",))
    walks = _walks_here(monkeypatch)
    assert _few(root, checked) == expected
    assert len(walks) == 1  # this process walked


def _clash(found: Found) -> bool:
    """Whether copy-two is told that copy-one has its URL (SR108)."""
    return any(
        code == "SR108" and "accounts/communications/copy-one" in message
        for _, _, _, code, _, message in found
    )


@pytest.mark.parametrize(
    "between",
    [
        # A's view is the one it read, so it writes only the files Git did not vouch for (p,
        # edited and then edited back): B's staging must not stay beside A's row of p.
        "staged with the other URL, the edit undone",
        # A writes nothing of its view (p is still edited): the same, with nothing written.
        "staged with the same URL, still edited",
    ],
)
def test_a_run_that_writes_after_another_synced_leaves_no_view_of_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, between: str
) -> None:
    """Run A reads Git's view; run B, started meanwhile, stages a new copy-one and syncs; then
    A writes its rows, made from the view it read. The next run must not take A's rows for
    rows of B's listing."""
    monkeypatch.setattr(cache, "RECENT_NS", 10_000_000)  # files count as unchanged sooner
    root = _registry(tmp_path, True)
    checked, p = "accounts/library/copy-two.yaml", "accounts/communications/copy-one.yaml"
    original = (root / p).read_text("utf-8")
    shared, other = "profile/library.example.org", "profile/other.example.org"
    assert shared in original

    def settle() -> None:
        git(root, "update-index", "-q", "--refresh")
        time.sleep(0.05)

    settle()
    _few(root, checked)
    (root / p).write_text(original.replace(shared, other), "utf-8")
    settle()
    assert not _clash(_few(root, checked))  # p is loose now: edited, not staged
    undone = between.endswith("undone")
    (root / p).write_text(original if undone else original.replace(shared, "profile/x.example"))
    settle()
    finish = index_store.StoreWriter.finish
    armed = [True]

    def finish_after_run_b(writer: index_store.StoreWriter, *args: Any, **kwargs: Any) -> None:
        if armed[0] and (kwargs.get("values") is not None or len(args) >= 5):
            armed[0] = False
            (root / p).write_text(original.replace(shared, other) if undone else original)
            git(root, "add", p)
            time.sleep(0.05)
            _few(root, checked)  # run B
        finish(writer, *args, **kwargs)

    monkeypatch.setattr(index_store.StoreWriter, "finish", finish_after_run_b)
    _few(root, checked)  # run A
    monkeypatch.setattr(index_store.StoreWriter, "finish", finish)
    settle()
    assert _few(root, checked) == _everything_indexed(root, checked)
    assert _clash(_few(root, checked)) is not undone
