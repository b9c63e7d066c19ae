"""Numbers in records, within what any rule can compute with.

YAML has no limit on the size of a number. Python refuses to turn an integer of more than 4,300
digits into text (so a message quoting it crashed), a date plus a huge number of days
overflows, and `.inf`, `.nan` or `1e400` pass every `minimum`. No record needs a number beyond
what JSON carries exactly (2**53), so larger or non-finite numbers are refused where they are
read, with their line, and kept as the text written.
"""

from __future__ import annotations

import math

import yaml

from socialreg.wording import plural

LARGEST = 2**53 - 1  # the largest integer JSON tools carry exactly
# Longer than any number up to LARGEST can be written (with a sign, underscores or 0x): such
# text is refused before Python converts it, which for thousands of digits is itself an error.
_LONGEST_TEXT = 40

_CONSTRUCTOR = yaml.constructor.SafeConstructor()


class OutOfRange(ValueError):
    """The number cannot be used; `str()` is a message for people."""


def construct(node: yaml.ScalarNode) -> int | float:
    """The int or float YAML reads in `node` (tagged int or float), or `OutOfRange`."""
    text = node.value
    if len(text) > _LONGEST_TEXT:
        raise OutOfRange(_too_large(f"is {plural(len(text), 'character')} long"))
    is_int = node.tag.endswith(":int")
    construct_number = (
        _CONSTRUCTOR.construct_yaml_int if is_int else _CONSTRUCTOR.construct_yaml_float
    )
    try:
        value = construct_number(node)
    except ValueError:
        # YAML 1.1 reads `0x_` and `0b_` as numbers, whose digits are all underscores.
        raise OutOfRange(
            f"YAML reads `{text}` as a number, but it has no digits. Write the number with "
            "digits, or put the value in quotes if it is text."
        ) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise OutOfRange(
            "This number is infinite or not a number (`.inf`, `.nan`, or too large to hold). "
            "Write the real number, with digits."
        )
    if abs(value) > LARGEST:
        raise OutOfRange(_too_large("is larger than any value in a record can be"))
    return value


def _too_large(what: str) -> str:
    return f"This number {what} (the limit is {LARGEST:,}). Check the value."
