"""Read one YAML file into plain data, remembering the line and column of every value.

Records are written by people in a web editor, so this module expects the worst: a tab, a
duplicate key, `no` where a word was meant, a date that does not exist, a binary file, an alias
bomb. Each becomes one readable `Finding` with a line; nothing here raises to the caller.

We compose the YAML node graph with PyYAML (the C parser when it is built) and construct the
Python values ourselves instead of using PyYAML's constructor, because only the node graph knows
where each value came from, and because we want different answers than YAML 1.1 gives:
dates stay `YYYY-MM-DD` strings (JSON Schema formats apply to strings), duplicate keys are
errors, and keys are always text. Most records are plain block YAML, which
`block_reader.py` reads first, to the same values, without PyYAML; everything else, and every
mistake, comes here.
"""

from __future__ import annotations

import dataclasses
import os
import re
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from socialreg.characters import describe
from socialreg.codes import (
    ALIAS_BOMB,
    DOCUMENT_SHAPE,
    DUPLICATE_KEY,
    INVALID_DATE,
    UNREADABLE,
    WRONG_VALUE,
    YAML_SYNTAX,
)
from socialreg.dates import is_calendar_date
from socialreg.findings import Finding, Severity
from socialreg.load import block_reader, line_breaks, numbers
from socialreg.load.files import NotAPlainFile, read_plain_file
from socialreg.load.positions import UNSURE, find_position
from socialreg.load.yaml_fast import (
    SIMPLE_TAGS,
    STR_TAG,
    TAG_PREFIX,
    TIMESTAMP_TAG,
    compose,
    scan,
    simple_value,
)
from socialreg.load.yaml_hints import quoted_line, quoting_hint

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

MAX_FILE_BYTES = 1_000_000  # a record is a few kilobytes
# The org/ files describe the whole organisation: thousands of units are possible.
MAX_ORG_FILE_BYTES = 20_000_000
# Aliases (`*name`) repeat a value written elsewhere, and nested aliases can make a short file
# expand to billions of values ("billion laughs"). Values written out are bounded by the file
# size; values repeated through aliases stop here, long before that hurts.
MAX_ALIAS_VALUES = 20_000


_EMPTY = "The file is empty. A record needs its keys and values."


