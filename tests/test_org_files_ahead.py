"""A large org/units.yaml is read while the check finds its record files (check/pipeline.py,
`org_files_ahead`; load/apart.py, `begun_apart`).

At 100,000 accounts, parsing and checking the 12 MB file took a second, and finding the
100,000 record files took another, one after the other, with one core idle. The file is now
parsed and checked in a forked process from the start of the check, and that process writes
the cache after it has sent the file. The findings must be those of a check that reads it in
its own process, and the cache must hold what it held.
"""

from __future__ import annotations

import datetime
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

from socialreg import parallel
from socialreg.check import pipeline
from socialreg.check.pipeline import check_repository, load_repository
from socialreg.load import apart, discover, documents, index_cache
from socialreg.load.gitbase import BaseError
from socialreg.load.index_cache import org_cache_file
from tests.conftest import copy_example

TODAY = datetime.date(2026, 11, 21)
UNITS = "org/units.yaml"
WAIT = 15.0  # seconds finding the record files waits for units.yaml to be parsed


def _findings(root: Path) -> list[tuple[str, int, int, str, str]]:
    result = check_repository(root, None, TODAY)
    return sorted((f.path, f.line, f.column, f.rule, f.message) for f in result.findings)


def _parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Record, in a file, each org/ file parsed and the process that parsed it."""
    told = tmp_path / "parsed-in"
    load = documents.load_file

    def load_and_tell(root: Path, relative_path: str, *arguments: Any, **keywords: Any) -> Any:
        if relative_path.startswith("org/"):
            with told.open("a", encoding="ascii") as file:
                file.write(f"{relative_path} {os.getpid()}\n")
        return load(root, relative_path, *arguments, **keywords)

    monkeypatch.setattr(apart, "load_file", load_and_tell)  # a large file, apart
    monkeypatch.setattr(pipeline, "load_file", load_and_tell)
    return told


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture organisation, its units.yaml counted as large (a process of its own)."""
    monkeypatch.setattr(apart, "APART_BYTES", 1)
    return copy_example(tmp_path / "registry")


