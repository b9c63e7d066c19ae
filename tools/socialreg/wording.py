"""Small helpers that keep generated sentences grammatical: a/an, plurals, ordinals."""

from __future__ import annotations

# Words that start with a vowel letter but a consonant sound ("a user"), and the reverse.
_CONSONANT_SOUND = ("uni", "use", "usu", "one", "eu", "url")
_VOWEL_SOUND = ("hour", "honest", "sms", "faq")

_ORDINALS = (
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
)


def a_or_an(word: str) -> str:
    """`word` with its indefinite article: "an account", "a campaign", "a unit"."""
    lower = word.lower()
    vowel = lower[:1] in ("a", "e", "i", "o", "u")
    if lower.startswith(_CONSONANT_SOUND):
        vowel = False
    if lower.startswith(_VOWEL_SOUND):
        vowel = True
    return f"{'an' if vowel else 'a'} {word}"


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 word", "2 words" (`many` for irregular plurals)."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def ordinal(index: int) -> str:
    """A 0-based list index as people count it: 0 -> "first", 11 -> "12th"."""
    number = index + 1
    if 1 <= number <= len(_ORDINALS):
        return _ORDINALS[number - 1]
    teen = 10 <= number % 100 <= 20
    suffix = "th" if teen else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


# How many names a message lists before it counts the rest: a list that grows with the
# organisation (every file that shares an address) must not make a message, or a report of one
# message per other file, grow with it.
FEW = 3


def first_few(names: list[str], total: int | None = None, noun: str = "", few: int = FEW) -> str:
    """The first `few` of `names` and how many of `total` (by default all of `names`) are left
    unnamed, `noun` counting them: "x.yaml", "x.yaml and y.yaml", "x.yaml, y.yaml and z.yaml",
    "x.yaml, y.yaml, z.yaml and 997 more files"."""
    total = len(names) if total is None else total
    shown = names[:few]
    left = total - len(shown)
    if left > 0:
        rest = f"{left:,} more" + (f" {noun}{'' if left == 1 else 's'}" if noun else "")
        return f"{', '.join(shown)} and {rest}"
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"
