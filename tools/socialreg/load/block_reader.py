"""Read the plain block YAML that records are written in, without PyYAML; it reads the rest.

PyYAML's C parser makes a node for every value, calling back into Python for each, and our
builder then walks the nodes again; at 60,000 records that was most of a check. Records are
`key: value` lines, `- ` items, quoted text, folded text (`>-`) and short lists (`[en, sv]`),
so this module reads exactly that, line by line, and builds the values `documents._fast_build`
builds from PyYAML's nodes: in about two thirds of the time for a record, and under half for
a 12 MB units.yaml (benchmarks/bench_reader.py). For a record checked in full it also counts
where each value stands, which a finding then needs (PyYAML's nodes did that).

It answers only when it is sure. Anything outside that small grammar returns None, and the
caller asks PyYAML, which also writes the messages for what is wrong: flow collections of more
than plain words, anchors, aliases, tags, values over several lines, more-indented or blank-but-
for-spaces lines in folded text, unknown escapes, unusual characters, a duplicate key, a number
out of range, an impossible date. Its answers are PyYAML's: tests/test_block_reader.py compares
the two on every test file and on generated and mutated texts, and the fuzzer
(tests/fuzz/fuzz_loader.py) on whatever it finds.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from socialreg.dates import is_calendar_date
from socialreg.load import numbers
from socialreg.load.yaml_fast import (
    ESCAPES,
    MAY_NOT_BE_TEXT,
    SIMPLE_TAGS,
    STR_TAG,
    TIMESTAMP_TAG,
    resolve_plain,
    simple_value,
)

# The characters YAML allows in a file (PyYAML's reader refuses the others), less the ones
# this module leaves to PyYAML: tabs, other line breaks than \n, and a byte order mark.
ALLOWED_TEXT = re.compile(
    "[\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,200}):(?: +|$)")
_BLOCK_HEADER = re.compile(r"([|>])([-+]?) *(?:#.*)?")
_COMMENT_AFTER = re.compile(r"(?: +#.*| *)")
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
# YAML's escapes in double quotes (a tab after \ never reaches here); any other is PyYAML's.
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))")
# A list on one line (`[en, sv]`) of words that mean the same in a list as on their own line.
_FLOW_WORD = r"[A-Za-z0-9_][A-Za-z0-9_.@/+-]*"
_FLOW_LIST = re.compile(rf"\[ *({_FLOW_WORD}(?: *, *{_FLOW_WORD})*) *\]")
# A plain value cannot start with these (YAML's indicators); `-` starts a list item.
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
# Plain values that start with one of these are text whatever follows, unless they hold a
# comment or a colon.
_PLAIN_TEXT_STARTS = frozenset(
    chr(code) for code in range(0x21, 0x7F) if chr(code) not in _INDICATORS | MAY_NOT_BE_TEXT
)


# Dates repeat across records (review dates, decisions): each is looked at once.
_is_calendar_date = functools.lru_cache(maxsize=4096)(is_calendar_date)


class NotPlain(Exception):
    """The text leaves the grammar this module reads."""


Places = dict[tuple[str | int, ...], tuple[int, int]]


def read(text: str, places: Places | None = None) -> dict[str, Any] | None:
    """The values of a record in plain block YAML, or None when PyYAML must read it.

    Given `places`, it fills them in as `documents._CarefulBuilder` does its positions: the
    line and column of each key for a mapping value, and of each item's start for a list item
    (and of the first key for the whole file). A text where that takes more than counting
    (an empty item, a list written on one line) is then left to PyYAML. When it returns None,
    `places` may hold some of the places: start again with a new dict."""
    if not text.endswith("\n") or ALLOWED_TEXT.fullmatch(text) is None:
        return None
    lines = text.split("\n")
    lines.pop()  # the empty string after the last line break
    # No search for `---`, `...` or `%`: a line at the left edge must be a key (or an item of
    # a key's list), so a document marker or directive there is turned down like any other
    # line that is not.
    reader = _Reader(lines, places)
    try:
        if reader.next_content() != 0:
            return None
        if places is not None:
            places[()] = (reader.at + 1, 1)
        data = reader.mapping(0, ())
        if reader.next_content() >= 0:
            return None
    except (NotPlain, RecursionError):  # PyYAML says what is wrong, or too deep
        return None
    return data


class _Reader:
    __slots__ = ("at", "content", "lines", "places")

    def __init__(self, lines: list[str], places: Places | None) -> None:
        self.lines = lines
        self.at = 0
        self.content = ""  # the line `next_content` found, without its indent
        self.places = places

    def next_content(self) -> int:
        """The indent of the next line with content (not blank, not a comment), without moving
        past it; -1 at the end."""
        lines = self.lines
        at = self.at
        while at < len(lines):
            line = lines[at]
            content = line.lstrip(" ")
            if content and content[0] != "#":
                self.at = at
                self.content = content
                return len(line) - len(content)
            at += 1
        self.at = at
        return -1

    def mapping(self, indent: int, path: tuple[str | int, ...]) -> dict[str, Any]:
        # The hot loop of a check of many records: the search for the next line with content
        # and the common plain value are written out here, not called.
        result: dict[str, Any] = {}
        lines = self.lines
        count = len(lines)
        places = self.places
        at = self.at
        while True:
            while at < count:
                line = lines[at]
                content = line.lstrip(" ")
                if content and content[0] != "#":
                    break
                at += 1
            else:
                self.at = at
                return result
            own = len(line) - len(content)
            if own != indent:
                self.at = at
                if own < indent:
                    return result
                raise NotPlain
            match = _KEY.match(content)
            if match is None:
                raise NotPlain
            key = match.group(1)
            if key in result:
                raise NotPlain
            rest = content[match.end() :]
            if places is not None:
                places[(*path, key)] = (at + 1, indent + 1)
            at += 1
            if not rest or rest[0] == "#":
                self.at = at
                result[key] = self.nested(
                    indent, True, (*path, key) if places is not None else path
                )
                at = self.at
            elif rest[0] in _PLAIN_TEXT_STARTS and " #" not in rest and ":" not in rest:
                result[key] = rest.rstrip(" ")  # text, by its first character (value_after_key)
            elif rest[0] in "|>":
                self.at = at
                result[key] = self.block_scalar(rest, indent)
                at = self.at
            elif places is not None and rest[0] == "[" and rest[:2] != "[]":
                raise NotPlain  # the places of a list's words on its line
            else:
                result[key] = _inline_value(rest)

    def nested(self, indent: int, list_may_align: bool, path: tuple[str | int, ...]) -> Any:
        """The value under a key or item with nothing after it on its line: a deeper block,
        a list at the key's own indent, or null."""
        own = self.next_content()
        if own > indent:
            if _is_item(self.content):
                return self.sequence(own, path)
            return self.mapping(own, path)
        if own == indent and list_may_align and _is_item(self.content):
            return self.sequence(own, path)
        return None

    def sequence(self, indent: int, path: tuple[str | int, ...]) -> list[Any]:
        items: list[Any] = []
        lines = self.lines
        places = self.places
        while True:
            own = self.next_content()
            if own < indent:
                return items
            if own > indent:
                raise NotPlain
            line = self.content
            if not _is_item(line):
                return items
            rest = line[1:].lstrip(" ")
            item = (*path, len(items)) if places is not None else path
            if not rest or rest[0] == "#":
                self.at += 1
                if places is not None:
                    # The item starts where its value does, on a later line; an empty item
                    # starts after its dash, which is left to PyYAML to place.
                    if self.next_content() <= indent:
                        raise NotPlain
                    places[item] = (self.at + 1, len(lines[self.at]) - len(self.content) + 1)
                items.append(self.nested(indent, False, item))
                continue
            column = indent + len(line) - len(rest)  # where the item's value starts
            if places is not None:
                if rest[0] == "[" and rest[:2] != "[]":
                    raise NotPlain  # the places of a list's words on its line
                places[item] = (self.at + 1, column + 1)
            if _KEY.match(rest):
                # `- key: value` is a mapping whose keys stand where `key` stands.
                lines[self.at] = " " * column + rest
                items.append(self.mapping(column, item))
                continue
            if rest[0] in "|>":
                raise NotPlain
            self.at += 1
            items.append(_inline_value(rest))

    def block_scalar(self, header: str, parent_indent: int) -> str:
        """Folded (`>`) or literal (`|`) text whose lines all stand at one indent."""
        match = _BLOCK_HEADER.fullmatch(header)
        if match is None:
            raise NotPlain
        style, chomping = match.groups()
        lines = self.lines
        start = self.at
        first = lines[start].lstrip(" ") if start < len(lines) else ""
        if not first:
            raise NotPlain  # empty lines before the text, or none: rare, and easy to get wrong
        indent = len(lines[start]) - len(first)
        if indent <= parent_indent:
            raise NotPlain  # an empty value
        texts: list[str] = []
        end = start
        while end < len(lines):
            line = lines[end]
            if line:
                content = line.lstrip(" ")
                if not content:
                    raise NotPlain  # a line of spaces only: empty, or text, by its length
                own = len(line) - len(content)
                if own < indent:
                    break
                if own > indent:
                    raise NotPlain  # a more-indented line keeps its breaks in folded text
                texts.append(content)
            else:
                texts.append("")
            end += 1
        trailing = 0
        while texts and not texts[-1]:
            texts.pop()
            trailing += 1
        self.at = end
        body = "\n".join(texts) if style == "|" else _fold(texts)
        if chomping == "-":
            return body
        if chomping == "+":
            return body + "\n" * (1 + trailing)
        return body + "\n"


