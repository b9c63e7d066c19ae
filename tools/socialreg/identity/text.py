"""Handles compared as people see them, not as they are typed.

Two registrations of `@example.library` must be caught however the second one is written:
with a zero-width space inside, in full-width letters, with a Cyrillic `і`, or with a
trailing `/`. Three keys, from strict to loose:

- `handle_key`: what the platform itself would treat as the same handle: NFKC (full-width
  and other compatibility forms become plain letters), the leading `@` and trailing `/`
  dropped, and case folded where the platform ignores case.
- `identity_key`: also with invisible characters removed (zero-width spaces and joiners, soft
  hyphens, bidirectional controls, variation selectors) and reduced to its Unicode TR39
  confusable skeleton, so letters that look alike compare equal. Two handles with the same
  identity key are one registration.
- `lookalike_reason`: why two different identity keys may still be taken for each other (one
  edit away, separators swapped, "official" added), for warnings rather than errors.

The skeleton is TR39's (NFD, map each character to its prototype, NFD again), with case
folded before and after: TR39 keeps `0` -> `O` apart from `o`, but a handle's case carries no
meaning, so `c0urse` and `course` must meet.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources

# Characters that show nothing (or nearly nothing) yet change a string: format characters
# (Cf: zero-width space, joiners, bidirectional controls, soft hyphen), variation selectors,
# the Hangul and Khmer fillers and the combining grapheme joiner, which TR39 also ignores.
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u3164\uffa0")
_ASCII_DIGITS = frozenset("0123456789")
_SEPARATORS = re.compile(r"[._\-\s]+")
# Words an impostor adds to look more real; compared with separators already removed.
_BAIT_WORDS = ("official", "real", "team", "the", "hq", "verified", "officiel", "officiell")


@functools.cache
def confusables_map() -> dict[str, str]:
    """Source character -> TR39 prototype (trimmed: see generate_confusables.py)."""
    text = (resources.files("socialreg.identity") / "confusables.json").read_text("utf-8")
    mapping: dict[str, str] = json.loads(text)["map"]
    return mapping


def is_invisible(character: str) -> bool:
    code = ord(character)
    return (
        unicodedata.category(character) == "Cf"
        or 0xFE00 <= code <= 0xFE0F
        or 0xE0100 <= code <= 0xE01EF
        or character in _INVISIBLE_EXTRA
    )


def without_invisible(text: str) -> str:
    if text.isascii():  # no ASCII character is invisible in this sense; most handles are ASCII
        return text
    return "".join(character for character in text if not is_invisible(character))


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def bare_handle(text: str) -> str:
    """`  @ExampleUni/ ` -> `ExampleUni`: the handle without its decoration."""
    value = unicodedata.normalize("NFKC", text).strip()
    return value.lstrip("@").rstrip("/").strip()


def handle_key(text: str, case_sensitive: bool = False) -> str:
    """The handle as the platform compares it."""
    value = bare_handle(text)
    return value if case_sensitive else _folded(value)


def skeleton(text: str, keep_digits: bool = False) -> str:
    """TR39 skeleton of `text` (NFD, prototypes, NFD), case folded before and after.

    With `keep_digits`, the ASCII digits stay digits (TR39 maps 0 to O and 1 to l), so that a
    numbered series (`course1`, `course10`) can be told from a disguise.
    """
    decomposed = unicodedata.normalize("NFD", _folded(text))
    mapped = decomposed.translate(_prototypes(keep_digits))
    return unicodedata.normalize("NFD", mapped).casefold()


@functools.cache
def _prototypes(keep_digits: bool) -> dict[int, str]:
    """The confusables map as a `str.translate` table: a skeleton is taken for every handle of
    the registry on every run, and translating in C is ten times faster than a Python loop."""
    table = {ord(source): prototype for source, prototype in confusables_map().items()}
    if keep_digits:
        for digit in _ASCII_DIGITS:
            table.pop(ord(digit), None)
    return table


@functools.lru_cache(maxsize=65536)
def identity_key(text: str) -> str:
    """Equal for two handles a person cannot tell apart: the registry's duplicate test."""
    return skeleton(without_invisible(bare_handle(without_invisible(text))))


@functools.lru_cache(maxsize=65536)
def series_key(text: str) -> str:
    """identity_key with the digits kept: `course10` stays apart from `coursel0`."""
    return skeleton(without_invisible(bare_handle(without_invisible(text))), keep_digits=True)


def _one_edit_apart(first: str, second: str) -> bool:
    """One character inserted, removed, replaced, or two neighbours swapped; but not when only
    digits differ: `example.course1` and `example.course2` are a numbered series, not a
    disguise (a digit that looks like a letter is already in the skeleton: 0 -> o, 1 -> l).
    """
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    if len(first) > len(second):
        first, second = second, first
    start = _common_start(first, second)
    if len(first) < len(second):
        return first[start:] == second[start + 1 :] and not second[start].isdigit()
    changed = first[start] + second[start]
    if first[start + 1 :] == second[start + 1 :]:
        return not changed.isdigit()
    return (
        start + 1 < len(first)
        and first[start] == second[start + 1]
        and first[start + 1] == second[start]
        and first[start + 2 :] == second[start + 2 :]
        and not changed.isdigit()
    )


