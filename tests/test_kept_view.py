"""Git's view kept between syncs (check/kept_view.py): a base listing and the change since it,
which give back the listing of the last sync, or none when another run wrote in between; never
a listing no sync saw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg.check.kept_view import (
    LISTING,
    LISTING_CHANGE,
    LISTING_TOKEN,
    LOOSE,
    kept_view,
    view_to_keep,
)
from socialreg.load.index_store import IndexStore


def _listing(blobs: dict[str, str]) -> bytes:
    """What `git ls-files -v --stage -z` prints for files with these blobs."""
    return b"".join(
        f"H 100644 {blob * 40} 0\t{path}\0".encode() for path, blob in sorted(blobs.items())
    )


LARGE = {f"accounts/unit-{n:05}/account-{n}.yaml": "a" for n in range(2_000)}


def _synced(store: IndexStore, listing: bytes, loose: list[str]) -> dict[str, Any]:
    """What a sync writes of its view, written."""
    kept = kept_view(store)
    values = view_to_keep(listing, loose, kept)
    _write(store, values, kept.as_read)
    return values


def _write(store: IndexStore, values: dict[str, Any], read: dict[str, Any] | None) -> None:
    with store.writing() as writer:
        writer.finish(values=values, values_read=read)


def test_a_store_without_a_view_gives_none(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, "test")
    kept = kept_view(store)
    assert (kept.listing, kept.loose, kept.base, kept.token) == (None, None, None, None)
    store.close()


def test_staging_one_file_writes_its_line_not_the_listing(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, "test")
    first = _listing(LARGE)
    assert set(_synced(store, first, [])) == {LISTING, LISTING_TOKEN, LISTING_CHANGE, LOOSE}
    base = store.value(LISTING)
    for blob in "bcd":  # one file staged again and again
        listing = _listing({**LARGE, "accounts/unit-01000/account-1000.yaml": blob})
        written = _synced(store, listing, [])
        assert set(written) == {LISTING_CHANGE, LOOSE}
        assert len(written[LISTING_CHANGE]) < 200
        assert kept_view(store).listing == listing
    assert store.value(LISTING) == base
    assert _synced(store, listing, []) == {}  # nothing changed: nothing written
    assert set(_synced(store, listing, ["accounts/x/y.yaml"])) == {LOOSE}
    assert kept_view(store).listing == listing
    store.close()


PATHS = sorted(LARGE)
SIXTEENTH = len(PATHS) // 16  # of the listing's lines


def _two_lines_apart(apart: int) -> dict[str, str]:
    return {**LARGE, PATHS[500]: "z", PATHS[500 + apart]: "z"}


def _first_lines(count: int) -> dict[str, str]:
    return {path: "a" for path in PATHS[:count]}


@pytest.mark.parametrize(
    ("blobs", "writes_a_base"),
    [
        pytest.param(_two_lines_apart(SIXTEENTH // 3), False, id="a third of a sixteenth apart"),
        pytest.param(_two_lines_apart(SIXTEENTH * 2), True, id="two sixteenths apart"),
        pytest.param({**LARGE, PATHS[0]: "b", PATHS[-1]: "b"}, True, id="first and last"),
        # Nothing added: what was removed counts as much.
        pytest.param(_first_lines(len(PATHS) - 10), False, id="ten lines removed"),
        pytest.param(_first_lines(len(PATHS) // 2), True, id="half the lines removed"),
    ],
)
def test_a_change_over_a_sixteenth_of_the_listing_writes_a_new_base(
    tmp_path: Path, blobs: dict[str, str], writes_a_base: bool
) -> None:
    store = IndexStore(tmp_path, "test")
    _synced(store, _listing(LARGE), [])
    listing = _listing(blobs)
    assert (LISTING in _synced(store, listing, [])) is writes_a_base
    assert (store.value(LISTING_CHANGE) is None) is writes_a_base
    assert kept_view(store).listing == listing
    store.close()


def _another_run_between(
    tmp_path: Path, theirs: dict[str, str], mine: dict[str, str], my_loose: list[str]
) -> IndexStore:
    """Two runs read the same view; the other writes its view, then this one its own."""
    store = IndexStore(tmp_path, "test")
    _synced(store, _listing(LARGE), [])
    read_by_both = kept_view(store)
    _synced(store, _listing({**LARGE, **theirs}), ["theirs"])
    _write(
        store,
        view_to_keep(_listing({**LARGE, **mine}), my_loose, read_by_both),
        read_by_both.as_read,
    )
    return store


FIRST, LAST = PATHS[0], PATHS[-1]


def test_a_view_made_from_one_another_run_replaced_is_not_kept(tmp_path: Path) -> None:
    """The other run wrote a new base, then this one a change of the base it had read."""
    store = _another_run_between(tmp_path, {FIRST: "b", LAST: "b"}, {FIRST: "c"}, [])
    assert kept_view(store).listing is None  # the next sync starts without a view
    store.close()


def test_a_view_made_from_one_another_run_changed_is_not_kept(tmp_path: Path) -> None:
    """The other run staged a file (a change); this one saw the listing it had read, and wrote
    only the files Git did not vouch for: the rows it wrote are not of the other's listing."""
    store = _another_run_between(tmp_path, {FIRST: "b"}, {}, ["mine"])
    assert kept_view(store).listing is None
    store.close()


def test_an_unchanged_view_is_not_kept_over_another_runs(tmp_path: Path) -> None:
    """This run writes nothing of its view (the one it read), but its rows were made from it."""
    store = _another_run_between(tmp_path, {FIRST: "b"}, {}, [])
    assert kept_view(store).listing is None
    store.close()


def test_a_view_written_after_another_run_that_changed_nothing_is_kept(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, "test")
    _synced(store, _listing(LARGE), [])
    read_by_both = kept_view(store)
    assert _synced(store, _listing(LARGE), []) == {}
    listing = _listing({**LARGE, FIRST: "c"})
    _write(store, view_to_keep(listing, [], read_by_both), read_by_both.as_read)
    assert kept_view(store).listing == listing
    store.close()


BACKGROUND = dict(sorted(LARGE.items())[:300])


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from([*sorted(BACKGROUND)[::20], "a.yaml", "z/z.yaml"]),
            st.sampled_from(["b", "c", None]),  # None: the file is gone
            max_size=6,
        ),
        min_size=1,
        max_size=6,
    )
)
def test_every_sync_finds_the_listing_the_last_one_saw(
    tmp_path_factory: Any, histories: list[dict[str, str | None]]
) -> None:
    """Files staged, added and removed anywhere: a change of a line or two, or over much of
    the listing (a new base)."""
    store = IndexStore(tmp_path_factory.mktemp("store"), "test")
    for number, changes in enumerate(histories):
        blobs = {**BACKGROUND, **changes}
        listing = _listing({path: blob for path, blob in blobs.items() if blob is not None})
        _synced(store, listing, [str(number)])
        kept = kept_view(store)
        assert kept.listing == listing
        assert kept.loose == f'["{number}"]'
    store.close()


def test_a_change_that_is_not_one_gives_no_view(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, "test")
    _synced(store, _listing(LARGE), [])
    token = store.value(LISTING_TOKEN).encode()
    for change in [
        b"garbage",
        token + b"12 x\n",
        token + b"999999999 1\nab",
        token + b"-5 3\nab",
        token + b"1_0 2\nab",
        token + b"12 3",
        token + b"12  3\nab",
        "text",
    ]:
        _write(store, {LISTING_CHANGE: change}, None)
        assert kept_view(store).listing is None, change
    store.close()
