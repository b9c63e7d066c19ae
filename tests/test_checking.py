"""Checking in worker processes gives exactly what checking in one process gives."""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from socialreg import parallel
from socialreg.check.engine import RecordChecker
from socialreg.check.pipeline import check_repository

from .conftest import REPOSITORY, TODAY


def _break_some_records(root: Path) -> None:
    library = root / "accounts" / "library" / "norrvik-library-instagram.yaml"
    library.write_text(
        library.read_text().replace("response_time_hours: 24", "response_time_hours: 72")
    )
    # The same id in two units: the second (in path order) is the one reported.
    shutil.copy(library, root / "accounts" / "careers" / "norrvik-library-instagram.yaml")
    (root / "accounts" / "careers" / "broken.yaml").write_text("a: [\n")
    (root / "campaigns" / "careers" / "typo.yaml").write_text("titel: x\n")


def _run(root: Path) -> list[tuple[str, int, str, str]]:
    result = check_repository(root, None, datetime.date.fromisoformat(TODAY))
    return sorted((f.path, f.line, f.rule, f.message) for f in result.findings)


def test_parallel_and_serial_runs_agree(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _break_some_records(example_repo)
    serial = _run(example_repo)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parallel.worker_count(10) == 2
    forked = _run(example_repo)
    assert forked == serial
    rules = {rule for _, _, rule, _ in serial}
    assert {"SR106", "SR013", "SR002", "SR010"} <= rules
    duplicate = [f for f in serial if "Another account has the id" in f[3]]
    # Both files are told: which one is new is not known here (issue 13).
    assert [f[0] for f in duplicate] == [
        "accounts/careers/norrvik-library-instagram.yaml",
        "accounts/library/norrvik-library-instagram.yaml",
    ]


def test_a_failing_worker_is_reported_not_hung(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialreg.check import pipeline as checking

    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    def broken_rules(*args: object) -> None:
        raise ValueError("rule exploded")

    # A worker runs each record's own rules as soon as it has loaded the record.
    monkeypatch.setattr(RecordChecker, "local", broken_rules)
    with pytest.raises(checking.WorkerError, match="rule exploded"):
        _run(example_repo)


def test_the_second_step_in_workers_finds_each_finding_once(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The rules that compare records run in workers forked once the index is built: every
    # finding comes back once, with every field as one process makes it.
    _break_some_records(example_repo)
    library = example_repo / "accounts" / "library"
    shutil.copy(library / "norrvik-library-instagram.yaml", library / "second-copy.yaml")
    today = datetime.date.fromisoformat(TODAY)
    serial = check_repository(example_repo, None, today).findings
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    forked = check_repository(example_repo, None, today).findings
    assert sorted(map(repr, forked)) == sorted(map(repr, serial))
    assert any("already registered" in finding.message for finding in forked)  # SR108


def test_a_failing_second_step_worker_is_reported_not_hung(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from socialreg.check import pipeline as checking

    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)

    parent = os.getpid()
    finish = RecordChecker.finish

    def broken_in_the_worker(*args: Any) -> Any:
        if os.getpid() != parent:  # this process finishes a share of its own
            raise ValueError("a comparing rule exploded")
        return finish(*args)

    monkeypatch.setattr(RecordChecker, "finish", broken_in_the_worker)
    with pytest.raises(checking.WorkerError, match="a comparing rule exploded"):
        _run(example_repo)


def _lookalike_of_the_library(root: Path, unit: str, name: str, handle: str) -> None:
    """A copy of the library's Instagram account, under another file name, with `handle`."""
    library = root / "accounts" / "library" / "norrvik-library-instagram.yaml"
    text = library.read_text().replace('"@norrvik.library"', f'"{handle}"')
    text = text.replace("instagram.com/norrvik.library", f"instagram.com/{handle.lstrip('@')}")
    (root / "accounts" / unit / name).write_text(text)


def _lookalike_findings(root: Path) -> list[str]:
    findings = check_repository(root, None, datetime.date.fromisoformat(TODAY)).findings
    return sorted(repr(finding) for finding in findings if finding.rule == "SR121")


@pytest.mark.parametrize("id_used_twice", [False, True])
def test_a_large_run_makes_the_lookalike_index_while_the_workers_send_their_entries(
    example_repo: Path, monkeypatch: pytest.MonkeyPatch, id_used_twice: bool
) -> None:
    """SR121's index is made from the entries as they come (rules.base.EarlyLookup), and
    finds what one process finds. When two files have one id, the index keeps one of them:
    the index made early, which had both, is then not used."""
    from socialreg.rules import platform_identity

    _lookalike_of_the_library(
        example_repo, "careers", "norrvik-libary-instagram.yaml", "@norrvik.libary"
    )
    if id_used_twice:
        # The same id as the look-alike above, in another unit: only one of the two stays in
        # the index, and a look-alike of it that the index left out must not be found.
        _lookalike_of_the_library(
            example_repo, "library", "norrvik-libary-instagram.yaml", "@norrvik_library"
        )
    serial = _lookalike_findings(example_repo)
    assert serial  # the look-alike is found
    made_from_the_index = []
    make = platform_identity._Officials.__init__

    def spied(self: Any, repository: Any = None) -> None:
        if repository is not None:
            made_from_the_index.append(os.getpid())
        make(self, repository)

    monkeypatch.setattr(platform_identity._Officials, "__init__", spied)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert _lookalike_findings(example_repo) == serial
    assert bool(made_from_the_index) is id_used_twice


def test_the_early_lookalike_index_stands_only_for_the_same_officials(tmp_path: Path) -> None:
    """As many officials in the index as were added is not enough: an entry the index got
    from elsewhere, beside one it left out, would make the counts agree."""
    from socialreg.check.schemas import SchemaSet
    from socialreg.load.model import RecordSummary, Repository
    from socialreg.rules.platform_identity import _OfficialsAsTheyCome

    def official(number: int) -> RecordSummary:
        fields = {"platform": "instagram", "handle": f"@example.library{number}"}
        return RecordSummary("account", f"a{number}", f"accounts/u/a{number}.yaml", "u", fields)

    first, second, elsewhere = official(1), official(2), official(3)
    repository = Repository(root=tmp_path, schemas=SchemaSet(REPOSITORY / "schemas"))
    repository.checked_in_full = 1_000_000  # a large run: every official is indexed
    early = _OfficialsAsTheyCome()
    early.add([first, second])
    repository.index["account"].update({"a1": first, "a2": second})
    assert early.finished(repository) is early.officials
    repository.index["account"].pop("a2")
    repository.index["account"]["a3"] = elsewhere
    assert early.finished(repository) is None