class Document:
    """A loaded YAML file: its data, and where every value stands in the text.

    Positions are worked out only when something asks for one (a finding needs a line), because
    most files in a large repository have no findings and tracking every value costs time.
    """

    __slots__ = ("_nodes", "_plain_scalars", "_positions", "data", "path", "text")

    def __init__(
        self,
        path: str,
        data: Any,
        text: str = "",
        positions: dict[JsonPath, Position] | None = None,
        plain_scalars: dict[JsonPath, str] | None = None,
        nodes: yaml.Node | None = None,
    ) -> None:
        self.path = path
        self.data = data
        self.text = text
        self._positions = positions
        self._plain_scalars = plain_scalars
        # The parser's node graph, kept (when the loader was asked to) while the record's own
        # rules run: a finding's place is then a walk down a few nodes (`forget_nodes`).
        self._nodes = nodes

    def forget_nodes(self) -> None:
        """Let the node graph go (a record kept after its first check holds only its data)."""
        self._nodes = None

    @property
    def positions(self) -> dict[JsonPath, Position]:
        """For a mapping value: where its key starts. For a list item: where the item starts."""
        if self._positions is None:
            self._track()
        assert self._positions is not None
        return self._positions

    @property
    def plain_scalars(self) -> dict[JsonPath, str]:
        """Unquoted scalars that YAML read as something other than text (`no`, `0123`, `1.10`),
        with the text as written, so a schema error can explain the surprise."""
        if self._plain_scalars is None:
            self._track()
        assert self._plain_scalars is not None
        return self._plain_scalars

    def _track(self) -> None:
        builder = _CarefulBuilder(self.path)
        try:
            node = _compose(self.text)
            if node is not None:
                builder.build(node, ())
        except _LoadError:  # pragma: no cover - the text loaded once already
            pass
        self._positions = builder.positions
        self._plain_scalars = builder.plain_scalars

    def locate(self, path: JsonPath) -> Position:
        """The position of `path`, or of its nearest ancestor that exists (for missing keys)."""
        if self._positions is None and self._nodes is not None:
            return _node_position(self._nodes, path, self.text)
        if self._positions is None:  # read it off the text when that is certain (positions.py)
            for end in range(len(path), -1, -1):
                found = find_position(self.text, path[:end])
                if found is UNSURE:
                    break
                if found is not None:
                    # A line and column of the text as split at \n, which has no other line
                    # breaks (positions.py refuses them): already inside the file.
                    return found  # type: ignore[return-value]
            else:
                return (1, 1)
        positions = self.positions
        for end in range(len(path), 0, -1):
            position = positions.get(path[:end])
            if position is not None:
                return _inside(self.text, position)
        return positions.get((), (1, 1))

    def places(self, data: Any) -> array[int]:
        """Where each path of `data` (a part of this document's data, as `value_paths` walks it)
        stands in the file, as `locate` says, line and column after line and column: what a
        record keeps of itself for the findings of its second step (`DetachedDocument`)."""
        kept = array("I")
        positions = self._positions
        if positions is None:  # from the parser's nodes, or the text
            for path in value_paths(data):
                kept.extend(self.locate(path))
            return kept
        # What `locate` does, with the text counted once (a record has a dozen kept paths).
        text = self.text
        last_line = text.count("\n") if "\r" not in text else 0
        paths = value_paths(data)
        flat = [*self.locate(paths[0])]  # the top of the file: `()`
        for path in paths[1:]:
            position = positions.get(path)
            if position is None or position[0] > last_line:
                position = self.locate(path)
            flat += position
        kept.fromlist(flat)
        return kept

    def finding(
        self, path: JsonPath, rule: str, message: str, severity: Severity = Severity.ERROR
    ) -> Finding:
        line, column = self.locate(path)
        return Finding(self.path, line, column, rule, severity, message, json_path_text(path))


class DetachedDocument(Document):
    """A document that let go of its text: a record kept for the rules that compare records.

    A large check holds every record until the whole repository is indexed. Holding the text
    of each (3 KB) and all its parsed values (12 KB) made 100,000 records 1.5 GB, so a record
    keeps only the keys those rules read, with the line and column of each as the first parse
    saw them (`places`, from `Document.places`): a finding of those rules costs no second read
    of the file. Its text is read again only for a path with no place (none kept, or a path
    outside the kept keys). `text_hash` is the hash of the text that was checked (same process
    family: forked workers share the hash seed); if the file has changed since, its positions
    are not trusted and the finding stands at the top of the file.

    An org/ file whose data came from the cache is one too, with no hash: its stamp was just
    found unchanged, and the 6 MB of a large units.yaml are read only if a finding needs them.
    """

    __slots__ = ("_limit", "_places", "_root", "_text_hash", "_text_read")

    def __init__(
        self,
        path: str,
        data: Any,
        root: str,
        text_hash: int | None,
        limit: int = MAX_FILE_BYTES,
        places: array[int] | None = None,
    ) -> None:
        super().__init__(path, data)
        self._root = root
        self._text_hash = text_hash
        self._limit = limit
        self._text_read = False
        # Where the first parse saw each path of `data` (`Document.places`): the finding of a
        # rule comparing records is placed without reading the file again.
        self._places = places

    def __reduce__(self) -> tuple[Any, ...]:
        # Not the default of a class with slots, which would read every slot, `text` included,
        # and so read the file in the worker that is about to send the record away.
        arguments = (self.path, self.data, self._root, self._text_hash, self._limit, self._places)
        return (DetachedDocument, arguments)

    def locate(self, path: JsonPath) -> Position:
        places = self._places
        if places is not None:
            paths = value_paths(self.data)
            # The data as it was kept: one place for each of its paths (else it was changed).
            if 2 * len(paths) == len(places) and path in paths:
                number = 2 * paths.index(path)
                return places[number], places[number + 1]
        return super().locate(path)

    @property
    def text(self) -> str:
        if not self._text_read:
            self._text_read = True
            _TEXT_SLOT.__set__(self, self._read_again())
        value: str = _TEXT_SLOT.__get__(self)
        return value

    @text.setter
    def text(self, value: str) -> None:
        _TEXT_SLOT.__set__(self, value)

    def _read_again(self) -> str:
        try:
            text = read_plain_file(f"{self._root}/{self.path}", self._limit).decode("utf-8-sig")
        except (OSError, UnicodeError):
            return ""
        return text if self._text_hash in (None, hash(text)) else ""


