"""Rule SR132: no typographic quotes or invisible characters pasted into handles and addresses.

Also home of the small helpers that the handle rules and the wizard share.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from socialreg.load.model import Record
from socialreg.patterns import url_matches
from socialreg.rules.base import Problem, RuleContext, mapping, register
from socialreg.sources import KI

# What a word processor or a web page adds when text is copied from it.
_QUOTES = "typographic quotes"
_INVISIBLE = "an invisible character (a zero-width space or the like)"
PASTED_CHARACTERS = {
    "\u201c": _QUOTES,
    "\u201d": _QUOTES,
    "\u2018": _QUOTES,
    "\u2019": _QUOTES,
    "\u00ab": _QUOTES,
    "\u00bb": _QUOTES,
    "\u00a0": "a non-breaking space",
    "\u00ad": _INVISIBLE,
    "\u200b": _INVISIBLE,
    "\u200c": _INVISIBLE,
    "\u200d": _INVISIBLE,
    "\u2060": _INVISIBLE,
    "\ufeff": _INVISIBLE,
    "\u2013": "a dash (\u2013) instead of a hyphen",
    "\u2014": "a dash (\u2014) instead of a hyphen",
}

# (path, what it is called in a message)
_CHECKED = (
    (("handle",), "The handle"),
    (("url",), "The address"),
    (("dialogue", "house_rules_url"), "The address of the house rules"),
    (("dialogue", "faq_url"), "The address of the FAQ page"),
)


def without_pasted(text: str) -> str:
    """The text with pasted characters removed (dashes become hyphens, quotes disappear)."""
    if text.isascii():  # no pasted character is: the common case, asked of every handle
        return text.strip().strip("\"'")
    cleaned = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u00a0", " ")
    cleaned = "".join(char for char in cleaned if char not in PASTED_CHARACTERS)
    return cleaned.strip().strip("\"'")


def url_for_handle(pattern: str, handle: str) -> str | None:
    """The address an account with `handle` has, from the platform's address pattern.

    The pattern's literal start (`^https://www\\.instagram\\.com/`) is the address without the
    user name; the suggestion is used only when the whole pattern accepts it.
    """
    prefix = _literal_prefix(pattern)
    name = without_pasted(handle).lstrip("@")
    if not prefix.startswith("https://") or not name or "/" in name or "@" in name:
        return None
    candidate = prefix + name
    return candidate if url_matches(pattern, candidate) else None


def _literal_prefix(pattern: str) -> str:
    text = pattern.removeprefix("^")
    literal = []
    escaped = False
    for char in text:
        if escaped:
            if char.isalnum():  # \d, \w, ...: a class, not a literal
                break
            literal.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "[](){}.*+?|$":
            break
        else:
            literal.append(char)
    return "".join(literal)


@register(
    code="SR132",
    scope="account",
    rationale="""
Text copied from a word processor or a web page brings characters along that nobody sees:
typographic quotes around a handle, a non-breaking space, a zero-width space, a dash where a
hyphen was meant. The record then names an account that does not exist, and the duplicate
check cannot see that two records name the same account. The message says what to write.
""",
    source=KI,
    passing="""
handle: "@library.example.org"
url: https://bsky.app/profile/library.example.org
""",
    failing="""
handle: "\u201c@library.example.org\u201d"
""",
)
def check_pasted_text(record: Record, context: RuleContext) -> Iterator[Problem]:
    for path, label in _CHECKED:
        holder = mapping(record.data, path[0]) if len(path) == 2 else record.data
        value = holder.get(path[-1])
        if not isinstance(value, str) or value.isascii():  # no pasted character is ASCII
            continue
        found = sorted({PASTED_CHARACTERS[char] for char in value if char in PASTED_CHARACTERS})
        if not found:
            continue
        found_text = " and ".join(found)
        yield Problem(
            record.document,
            path,
            f"{label} contains {found_text}, which came along when it was copied. Write it "
            f'as "{unicodedata.normalize("NFC", without_pasted(value))}" ({KI}).',
        )
