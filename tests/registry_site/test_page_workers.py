"""Who renders which account page in a build with several processes (build.PageWorkers):
every page exactly once, and no process left idle while another still has pages to render;
and the large file written in pieces (registry.json), which is never whole in memory."""

from __future__ import annotations

import csv
import datetime
import functools
import io
import json
import multiprocessing
import os
import pickle
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.registry_site.small_registry import account, make_registry

from socialreg import parallel
from socialreg.check.pipeline import load_repository
from socialreg.parallel import Channel, forked_workers
from socialreg.registry_site import build as site_build
from socialreg.registry_site.build import (
    AccountClaims,
    PageWorkers,
    _Output,
    build_site,
    prepare_output,
    published_registry_or_error,
)
from socialreg.registry_site.exports import registry_csv, registry_json

TODAY = datetime.date(2026, 11, 21)
GENERATED = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC)


@settings(max_examples=300, deadline=None)
@given(
    count=st.integers(min_value=0, max_value=300),
    workers=st.integers(min_value=1, max_value=4),
    takes=st.lists(
        st.tuples(st.integers(min_value=-1, max_value=3), st.integers(min_value=1, max_value=40))
    ),
)
def test_claims_from_both_ends_take_every_account_once(
    count: int, workers: int, takes: list[tuple[int, int]]
) -> None:
    claims = AccountClaims(workers)
    blocks = claims.open(count)
    assert [number for block in blocks for number in block] == list(range(count))
    taken: list[int] = []
    for who, size in takes:  # -1: the process that writes the other pages
        if who < 0:
            taken.extend(claims.take_back(size))
        elif who < workers:
            claimed = claims.take_front(who, size)
            assert set(claimed) <= set(blocks[who])  # a worker holds only its block
            taken.extend(claimed)
    # Then every process drains what is left, as in a build.
    for worker in range(workers):
        taken.extend(claims.take_front(worker, count + 1))
    taken.extend(number for _ in range(workers) for number in claims.take_back(count + 1))
    assert sorted(taken) == list(range(count))
    assert not claims.take_back()
    assert not any(claims.take_front(worker) for worker in range(workers))


def test_the_back_is_taken_from_the_block_with_the_most_left() -> None:
    claims = AccountClaims(2)
    assert claims.open(100) == [range(50), range(50, 100)]
    assert claims.take_front(1, 30) == range(50, 80)
    assert claims.take_back(10) == range(40, 50)  # block 0 has 50 left, block 1 has 20
    assert claims.take_front(0, 35) == range(35)
    assert claims.take_back(10) == range(90, 100)  # block 0 has 5 left, block 1 has 20


def _take_from_the_front(claims: AccountClaims, channel: Channel, worker: int) -> None:
    taken: list[int] = []
    while numbers := claims.take_front(worker, 1):
        taken.extend(numbers)
    channel.send(taken)


def test_forked_processes_and_this_one_share_the_claims() -> None:
    """Two forked processes take one account at a time from the front of their blocks while
    this one takes from the back: together they take each account once, whoever was quicker."""
    count = 20_000
    claims = AccountClaims(2)  # made before the fork, as PageWorkers.started makes it
    claims.open(count)
    work = functools.partial(_take_from_the_front, claims)
    with forked_workers(range(2), work) as channels:
        mine = list(claims.from_the_back(range(count)))
        theirs = [channel.receive() for channel in channels]
    assert sorted(mine + theirs[0] + theirs[1]) == list(range(count))
    assert set(theirs[0]) <= set(range(10_000)) and set(theirs[1]) <= set(range(10_000, count))


