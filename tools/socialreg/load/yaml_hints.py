"""Messages that say what to type, for the YAML mistakes people make by hand.

The parser's own words ("found character that cannot start any token") tell a
communications officer nothing. These helpers look at the line a problem is on and say what
the line should be instead: a value that starts with a character YAML reserves needs quotes,
keys written without indentation belong under the key above them.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from socialreg.findings import Finding
from socialreg.load.places import in_words, parse_json_path

# Characters that YAML reads as syntax at the start of a plain value: @ and ` are reserved,
# * is an alias, & an anchor, ! a tag, % a directive and | a block of text.
RESERVED_STARTS = "@*&!%`|"

_KEY_VALUE = re.compile(r"^(?P<prefix>\s*(?:-\s+)?(?:[^\s#'\"][^:#]*:\s+|(?<=-\s)))(?P<value>.*)\Z")
_ITEM = re.compile(r"^(?P<prefix>\s*-\s+)(?P<value>.*)\Z")
_KEY_ONLY = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<key>[A-Za-z0-9_.-]+):\s*(?:#.*)?\Z")
_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z0-9_.-]+):(?:\s|$)")

# Findings that a key at the wrong indentation causes: a duplicate key, an unknown key.
_MISPLACED_CODES = ("SR003", "SR010")
_EMPTY_CODE = "SR012"
_UNKNOWN_CODE = "SR010"
_MISSING_CODE = "SR011"


def quoting_hint(text: str, line_number: int) -> str | None:
    """If line `line_number` has a value starting with a reserved character, say to quote it."""
    found = quoted_line(text, line_number)
    if found is None:
        return None
    char, corrected = found
    return (
        f'A value that starts with "{char}" must be in quotes, because YAML gives '
        f'"{char}" a meaning of its own. Write the line as: {corrected}'
    )


def quoted_line(text: str, line_number: int) -> tuple[str, str] | None:
    """(the reserved character, the line with its value quoted), or None."""
    lines = text.splitlines()
    if not 0 < line_number <= len(lines):
        return None
    line = lines[line_number - 1]
    match = _KEY_VALUE.match(line) or _ITEM.match(line)
    if match is None:
        return None
    value = match.group("value").rstrip()
    if not value or value[0] not in RESERVED_STARTS:
        return None
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value[0], (match.group("prefix") + quoted).strip()


def explain_indentation(
    text: str, findings: Sequence[Finding], top_level_keys: Collection[str] = ()
) -> list[Finding]:
    """One finding instead of three when the keys of a group were written without indentation.

    `owner:` followed by `name:`, `email:` and `github:` at the same column makes `owner`
    empty, `name` a duplicate and `email` unknown. When an empty key is followed directly by
    keys that are duplicates or unknown at that level, they almost certainly belong under it:
    say that, once, and drop the findings it explains.
    """
    lines = text.splitlines()
    by_line: dict[int, list[Finding]] = {}
    for finding in findings:
        by_line.setdefault(finding.line, []).append(finding)
    explained: set[Finding] = set()
    hints: list[Finding] = []
    for finding in findings:
        if finding.rule != _EMPTY_CODE or not finding.message.endswith("but it is empty."):
            continue
        header = _KEY_ONLY.match(lines[finding.line - 1]) if finding.line <= len(lines) else None
        if header is None:
            continue
        indent = len(header.group("indent"))
        misplaced: list[tuple[str, list[Finding]]] = []
        for number in range(finding.line + 1, len(lines) + 1):
            line = _KEY_LINE.match(lines[number - 1])
            if line is None or len(line.group("indent")) != indent:
                break
            caused = [f for f in by_line.get(number, []) if f.rule in _MISPLACED_CODES]
            # The schema names only the first unknown key of a group; the others are unknown too.
            unknown = indent == 0 and top_level_keys and line.group("key") not in top_level_keys
            if not caused and not unknown:
                break
            misplaced.append((line.group("key"), caused))
        if not misplaced:
            continue
        key = header.group("key")
        names = ", ".join(f"`{name}`" for name, _ in misplaced)
        explained.add(finding)
        for _, caused in misplaced:
            explained.update(caused)
        hints.append(
            Finding(
                finding.path,
                finding.line,
                finding.column,
                finding.rule,
                finding.severity,
                f"`{key}` is empty, and the lines after it ({names}) start in the same column "
                f"as `{key}`. They probably belong under `{key}`: indent each of them by two "
                f"spaces, so that they read `  {misplaced[0][0]}: ...` below `{key}:`.",
                finding.json_path,
            )
        )
    if not hints:
        return list(findings)
    return [*hints, *(f for f in findings if f not in explained)]


def explain(
    text: str, findings: Sequence[Finding], top_level_keys: Collection[str] = ()
) -> list[Finding]:
    """The findings of one file, with the hints above where they apply."""
    quoted = []
    for finding in findings:
        hint = quoting_hint(text, finding.line) if finding.rule in _SURPRISE_CODES else None
        quoted.append(finding if hint is None else _replace_message(finding, hint))
    return explain_misplaced_keys(text, explain_indentation(text, quoted, top_level_keys))


_UNKNOWN = re.compile(r"^`(?P<key>[^`]+)` is not a known key")
_MISSING = re.compile(r"^`(?P<key>[^`]+)` is missing from")


def explain_misplaced_keys(text: str, findings: Sequence[Finding]) -> list[Finding]:
    """One finding instead of two when a key is unknown where it is and missing where it
    belongs: `holiday_cover` written at the top level instead of under `monitoring`."""
    missing: dict[str, Finding] = {}
    for finding in findings:
        match = _MISSING.match(finding.message) if finding.rule == _MISSING_CODE else None
        if match:
            missing.setdefault(match.group("key"), finding)
    if not missing:
        return list(findings)
    lines = text.splitlines()
    explained: set[Finding] = set()
    result: list[Finding] = []
    for finding in findings:
        match = _UNKNOWN.match(finding.message) if finding.rule == _UNKNOWN_CODE else None
        partner = missing.get(match.group("key")) if match else None
        if match is None or partner is None or partner in explained:
            result.append(finding)
            continue
        key = match.group("key")
        container = parse_json_path(partner.json_path)
        home = f"under {in_words(container)}" if container else "at the top level"
        wanted = _indent_of_children(lines, partner.line)
        line = lines[finding.line - 1] if 0 < finding.line <= len(lines) else ""
        more = None if wanted is None else wanted - (len(line) - len(line.lstrip(" ")))
        how = f" by {more} more spaces" if more is not None and more > 0 else ""
        explained.add(partner)
        result.append(
            _replace_message(
                finding,
                f"`{key}` is not in its place: it belongs {home}, where it is missing. "
                f"Indent it{how}, so that it lines up with the keys {home}.",
            )
        )
    return [finding for finding in result if finding not in explained]


def _indent_of_children(lines: list[str], header_line: int) -> int | None:
    """How far the keys under the group that starts at `header_line` are indented."""
    if not 0 < header_line < len(lines):
        return None
    child = re.match(r"^(\s*)\S", lines[header_line])  # the line after the group's own line
    return len(child.group(1)) if child and child.group(1) else None


# An anchor (`&name`) or alias before a value leaves the key empty or not text (SR007, SR012).
_SURPRISE_CODES = ("SR007", "SR012")


def _replace_message(finding: Finding, message: str) -> Finding:
    return Finding(
        finding.path,
        finding.line,
        finding.column,
        finding.rule,
        finding.severity,
        message,
        finding.json_path,
    )