_TEXT_SLOT = Document.__dict__["text"]  # the slot a DetachedDocument fills when it reads again


@dataclass(slots=True)
class LoadResult:
    document: Document | None
    findings: list[Finding]


def json_path_text(path: JsonPath) -> str:
    """`("goals", 0, "target")` -> `$.goals[0].target`, quoting keys that are not plain words."""
    parts = ["$"]
    for part in path:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            parts.append(f".{part}")
        else:
            parts.append("['" + part.replace("\\", "\\\\").replace("'", "\\'") + "']")
    return "".join(parts)


def dotted(path: JsonPath) -> str:
    """A path as people read it in a message: `monitoring.response_time_hours`, `goals[0]`."""
    text = json_path_text(path)
    return text[2:] if text.startswith("$.") else text[1:] or "the file"


class _LoadError(Exception):
    def __init__(self, rule: str, message: str, position: Position = (1, 1)) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.position = position


def load_file(
    root: Path, relative_path: str, max_bytes: int = MAX_FILE_BYTES, keep_nodes: bool = False
) -> LoadResult:
    """Load `root / relative_path`; the path in findings is `relative_path`. With `keep_nodes`,
    the document keeps the parser's nodes for its findings' places (`Document.forget_nodes`)."""
    try:
        # os.path.join, not Path's `/`: a Path made and turned back into text for each of
        # 100,000 records was a second of a check (on both cores).
        raw = read_plain_file(os.path.join(root, relative_path), max_bytes + 1)
    except NotAPlainFile as error:
        return _failed(relative_path, UNREADABLE, str(error))
    except OSError as error:
        reason = error.strerror or str(error)
        return _failed(relative_path, UNREADABLE, f"The file cannot be read: {reason}.")
    return load_bytes(raw, relative_path, max_bytes, keep_nodes)


