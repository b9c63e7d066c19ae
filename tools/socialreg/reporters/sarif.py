"""SARIF 2.1.0, for GitHub code scanning and any other tool that reads static analysis results.

The log names every rule socialreg has (the policy rules from the registry and the checks of
the files themselves), each with a short and a full description and help, so that code scanning
can explain an alert without socialreg at hand. Locations are relative to the repository root
(`uriBaseId` `%SRCROOT%`), with the line and column of the value the finding is about.

A waived finding is reported with an in-source suppression: the waiver in the record is exactly
that, and code scanning then shows it as dismissed instead of open.

Compared with a base (`validate --base`), every result has a `baselineState` (SARIF 2.1.0,
3.27.24): `new` for what the change introduces, `unchanged` for what the base already had, and
the base's findings that the change removes are added as `absent` results.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from socialreg import __version__
from socialreg.findings import Finding, Severity
from socialreg.reporters import Report

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SOURCE_ROOT = "%SRCROOT%"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.WAIVED: "note"}


@dataclass(frozen=True, slots=True)
class RuleHelp:
    """What SARIF says about one rule."""

    code: str
    title: str
    description: str
    help_text: str
    help_markdown: str
    level: str
    tags: tuple[str, ...]


def rule_help() -> dict[str, RuleHelp]:
    """Every rule socialreg can report, by code, in code order."""
    # Imported when a SARIF report is written: `socialreg validate` imports every reporter to
    # list the formats, and the rules only after it asked Git (load/look_ahead.py).
    from socialreg.rules import all_rules

    helps = {}
    for rule in all_rules():
        rationale = " ".join(rule.rationale.split())
        text = (
            f"{rationale}\n\nSource: {rule.source}.\n\nWritten correctly:\n{rule.passing}\n\n"
            f"Reported:\n{rule.failing}"
        )
        markdown = (
            f"{rationale}\n\nSource: {rule.source}.\n\nWritten correctly:\n\n```yaml\n"
            f"{rule.passing}\n```\n\nReported:\n\n```yaml\n{rule.failing}\n```"
        )
        helps[rule.code] = RuleHelp(
            rule.code,
            rule.title,
            rationale,
            text,
            markdown,
            _LEVEL[rule.severity],
            ("file",) if rule.scope == "input" else ("policy", rule.scope),
        )
    return dict(sorted(helps.items()))


def render(report: Report) -> str:
    helps = rule_help()
    fixed = report.baseline.fixed if report.baseline is not None else ()
    for finding in [*report.findings, *fixed]:
        if finding.rule not in helps:  # a code from a newer check that has no help yet
            helps[finding.rule] = RuleHelp(
                finding.rule,
                finding.rule,
                "A socialreg check.",
                "A socialreg check.",
                "A socialreg check.",
                "error",
                (),
            )
    index = {code: position for position, code in enumerate(helps)}
    seen: Counter[tuple[str, str, str]] = Counter()
    results = []
    baseline = report.baseline
    for finding in report.findings:
        key = (finding.path, finding.rule, finding.json_path)
        seen[key] += 1
        entry = result(finding, index[finding.rule], seen[key])
        if baseline is not None:
            entry["baselineState"] = "new" if baseline.is_new(finding) else "unchanged"
        results.append(entry)
    for finding in baseline.fixed if baseline is not None else ():
        key = (finding.path, finding.rule, finding.json_path)
        seen[key] += 1
        results.append(
            {**result(finding, index[finding.rule], seen[key]), "baselineState": "absent"}
        )
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "socialreg",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [descriptor(help_) for help_ in helps.values()],
                    }
                },
                "originalUriBaseIds": {
                    SOURCE_ROOT: {"description": {"text": "The root of the registry repository."}}
                },
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def descriptor(help_: RuleHelp) -> dict[str, Any]:
    return {
        "id": help_.code,
        "name": help_.code,
        "shortDescription": {"text": help_.title},
        "fullDescription": {"text": help_.description},
        "help": {"text": help_.help_text, "markdown": help_.help_markdown},
        "defaultConfiguration": {"level": help_.level},
        "properties": {"tags": list(help_.tags), "precision": "very-high"},
    }


def result(finding: Finding, rule_index: int, occurrence: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(finding.path), "uriBaseId": SOURCE_ROOT},
                    "region": {
                        "startLine": max(finding.line, 1),
                        "startColumn": max(finding.column, 1),
                    },
                },
                "logicalLocations": [{"fullyQualifiedName": finding.json_path, "kind": "member"}],
            }
        ],
        # Stable while lines move: the file, the rule and the value it is about.
        "partialFingerprints": {"socialregFinding/v1": fingerprint(finding, occurrence)},
    }
    if finding.severity is Severity.WAIVED:
        entry["suppressions"] = [
            {
                "kind": "inSource",
                "status": "accepted",
                "justification": "A waiver in the record excuses this finding until it expires.",
            }
        ]
    return entry


def uri(path: str) -> str:
    """A repository-relative URI reference: the path with anything unusual percent-encoded."""
    return quote(path, safe="/-._~")


def fingerprint(finding: Finding, occurrence: int) -> str:
    text = "\0".join([finding.path, finding.rule, finding.json_path, str(occurrence)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
