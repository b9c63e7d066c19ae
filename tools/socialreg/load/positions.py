"""Find where a value stands by reading the text along its path, without parsing the file again.

Most files load without positions (see `documents.Document`); when a rule then reports a
finding, we need the line of one value. Parsing the whole file again and walking every node
to record every position cost over a third of a run where every record has a finding. Records
are written in YAML's block style (`key: value` lines, `- ` items), where a value's place
follows from indentation alone, so this module walks the lines along the finding's path.

It answers only when it is sure: anything it does not fully understand (flow collections on
the path or over several lines, anchors, tags, quoted or complex keys, unusual line breaks,
tabs, several documents) makes it return `UNSURE`, and the caller asks the parser. Its answers
are the parser's (tests/test_positions.py compares them on every path of every test record).
"""

from __future__ import annotations

import functools
import re
from typing import Final

Position = tuple[int, int]
JsonPath = tuple[str | int, ...]


class _Unsure:
    """The text along the path is not plain block YAML: ask the parser."""


UNSURE: Final = _Unsure()
# Characters that make the text harder to read than this module does: other line breaks than
# \n (the parser counts them as lines), tabs, anchors, aliases, tags, merge keys, directives.
_UNUSUAL_CHARACTERS = ("\r", "\t", "\x85", "\u2028", "\u2029", "\ufeff", "&", "*", "!", "<<")
_UNUSUAL_LINE_STARTS = ("---", "...", "%")
_UNUSUAL_ASCII = tuple(character for character in _UNUSUAL_CHARACTERS if len(character) == 1)
_UNUSUAL_LINE_START = re.compile(r"\n(?:---|\.\.\.|%)")


def _is_unusual(text: str) -> bool:
    # A search for each character, not one regular expression: `in` scans a string in C at
    # memory speed, and the expression with alternatives and line anchors took 70 µs for a 3 KB
    # record. A search for two characters or more is slower: "<<" is looked for only after "<".
    if any(character in text for character in _UNUSUAL_ASCII):
        return True
    if "<" in text and "<<" in text:
        return True
    if text.startswith(_UNUSUAL_LINE_STARTS) or _UNUSUAL_LINE_START.search(text) is not None:
        return True
    return ("[" in text or "{" in text) and _flow_may_run_on(text)


def _flow_may_run_on(text: str) -> bool:
    """Whether a flow collection (`[...]`, `{...}`) may run on past its first line: the lines
    inside it then say nothing by their indent (`f: [1,` then `a: 1` is no key of the top).
    A line is taken as whole only when its brackets close in order and no quote or comment
    could hide one."""
    for line in text.split("\n"):
        if "[" not in line and "{" not in line:
            continue
        if '"' in line or "'" in line or "#" in line:
            return True
        depth = 0
        for character in line:
            if character in "[{":
                depth += 1
            elif character in "]}":
                depth -= 1
                if depth < 0:
                    return True
        if depth:
            return True
    return False


_PLAIN_KEY = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]*)[ ]*:(?:[ ]|$)")


def find_position(text: str, path: JsonPath) -> Position | _Unsure | None:
    """Where the parser would say `path` starts: for a mapping value, where its key starts;
    for a list item, where the item starts. None when the path is not in the text, and
    `UNSURE` when the text is not plain enough to tell without the parser."""
    if not path or not all(type(part) is str and _PLAIN_PART.fullmatch(part) for part in path):
        return _walked_position(text, path)
    if _unusual(text):
        return UNSURE
    marked = "\n" + text  # see _key_in: offsets there are one more than in the file
    span: tuple[int, int] | None = (0, len(marked))
    position = None
    for part in path:
        if span is None:
            return UNSURE  # below a value written on its key's line (_Flow)
        found = _key_in(marked, span, part)  # type: ignore[arg-type]
        if found is None or isinstance(found, _Unsure):
            return found
        position, span = found
    return position


def _walked_position(text: str, path: JsonPath) -> Position | _Unsure | None:
    """`find_position` line by line from the top: the reference the fast start agrees with
    (tests/test_positions.py compares them)."""
    prepared = _prepared(text)
    if prepared is None:
        return UNSURE
    lines, indents = prepared
    block = _Block(lines, 0, len(lines), first_line_indent=None, indents=indents)
    position = block.start()
    if position is None:
        return None
    return _descend(position, block, path)


