"""The index cache: checking a few files knows every other record without reading them again."""

from __future__ import annotations

import datetime
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from socialreg.check.pipeline import check_repository
from socialreg.load.index_cache import CACHE_FILE
from socialreg.load.model import INDEX_KEYS, RecordKind, RecordSummary

TODAY = datetime.date(2026, 11, 21)
CHANGED = "accounts/library/norrvik-library-instagram.yaml"


Entry = tuple[str, str, dict[str, Any]]


def _index(root: Path, only: tuple[str, ...]) -> dict[str, dict[str, Entry]]:
    return _entries(check_repository(root, only, TODAY).repository.index)


def _entries(index: dict[RecordKind, dict[str, RecordSummary]]) -> dict[str, dict[str, Entry]]:
    # The keys other records refer to: a record checked in full has more in its entry (what
    # the rules comparing records read of it), a record that is only context has just these.
    return {
        kind: {
            key: (
                summary.path,
                summary.folder_unit,
                {name: value for name, value in summary.fields.items() if name in INDEX_KEYS},
            )
            for key, summary in ids.items()
        }
        for kind, ids in index.items()
    }


def _findings(root: Path, only: tuple[str, ...]) -> list[tuple[str, str, str]]:
    return sorted(
        (finding.path, finding.rule, finding.message)
        for finding in check_repository(root, only, TODAY).findings
    )


def test_a_warm_cache_gives_the_same_index_and_findings(example_repo: Path) -> None:
    everything = check_repository(example_repo, None, TODAY).repository.index
    assert not (example_repo / CACHE_FILE).exists()  # a whole run needs no cache
    cold = (_index(example_repo, (CHANGED,)), _findings(example_repo, (CHANGED,)))
    assert (example_repo / CACHE_FILE).is_file()
    warm = (_index(example_repo, (CHANGED,)), _findings(example_repo, (CHANGED,)))
    assert cold == warm
    assert cold[0] == _entries(everything)
    assert len(cold[0]["account"]) == len(list((example_repo / "accounts").glob("*/*.yaml")))


def test_the_cache_is_never_committed(example_repo: Path) -> None:
    check_repository(example_repo, (CHANGED,), TODAY)
    ignore = (example_repo / CACHE_FILE.parent / ".gitignore").read_text(encoding="utf-8")
    assert "*" in ignore.splitlines()


def test_a_changed_record_is_read_again(example_repo: Path) -> None:
    check_repository(example_repo, (CHANGED,), TODAY)  # fills the cache
    # Another unit's record takes the same id: only the index can tell.
    twin = example_repo / "accounts/careers/norrvik-library-instagram.yaml"
    shutil.copy(example_repo / CHANGED, twin)
    # The twin sorts first, so the file checked is the second one with the id.
    messages = [message for _, _, message in _findings(example_repo, (CHANGED,))]
    assert any("Another account has the id `norrvik-library-instagram`" in m for m in messages)
    # An edit in place (same name) is seen too.
    source = example_repo / "accounts/careers/norrvik-careers-x.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("status: archived", "status: paused"), encoding="utf-8")
    stat = source.stat()
    os.utime(source, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    index = _index(example_repo, (CHANGED,))
    assert index["account"]["norrvik-careers-x"][2]["status"] == "paused"


def test_a_deleted_record_leaves_the_index(example_repo: Path) -> None:
    assert "norrvik-careers-x" in _index(example_repo, (CHANGED,))["account"]
    (example_repo / "accounts/careers/norrvik-careers-x.yaml").unlink()
    assert "norrvik-careers-x" not in _index(example_repo, (CHANGED,))["account"]
    cached = json.loads((example_repo / CACHE_FILE).read_text(encoding="utf-8"))
    assert "accounts/careers/norrvik-careers-x.yaml" not in cached["entries"]


@pytest.mark.parametrize(
    "content", ["not json", '{"version": "old", "entries": {}}', '{"entries": [1, 2]}', "[]"]
)
def test_a_broken_or_old_cache_is_ignored(example_repo: Path, content: str) -> None:
    expected = _index(example_repo, (CHANGED,))
    (example_repo / CACHE_FILE).write_text(content, encoding="utf-8")
    assert _index(example_repo, (CHANGED,)) == expected


def test_a_forged_cache_row_does_not_hide_a_record(example_repo: Path) -> None:
    """A row whose stat does not match the file on disk is read again, whatever it says."""
    _index(example_repo, (CHANGED,))
    path = example_repo / CACHE_FILE
    cached = json.loads(path.read_text(encoding="utf-8"))
    row = cached["entries"]["accounts/careers/norrvik-careers-x.yaml"]
    row[1] += 1  # another modification time
    row[2] = {"platform": "x", "status": "active"}
    path.write_text(json.dumps(cached), encoding="utf-8")
    assert _index(example_repo, (CHANGED,))["account"]["norrvik-careers-x"][2]["status"] == (
        "archived"
    )


def test_a_read_only_repository_still_validates(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _index(example_repo, (CHANGED,))
    expected = _findings(example_repo, (CHANGED,))
    shutil.rmtree(example_repo / CACHE_FILE.parent)

    def refuse(*arguments: object, **keywords: object) -> None:
        raise PermissionError("read-only file system")

    monkeypatch.setattr(Path, "mkdir", refuse)
    assert _findings(example_repo, (CHANGED,)) == expected
    assert not (example_repo / CACHE_FILE.parent).exists()


def test_org_files_come_from_the_cache_only_while_unchanged(example_repo: Path) -> None:
    from socialreg.load.index_cache import org_cache_file

    first = check_repository(example_repo, (CHANGED,), TODAY)
    assert not [f for f in first.findings if f.severity == "error"]
    assert (example_repo / org_cache_file("units")).is_file()
    cached = check_repository(example_repo, (CHANGED,), TODAY)
    assert cached.repository.org_data("units") == first.repository.org_data("units")
    units = example_repo / "org" / "units.yaml"
    units.write_text(units.read_text().replace("  library:\n", "  Library:\n", 1))
    changed = check_repository(example_repo, (CHANGED,), TODAY)
    places = {(f.path, f.rule) for f in changed.findings}
    assert ("org/units.yaml", "SR012") in places  # the unit id is no longer valid
    assert ("org/units.yaml", "SR012") in {
        (f.path, f.rule) for f in check_repository(example_repo, (CHANGED,), TODAY).findings
    }  # and a file with findings is never served from the cache