def load_bytes(
    raw: bytes, path: str, max_bytes: int = MAX_FILE_BYTES, keep_nodes: bool = False
) -> LoadResult:
    """Load YAML from bytes, turning every kind of bad input into one finding."""
    if len(raw) > max_bytes:
        return _failed(
            path,
            UNREADABLE,
            f"The file is larger than {max_bytes // 1_000_000} MB, far more than such a file "
            "needs. Check that the right file was added.",
        )
    if b"\x00" in raw:
        return _failed(
            path, UNREADABLE, "The file is binary, not text. A record must be a YAML text file."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return _failed(
            path,
            UNREADABLE,
            "The file is not UTF-8 text. Save it as UTF-8 (most editors offer this in "
            "'Save as' or the encoding menu).",
            (line, 1),
        )
    return load_text(text, path, keep_nodes)


def load_text(text: str, path: str, keep_nodes: bool = False) -> LoadResult:
    # An ordinary record, read without PyYAML: it has no findings. A record checked in full
    # keeps the places of its values, which the reader counts as it goes (instead of nodes).
    places: dict[JsonPath, Position] | None = {} if keep_nodes else None
    data = block_reader.read(text, places)
    if data is not None:
        return LoadResult(Document(path, data, text, places), [])
    return load_text_with_pyyaml(text, path, keep_nodes)


def load_text_with_pyyaml(text: str, path: str, keep_nodes: bool = False) -> LoadResult:
    """`load_text` for any text: PyYAML reads it, and whatever is wrong becomes a finding."""
    try:
        node = _compose(text)
        if node is None:
            raise _LoadError(DOCUMENT_SHAPE, _EMPTY)
        if not isinstance(node, yaml.MappingNode):
            kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
            raise _LoadError(
                DOCUMENT_SHAPE,
                f"The file holds {kind}; a record must be a set of `key: value` lines.",
                _mark(node),
            )
        try:
            data = _fast_build(node)
            return LoadResult(Document(path, data, text, nodes=node if keep_nodes else None), [])
        except (_Unusual, RecursionError):
            pass  # something needs a message with a place: build again, tracking every place
        builder = _CarefulBuilder(path)
        data = builder.build(node, ())
    except _LoadError as error:
        # What to type instead, when the line has a value YAML reads as syntax (@, *, &, ...).
        return _failed(path, error.rule, _with_quoting(text, error), within(text, error.position))
    except RecursionError:
        return _failed(path, DOCUMENT_SHAPE, "The file is nested too deeply to be a record.")
    document = Document(path, data, text, builder.positions, builder.plain_scalars)
    findings = [
        dataclasses.replace(f, line=line, column=column)
        if (line, column) != (f.line, f.column)
        else f
        for f in builder.findings
        for line, column in [within(text, (f.line, f.column))]
    ]
    return LoadResult(document, findings)


def _compose(text: str) -> yaml.Node | None:
    protected, back = line_breaks.protect(text)
    try:
        node = compose(protected)
    except UnicodeEncodeError:  # a lone surrogate: text that came from no UTF-8 file
        raise _LoadError(UNREADABLE, "The text is not valid Unicode.") from None
    except yaml.composer.ComposerError as error:
        if "expected a single document" in str(error.context or ""):
            raise _LoadError(
                DOCUMENT_SHAPE,
                "The file holds more than one YAML document (a line with `---` or `...` "
                "splits it). Keep one record per file.",
                _position_of(error.problem_mark),
            ) from None
        raise _syntax_error(error, text) from None
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, text) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow in a file
        raise _character_error(error, text) from None
    except yaml.YAMLError as error:  # errors without a position
        raise _LoadError(YAML_SYNTAX, f"The file is not valid YAML: {error}.") from None
    if back is not None:
        line_breaks.restore(node, back)
    return node


def _character_error(error: yaml.reader.ReaderError, text: str) -> _LoadError:
    character = chr(error.character) if isinstance(error.character, int) else ""
    index = text.find(character) if character else -1
    if index < 0:
        return _LoadError(YAML_SYNTAX, "The file holds a character that YAML does not allow.")
    before = line_breaks.editor_lines(text[:index])
    return _LoadError(
        YAML_SYNTAX,
        f"There is an invisible control character here, {describe(character)}, which YAML "
        "does not allow in a file. Delete it (retyping the text around it helps).",
        (len(before), len(before[-1]) + 1),
    )


# Errors that PyYAML reports where it gave up (often the end of the file), though the problem is
# where something was opened and never closed: a quote, a [ list or a { mapping.
_OPENED_HERE = {
    "while scanning a quoted scalar": "A quote opened here is never closed",
    "while parsing a flow sequence": "A `[` list opened here is not closed with `]`",
    "while parsing a flow mapping": "A `{` mapping opened here is not closed with `}`",
}