def _descend(position: Position, block: _Block, path: JsonPath) -> Position | _Unsure | None:
    for part in path:
        found = block.child(part)
        if found is None or isinstance(found, _Unsure):
            return found
        position, block = found
    return position


# --- Keys found by searching the text. A finding's path is nearly always a few plain keys
# (`monitoring.response_time_hours`), and working out the indent of each of the file's lines to
# find them took most of a finding's time (in a run where every record has one); searching the
# text in C for the few lines that matter does not. The answers are `_walked_position`'s, the
# line by line reading above (tests/test_positions.py checks every path both ways).

_PLAIN_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
# The searches run on the text after a line break ("\n" + text), and each pattern starts with
# one: the engine then skips from line break to line break in C, where `^` tries every character.
_FIRST_CONTENT = re.compile(r"\n( *)[^ \n#]")


@functools.lru_cache(maxsize=64)
def _lines_at(indent: int) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """At `indent`, a line that is not a list item; and (for an indent over 0) a line with
    content indented less."""
    return (
        re.compile(f"\\n {{{indent}}}" + r"(?!- |-$)[^ \n#]", re.M),
        re.compile(f"\\n {{0,{indent - 1}}}[^ \\n#]") if indent else None,
    )


@functools.lru_cache(maxsize=256)
def _key_line(indent: int, part: str) -> re.Pattern[str]:
    """At `indent`, the line of the key `part` (group 1), or a line before it that is neither
    an item nor a plain `key:`, whichever comes first: one search for both."""
    return re.compile(
        f"\\n {{{indent}}}(?:({re.escape(part)}[ ]*:(?:[ ]|$))"
        r"|(?!- |-$|[A-Za-z0-9_][A-Za-z0-9_.-]*[ ]*:(?:[ ]|$))[^ \n#])",
        re.M,
    )


def _key_in(
    marked: str, span: tuple[int, int], part: str
) -> tuple[Position, tuple[int, int] | None] | _Unsure | None:
    """What `_Block.child(part)` says of the block of lines in `span` of `marked` (the text
    after a line break; the span runs from the line break before the block's first line to the
    one after its last), with the span of the key's value (None when the value is written on
    the key's line: nothing below it is found by indentation)."""
    begin, end = span
    first = _FIRST_CONTENT.search(marked, begin, end)
    if first is None:
        return None
    indent = len(first.group(1))
    not_item, less_indented = _lines_at(indent)
    if less_indented is not None and less_indented.search(marked, begin, end) is not None:
        return UNSURE  # not one block: the parser knows better
    line_end = marked.find("\n", first.start() + 1)
    if _is_item(marked[first.end() - 1 : line_end if 0 <= line_end < end else end]):
        # A list (no keys), or a mapping that starts with an item (not plain enough).
        return None if not_item.search(marked, begin, end) is None else UNSURE
    key = _key_line(indent, part).search(marked, begin, end)
    if key is None:
        return None
    if key.group(1) is None:
        return UNSURE  # a key this module cannot read comes first
    position = (marked.count("\n", 0, key.start() + 1), indent + 1)
    line_end = marked.find("\n", key.start() + 1)
    line_end = line_end if 0 <= line_end < end else end
    rest = marked[key.end() : line_end].strip()
    if rest and not rest.startswith("#"):
        return position, None  # a scalar, a flow collection, a block scalar's header
    following = not_item.search(marked, key.end(), end)
    return position, (line_end, following.start() if following else end)


_unusual = functools.lru_cache(maxsize=4)(_is_unusual)  # asked again for each finding's path


@functools.lru_cache(maxsize=4)
def _prepared(text: str) -> tuple[list[str], _Indents] | None:
    """The lines of `text` and their indents, for all the findings of a record; None when the
    text is not plain enough."""
    if _unusual(text):
        return None
    lines = text.split("\n")
    return lines, _Indents(lines)


