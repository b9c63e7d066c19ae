"""Git's view kept between syncs (check/kept_view.py): a base listing and the change since it,
which always give back the last sync's listing, and never a listing no sync saw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg.check.kept_view import (
    LISTING,
    LISTING_CHANGE,
    LOOSE,
    KeptView,
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
    values = view_to_keep(listing, loose, kept_view(store))
    with store.writing() as writer:
        writer.finish(values=values)
    return values


def test_a_store_without_a_view_gives_none(tmp_path: Path) -> None:
    assert kept_view(IndexStore(tmp_path, "test")) == KeptView(None, None, None)


def test_staging_one_file_writes_its_line_not_the_listing(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, "test")
    first = _listing(LARGE)
    assert set(_synced(store, first, [])) == {LISTING, LISTING_CHANGE, LOOSE}
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


def test_a_change_over_much_of_the_listing_writes_a_new_base(tmp_path: Path) -> None:
    store = IndexStore(tmp_path, "test")
    _synced(store, _listing(LARGE), [])
    first, last = sorted(LARGE)[0], sorted(LARGE)[-1]
    listing = _listing({**LARGE, first: "b", last: "b"})
    assert set(_synced(store, listing, [])) == {LISTING, LISTING_CHANGE, LOOSE}
    assert store.value(LISTING_CHANGE) is None
    assert kept_view(store).listing == listing


def test_a_change_made_against_a_base_another_run_replaced_is_not_applied(
    tmp_path: Path,
) -> None:
    """Two runs read the same base; one writes a new base, then the other its change."""
    store = IndexStore(tmp_path, "test")
    _synced(store, _listing(LARGE), [])
    read_by_both = kept_view(store)
    first, last = sorted(LARGE)[0], sorted(LARGE)[-1]
    _synced(store, _listing({**LARGE, first: "b", last: "b"}), [])  # a new base
    late = view_to_keep(_listing({**LARGE, first: "c"}), [], read_by_both)
    assert set(late) == {LISTING_CHANGE, LOOSE}
    with store.writing() as writer:
        writer.finish(values=late)
    # No listing any sync saw can be made of these: the next sync starts without a view.
    assert kept_view(store).listing is None


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
    token = store.value(LISTING)[:16]
    for change in [b"garbage", token + b"12 x\n", token + b"999999999 1\nab", "text"]:
        with store.writing() as writer:
            writer.finish(values={LISTING_CHANGE: change})
        assert kept_view(store).listing is None, change
