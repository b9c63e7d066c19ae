"""Adding, deleting and renaming record files rebuilds incrementally, as a full build would.

A rebuild starts from the last build's snapshot of its check (check/incremental.py). When a
record file comes or goes, or a record's index entry changes, the rules that compare records
may judge untouched records otherwise: a second account with a handle gives the first one an
error too. Those records, and only those, are checked again; every other untouched record
keeps its stored findings. Each step here builds over the last build and into a new folder,
and the two must write the same files and say the same.

The registry is this file's own: one Bluesky account in each of a dozen units, so that most
changes concern a few records (the fixture of tests/rules, with units added).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.rules.casefiles import _template, make_repository

from socialreg.check import incremental
from socialreg.check.incremental import (
    JsonText,
    RecordState,
    Snapshot,
    snapshot_from_lines,
    snapshot_lines,
)
from socialreg.check.pipeline import check_repository, load_repository
from socialreg.commands import build as build_command
from socialreg.load.documents import Document
from socialreg.load.model import Record
from socialreg.registry_site.build_manifest import manifest_path, read_check
from socialreg.registry_site.model import (
    Registry,
    compact_public_part,
    public_part,
    published_registry,
)

TODAY = datetime.date(2026, 11, 21)
GENERATED = datetime.datetime(2026, 11, 21, tzinfo=datetime.UTC)
WORDS = (
    "alpha",
    "bravo",
    "charlie",
    "delta",
    "echo",
    "foxtrot",
    "golf",
    "hotel",
    "india",
    "juliett",
    "kilo",
    "lima",
)
MOMENTS = iter(range(1, 10_000))


def _dated_back(path: Path) -> None:
    """Date a file half an hour back, each a second after the last: a file changed within two
    seconds before a build is always checked again (check/incremental.py), which would hide
    what these tests look at."""
    moment = time.time() - 1800 + next(MOMENTS)
    os.utime(path, (moment, moment))


def _write_yaml(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    _dated_back(path)
    return path


def _account(root: Path, unit: str, handle: str | None = None, name: str | None = None) -> Path:
    data = _template("account")
    handle = handle or f"{unit}.example.org"
    data.update(
        handle=f"@{handle}",
        url=f"https://bsky.app/profile/{handle}",
        name=f"The {unit} office",
        unit=unit,
    )
    return _write_yaml(root / "accounts" / unit / f"{name or unit}-bluesky.yaml", data)


def _campaign(root: Path, unit: str, sender: str) -> Path:
    data = _template("campaign")
    data.update(unit=unit, sender=sender, title=f"The {unit} office's spring campaign")
    return _write_yaml(root / "campaigns" / unit / f"{unit}-spring.yaml", data)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    root = make_repository(tmp_path / "registry")
    units_file = root / "org" / "units.yaml"
    units = yaml.safe_load(units_file.read_text(encoding="utf-8"))
    for word in WORDS:
        units["units"][word] = {**units["units"]["library"], "name": f"The {word} office"}
    _write_yaml(units_file, units)
    for word in WORDS[:10]:
        _account(root, word)
    hour_ago = time.time() - 3600
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            if os.stat(path).st_mtime > hour_ago:
                os.utime(path, (hour_ago, hour_ago))
    return root


class Builds:
    """Builds over one folder, each compared with a full build into a new folder; counts the
    checks of every record."""

    def __init__(
        self, root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        self.root = root
        self.capsys = capsys
        self.out = root.parent / "site"
        self.whole_checks = 0
        whole_check = check_repository  # what build_command's is until it is replaced

        def counted(*arguments: Any, **keywords: Any) -> Any:
            self.whole_checks += 1
            return whole_check(*arguments, **keywords)

        monkeypatch.setattr(build_command, "check_repository", counted)
        monkeypatch.setattr(incremental, "_tool_stamps", lambda: ())  # see the other file

    def build(self, out: Path) -> tuple[int, str]:
        options = build_command.BuildOptions(self.root, out, TODAY, False, GENERATED)
        self.capsys.readouterr()
        code, _ = build_command.checked_build(options)
        return code, self.capsys.readouterr().err.replace(str(out), "OUT")

    def again(self) -> tuple[int, str, int]:
        """Build over the last build; returns the exit code, what it said, and how many times
        every record was checked. Fails unless a full build writes and says the same."""
        self.whole_checks = 0
        code, said = self.build(self.out)
        whole = self.whole_checks
        full = self.root.parent / "full"
        assert (code, said) == self.build(full)
        if code == 0:
            mine, theirs = _files(self.out), _files(full)
            assert sorted(mine) == sorted(theirs), "the two builds wrote different files"
            assert [path for path in mine if mine[path] != theirs[path]] == []
        shutil.rmtree(full, ignore_errors=True)
        return code, said, whole


def _files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def builds(
    registry: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Builds:
    return Builds(registry, capsys, monkeypatch)


def _findings(builds: Builds, path: str) -> list[tuple[str, str]]:
    """The findings of `path` in the snapshot the last build over the folder stored."""
    snapshot = read_check(builds.root, builds.out)
    assert snapshot is not None
    return [(finding.rule, finding.message) for finding in snapshot.records[path].findings]


def test_the_registry_of_these_tests_is_clean(builds: Builds) -> None:
    code, said, whole = builds.again()
    assert (code, whole) == (0, 1)
    assert "attention" not in said, said


def _rebuilt_incrementally(builds: Builds) -> str:
    """Build over the last build, which must check no record but those concerned; returns
    what it said."""
    code, said, whole = builds.again()
    assert code == 0, said
    assert whole == 0, "every record was checked again"
    return said


def test_an_added_deleted_or_renamed_account_checks_only_what_it_concerns(builds: Builds) -> None:
    root = builds.root
    assert builds.again()[0] == 0  # the first build: everything

    _account(root, "kilo")  # added, in a unit of its own
    _rebuilt_incrementally(builds)
    assert (builds.out / "accounts" / "kilo-bluesky.html").is_file()

    (root / "accounts" / "bravo" / "bravo-bluesky.yaml").unlink()  # deleted
    _rebuilt_incrementally(builds)
    assert not (builds.out / "accounts" / "bravo-bluesky.html").exists()

    charlie = root / "accounts" / "charlie"
    (charlie / "charlie-bluesky.yaml").rename(charlie / "charlie-office-bluesky.yaml")
    _rebuilt_incrementally(builds)  # renamed: another id, another page
    assert (builds.out / "accounts" / "charlie-office-bluesky.html").is_file()
    assert not (builds.out / "accounts" / "charlie-bluesky.html").exists()

    # Added and removed in one go, and an account's handle changed.
    (root / "accounts" / "kilo" / "kilo-bluesky.yaml").unlink()
    _account(root, "lima")
    _account(root, "delta", handle="delta.office.example.org")
    _rebuilt_incrementally(builds)


def test_an_untouched_record_gains_and_loses_findings_of_the_rules_comparing_records(
    builds: Builds,
) -> None:
    root = builds.root
    alpha = "accounts/alpha/alpha-bluesky.yaml"
    assert builds.again()[0] == 0
    assert _findings(builds, alpha) == []

    # A new account with alpha's handle: both files get an error, though alpha's is untouched.
    _account(root, "kilo", handle="alpha.example.org")
    said = _rebuilt_incrementally(builds)
    assert "error" in said
    assert [rule for rule, _ in _findings(builds, alpha)] != []

    (root / "accounts" / "kilo" / "kilo-bluesky.yaml").unlink()  # and gone again
    said = _rebuilt_incrementally(builds)
    assert "error" not in said
    assert _findings(builds, alpha) == []

    # A campaign sent from the university's Facebook account; then that account is deleted,
    # and the untouched campaign names a sender that does not exist.
    campaign = _campaign(root, "library", "uni-facebook")
    _rebuilt_incrementally(builds)
    place = campaign.relative_to(root).as_posix()
    assert _findings(builds, place) == []
    (root / "accounts" / "communications" / "uni-facebook.yaml").unlink()
    _rebuilt_incrementally(builds)
    assert "uni-facebook" in str(_findings(builds, place))


def test_an_added_record_with_an_id_in_use_names_both_files(builds: Builds) -> None:
    """A full check tells both files of an id used twice; so must a rebuild that checks only
    the new file, although the other is untouched."""
    root = builds.root
    assert builds.again()[0] == 0
    _account(root, "kilo", handle="kilo.example.org", name="alpha")  # alpha-bluesky again
    code, said, whole = builds.again()
    assert (code, whole) == (1, 0)
    assert "accounts/alpha/alpha-bluesky.yaml:" in said
    assert "accounts/kilo/alpha-bluesky.yaml:" in said


def _snapshot_lines(builds: Builds) -> dict[str, str]:
    """The stored snapshot's lines of JSON, by the record file each is about."""
    text = manifest_path(builds.root, builds.out, "check", ".jsonl").read_text(encoding="utf-8")
    header, *lines = text.splitlines()
    assert '"records":' in header
    return {json.loads(line)[0]: line for line in lines}


