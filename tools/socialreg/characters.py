"""Characters that have no place in a record's text, and how to show them to people.

Control characters (NUL, ESC, BEL, the C1 range) are invisible in an editor and on GitHub,
yet they end up in the public site, CODEOWNERS and terminals: an ESC can recolour a
reviewer's terminal, a NUL breaks XML feeds. U+2028 and U+2029 break lines in some programs and
not in others. The schemas refuse them in every text field (common.schema.json's `text`,
`line`, `https_url` and `email` say `not: {pattern: ...}` with the classes below; a test keeps
the two in step), and every message shows them as visible escapes.
"""

from __future__ import annotations

import re
import unicodedata

# Refused in every text field: C0 controls except tab and line feed, DEL, C1, LS and PS.
REFUSED_CLASS = r"\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029"
# Refused in one-line fields (names, handles, addresses): the above and the line feed.
REFUSED_IN_LINE_CLASS = r"\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029"

_REFUSED_IN_LINE = re.compile(f"[{REFUSED_IN_LINE_CLASS}]")
_REFUSED_ANYWHERE = re.compile(f"[{REFUSED_CLASS}\\ud800-\\udfff]")
# What messages and paths must never carry raw: the above, the tab, and lone surrogates
# (stand-ins for bytes of a file name that is not UTF-8, which no UTF-8 output can hold).
_INVISIBLE = re.compile(f"[{REFUSED_IN_LINE_CLASS}\\u0009\\ud800-\\udfff]")

_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BACKSPACE",
    0x09: "TAB",
    0x0A: "a line break",
    0x0D: "a carriage return",
    0x1B: "ESC",
    0x7F: "DEL",
    0x85: "NEL, a line break",
    0x2028: "LINE SEPARATOR",
    0x2029: "PARAGRAPH SEPARATOR",
}


def describe(character: str) -> str:
    """`U+001B (ESC)`: the code point, and a name where one helps."""
    code = ord(character)
    name = _NAMES.get(code) or unicodedata.name(character, "a control character")
    return f"U+{code:04X} ({name})"


def first_refused(text: str, one_line: bool = True) -> str | None:
    """The first character of `text` that a text field refuses, or None."""
    match = _REFUSED_IN_LINE.search(text)
    if match is None:
        return None
    if not one_line and match.group() == "\n":
        rest = text.replace("\n", "")
        found = _REFUSED_IN_LINE.search(rest)
        return found.group() if found else None
    return match.group()


def without_controls(text: str) -> str:
    """`text` without the characters that text fields refuse (LS and PS become spaces): for
    what the public site shows, which a `build --force` may make from records with errors."""
    if _REFUSED_ANYWHERE.search(text) is None:
        return text
    return _REFUSED_ANYWHERE.sub(lambda m: " " if m.group() in "\u2028\u2029" else "", text)


def visible(text: str) -> str:
    """`text` with every invisible or line-breaking character written as `\\xNN`/`\\uNNNN`,
    so that a message or a path stays on one line and cannot steer a terminal."""
    if _INVISIBLE.search(text) is None:
        return text
    return _INVISIBLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8: show the byte
        code -= 0xDC00
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
