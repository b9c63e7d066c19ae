"""Find, among many official handles, those a new handle may be taken for.

Comparing a handle with each of ten thousand others is too slow for a check that runs on every
record, so the official handles are indexed by their identity key with separators removed,
with "official"-like words removed, and by every key with one character deleted ("symmetric
delete": two strings one edit apart, or with two neighbours swapped, share such a key). The
index finds candidates; `text.reason_for_keys` decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, TypeVar

from socialreg.identity.text import (
    MIN_LOOKALIKE_LENGTH,
    identity_key,
    plain_key,
    reason_for_keys,
    series_key,
    without_bait_words,
)

T = TypeVar("T")


def _deletions(key: str) -> set[str]:
    # Digits are not deleted: edits of digits alone are a numbered series, not a look-alike
    # (text._one_edit_apart), and deleting them would make every series one crowded bucket.
    return {key[:i] + key[i + 1 :] for i in range(len(key)) if not key[i].isdigit()} | {key}


class LookalikeIndex(Generic[T]):
    """Official handles, each with a value (a record summary, say), searchable by resemblance.

    Each official handle has a dozen search keys, and a large registry has tens of thousands
    of handles, so the index is kept small: a search key is stored as its hash (two keys
    with the same hash only make an extra candidate, which `reason_for_keys` turns down), and
    a bucket holds the number of an entry, or a list of numbers when several share it. At
    100,000 accounts this is a quarter of the memory of lists of tuples under string keys.
    """

    def __init__(self, entries: Iterable[tuple[str, T]] = ()) -> None:
        self._entries: list[tuple[str, tuple[str, str], T]] = []
        self._by_key: dict[int, int | list[int]] = {}
        for handle, value in entries:
            self.add(handle, value)

    def add(self, handle: str, value: T) -> None:
        self.add_keys(handle, (identity_key(handle), series_key(handle)), value)

    def add_keys(self, handle: str, keys: tuple[str, str], value: T) -> None:
        """`add`, with the handle's (identity_key, series_key) already made."""
        if len(keys[0]) < MIN_LOOKALIKE_LENGTH:
            return
        number = len(self._entries)
        self._entries.append((handle, keys, value))
        buckets = self._by_key
        for search_key in search_keys(keys[0]):
            hashed = hash(search_key)
            found = buckets.get(hashed)
            if found is None:
                buckets[hashed] = number
            elif isinstance(found, int):
                buckets[hashed] = [found, number]
            else:
                found.append(number)

    def resembling(
        self, handle: str, keys: tuple[str, str] | None = None
    ) -> list[tuple[str, T, str]]:
        """(official handle, its value, why they look alike) for each resembling entry;
        `keys` are the handle's (identity_key, series_key) when they were made already."""
        keys = keys or (identity_key(handle), series_key(handle))
        key = keys[0]
        if len(key) < MIN_LOOKALIKE_LENGTH:
            return []
        candidates: set[int] = set()
        for search_key in search_keys(key):
            found = self._by_key.get(hash(search_key))
            if isinstance(found, int):
                candidates.add(found)
            elif found is not None:
                candidates.update(found)
        result: list[tuple[str, T, str]] = []
        for number in sorted(candidates):  # in the order the officials were added
            official, official_keys, value = self._entries[number]
            reason = reason_for_keys(keys, official_keys)
            if reason is not None:
                result.append((official, value, reason))
        return result


def search_keys(key: str) -> set[str]:
    """What an identity key is found by: two keys that may resemble share one of them (the
    index store keeps them too, to find the few handles a one-file check compares)."""
    # Keys one edit apart have plain keys (no separators) at most one edit apart, or equal when
    # the edit was a separator: the plain key's deletions find both.
    keys = _deletions(plain_key(key))
    keys.add(bait_key(key))
    return keys


class Wanted:
    """What a few handles could resemble: a quick test that leaves out, without making their
    search keys, the official handles that cannot share a search key with any of them.

    A one-file check compares one handle with every official handle. Indexing them all means
    making a dozen search keys for each (0.7 s at 45,000 handles); two handles can only share
    one when their plain keys are at most one character apart in length (a deletion key is one
    shorter than its key) or their keys without bait words are equal, and those two tests
    cost a fraction of that.
    """

    def __init__(self, keys: Iterable[str]) -> None:
        self._lengths: set[int] = set()
        self._baits: set[str] = set()
        for key in keys:
            if len(key) < MIN_LOOKALIKE_LENGTH:
                continue
            plain = plain_key(key)
            self._lengths.update((len(plain) - 1, len(plain), len(plain) + 1))
            self._baits.add(without_bait_words(plain))

    def may_resemble(self, key: str) -> bool:
        plain = plain_key(key)
        return len(plain) in self._lengths or without_bait_words(plain) in self._baits


# --- a sketch of a key, to find candidates without making their search keys -----------------


def sketch(key: str) -> tuple[str, int, int]:
    """(digits, length, letters) of the key's plain key; the letters (every character that is
    not a digit) as a 63-bit mask.

    Two keys that share a search key other than the bait key have the same digits in the same
    order (a search key is the plain key, or the plain key less one character that is not a
    digit), lengths at most one apart, and each at most one letter the other lacks, so masks
    that differ in at most two bits (`may_share_search_key`). The index store keeps the sketch
    of every official handle, so that a one-file check finds its few candidates among
    thousands without making a dozen search keys for each.
    """
    plain = plain_key(key)
    digits = "".join(character for character in plain if character.isdigit())
    mask = 0
    for character in set(plain):
        if not character.isdigit():
            mask |= 1 << (ord(character) % 63)  # stable across processes, unlike hash()
    return digits, len(plain), mask


def may_share_search_key(first: tuple[str, int, int], second: tuple[str, int, int]) -> bool:
    """False only when two keys with these sketches share no search key but the bait key."""
    return (
        first[0] == second[0]
        and abs(first[1] - second[1]) <= 1
        and (first[2] ^ second[2]).bit_count() <= 2
    )


def bait_key(key: str) -> str:
    """The search key of the key without bait words ("official", "real", ...)."""
    return "b:" + without_bait_words(plain_key(key))