class _Indents:
    """The indent of each line (None for a blank or comment line), worked out when asked for:
    after the fast start, only the lines under the key it found are."""

    __slots__ = ("_known", "_lines")

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._known: dict[int, int | None] = {}

    def __getitem__(self, number: int) -> int | None:
        known = self._known
        if number in known:
            return known[number]
        line = self._lines[number]
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped) if stripped and stripped[0] != "#" else None
        known[number] = indent
        return indent


class _Block:
    """Lines `start` to `end` holding one block collection (a mapping or a list)."""

    def __init__(
        self,
        lines: list[str],
        start: int,
        end: int,
        first_line_indent: int | None,
        indents: _Indents,
    ):
        self.lines = lines
        self.start_line = start
        self.end = end
        # An item's first line begins after "- ": that line's content counts as indented there.
        self.first_line_indent = first_line_indent
        self.indents = indents

    def _content_lines(self) -> list[tuple[int, int]]:
        indents = self.indents
        content = [
            (number, indent)
            for number in range(self.start_line, self.end)
            if (indent := indents[number]) is not None
        ]
        if self.first_line_indent is not None:
            # An item's first line counts from after its "- ", even if it holds only a comment.
            if content and content[0][0] == self.start_line:
                content[0] = (self.start_line, self.first_line_indent)
            else:
                content.insert(0, (self.start_line, self.first_line_indent))
        return content

    def start(self) -> Position | None:
        content = self._content_lines()
        if not content:
            return None
        number, indent = content[0]
        return (number + 1, indent + 1)

    def child(self, part: str | int) -> tuple[Position, _Block] | _Unsure | None:
        content = self._content_lines()
        if not content:
            return None
        block_indent = content[0][1]
        if min(indent for _, indent in content) < block_indent:
            return UNSURE  # not one block: the parser knows better
        tops = [number for number, indent in content if indent == block_indent]
        text_of = {number: self.lines[number][block_indent:] for number in tops}
        is_list = all(_is_item(text) for text in text_of.values())
        if isinstance(part, int):
            if not is_list:
                return UNSURE if any(_is_item(text) for text in text_of.values()) else None
            if not 0 <= part < len(tops):  # the parser places no negative index
                return None
            number = tops[part]
            return self._item(number, tops, block_indent)
        if is_list:
            return None  # a list has no keys
        if _is_item(text_of[tops[0]]):
            return UNSURE
        # Items at a key's own indent belong to that key's value (`goals:` then `- ...`).
        keys = [number for number in tops if not _is_item(text_of[number])]
        for number in keys:
            match = _PLAIN_KEY.match(text_of[number])
            if match is None:
                return UNSURE  # a quoted or complex key, or a line this module cannot read
            if match.group(1) == part:
                return self.value_at(number, keys, block_indent, match.end())
        return None

    def value_at(
        self, number: int, tops: list[int], block_indent: int, after_colon: int
    ) -> tuple[Position, _Block]:
        rest = self.lines[number][block_indent + after_colon :].strip()
        position = (number + 1, block_indent + 1)
        if rest and not rest.startswith("#"):
            # The value is on the key's line (a scalar, a flow collection, a block scalar's
            # header): nothing below it can be found by indentation.
            return position, _Flow()
        following = [top for top in tops if top > number]
        end = following[0] if following else self.end
        return position, _Block(self.lines, number + 1, end, None, self.indents)

    def _item(
        self, number: int, tops: list[int], block_indent: int
    ) -> tuple[Position, _Block] | _Unsure:
        after_dash = self.lines[number][block_indent + 1 :]
        content = after_dash.lstrip(" ")
        if not content or content.startswith("#"):
            return UNSURE  # the item starts on a later line
        column = block_indent + 1 + (len(after_dash) - len(content))
        position = (number + 1, column + 1)
        if content[0] in "[{\"'|>?-" or not _PLAIN_KEY.match(content):
            return position, _Flow()  # a scalar or a flow collection: nothing to descend into
        following = [top for top in tops if top > number]
        end = following[0] if following else self.end
        return position, _Block(self.lines, number, end, column, self.indents)


class _Flow(_Block):
    """A value the module does not descend into."""

    def __init__(self) -> None:
        pass

    def child(self, part: str | int) -> _Unsure:
        return UNSURE


def _is_item(text: str) -> bool:
    return text == "-" or text.startswith(("- ", "-\n"))