def test_units_are_parsed_while_the_record_files_are_found(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    told = _parses(tmp_path, monkeypatch)
    plan_jobs = discover.plan_jobs  # what pipeline.plan_jobs is until it is replaced
    seen: list[str] = []

    def plan_when_units_began(root: Path, only: Any) -> Any:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and not _units_parsed(told):
            time.sleep(0.01)
        seen.append(_read(told))
        return plan_jobs(root, only)

    monkeypatch.setattr(pipeline, "plan_jobs", plan_when_units_began)
    this_process = str(os.getpid())
    findings = _findings(registry)
    # Before: units.yaml was parsed once the record files were found, never while.
    [parsed_meanwhile] = seen
    assert parsed_meanwhile, "units.yaml was parsed only after the record files were found"
    path, pid = parsed_meanwhile.split()
    assert (path, pid != this_process) == (UNITS, True)  # in another process

    monkeypatch.setattr(pipeline, "plan_jobs", plan_jobs)
    monkeypatch.setattr(apart, "APART_BYTES", 10**9)  # parsed here, after the files are found
    _forget_cache(registry)
    told.unlink()
    assert _findings(registry) == findings
    assert _units_parsed(told) == [this_process]


def _read(path: Path) -> str:
    return path.read_text(encoding="ascii") if path.exists() else ""


def _units_parsed(told: Path) -> list[str]:
    """The processes that parsed units.yaml, in order."""
    return [line.split()[1] for line in _read(told).splitlines() if line.startswith(UNITS)]


def _forget_cache(root: Path) -> None:
    cached = root / org_cache_file("units")
    assert cached.exists()  # written by the process that parsed the file
    cached.unlink()


def test_the_process_that_parsed_units_caches_them_for_the_next_check(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_cache, "RECENT_NS", 0)  # a file written just now is trusted
    told = _parses(tmp_path, monkeypatch)
    first = _findings(registry)
    assert len(_units_parsed(told)) == 1
    told.unlink()
    assert _findings(registry) == first
    assert _units_parsed(told) == []  # from the cache the other process wrote


@pytest.mark.parametrize(
    "change",
    [
        ("  library:\n", "  library:\n    colour: red\n"),  # a schema finding
        ("units:\n", "units: [\n"),  # cannot be read
    ],
)
def test_units_with_findings_give_the_findings_of_a_check_that_reads_them_here(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: tuple[str, str]
) -> None:
    units = registry / UNITS
    text = units.read_text(encoding="utf-8")
    assert change[0] in text
    units.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    told = _parses(tmp_path, monkeypatch)
    ahead = _findings(registry)
    assert any(finding[0] == UNITS for finding in ahead)
    monkeypatch.setattr(apart, "APART_BYTES", 10**9)
    told.unlink()
    assert _findings(registry) == ahead
    assert _units_parsed(told) == [str(os.getpid())]  # a file with findings is not cached


def _padded(units: Path) -> None:
    """A units.yaml of megabytes, as at thousands of units: the process that parsed it waits
    for the parsed file to be read (far more than a pipe holds)."""
    with units.open("a", encoding="utf-8") as file:
        file.write(("# " + "x" * 98 + "\n") * 30_000)


def test_a_check_that_fails_before_it_asks_for_the_units_ends_the_process_reading_them(
    registry: Path,
) -> None:
    _padded(registry / UNITS)
    started = time.monotonic()
    with pytest.raises(BaseError):
        check_repository(registry, None, TODAY, base_ref="no-such-commit")
    assert time.monotonic() - started < 4  # not waiting for a process nobody reads
    assert load_repository(registry).units is not None


def test_a_file_changed_shortly_before_it_was_read_is_not_cached_however_late_it_is_asked_for(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cache is written after the parsed file was sent, which the check asks for when it
    needs it (seconds later, at 100,000 records): a file changed just before it was read must
    still not be trusted by its stamp (index_cache.trustworthy)."""
    _padded(registry / UNITS)  # changed just now
    plan_jobs = discover.plan_jobs  # what pipeline.plan_jobs is until it is replaced

    def slow_to_find_the_records(root: Path, only: Any) -> Any:
        time.sleep(index_cache.RECENT_NS / 1e9 + 0.5)
        return plan_jobs(root, only)

    monkeypatch.setattr(pipeline, "plan_jobs", slow_to_find_the_records)
    told = _parses(tmp_path, monkeypatch)
    _findings(registry)
    monkeypatch.setattr(pipeline, "plan_jobs", plan_jobs)
    told.unlink()
    _findings(registry)
    # Before: cached as trustworthy, since by the time it was cached the change was old.
    assert len(_units_parsed(told)) == 1


def test_a_result_nobody_asks_for_ends_the_process_at_the_end_of_the_block(
    tmp_path: Path,
) -> None:
    """`validate --staged` with units.yaml staged otherwise than the work tree never asks for
    the work tree's: the process that parsed it waits for it to be read, and was waited for
    five seconds before it was ended."""
    then = tmp_path / "then"
    started = time.monotonic()
    with parallel.begun_apart(lambda: "x" * 2_000_000, lambda _: then.touch()):
        pass
    assert time.monotonic() - started < 3
    assert not then.exists()


def test_what_the_process_does_after_its_result_is_waited_for(tmp_path: Path) -> None:
    """It writes a cache file: cut short, it would leave half a file behind (before, any
    process still at work five seconds after the block was ended)."""
    then = tmp_path / "then"

    def write_slowly(_: object) -> None:
        time.sleep(6)
        then.touch()

    with parallel.begun_apart(lambda: "result", write_slowly) as result:
        assert result() == "result"
    assert then.exists()


def test_a_check_of_one_file_reads_the_other_records_while_units_are_parsed(
    registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pre-commit hook's first run: no cache, so every other record is read (seconds at
    50,000 records), and units.yaml (megabytes) parsed. Only the rules read the units, so they
    are taken after the other records, and parsed meanwhile in a process of their own."""
    record = "accounts/library/norrvik-library-instagram.yaml"
    reading, told = tmp_path / "reading-others", tmp_path / "told"
    load = documents.load_file

    def parse_when_the_others_are_read(
        root: Path, relative_path: str, *rest: Any, **keywords: Any
    ) -> Any:
        if relative_path == UNITS and os.getpid() != this_process:
            deadline = time.monotonic() + WAIT
            while not reading.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            told.write_text("meanwhile" if reading.exists() else "before", encoding="ascii")
        return load(root, relative_path, *rest, **keywords)

    with_store = pipeline._with_store

    def reading_the_others(*arguments: Any) -> Any:
        reading.touch()
        return with_store(*arguments)

    this_process = os.getpid()
    monkeypatch.setattr(apart, "load_file", parse_when_the_others_are_read)
    monkeypatch.setattr(pipeline, "load_file", parse_when_the_others_are_read)
    monkeypatch.setattr(pipeline, "_with_store", reading_the_others)
    findings = pipeline.check_few(registry, [record], TODAY).findings
    # Before: the check waited for the units before it read the other records.
    assert told.read_text(encoding="ascii") == "meanwhile"

    monkeypatch.setattr(apart, "APART_BYTES", 10**9)  # parsed here, first
    shutil.rmtree(registry / ".socialreg-cache")
    assert pipeline.check_few(registry, [record], TODAY).findings == findings
