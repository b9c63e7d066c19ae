"""Leave out the findings that a schema error already explains.

Moderators written as plain names give "the first moderator must be a group of key: value
lines" (the real problem) and, from the rules, "0 moderators are named" and "the owner is not
one of its moderators": knock-on findings that send people looking for a second and third
mistake that is not there. A rule's finding is left out when the same file has a schema error
at the same place, inside it, or around it (but not at the top of the file, which is around
everything). Once the schema error is fixed, the rules run on good data and say what remains.
"""

from __future__ import annotations

from collections.abc import Iterable

from socialreg.findings import Finding

# Codes of the loader and the schemas (SR0xx): what the file itself says. Rules are SR1xx up.
_FILE_CODE_PREFIX = "SR0"


def without_knock_ons(findings: Iterable[Finding]) -> list[Finding]:
    findings = list(findings)
    shape_errors: dict[str, list[str]] = {}
    for finding in findings:
        if finding.rule.startswith(_FILE_CODE_PREFIX) and finding.json_path not in ("", "$"):
            shape_errors.setdefault(finding.path, []).append(finding.json_path)
    if not shape_errors:
        return findings
    return [
        finding
        for finding in findings
        if finding.rule.startswith(_FILE_CODE_PREFIX)
        or not any(_related(finding.json_path, at) for at in shape_errors.get(finding.path, ()))
    ]


def _related(rule_path: str, error_path: str) -> bool:
    """Whether one place is the other, or contains it (`$.moderators` and `$.moderators[0]`)."""
    if rule_path in ("", "$"):
        return False
    return _within(rule_path, error_path) or _within(error_path, rule_path)


def _within(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith((outer + ".", outer + "["))
