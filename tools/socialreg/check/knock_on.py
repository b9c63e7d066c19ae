"""Leave out the findings that a schema error already explains.

Moderators written as plain names give "the first moderator must be a group of key: value
lines" (the real problem) and, from the rules, "0 moderators are named" and "the owner is not
one of its moderators": knock-on findings that send people looking for a second and third
mistake that is not there. A rule's finding is left out when the same file has a schema error
at the same place, inside it, or around it (but not at the top of the file, which is around
everything). Once the schema error is fixed, the rules run on good data and say what remains.
A file in the wrong place (SR013) explains nothing about its contents, so it hides nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from socialreg.codes import (
    ALIAS_BOMB,
    DOCUMENT_SHAPE,
    DUPLICATE_KEY,
    INVALID_DATE,
    MISSING_KEY,
    UNKNOWN_KEY,
    UNREADABLE,
    WRONG_VALUE,
    YAML_SURPRISE,
    YAML_SYNTAX,
)
from socialreg.findings import Finding

# What the loader and the schemas say about the file itself; every other code is a rule's.
SHAPE_CODES = frozenset(
    {
        UNREADABLE,
        YAML_SYNTAX,
        DUPLICATE_KEY,
        DOCUMENT_SHAPE,
        ALIAS_BOMB,
        INVALID_DATE,
        YAML_SURPRISE,
        UNKNOWN_KEY,
        MISSING_KEY,
        WRONG_VALUE,
    }
)
# Rules whose message explains a shape error better than the schema can: typographic quotes
# pasted around an address make it "not in the expected form"; SR132 says which characters
# to remove. Where such a rule speaks, the schema's finding at the same place is left out.
EXPLAINS_SHAPE = frozenset({"SR132"})


def without_knock_ons(findings: Iterable[Finding]) -> list[Finding]:
    findings = list(findings)
    explained = {(f.path, f.json_path) for f in findings if f.rule in EXPLAINS_SHAPE}
    findings = [
        f for f in findings if f.rule not in SHAPE_CODES or (f.path, f.json_path) not in explained
    ]
    shape_errors: dict[str, list[str]] = {}
    for finding in findings:
        explains = finding.rule in SHAPE_CODES or finding.rule in EXPLAINS_SHAPE
        if explains and finding.json_path not in ("", "$"):
            shape_errors.setdefault(finding.path, []).append(finding.json_path)
    if not shape_errors:
        return findings
    return [
        finding
        for finding in findings
        if finding.rule in SHAPE_CODES
        or finding.rule in EXPLAINS_SHAPE
        or not any(_related(finding.json_path, at) for at in shape_errors.get(finding.path, ()))
    ]


def _related(rule_path: str, error_path: str) -> bool:
    """Whether one place is the other, or contains it (`$.moderators` and `$.moderators[0]`)."""
    if rule_path in ("", "$"):
        return False
    return _within(rule_path, error_path) or _within(error_path, rule_path)


def _within(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith((outer + ".", outer + "["))
