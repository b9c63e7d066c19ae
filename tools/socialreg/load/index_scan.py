"""A record's index fields read from its top-level lines, without reading the rest.

A check of one file on a repository with no index store (the first pre-commit hook after a
clone) must make the index entry of every other record: 50,000 files, each read in full by
the block reader, only to keep the few top-level values other records refer to (`platform`,
`handle`, `url` and so on: model.INDEX_KEYS). This module finds those values from the lines at
the left edge, in well under half the time.

It says nothing of whether the rest of the file is YAML, so what it finds is only a candidate:
the index store keeps its rows as scanned, and a row is used only once the file has been read
in full (check/context_store.py). What it must get right is the other direction: for every
text the loader reads as a mapping, the answer is those values exactly, or None. Lines at the
left edge are its keys only if no value above them runs on past its line, so it answers None
(the caller reads the file in full) for anything that could:

- a value anywhere that starts a quoted text or a `[`/`{` collection not closed on its line
  (YAML lets those run on at any indent), or that starts with an anchor, a tag or `?`;
- a line at the left edge that is not a `key:`, a `- ` item, a comment or empty (`---`, a
  quoted key, `<<`, a tab...), or a file whose first line with content is not such a key;
- an index key that is repeated, has its value on later lines or in a block scalar, or whose
  value is not one the block reader reads on one line;
- characters the block reader leaves to PyYAML (other line breaks than `\\n`, tabs, a byte
  order mark), and no line break at the end.

tests/test_index_scan.py holds it to that on every test file, on generated texts and on
records with one small edit each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from socialreg.load.block_reader import ALLOWED_TEXT, NotPlain, value_after_key
from socialreg.load.documents import MAX_FILE_BYTES
from socialreg.load.yaml_fast import STR_TAG, resolve_plain

_KEY = r"[A-Za-z_][A-Za-z0-9_-]{0,200}"
# A line at the left edge (after a line break) that is not a key, an item, a comment or empty.
_NOT_A_TOP_LINE = re.compile(rf"\n(?![ #\n]|-[ \n]|{_KEY}:[ \n])")
# What a value may start with that can run on past its line (quoted text, flow collections)
# or hide what follows (anchors, tags, complex keys).
_OPENERS = "\"'[{&!?"


def _top_key_pattern(keys: Iterable[str]) -> re.Pattern[str]:
    names = "|".join(sorted(map(re.escape, keys), key=len, reverse=True))
    return re.compile(rf"\n({names}):(?: +|(?=\n))([^\n]*)")


class IndexScanner:
    """Reads the top-level values of `keys` from record texts: words that YAML reads as text
    where they are keys (not `yes` or `null`, which it reads as true and null)."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = tuple(keys)
        for key in self._keys:
            if re.fullmatch(_KEY, key) is None or resolve_plain(key) != STR_TAG:
                raise ValueError(f"{key!r} is not a key this scanner can find")
        self._top_key = _top_key_pattern(self._keys)

    def fields_in_file(self, raw: bytes) -> dict[str, Any] | None:
        """`fields` of a file's bytes, when the loader would read them as text (it says what
        is wrong with the others)."""
        if len(raw) > MAX_FILE_BYTES or b"\x00" in raw:
            return None
        try:
            return self.fields(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            return None

    def fields(self, text: str) -> dict[str, Any] | None:
        """The values of the keys the record has, in the order the keys were given; None when
        the text must be read in full to tell."""
        if not text.endswith("\n") or ALLOWED_TEXT.fullmatch(text) is None:
            return None
        text = "\n" + text  # every line now starts after a line break
        if _NOT_A_TOP_LINE.search(text, 0, len(text) - 1) is not None:
            return None
        if not _starts_with_a_key(text):
            return None
        if _opens_a_value(text):
            return None
        found: dict[str, Any] = {}
        for line in self._top_key.finditer(text):
            key, rest = line.group(1), line.group(2)
            if key in found or not rest or rest[0] in "#|>":
                return None
            try:
                found[key] = value_after_key(rest)
            except NotPlain:
                return None
            if _continues(text, line.end()):
                return None
        return {key: found[key] for key in self._keys if key in found}


def _opens_a_value(text: str) -> bool:
    """Whether a value starts with one of `_OPENERS` and does not end on its line as the
    block reader reads it. A value starts after a line's indent and item dashes, or after
    `: ` (a key may be any plain text); an opener anywhere else is text (an apostrophe)."""
    for opener in _OPENERS:
        at = text.find(opener)
        while at >= 0:
            before = at - 1
            while text[before] == " ":
                before -= 1
            mark = text[before]
            if (
                mark == "\n"
                or (mark == ":" and before < at - 1)
                or (mark == "-" and text[before - 1] in " \n")
            ):
                end = text.find("\n", at)
                if opener in "&!?":
                    return True
                try:
                    value_after_key(text[at:end])
                except NotPlain:
                    return True
            at = text.find(opener, at + 1)
    return False


def _starts_with_a_key(text: str) -> bool:
    """Whether the first line with content is at the left edge and not an item (it is a key,
    given that every line there is a key, an item, a comment or empty)."""
    at = 0
    while text.startswith("\n", at):
        at += 1
        if text.startswith("#", at):
            at = text.find("\n", at)
        elif text.startswith(" ", at):
            end = text.find("\n", at)
            if text[at:end].strip(" ") and not text[at:end].lstrip(" ").startswith("#"):
                return False  # an indented first line: the keys are not at the left edge
            at = end
    return at < len(text) and text[at] != "-"


def _continues(text: str, end: int) -> bool:
    """Whether a line after the one ending at `end` may continue its value: the next line
    that is not empty or a comment is indented."""
    at = end
    while at < len(text) - 1:
        start = at + 1
        at = text.find("\n", start)
        content = text[start:at].lstrip(" ")
        if not content or content[0] == "#":
            continue
        return content != text[start:at]
    return False
