"""Reports linear in the problems (issue 15): a value shared by many files is one finding per
file, naming the first few others in path order and counting the rest.

Each test builds a small registry in tmp_path from tests/rules/fixture (not the example
organisation) and adds accounts that share a handle, an address, a permanent id or a record id.
"""

from __future__ import annotations

import datetime
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.rules.casefiles import FIXTURE, git, make_repository, merge

from socialreg import parallel
from socialreg.check.differential import differential_report
from socialreg.check.pipeline import check_repository
from socialreg.findings import Finding
from socialreg.wording import FEW

TODAY = datetime.date(2026, 11, 21)
SHARED_URL = "https://bsky.app/profile/shared.example.org"
MORE = re.compile(r" and ([\d,]+) more files?\b")


def _account(number: int, **change: Any) -> dict[str, Any]:
    template = yaml.safe_load((FIXTURE / "templates" / "account.yaml").read_text("utf-8"))
    own = {"handle": f"@account{number}.example.org", "url": SHARED_URL}
    data = merge(template, {**own, **change})
    assert isinstance(data, dict)
    return data


def _write(root: Path, path: str, data: dict[str, Any]) -> None:
    file = root / path
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _add_units(root: Path, units: list[str]) -> None:
    file = root / "org" / "units.yaml"
    document = yaml.safe_load(file.read_text(encoding="utf-8"))
    for unit in units:
        document["units"][unit] = dict(document["units"]["library"])
    file.write_text(yaml.safe_dump(document, sort_keys=False, allow_unicode=True), "utf-8")


def _check(root: Path) -> list[Finding]:
    return check_repository(root, None, TODAY).findings


def _at(findings: list[Finding], rule: str, json_path: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule and f.json_path == json_path]


def _named_and_more(message: str, candidates: list[str]) -> tuple[list[str], int]:
    """Which of `candidates` the message names, in the order it names them, and its count."""
    named = sorted((message.index(path), path) for path in candidates if path in message)
    found = MORE.search(message)
    return [path for _, path in named], int(found.group(1).replace(",", "")) if found else 0


def _assert_one_per_file(findings: list[Finding], paths: list[str]) -> None:
    """Each of `paths` has exactly one finding, naming the first few others and counting the
    rest, so that named + counted is every other file."""
    assert sorted(f.path for f in findings) == sorted(paths)
    for finding in findings:
        others = sorted(path for path in paths if path != finding.path)
        named, more = _named_and_more(finding.message, others)
        assert named == others[:FEW], finding.message
        assert more == len(others) - len(named), finding.message
        assert len(finding.message) < 1000


