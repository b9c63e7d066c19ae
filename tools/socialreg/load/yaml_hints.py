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

# Characters that YAML reads as syntax at the start of a plain value: @ and ` are reserved,
# * is an alias, & an anchor, ! a tag, % a directive and | a block of text.
RESERVED_STARTS = "@*&!%`|"

_KEY_VALUE = re.compile(r"^(?P<prefix>\s*(?:-\s+)?(?:[^\s#'\"][^:#]*:\s+|(?<=-\s)))(?P<value>.*)$")
_ITEM = re.compile(r"^(?P<prefix>\s*-\s+)(?P<value>.*)$")
_KEY_ONLY = re.compile(r"^(?P<indent>\s*)(?:-\s+)?(?P<key>[A-Za-z0-9_.-]+):\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"^(?P<indent>\s*)(?P<key>[A-Za-z0-9_.-]+):(?:\s|$)")

# Findings that a key at the wrong indentation causes: a duplicate key, an unknown key.
_MISPLACED_CODES = ("SR003", "SR010")
_EMPTY_CODE = "SR012"


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
    return explain_indentation(text, quoted, top_level_keys)


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
