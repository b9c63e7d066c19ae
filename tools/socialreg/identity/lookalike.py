"""Find, among many official handles, those a new handle may be taken for.

Comparing a handle with each of ten thousand others is too slow for a check that runs on every
record, so the official handles are indexed by their identity key with separators removed,
with "official"-like words removed, and by every key with one character deleted ("symmetric
delete": two strings one edit apart, or with two neighbours swapped, share such a key). The
index finds candidates; `text.reason_for_keys` decides.
"""

from __future__ import annotations

import operator
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from itertools import compress, count, islice, repeat
from typing import Generic, TypeVar

from socialreg.identity.text import (
    MIN_LOOKALIKE_LENGTH,
    HandleFacts,
    handle_facts,
    identity_key,
    plain_key,
    reason_for_facts,
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

    Each official handle has a dozen search keys, and a large registry has a hundred thousand
    handles: 1.6 million search keys, which took 130 MB as a dict from their hashes to entry
    numbers (an int object and a dict slot each). So a search key is packed with its entry's
    number into one 8-byte number (39 bits of the key's hash above 24 bits of the number) in
    one array: 13 MB. Two keys whose hashes agree in the bits kept only make an extra
    candidate, which `reason_for_keys` turns down (a few among 1.6 million keys).

    Handles are added first and searched after. The first search sorts the array and joins it
    with itself, once for all: which entries share a search key with which. A handle that
    is itself in the index (every handle, in a check of the whole repository) then finds its
    candidates in one lookup instead of making and looking up its dozen search keys; any
    other handle is searched for in the sorted buckets.
    """

    def __init__(self, entries: Iterable[tuple[str, T]] = ()) -> None:
        self._entries: list[tuple[str, HandleFacts, T]] = []
        self._packed: array[int] = array("q")
        self._first: dict[str, int] = {}  # an identity key -> the first entry that has it
        # After the join: a first entry -> the entries sharing a search key with it.
        self._alike: dict[int, array[int]] | None = None
        self._sorted_up_to = 0  # the keys before this place are in order (`sort_added`)
        for handle, value in entries:
            self.add(handle, value)

    def add(self, handle: str, value: T) -> None:
        self.add_keys(handle, (identity_key(handle), series_key(handle)), value)

    def add_keys(self, handle: str, keys: tuple[str, str], value: T) -> None:
        """`add`, with the handle's (identity_key, series_key) already made."""
        if len(keys[0]) < MIN_LOOKALIKE_LENGTH:
            return
        number = len(self._entries)
        if number > _NUMBER_MASK:
            raise OverflowError("more official handles on one platform than an index holds")
        # Its plain key and the rest are most often the identity key itself: no more memory.
        self._entries.append((handle, handle_facts(keys), value))
        self._first.setdefault(keys[0], number)
        self._alike = None
        self._packed.extend(
            [
                (hash(search_key) & _HASH_MASK) << _NUMBER_BITS | number
                for search_key in search_keys(keys[0])
            ]
        )

    def sort_added(self) -> None:
        """Put the search keys added since the last call in order among themselves. The join
        then sorts runs of keys in order, not keys in the order they came: a third of the
        time, for handles added batch by batch while a large run's workers send them."""
        start = self._sorted_up_to
        if len(self._packed) - start > 1:
            self._packed[start:] = array("q", sorted(self._packed[start:]))
        self._sorted_up_to = len(self._packed)

    def resembling(
        self, handle: str, keys: tuple[str, str] | None = None
    ) -> list[tuple[str, T, str]]:
        """(official handle, its value, why they look alike) for each resembling entry;
        `keys` are the handle's (identity_key, series_key) when they were made already."""
        keys = keys or (identity_key(handle), series_key(handle))
        key = keys[0]
        if len(key) < MIN_LOOKALIKE_LENGTH:
            return []
        alike = self._alike if self._alike is not None else self._join()
        first = self._first.get(key)
        # An entry with this identity key has the same search keys: the same candidates.
        candidates = alike.get(first, ()) if first is not None else self._search(key)
        result: list[tuple[str, T, str]] = []
        facts = handle_facts(keys)
        for number in sorted(candidates):  # in the order the officials were added
            official, official_facts, value = self._entries[number]
            reason = reason_for_facts(facts, official_facts)
            if reason is not None:
                result.append((official, value, reason))
        return result

    def _search(self, key: str) -> set[int]:
        """The entries that share a search key with `key` (the array is sorted)."""
        candidates: set[int] = set()
        packed = self._packed
        for search_key in search_keys(key):
            low = (hash(search_key) & _HASH_MASK) << _NUMBER_BITS
            at = bisect_left(packed, low)
            while at < len(packed) and packed[at] <= low | _NUMBER_MASK:
                candidates.add(packed[at] & _NUMBER_MASK)
                at += 1
        return candidates

    def _join(self) -> dict[int, array[int]]:
        """Sort the array, and find the entries that share a search key with each entry."""
        entries, first = self._entries, self._first
        sharing: dict[int, set[int]] = {}
        self._packed = packed = array("q", sorted(self._packed))
        self._sorted_up_to = len(packed)
        # Nearly every search key is its handle's alone. So the places where a hash repeats
        # the one before it are found by iterators that run in C, and only those are looked at
        # here: a Python loop over every key was 1.4 s of a check of 100,000 accounts.
        hashes = array("q", map(operator.rshift, packed, repeat(_NUMBER_BITS)))
        repeats = compress(count(1), map(operator.eq, islice(hashes, 1, None), hashes))
        del hashes  # the iterators hold it as long as they need it
        run: list[int] = []  # the entries of one search key (one run of equal hashes)
        last = -1
        for at in repeats:
            if at != last + 1:  # a new run, from the place before this one
                if run:
                    _share(run, entries, first, sharing)
                run = [packed[at - 1] & _NUMBER_MASK]
            run.append(packed[at] & _NUMBER_MASK)
            last = at
        if run:
            _share(run, entries, first, sharing)
        self._alike = {number: array("l", sorted(found)) for number, found in sharing.items()}
        return self._alike


def _share(
    run: list[int],
    entries: Sequence[tuple[str, HandleFacts, object]],
    first: dict[str, int],
    sharing: dict[int, set[int]],
) -> None:
    """Note that the entries of `run` share a search key (with themselves, for entries of
    one identity key: harmless, `reason_for_keys` turns equal keys down)."""
    firsts = {first[entries[number][1][0]] for number in run}
    if len(firsts) == 1:
        return  # one identity key: nothing alike
    for number in firsts:
        found = sharing.get(number)
        if found is None:
            sharing[number] = set(run)
        else:
            found.update(run)


# A packed search key: 39 bits of its hash above 24 bits of an entry's number, a positive
# 8-byte number.
_NUMBER_BITS = 24
_NUMBER_MASK = (1 << _NUMBER_BITS) - 1
_HASH_MASK = (1 << (63 - _NUMBER_BITS)) - 1


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