def _syntax_error(error: yaml.MarkedYAMLError, text: str) -> _LoadError:
    opened = _OPENED_HERE.get(str(error.context or ""))
    if opened is not None and error.context_mark is not None:
        gave_up = _position_of(error.problem_mark)[0]
        return _LoadError(
            YAML_SYNTAX,
            f"{opened} (the file stops making sense on line {gave_up}). Close it, or put "
            "text that contains quotes, `[` or `{` in quotes of the other kind.",
            _position_of(error.context_mark),
        )
    position = _position_of(error.problem_mark)
    runaway = _runaway_quote(text, position[0])
    if runaway is not None:
        return _LoadError(
            YAML_SYNTAX,
            f"A quote opened here runs on to line {runaway[1]}, where the next quote mark of "
            "the same kind closes it (an apostrophe, perhaps), and the file stops making sense "
            "there. Close the quote on this line, or use the other kind of quotes.",
            runaway[0],
        )
    line_text = _line(text, position[0])
    if "\t" in line_text[: position[1]] or "'\\t'" in str(error.problem):
        tab_line = position[0]
        return _LoadError(
            YAML_SYNTAX,
            "There is a tab character here. YAML indents with spaces only: replace the tab "
            "with spaces.",
            (tab_line, line_text.find("\t") + 1 if "\t" in line_text else position[1]),
        )
    problem = (error.problem or "the text cannot be read").rstrip(".")
    context = f" ({error.context})" if error.context else ""
    return _LoadError(
        YAML_SYNTAX,
        f"{_PARSER_WORDS} {problem}{context}. Check the indentation and that "
        "text containing `: ` or `#` is in quotes.",
        position,
    )


def _runaway_quote(text: str, error_line: int) -> tuple[Position, int] | None:
    """Where a quoted value starts that spans lines and ends just before the error, with the
    line where it ends: a quote left open, closed by accident by a quote mark further down."""
    last: yaml.ScalarToken | None = None
    try:
        for token in scan(line_breaks.protect(text)[0]):
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                last = token
    except yaml.YAMLError:
        pass  # the error we are explaining: the tokens before it are what we need
    if last is None or last.start_mark.line == last.end_mark.line:
        return None
    end_line = last.end_mark.line + 1
    if not 0 <= error_line - end_line <= 1:
        return None
    return _position_of(last.start_mark), end_line


_PARSER_WORDS = "This is not valid YAML:"


def _with_quoting(text: str, error: _LoadError) -> str:
    """The message, or what to type when the line's value starts with @, *, &, !, %, ` or |."""
    found = quoted_line(text, error.position[0]) if error.rule == YAML_SYNTAX else None
    if found is None:
        return error.message
    if error.message.startswith("The tag"):  # a tag may be meant: say both
        return f"{error.message} If the value is text, put it in quotes: {found[1]}"
    if error.message.startswith(_PARSER_WORDS):  # the parser's own words: replace them
        return quoting_hint(text, error.position[0]) or error.message
    return error.message  # a message of ours (merge keys, aliases) already says it


def _line(text: str, number: int) -> str:
    lines = line_breaks.editor_lines(text)
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _node_position(root: yaml.Node, path: JsonPath, text: str) -> Position:
    """`Document.locate` from the node graph of a document built the fast way (no duplicate
    keys, aliases of collections or merge keys): what the careful builder's positions say."""
    node = root
    mark = None
    for part in path:
        child = None
        kind = node.__class__
        if kind is _MAPPING and isinstance(part, str):
            for key_node, value_node in node.value:
                if key_node.value == part:
                    mark, child = key_node.start_mark, value_node
                    break
        elif kind is _SEQUENCE and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
            mark = child.start_mark
        if child is None:
            break
        node = child
    if mark is None:
        return _position_of(root.start_mark)
    return _inside(text, (mark.line + 1, mark.column + 1))


def value_paths(data: Any) -> list[JsonPath]:
    """`()`, then the path of every key and item under `data`: each container's in order, the
    containers one after another (one order, whoever walks the same data)."""
    paths: list[JsonPath] = [()]
    containers: list[tuple[JsonPath, Any]] = [((), data)]
    while containers:
        prefix, value = containers.pop()
        kind = type(value)
        if kind is dict:
            items: Iterable[tuple[str | int, Any]] = value.items()
        elif kind is list:
            items = enumerate(value)
        else:
            continue
        for key, child in items:
            path = (*prefix, key)
            paths.append(path)
            if type(child) in _CONTAINERS:
                containers.append((path, child))
    return paths