def _shared_url_registry(root: Path, units: list[str], per_unit: int) -> list[str]:
    make_repository(root)
    _add_units(root, units)
    paths = []
    for index, unit in enumerate(units):
        for number in range(per_unit):
            path = f"accounts/{unit}/shared-{index}-{number}.yaml"
            _write(root, path, _account(index * 100 + number, unit=unit))
            paths.append(path)
    return paths


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    units=st.lists(st.sampled_from(["aa", "library", "mm", "zz"]), min_size=1, max_size=3).map(
        lambda units: sorted(set(units))
    ),
    per_unit=st.integers(min_value=1, max_value=7),
)
def test_files_sharing_an_address_get_one_finding_each(units: list[str], per_unit: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "registry"
        paths = _shared_url_registry(root, units, per_unit)
        findings = _at(_check(root), "SR108", "$.url")
    if len(paths) == 1:
        assert findings == []
    else:
        _assert_one_per_file(findings, paths)


def test_many_files_sharing_an_address_get_one_finding_each_not_one_per_pair(
    tmp_path: Path,
) -> None:
    # One per pair of files before: 89,700 findings here; 999,000 (400 MB of JSON) for 1,000.
    paths = _shared_url_registry(tmp_path / "registry", ["library"], 300)
    findings = _check(tmp_path / "registry")
    shared = _at(findings, "SR108", "$.url")
    _assert_one_per_file(shared, paths)
    assert "and 296 more files" in shared[0].message
    assert len(findings) <= 3 * len(paths)  # with a warning about the unit and one per handle


def test_the_files_named_do_not_depend_on_how_the_work_was_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "registry"
    _shared_url_registry(root, ["aa", "library", "zz"], 5)
    serial = _check(root)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parallel.worker_count(10) == 2
    assert sorted(_check(root), key=Finding.sort_key) == sorted(serial, key=Finding.sort_key)


def test_files_sharing_a_handle_get_one_finding_each(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "registry")
    paths = []
    for number in range(6):
        path = f"accounts/library/same-handle-{number}.yaml"
        # The same handle as people read it: letter case and widths do not count.
        handle = "@Shared.example.org" if number % 2 else "@\uff53hared.example.org"
        url = f"https://bsky.app/profile/own{number}.example.org"
        _write(root, path, _account(number, handle=handle, url=url))
        paths.append(path)
    findings = _at(_check(root), "SR108", "$.handle")
    _assert_one_per_file(findings, paths)
    assert all("written differently" in f.message for f in findings)


def test_files_sharing_a_permanent_id_get_one_finding_each(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "registry")
    paths = []
    for number in range(5):
        path = f"accounts/library/same-id-{number}.yaml"
        url = f"https://bsky.app/profile/own{number}.example.org"
        did = "did:plc:" + "a" * 24
        _write(root, path, _account(number, url=url, platform_id=did))
        paths.append(path)
    findings = _check(root)
    _assert_one_per_file(_at(findings, "SR108", "$.platform_id"), paths)


def test_an_address_and_an_id_address_shared_with_different_files_are_counted_once(
    tmp_path: Path,
) -> None:
    root = make_repository(tmp_path / "registry")
    did = "did:plc:" + "b" * 24
    record = "accounts/library/both.yaml"
    _write(root, record, _account(0, platform_id=did))
    same_url = [f"accounts/library/url-{n}.yaml" for n in range(3)]
    same_did = [f"accounts/library/did-{n}.yaml" for n in range(2)]
    for number, path in enumerate(same_url, 1):
        _write(root, path, _account(number))
    for number, path in enumerate(same_did, 10):
        _write(root, path, _account(number, url=f"https://bsky.app/profile/{did}"))
    (finding,) = [f for f in _at(_check(root), "SR108", "$.url") if f.path == record]
    named, more = _named_and_more(finding.message, same_url + same_did)
    assert named == sorted(same_url + same_did)[:FEW]
    assert more == 2


def test_files_with_the_same_record_id_name_the_first_few_others(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "registry")
    units = [f"unit-{letter}" for letter in "abcdef"]
    _add_units(root, units)
    paths = [f"accounts/{unit}/twin.yaml" for unit in units]
    for number, path in enumerate(paths):
        unit = path.split("/")[1]
        url = f"https://bsky.app/profile/twin{number}.example.org"
        _write(root, path, _account(number, unit=unit, url=url))
    findings = [f for f in _check(root) if f.rule == "SR013" and "has the id" in f.message]
    _assert_one_per_file(findings, paths)


def test_a_handle_like_many_official_ones_is_one_finding(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "registry")
    handles = ["library.news", "library_news", "library-news", "librarynews", "librarynew"]
    paths = []
    for number, handle in enumerate(handles):
        path = f"accounts/library/alike-{number}.yaml"
        url = f"https://bsky.app/profile/alike{number}.example.org"
        _write(root, path, _account(number, handle=f"@{handle}.example.org", url=url))
        paths.append(path)
    findings = _at(_check(root), "SR121", "$.handle")
    assert sorted(f.path for f in findings) == paths  # one each, not one per look-alike
    crowded = [f for f in findings if "several official accounts" in f.message]
    assert crowded
    for finding in crowded:
        named = [path for path in paths if path in finding.message and path != finding.path]
        assert 2 <= len(named) <= FEW


# validate --base: the count in a message changes when a file is added, and must not make the
# findings already there new.


def _commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def _registry_on_main(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    _commit(root, "registry")
    git(root, "checkout", "-q", "-b", "change")


def test_adding_one_more_duplicate_makes_only_its_finding_new(tmp_path: Path) -> None:
    root = tmp_path / "registry"
    paths = _shared_url_registry(root, ["library"], 6)
    _registry_on_main(root)
    added = "accounts/library/shared-9-9.yaml"
    _write(root, added, _account(999))
    _commit(root, "one more")
    report = differential_report(root, None, TODAY, "main")
    new = _at(report.new_findings, "SR108", "$.url")
    existing = _at(report.existing_findings, "SR108", "$.url")
    assert [f.path for f in new] == [added]
    assert sorted(f.path for f in existing) == paths
    # The messages of the existing ones now count one file more, and they are still existing.
    assert all("and 3 more files" in f.message for f in existing)
    assert report.baseline is not None
    assert not [f for f in report.baseline.fixed if f.rule == "SR108"]


def test_a_new_duplicate_of_an_untouched_file_is_said_once_at_the_changed_files(
    tmp_path: Path,
) -> None:
    # The untouched file sorts last, so the changed files' messages name other changed files
    # first and count it among "more": it is still said there, not moved there a second time.
    root = make_repository(tmp_path / "registry")
    untouched = "accounts/library/zz-original.yaml"
    _write(root, untouched, _account(0))
    _registry_on_main(root)
    added = [f"accounts/library/aa-copy-{number}.yaml" for number in range(5)]
    for number, path in enumerate(added, 1):
        _write(root, path, _account(number))
    _commit(root, "five copies")
    report = differential_report(root, None, TODAY, "main")
    duplicates = [f for f in report.new_findings if f.rule == "SR108" and f.json_path == "$.url"]
    assert sorted(f.path for f in duplicates) == added
    assert not any("not changed here" in f.message for f in report.findings)
