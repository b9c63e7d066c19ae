"""The only code that knows PyYAML's internals: a loader whose calls into Python are cheap.

Everything else reads YAML through `compose`, which returns PyYAML's node graph (its public
API); `socialreg.load.documents` turns nodes into values and findings.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterator
from typing import Any

import yaml

from socialreg.load import numbers

try:  # The C parser is about ten times faster; fall back to pure Python where it is not built.
    from yaml import CSafeLoader as _YamlLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _YamlLoader  # type: ignore[assignment]


def compose(text: str) -> yaml.Node | None:
    """The node graph of the single YAML document in `text`; PyYAML's errors pass through."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def scan(text: str) -> Iterator[yaml.Token]:
    """The tokens of `text`, to explain a syntax error; PyYAML's errors pass through."""
    return yaml.scan(text, Loader=_YamlLoader)


_RESOLVER = yaml.resolver.Resolver()  # YAML 1.1's implicit types, as PyYAML's safe loader has them


@functools.lru_cache(maxsize=8192)
def _resolve(kind: type, value: str, implicit: tuple[bool, bool]) -> str:
    return _RESOLVER.resolve(kind, value, implicit)  # type: ignore[no-untyped-call, no-any-return]


# The first characters of the plain values PyYAML may read as something other than text
# (`yes`, `12`, `~`); a plain value that starts otherwise is text.
MAY_NOT_BE_TEXT = frozenset(key for key in _RESOLVER.yaml_implicit_resolvers if key)
# What each one-character escape in double quotes stands for (`\n`, `\_`, ...), as PyYAML has it.
ESCAPES: dict[str, str] = dict(yaml.scanner.Scanner.ESCAPE_REPLACEMENTS)


@functools.lru_cache(maxsize=8192)
def resolve_plain(value: str) -> str:
    """The tag PyYAML gives an unquoted scalar `value` (`tag:yaml.org,2002:bool` for `no`)."""
    return _resolve(yaml.ScalarNode, value, (True, False))


# The tags PyYAML gives to plain values, all with this prefix (`tag:yaml.org,2002:str`).
TAG_PREFIX = "tag:yaml.org,2002:"
STR_TAG = TAG_PREFIX + "str"
TIMESTAMP_TAG = TAG_PREFIX + "timestamp"
# The tags of the plain values `simple_value` builds; text and dates stay as written.
SIMPLE_TAGS = frozenset(TAG_PREFIX + kind for kind in ("bool", "int", "float", "null"))
_TRUE_WORDS = frozenset({"yes", "true", "on"})


def simple_value(tag: str, text: str) -> Any:
    """The value of a scalar `text` tagged one of `SIMPLE_TAGS`: None, YAML 1.1's bool, or a
    number (`numbers.OutOfRange` for one no rule can compute with)."""
    kind = tag[len(TAG_PREFIX) :]
    if kind == "null":
        return None
    if kind == "bool":
        return text.lower() in _TRUE_WORDS
    return numbers.construct(yaml.ScalarNode(tag, text))


class _Loader(_YamlLoader):
    """PyYAML's loader, with cheaper calls from its C parser back into Python.

    For every node the parser asks `resolve` for the node's type, and calls two hooks for
    "path resolvers", which we never register. Keys and short values repeat endlessly across
    records, so a C-level cache answers most `resolve` calls, and the hooks are C built-ins that
    do nothing; together this saves a seventh of the time of reading a record.
    """

    resolve = staticmethod(_resolve)
    descend_resolver = staticmethod(operator.is_)  # type: ignore[assignment]  # (parent, index)
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]  # called with no arguments
