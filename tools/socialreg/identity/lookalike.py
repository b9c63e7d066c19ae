"""Find, among many official handles, those a new handle may be taken for.

Comparing a handle with each of ten thousand others is too slow for a check that runs on every
record, so the official handles are indexed by their identity key with separators removed,
with "official"-like words removed, and by every key with one character deleted ("symmetric
delete": two strings one edit apart, or with two neighbours swapped, share such a key). The
index finds candidates; `text.reason_for_keys` decides.
"""

from __future__ import annotations

from collections import defaultdict
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
    """Official handles, each with a value (a record summary, say), searchable by resemblance."""

    def __init__(self, entries: Iterable[tuple[str, T]] = ()) -> None:
        self._by_key: dict[str, list[tuple[str, tuple[str, str], T]]] = defaultdict(list)
        for handle, value in entries:
            self.add(handle, value)

    def add(self, handle: str, value: T) -> None:
        key = identity_key(handle)
        if len(key) < MIN_LOOKALIKE_LENGTH:
            return
        keys = (key, series_key(handle))
        for search_key in _search_keys(key):
            self._by_key[search_key].append((handle, keys, value))

    def resembling(self, handle: str) -> list[tuple[str, T, str]]:
        """(official handle, its value, why they look alike) for each resembling entry."""
        key = identity_key(handle)
        if len(key) < MIN_LOOKALIKE_LENGTH:
            return []
        keys = (key, series_key(handle))
        found: list[tuple[str, T, str]] = []
        seen: set[int] = set()
        for search_key in _search_keys(key):
            for official, official_keys, value in self._by_key.get(search_key, ()):
                if id(value) in seen:
                    continue
                seen.add(id(value))
                reason = reason_for_keys(keys, official_keys)
                if reason is not None:
                    found.append((official, value, reason))
        return found


def _search_keys(key: str) -> set[str]:
    # Keys one edit apart have plain keys (no separators) at most one edit apart, or equal when
    # the edit was a separator: the plain key's deletions find both.
    plain = plain_key(key)
    keys = _deletions(plain)
    keys.add("b:" + without_bait_words(plain))
    return keys