def value_after_key(rest: str) -> Any:
    """The value of `key: rest`, for a `rest` that is not empty, not a comment and not a block
    scalar's header, when it ends on its line; raises NotPlain otherwise. (`_Reader.mapping`
    has the same steps written out.)"""
    if rest[0] in _PLAIN_TEXT_STARTS and " #" not in rest and ":" not in rest:
        return rest.rstrip(" ")
    return _inline_value(rest)


def _is_item(line: str) -> bool:
    return line[0] == "-" and (len(line) == 1 or line[1] == " ")


def _fold(texts: list[str]) -> str:
    """Folded lines: one break becomes a space; n empty lines between become n breaks."""
    parts: list[str] = []
    empty = 0
    for text in texts:
        if not text:
            empty += 1
            continue
        if parts:
            parts.append("\n" * empty if empty else " ")
        parts.append(text)
        empty = 0
    return "".join(parts)


def _inline_value(rest: str) -> Any:
    """A value that ends on its line: quoted text, `[]`, `{}`, or a plain scalar."""
    first = rest[0]
    if first == '"':
        quoted = _DOUBLE_QUOTED.match(rest)
        if quoted is None or not _COMMENT_AFTER.fullmatch(rest, quoted.end()):
            raise NotPlain
        body = quoted.group(1)
        return _ESCAPE.sub(_unescape, body) if "\\" in body else body
    if first == "'":
        end = 1
        while True:
            end = rest.find("'", end)
            if end < 0:
                raise NotPlain
            if rest.startswith("''", end):
                end += 2
                continue
            break
        if not _COMMENT_AFTER.fullmatch(rest, end + 1):
            raise NotPlain
        return rest[1:end].replace("''", "'")
    if first in "[{":
        if rest[:2] in ("[]", "{}") and _COMMENT_AFTER.fullmatch(rest, 2):
            return [] if first == "[" else {}
        flow = _FLOW_LIST.match(rest)
        if flow is None or not _COMMENT_AFTER.fullmatch(rest, flow.end()):
            raise NotPlain
        return [_plain_value(item.strip(" ")) for item in flow.group(1).split(",")]
    if first in _INDICATORS:
        raise NotPlain
    comment = rest.find(" #")
    value = (rest if comment < 0 else rest[:comment]).rstrip(" ")
    if ": " in value or value.endswith(":"):
        raise NotPlain
    return _plain_value(value)


def _unescape(escape: re.Match[str]) -> str:
    code = escape.group(1) or escape.group(2) or escape.group(3)
    if code is None:
        replacement = ESCAPES.get(escape.group(4))
        if replacement is None:
            raise NotPlain
        return replacement
    number = int(code, 16)
    if 0xD800 <= number <= 0xDFFF or number > 0x10FFFF:
        raise NotPlain  # libyaml refuses them
    return chr(number)


def _plain_value(value: str) -> Any:
    if value[0] not in MAY_NOT_BE_TEXT:
        return value
    tag = resolve_plain(value)
    if tag == STR_TAG:
        return value
    if tag in SIMPLE_TAGS:
        try:
            return simple_value(tag, value)
        except numbers.OutOfRange:
            raise NotPlain from None
    if tag == TIMESTAMP_TAG and _is_calendar_date(value):
        return value
    raise NotPlain
