"""Run the rules over a loaded repository and decide how loud each problem is.

The policy (`org/policy.yaml`, key `rules`) sets each rule's severity (`error`, `warning` or
`off`) and options; a rule's own defaults fill in what the policy leaves out.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from socialreg.findings import Finding, Severity
from socialreg.repository import Repository
from socialreg.rules import Rule, RuleContext, all_rules


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """A rule as the policy sets it: on or off, how loud, with which options."""

    rule: Rule
    severity: Severity | None  # None: the rule is off
    options: Mapping[str, Any]


def rule_settings(policy: Mapping[str, Any]) -> dict[str, RuleSetting]:
    configured = policy.get("rules") if isinstance(policy.get("rules"), dict) else {}
    settings = {}
    for rule in all_rules():
        entry = configured.get(rule.code) if isinstance(configured, dict) else None
        entry = entry if isinstance(entry, dict) else {}
        severity_word = entry.get("severity", str(rule.severity))
        severity = None if severity_word == "off" else Severity(severity_word)
        options = dict(rule.options)
        if isinstance(entry.get("options"), dict):
            options.update(entry["options"])
        settings[rule.code] = RuleSetting(rule, severity, options)
    return settings


def run_rules(repository: Repository, today: datetime.date) -> list[Finding]:
    settings = rule_settings(repository.org_data("policy"))
    findings: list[Finding] = []
    for setting in settings.values():
        if setting.severity is None:
            continue
        context = RuleContext(repository, today, setting.options)
        for record in _records_in_scope(repository, setting.rule):
            for problem in setting.rule.check(record, context):
                findings.append(
                    problem.document.finding(
                        problem.path, setting.rule.code, problem.message, setting.severity
                    )
                )
    return findings


def _records_in_scope(repository: Repository, rule: Rule) -> Iterable[Any]:
    return [r for r in repository.records if rule.scope in ("any", r.kind)]
