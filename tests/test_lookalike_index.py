"""The look-alike index: what it finds, and that it stays small at the size of a large registry.

A handle that is in the index finds its candidates from the join made at the first search; any
other handle searches the sorted buckets. Both must find what comparing one by one finds."""

from __future__ import annotations

import random
import string
import tracemalloc

from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg.identity.lookalike import LookalikeIndex, search_keys
from socialreg.identity.text import identity_key, lookalike_reason, series_key

# Few letters, so that handles often resemble each other; digits for numbered series.
_HANDLES = st.text(alphabet="abcel._-10om", min_size=4, max_size=10)


def _expected(handle: str, officials: list[str]) -> list[tuple[str, int, str]]:
    """Comparing one by one, each official that shares a search key with `handle` (what the
    index is meant to find: see test_identity for the kind it leaves out on purpose)."""
    keys = search_keys(identity_key(handle))
    found = []
    for number, official in enumerate(officials):
        reason = lookalike_reason(handle, official)
        if reason is not None and keys & search_keys(identity_key(official)):
            found.append((official, number, reason))
    return found


@settings(max_examples=200, deadline=None)
@given(
    officials=st.lists(_HANDLES, min_size=1, max_size=30),
    stranger=_HANDLES,
    sorted_every=st.integers(min_value=0, max_value=4),
)
def test_a_handle_in_the_index_and_one_outside_find_what_comparing_one_by_one_finds(
    officials: list[str], stranger: str, sorted_every: int
) -> None:
    """`sorted_every`: the keys added are put in order after every so many handles (as a
    large run does after each batch of entries; 0: never)."""
    index: LookalikeIndex[int] = LookalikeIndex()
    for number, official in enumerate(officials):
        index.add(official, number)
        if sorted_every and number % sorted_every == 0:
            index.sort_added()
    for handle in [*officials, stranger]:
        assert index.resembling(handle) == _expected(handle, officials)


def test_searches_after_more_handles_were_added_see_them() -> None:
    index: LookalikeIndex[str] = LookalikeIndex([("@example.library", "first")])
    assert index.resembling("@example.librery") == [
        ("@example.library", "first", "it differs by a single character")
    ]
    index.add("@example_library", "second")  # after the first search: joined again
    assert [value for _, value, _ in index.resembling("@example.library")] == ["second"]
    assert [value for _, value, _ in index.resembling("@example.librery")] == ["first", "second"]


def test_the_index_of_a_large_registry_holds_no_object_per_search_key() -> None:
    """A hundred thousand handles have 1.6 million search keys: as a dict of their hashes to
    entry numbers they took 1.3 KB per handle (130 MB); packed in arrays, a few hundred bytes."""
    words = random.Random(15)
    handles = [
        "@" + "".join(words.choices(string.ascii_lowercase, k=12)) + ".news" for _ in range(5_000)
    ]
    keys = [(identity_key(handle), series_key(handle)) for handle in handles]
    tracemalloc.start()
    try:
        index: LookalikeIndex[int] = LookalikeIndex()
        for number, (handle, handle_keys) in enumerate(zip(handles, keys, strict=True)):
            index.add_keys(handle, handle_keys, number)
        index.resembling(handles[0], keys[0])  # the join
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size / len(handles) < 600, f"{size / len(handles):.0f} bytes per handle"