_CONTAINERS = (dict, list)


def _inside(text: str, position: Position) -> Position:
    """`within`, without splitting the text when the position is plainly on one of its lines:
    the parser's marks and the block reader's places always are, unless the file ends without
    a line break."""
    if "\r" not in text and position[0] <= text.count("\n"):
        return position
    return within(text, position) if text else position


def within(text: str, position: Position) -> Position:
    """`position`, moved back into the file: the parser reports the end of a file that does
    not end in a line break on a line after the last one."""
    line, column = position
    lines = line_breaks.editor_lines(text)
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, min(column, len(lines[line - 1]) + 1)


def _position_of(mark: yaml.Mark | None) -> Position:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _mark(node: yaml.Node) -> Position:
    return _position_of(node.start_mark)


def _failed(path: str, rule: str, message: str, position: Position = (1, 1)) -> LoadResult:
    return LoadResult(
        None, [Finding(path, position[0], position[1], rule, Severity.ERROR, message)]
    )


class _Unusual(Exception):
    """The fast construction met something that needs a finding or a closer look."""


_COLLECTION_TAGS = {TAG_PREFIX + "map", TAG_PREFIX + "seq"}


def _fast_build(root: yaml.Node) -> Any:
    """Build the values of an ordinary record quickly, without tracking positions.

    Anything unusual (a duplicate key, an alias, an impossible date, an unsupported tag) raises
    `_Unusual`, and the careful builder does the file again with messages and places.
    """
    return _FastBuilder().build(root)


_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


class _FastBuilder:
    # A class, not a nested function that calls itself: such a function is a reference cycle
    # (with the set of node ids) that only the cyclic collector frees, and a worker turns the
    # collector off (see socialreg.parallel) while it lets each record go once checked.
    __slots__ = ("_seen",)

    def __init__(self) -> None:
        self._seen: set[int] = set()

    def build(self, node: yaml.Node) -> Any:
        kind = node.__class__
        if kind is _SCALAR:
            tag = node.tag
            if tag == STR_TAG:
                return node.value
            if tag in SIMPLE_TAGS:
                try:
                    return simple_value(tag, node.value)
                except numbers.OutOfRange:
                    raise _Unusual from None
            if tag == TIMESTAMP_TAG and is_calendar_date(node.value):
                return node.value
            raise _Unusual
        # A collection met twice is an alias: the careful builder counts what it expands to.
        if node.tag not in _COLLECTION_TAGS or id(node) in self._seen:
            raise _Unusual
        self._seen.add(id(node))
        if kind is _MAPPING:
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not _SCALAR or key_node.tag == TAG_PREFIX + "merge":
                    raise _Unusual
                key = key_node.value
                if key in result:
                    raise _Unusual
                result[key] = self.build(value_node)
            return result
        if kind is _SEQUENCE:
            return [self.build(item) for item in node.value]
        raise _Unusual  # pragma: no cover


