"""Regular expressions that come from files, read the same way by every part of the tool.

Two kinds of pattern come from files:

- the schemas' `pattern` keywords, written in JSON Schema's (ECMA-262) dialect. The compiled
  validator (jsonschema-rs) reads `$` as the end of the text; Python's `re`, which jsonschema
  uses to explain, also lets `$` match before a final line break. So `"library\\n"` was refused
  by one and accepted by the other, and no finding came out. `python_pattern` gives jsonschema
  the ECMA meaning, so both read one definition alike.
- the policy's `url_pattern`s, which a pull request can change and which every record's URL is
  matched against. Python's backtracking engine can take years on a pattern like `(a+)+$`, so
  they run on RE2 (google-re2), which matches in linear time. A pattern RE2 cannot run (it
  needs a lookaround or a backreference, like the example's Mastodon pattern) runs on the
  `regex` module, with a time limit; a match that runs out of time is a finding, not a hang.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import re2
import regex

# RE2 refuses patterns whose compiled program would need more memory than this; a URL pattern
# needs a few kilobytes.
_RE2_MEMORY = 8 << 20
# How long a pattern that needs backtracking may take on one address: a real one takes
# microseconds.
FALLBACK_SECONDS = 0.25


class UrlPattern:
    """A policy pattern, compiled for the engine that can run it safely."""

    def __init__(self, linear: Any = None, backtracking: Any = None) -> None:
        self._found_by_linear = _found_by(linear) if linear is not None else None
        self._backtracking = backtracking
        self._too_slow = False  # once out of time, never again: a run stays bounded
        # The last text asked about, and the answer. Two rules ask about each account's
        # address in turn (SR015: the platform's address? SR130: does the handle's address fit
        # it?): one search, not two.
        self._last: tuple[str | None, bool | None] = (None, None)

    def matches(self, text: str) -> bool | None:
        """Whether the pattern is found in `text`; None when it ran out of time."""
        if text == self._last[0]:
            return self._last[1]
        found = self._search(text)
        self._last = (text, found)
        return found

    def _search(self, text: str) -> bool | None:
        if self._found_by_linear is not None:
            return self._found_by_linear(text)
        if self._too_slow:
            return None
        try:
            return self._backtracking.search(text, timeout=FALLBACK_SECONDS) is not None
        except TimeoutError:
            self._too_slow = True
            return None


def _found_by(compiled: Any) -> Callable[[str], bool]:
    """Whether `compiled` (an RE2 pattern) is found in a text: its search without the match.

    The re2 module's `search` builds a match object in Python, with a generator and the
    offsets of every group turned back into characters: 5 µs for an address, where RE2
    itself takes under one. SR015 asks once for each account (half a second of a check of
    100,000, on both cores). The answer alone comes from RE2's own `Match`, as the module's
    `search` calls it; a module without it (or another engine) is asked through `search`.
    """
    native = getattr(getattr(compiled, "_regexp", None), "Match", None)
    anchor = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
    if native is None or anchor is None:
        return lambda text: compiled.search(text) is not None

    def found(text: str) -> bool:
        encoded = text.encode("utf-8")
        return bool(native(anchor, encoded, 0, len(encoded))[0] != _NOT_FOUND)

    return found


_NOT_FOUND = (-1, -1)  # the span of a match that did not happen, in RE2's Match


@functools.lru_cache(maxsize=256)
def python_pattern(pattern: str) -> re.Pattern[str]:
    """`pattern` (ECMA-262, as in a schema) compiled for Python's `re` with the same meaning:
    an unescaped `$` outside a character class matches only at the very end of the text."""
    out = []
    in_class = escaped = False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif in_class:
            in_class = character != "]"
        elif character == "[":
            in_class = True
        elif character == "$":
            character = r"\Z"
        out.append(character)
    return re.compile("".join(out))


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # errors become findings; RE2 must not print them
    options.max_mem = _RE2_MEMORY
    return options


@functools.lru_cache(maxsize=256)
def _compiled(pattern: str) -> tuple[UrlPattern | None, str | None]:
    try:
        return UrlPattern(linear=re2.compile(pattern, _options())), None
    except re2.error as error:
        reason = _re2_reason(error)
    if not reason.startswith(_NEEDS_BACKTRACKING):
        return None, reason  # a repetition too large, a syntax error: no engine should try
    # A lookaround or a backreference: the backtracking engine, with a time limit. It writes
    # counted repetitions out when compiling, so a pattern that is huge written out is refused
    # first (`((a{1000}){1000}){1000}` would take forever to compile).
    try:
        size = _written_out_size(re._parser.parse(pattern))  # type: ignore[attr-defined]
    except (re.error, RecursionError, OverflowError) as error:
        return None, str(error)
    if size > _LARGEST_FALLBACK:
        return None, "its repetitions make it too large"
    try:
        return UrlPattern(backtracking=regex.compile(pattern)), None
    except (regex.error, OverflowError, RecursionError) as error:
        return None, str(error)


# The RE2 errors of features that only a backtracking engine has.
_NEEDS_BACKTRACKING = (
    "invalid perl operator: (?=",
    "invalid perl operator: (?!",
    "invalid perl operator: (?<",
    "invalid escape sequence: \\",
)
_LARGEST_FALLBACK = 5_000  # items of a pattern with every counted repetition written out


def _re2_reason(error: Exception) -> str:
    reason = error.args[0] if error.args else error
    return reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)


def _written_out_size(parsed: Any) -> int:
    """How many items `parsed` (from Python's own regex parser) has once each counted
    repetition is written out, as the `regex` module compiles it."""
    size = 0
    for operation, argument in parsed:
        name = str(operation)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, item = argument
            times = high if high != re._constants.MAXREPEAT else max(low, 1)  # type: ignore[attr-defined]
            size += times * _written_out_size(item)
        elif name == "SUBPATTERN":
            size += _written_out_size(argument[-1])
        elif name in ("ASSERT", "ASSERT_NOT"):
            size += _written_out_size(argument[1])
        elif name == "BRANCH":
            size += sum(_written_out_size(branch) for branch in argument[1])
        else:
            size += 1
        if size > _LARGEST_FALLBACK:
            return size
    return size


def url_pattern(pattern: str) -> UrlPattern | None:
    """The policy pattern, ready to match; None when it is not a pattern at all."""
    return _compiled(pattern)[0]


def url_matches(pattern: str, text: str) -> bool | None:
    """Whether the policy pattern is found in `text`: True or False, or None when the pattern
    cannot be used or ran out of time (the policy schema and SR015 say so). Every use of a
    policy pattern goes through here or `url_pattern`, never through `re`."""
    compiled = url_pattern(pattern)
    return None if compiled is None else compiled.matches(text)


def url_pattern_problem(pattern: str) -> str | None:
    """Why `pattern` cannot be used as a policy pattern, in words; None when it can."""
    reason = _compiled(pattern)[1]
    if reason is None:
        return None
    return f"it cannot be used as a pattern: {reason}"