def test_accounts_this_process_has_not_started_on_are_left_to_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process that also writes the other pages takes accounts only once it is done with
    them: accounts the workers rendered meanwhile are not rendered again. A fixed share (every
    fourth account, at the last stop) left this process rendering while a worker was idle,
    or the other way round, depending on the size of the registry."""
    monkeypatch.setattr(site_build, "worker_count", lambda jobs: 2)
    root = make_registry(tmp_path / "registry", languages="[en]", extra_accounts=40)
    registry = published_registry_or_error(load_repository(root), TODAY, GENERATED)
    out = tmp_path / "site"
    prepare_output(out)
    output = _Output(out)
    with PageWorkers.started(1) as workers:
        mine, wait_for_the_others = workers.render(registry, registry.accounts, output)
        written = [paths for paths, _ in wait_for_the_others()]
    assert list(mine) == []  # the worker was given time to render them all
    pages = {account.page for account in registry.accounts}
    assert len(pages) > 40
    assert written == [pages]
    for page in pages:
        assert (out / page).is_file()


@pytest.mark.parametrize("over_an_earlier_build", [False, True])
def test_the_exports_written_in_pieces_are_the_whole_documents(
    tmp_path: Path, over_an_earlier_build: bool
) -> None:
    """registry.json and registry.csv are written an account at a time into a new folder, and
    compared whole with the earlier file over an earlier build; either way registry.json is
    `json.dumps` of the whole document, and registry.csv what the csv module writes, to the
    byte: quotes, backslashes and letters beyond ASCII included."""
    root = make_registry(tmp_path / "registry", extra_accounts=3)
    account(root, "culture", "kallio-quotes", 'The "Kallio" \\ Café ÅÄÖ ✓ 😀')
    registry = published_registry_or_error(load_repository(root), TODAY, GENERATED)
    out = tmp_path / "site"
    build_site(load_repository(root), out, TODAY, GENERATED)
    if over_an_earlier_build:
        (out / "registry.json").write_text("{}\n", encoding="utf-8")
        (out / "registry.csv").write_text("id\r\n", encoding="utf-8")
        build_site(load_repository(root), out, TODAY, GENERATED)
    expected = json.dumps(registry_json.registry_document(registry), ensure_ascii=False) + "\n"
    assert (out / "registry.json").read_text(encoding="utf-8") == expected
    assert "".join(registry_json.pieces(registry)) == expected
    assert 'The \\"Kallio\\" \\\\ Café ÅÄÖ ✓ 😀' in expected
    with (out / "registry.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == list(registry_csv.COLUMNS)
    assert [row[0] for row in rows[1:]] == [account.id for account in registry.accounts]
    assert 'The "Kallio" \\ Café ÅÄÖ ✓ 😀' in [row[1] for row in rows]
    written = io.StringIO(newline="")
    writer = csv.writer(written)  # the excel dialect, "\r\n" line ends
    writer.writerows(rows)
    assert (out / "registry.csv").read_bytes() == ("\ufeff" + written.getvalue()).encode("utf-8")


@pytest.mark.parametrize("how", ["raises", "exits"])
def test_a_page_worker_that_fails_midway_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """A worker that fails after claiming accounts leaves pages unwritten that no other
    process will take: the build must say so, not publish a site without them (or hang)."""
    monkeypatch.setattr(site_build, "worker_count", lambda jobs: 2)
    root = make_registry(tmp_path / "registry", languages="[en]", extra_accounts=40)
    registry = published_registry_or_error(load_repository(root), TODAY, GENERATED)
    parent = os.getpid()
    render = site_build._Site.render

    def failing_in_the_worker(site: Any, language: Any, page: Any, keep: bool = False) -> None:
        if os.getpid() != parent and page.target.endswith("-005.html"):
            if how == "exits":
                os._exit(3)
            raise RuntimeError("the disk is full")
        render(site, language, page, keep)

    monkeypatch.setattr(site_build._Site, "render", failing_in_the_worker)
    with pytest.raises(site_build.SiteError, match="writing the account pages failed"):
        site_build.write_site(registry, tmp_path / "site")


def test_a_build_that_fails_lets_its_page_workers_finish_the_page_they_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build fails in this process while a worker is half-way through writing a page:
    the worker finishes that page (and stops at its next claim) before it is ended. Ended at
    once, it left the page cut short in the site's folder, over an earlier build's page."""
    monkeypatch.setattr(site_build, "worker_count", lambda jobs: 2)
    root = make_registry(tmp_path / "registry", languages="[en]", extra_accounts=40)
    registry = published_registry_or_error(load_repository(root), TODAY, GENERATED)
    parent = os.getpid()
    half_written = multiprocessing.get_context("fork").Event()
    written = site_build._written

    def slowly_in_the_worker(path: str, data: bytes, stat: bool) -> os.stat_result | None:
        if os.getpid() == parent or half_written.is_set() or "/accounts/" not in path:
            return written(path, data, stat)
        with open(path, "wb") as file:
            file.write(data[: len(data) // 2])
            file.flush()
            half_written.set()
            time.sleep(0.5)  # the build fails meanwhile
            file.write(data[len(data) // 2 :])
        return os.stat(path) if stat else None

    def failing_here(site: Any, language: Any) -> None:
        assert half_written.wait(timeout=30)
        raise site_build.SiteError("the disk is full")

    monkeypatch.setattr(site_build, "_written", slowly_in_the_worker)
    monkeypatch.setattr(site_build._Site, "language_pages", failing_here)
    out = tmp_path / "site"
    with pytest.raises(site_build.SiteError, match="the disk is full"):
        site_build.write_site(registry, out)
    pages = sorted((out / "accounts").glob("*.html"))
    assert pages  # the worker's, at least the one it was writing
    assert len(pages) < len(registry.accounts)  # it stopped at its next claim
    for page in pages:
        assert page.read_text(encoding="utf-8").rstrip().endswith("</html>"), page.name


def test_a_build_that_fails_while_it_sends_a_worker_its_accounts_does_not_wait_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that has not been sent all its accounts has written nothing and would wait
    for the rest for ever: a build that fails meanwhile ends it at once, rather than wait
    for it to finish."""
    monkeypatch.setattr(site_build, "worker_count", lambda jobs: 2)
    monkeypatch.setattr(site_build, "ROWS_AT_A_TIME", 5)
    root = make_registry(tmp_path / "registry", languages="[en]", extra_accounts=40)
    registry = published_registry_or_error(load_repository(root), TODAY, GENERATED)
    dumps, sent = pickle.dumps, []

    def failing_on_the_third_message(value: Any, protocol: int | None = None) -> bytes:
        sent.append(value)
        if len(sent) == 3:  # the task, then the first rows
            raise site_build.SiteError("the build stopped")
        return dumps(value, protocol)

    waited_for: list[list[Channel]] = []
    read_to_the_end = parallel.read_to_the_end

    def recorded(channels: list[Channel], seconds: float = 10.0) -> None:
        waited_for.append(list(channels))
        read_to_the_end(channels, seconds)

    monkeypatch.setattr(pickle, "dumps", failing_on_the_third_message)
    monkeypatch.setattr(parallel, "read_to_the_end", recorded)
    with pytest.raises(site_build.SiteError, match="the build stopped"):
        site_build.write_site(registry, tmp_path / "site")
    assert waited_for == [[]]
    assert not list((tmp_path / "site" / "accounts").glob("*.html"))


def test_a_failing_build_stops_the_page_workers_before_it_waits_for_the_shared_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`socialreg build` starts the page workers before the check, outside `write_site`,
    which on a failure waits for the process writing the shared files: the workers must stop
    claiming accounts at once, not go on rendering pages of a build that has failed."""
    monkeypatch.setattr(site_build, "worker_count", lambda jobs: 2)
    monkeypatch.setattr(site_build, "shared_files_apart", lambda accounts, rebuild: True)
    root = make_registry(tmp_path / "registry", languages="[en]", extra_accounts=200)
    registry = published_registry_or_error(load_repository(root), TODAY, GENERATED)
    parent = os.getpid()
    first_page = multiprocessing.get_context("fork").Event()
    written, shared_files = site_build._written, site_build._Site.shared_files

    def slowly_in_the_worker(path: str, data: bytes, stat: bool) -> os.stat_result | None:
        if os.getpid() != parent and "/accounts/" in path:
            first_page.set()
            time.sleep(0.01)
        return written(path, data, stat)

    def slowly_apart(site: Any) -> None:
        time.sleep(2)  # the page workers could render every account meanwhile
        shared_files(site)

    def failing_here(site: Any, language: Any) -> None:
        assert first_page.wait(timeout=30)
        raise site_build.SiteError("the disk is full")

    monkeypatch.setattr(site_build, "_written", slowly_in_the_worker)
    monkeypatch.setattr(site_build._Site, "shared_files", slowly_apart)
    monkeypatch.setattr(site_build._Site, "language_pages", failing_here)
    out = tmp_path / "site"
    with (
        pytest.raises(site_build.SiteError, match="the disk is full"),
        PageWorkers.started(1) as workers,
    ):
        site_build.write_site(registry, out, None, workers)
    pages = list((out / "accounts").glob("*.html"))
    assert 0 < len(pages) <= 2 * site_build.CLAIM_SIZE < len(registry.accounts)