def _common_start(first: str, second: str) -> int:
    """How many characters `first` (not the longer) and `second` begin with alike.

    A check of a whole repository compares half a million pairs of handles; a loop over their
    characters was most of its time. Texts of ASCII are compared as numbers instead: the
    highest byte in which they differ is where they part.
    """
    length = len(first)
    if first.isascii() and second.isascii():
        difference = int.from_bytes(first.encode(), "big") ^ int.from_bytes(
            second[:length].encode(), "big"
        )
        return length - 1 - (difference.bit_length() - 1) // 8 if difference else length
    start = 0
    while start < length and first[start] == second[start]:
        start += 1
    return start


@functools.cache
def _bait_skeletons() -> tuple[str, ...]:
    # Compared with skeletons, so the words must be skeletons too ("team" is "tearn").
    return tuple(skeleton(word) for word in _BAIT_WORDS)


_WITHOUT_DIGITS = str.maketrans("", "", "0123456789")


def without_bait_words(text: str) -> str:
    """`officialexample` -> `example`: the words impostors add, removed from either end."""
    baits = _bait_skeletons()
    if not text.startswith(baits) and not text.endswith(baits):
        return text  # the common case, without the loop
    value = text
    changed = True
    while changed:  # each round makes `value` shorter, so this ends
        changed = False
        for word in _bait_skeletons():
            for cut in (value.removeprefix(word), value.removesuffix(word)):
                if len(cut) < len(value) and len(cut) >= 3:
                    value, changed = cut, True
                    break
    return value


def plain_key(key: str) -> str:
    """An identity key without its separators: `example.library` -> `examplelibrary`."""
    if key.isalnum():  # no separator, no space: most keys, known without the expression
        return key
    return _SEPARATORS.sub("", key)


# Below this length nearly every handle is one edit from another: no warning.
MIN_LOOKALIKE_LENGTH = 5


def lookalike_reason(candidate: str, official: str) -> str | None:
    """Why `candidate` may be taken for `official`, or None. Equal identities are not
    look-alikes: they are the same handle (see identity_key).
    """
    return reason_for_keys(
        (identity_key(candidate), series_key(candidate)),
        (identity_key(official), series_key(official)),
    )


def reason_for_keys(first_keys: tuple[str, str], second_keys: tuple[str, str]) -> str | None:
    """lookalike_reason for two handles' (identity_key, series_key) pairs."""
    return reason_for_facts(handle_facts(first_keys), handle_facts(second_keys))


# A handle as the look-alike test reads it: its identity key, series key, plain key, plain key
# without bait words, and series key without digits. An index of official handles keeps them,
# so that comparing half a million pairs (a check of 100,000 accounts) does not make the last
# three again for each.
HandleFacts = tuple[str, str, str, str, str]


def handle_facts(keys: tuple[str, str]) -> HandleFacts:
    """The facts of a handle with these (identity_key, series_key)."""
    plain = plain_key(keys[0])
    series = keys[1]
    digitless = series.translate(_WITHOUT_DIGITS)
    # Most handles have no digit: their series key itself, not a second copy, in the index.
    return (
        keys[0],
        series,
        plain,
        without_bait_words(plain),
        series if digitless == series else digitless,
    )


def reason_for_facts(first_facts: HandleFacts, second_facts: HandleFacts) -> str | None:
    """reason_for_keys, for the `handle_facts` of each."""
    first, first_series, plain_first, unbaited_first, digitless_first = first_facts
    second, second_series, plain_second, unbaited_second, digitless_second = second_facts
    if first == second or min(len(first), len(second)) < MIN_LOOKALIKE_LENGTH:
        return None
    if plain_first == plain_second:
        return "only the dots, underscores or hyphens differ"
    if unbaited_first == unbaited_second:
        return 'a word like "official", "real" or "team" was added or left out'
    # Only digits apart once 0 and 1 are read as digits: a numbered series, never "a single
    # character" apart. Asked before the edit test, which it overrules anyway: most pairs that
    # an index of a large registry finds are neighbours in a series (`uni.course1003`,
    # `uni.course1013`: 0 and 1 are letters in the identity key), and this is two comparisons.
    if first_series != second_series and digitless_first == digitless_second:
        return None
    if _one_edit_apart(first, second) or (
        # the plain keys are most often the identity keys themselves: the same answer
        (plain_first != first or plain_second != second)
        and _one_edit_apart(plain_first, plain_second)
    ):
        return "it differs by a single character"
    return None