def test_a_rebuild_stores_the_untouched_records_as_it_read_them(builds: Builds) -> None:
    root = builds.root
    assert builds.again()[0] == 0
    before = _snapshot_lines(builds)
    golf = root / "accounts" / "golf" / "golf-bluesky.yaml"
    data = yaml.safe_load(golf.read_text(encoding="utf-8"))
    _write_yaml(golf, {**data, "purpose": f"Golf. {data['purpose']}"})
    _rebuilt_incrementally(builds)
    after = _snapshot_lines(builds)
    assert sorted(after) == sorted(before)
    assert [path for path in after if after[path] != before[path]] == [
        "accounts/golf/golf-bluesky.yaml"
    ]
    assert "Golf." in after["accounts/golf/golf-bluesky.yaml"]


def test_a_snapshot_cut_short_is_not_used(builds: Builds) -> None:
    assert builds.again()[0] == 0
    assert read_check(builds.root, builds.out) is not None
    path = manifest_path(builds.root, builds.out, "check", ".jsonl")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    assert read_check(builds.root, builds.out) is None
    code, _, whole = builds.again()
    assert (code, whole) == (0, 1)  # everything checked, as in a first build
    assert read_check(builds.root, builds.out) is not None


def test_a_compact_public_part_is_stored_and_read_back_as_the_plain_one() -> None:
    """A large build's check keeps each record's public part as JSON text; the snapshot line
    and the record read back are those of the plain public part."""
    data = json.loads(json.dumps(_template("account"), default=str))  # dates as the loader's
    data["purpose"] = 'Quotes " and \\ backslashes, ünïcode and a line\nbreak.'
    path = "accounts/library/some-bluesky.yaml"
    record = Record("account", "some-bluesky", "library", Document(path, data))
    plain, compact = public_part(record), compact_public_part(record)
    assert isinstance(compact.document.data, JsonText)
    assert json.loads(compact.document.data) == plain.document.data
    lines = [
        next(snapshot_lines(Snapshot("c", 1, {path: RecordState("account", (1, 2), (), None, p)})))
        for p in (plain, compact)
    ]
    assert lines[0] == lines[1]
    read = snapshot_from_lines({"context": "c", "taken_ns": 1}, lines[1:])
    assert read is not None
    published = read.records[path].published
    assert published is not None
    assert published.document.data == plain.document.data


def test_a_public_part_that_json_would_change_is_kept_as_it_is() -> None:
    data = {"name": "A", "audiences": [{1: "a number as a key"}], "decision": {"date": TODAY}}
    record = Record("account", "odd", "library", Document("accounts/library/odd.yaml", data))
    assert compact_public_part(record).document.data == public_part(record).document.data


def test_the_site_model_reads_compact_public_parts_as_plain_ones(registry: Path) -> None:
    """A large build's records reach the site's model as JSON text; the registry made from
    them is the one made from the plain public parts."""
    _campaign(registry, "library", "uni-facebook")
    loaded = load_repository(registry)
    assert len(loaded.records) > 10
    assert all(
        isinstance(compact_public_part(record).document.data, JsonText) for record in loaded.records
    )

    def made_with(publish: Any) -> Registry:
        records = [publish(record) for record in loaded.records]
        repository = dataclasses.replace(loaded, records=records)
        return published_registry(repository, TODAY, GENERATED)

    compact = made_with(compact_public_part)
    assert compact == made_with(public_part)
    assert compact.campaigns and compact.accounts