class _CarefulBuilder:
    """Turns a composed node graph into Python values, recording positions as it goes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.positions: dict[JsonPath, Position] = {(): (1, 1)}
        self.plain_scalars: dict[JsonPath, str] = {}
        self.findings: list[Finding] = []
        self._copied = 0  # values built again because an alias repeats them
        self._built: set[int] = set()  # collections built once already
        self._open: set[int] = set()  # nodes being built, to catch aliases that contain themselves

    def build(self, node: yaml.Node, path: JsonPath, copied: bool = False) -> Any:
        if not path:  # a key missing at the top level is reported at the first key
            self.positions[()] = _mark(node)
        if copied:
            self._copied += 1
            if self._copied > MAX_ALIAS_VALUES:
                raise _LoadError(
                    ALIAS_BOMB,
                    f"Aliases make this file repeat more than {MAX_ALIAS_VALUES:,} values, which "
                    "is what an 'alias bomb' does (anchors `&` and aliases `*` repeated inside "
                    "each other). Write the values out instead.",
                    _mark(node),
                )
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path)
        if id(node) in self._open:
            raise _LoadError(
                ALIAS_BOMB, "An alias (`*`) refers to a value that contains itself.", _mark(node)
            )
        if node.tag not in _COLLECTION_TAGS:
            raise _LoadError(
                YAML_SYNTAX,
                f"The tag `{node.tag}` is not supported in records; remove it.",
                _mark(node),
            )
        copied = copied or id(node) in self._built
        self._built.add(id(node))
        self._open.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path, copied)
            if isinstance(node, yaml.SequenceNode):
                items = []
                for index, item in enumerate(node.value):
                    self.positions.setdefault((*path, index), _mark(item))
                    items.append(self.build(item, (*path, index), copied))
                return items
        finally:
            self._open.discard(id(node))
        raise _LoadError(YAML_SYNTAX, "This value cannot be read.", _mark(node))  # pragma: no cover

    def _mapping(self, node: yaml.MappingNode, path: JsonPath, copied: bool) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == TAG_PREFIX + "merge":
                raise _LoadError(
                    YAML_SYNTAX,
                    "Merge keys (`<<:`) are not supported in records; write the keys out.",
                    _mark(key_node),
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise _LoadError(
                    YAML_SYNTAX,
                    "A key must be a plain word, not a list or mapping.",
                    _mark(key_node),
                )
            key = key_node.value  # keys are text, even `no:` or `2026:`
            child = (*path, key)
            if key in result:
                first_line = self.positions[child][0]
                line, column = _mark(key_node)
                self.findings.append(
                    Finding(
                        self.path,
                        line,
                        column,
                        DUPLICATE_KEY,
                        Severity.ERROR,
                        f"`{key}` appears twice in the same place (first on line {first_line}). "
                        "Keep one and delete the other; otherwise one of them would be "
                        "silently ignored.",
                        json_path_text(child),
                    )
                )
                continue
            self.positions[child] = _mark(key_node)
            result[key] = self.build(value_node, child, copied)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: JsonPath) -> Any:
        tag: str = node.tag
        value: str = node.value
        if not tag.startswith(TAG_PREFIX):
            raise _LoadError(
                YAML_SYNTAX,
                f"The tag `{tag}` is not supported in records; remove it.",
                _mark(node),
            )
        kind = tag[len(TAG_PREFIX) :]
        if kind == "str":
            return value
        if not node.style:  # plain, unquoted: the C parser says "", the Python one None
            self.plain_scalars[path] = value
        if tag in SIMPLE_TAGS:
            try:
                return simple_value(tag, value)
            except numbers.OutOfRange as error:
                self.findings.append(self._finding(node, path, WRONG_VALUE, str(error)))
                return value  # the text, which no rule computes with
        if kind == "timestamp":
            # Dates stay text, as written; JSON Schema's `date` format and our rules read text.
            self.plain_scalars.pop(path, None)
            self._check_date(value, node, path)
            return value
        raise _LoadError(
            YAML_SYNTAX, f"The value type `{kind}` is not supported in records.", _mark(node)
        )

    def _finding(self, node: yaml.Node, path: JsonPath, rule: str, message: str) -> Finding:
        line, column = _mark(node)
        return Finding(self.path, line, column, rule, Severity.ERROR, message, json_path_text(path))

    def _check_date(self, value: str, node: yaml.ScalarNode, path: JsonPath) -> None:
        if not is_calendar_date(value):
            line, column = _mark(node)
            self.findings.append(
                Finding(
                    self.path,
                    line,
                    column,
                    INVALID_DATE,
                    Severity.ERROR,
                    f"{value} is not a real date. Write dates as YYYY-MM-DD, "
                    "for example 2026-03-31.",
                    json_path_text(path),
                )
            )
