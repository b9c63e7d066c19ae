"""Run the rules over a loaded repository and decide how loud each problem is.

The policy (`org/policy.yaml`, key `rules`) sets each rule's severity (`error`, `warning` or
`off`) and options; a rule's own defaults fill in what the policy leaves out, and an option the
policy gets wrong (SR016 says so) keeps its default.

The work comes in three parts, so that the per-record part can run anywhere, for example in a
worker process that holds only some of the records: the policy settings are checked once,
every record is checked on its own (its rules, then its waivers), and the checks that have no
record to belong to (a deleted account) run once over the whole repository.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from socialreg.check.policy_settings import check_policy_settings, valid_options
from socialreg.check.waivers import apply_waivers
from socialreg.codes import WAIVERS
from socialreg.findings import Finding, Severity
from socialreg.load.model import Record, Repository
from socialreg.rules import Problem, Rule, RuleContext, all_rules
from socialreg.rules.org_references import check_org_references

if TYPE_CHECKING:
    from socialreg.load.gitbase import BaseTree


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """A rule as the policy sets it: on or off, how loud, with which options."""

    rule: Rule
    severity: Severity | None  # None: the rule is off
    options: Mapping[str, Any]


def rule_settings(policy: Mapping[str, Any]) -> dict[str, RuleSetting]:
    """The setting of every rule the engine runs, from the policy and the rules' defaults."""
    configured = policy.get("rules") if isinstance(policy.get("rules"), dict) else {}
    settings = {}
    for rule in all_rules():
        if not rule.runs:
            continue
        entry = configured.get(rule.code) if isinstance(configured, dict) else None
        entry = entry if isinstance(entry, dict) else {}
        severity_word = entry.get("severity", str(rule.severity))
        if severity_word == "off":
            severity = None
        elif severity_word in (Severity.ERROR, Severity.WARNING):
            severity = Severity(severity_word)
        else:  # the policy schema reports the wrong word; the default stays in force
            severity = rule.severity
        options = dict(rule.options)
        options.update(valid_options(rule, entry.get("options")))
        settings[rule.code] = RuleSetting(rule, severity, options)
    return settings


def run_rules(
    repository: Repository, today: datetime.date, base: BaseTree | None = None
) -> list[Finding]:
    """Everything: the policy settings, every record loaded in full, and the whole repository."""
    return [
        *run_repository_rules(repository, today, base),
        *run_record_rules(repository, today, base),
    ]


def run_record_rules(
    repository: Repository, today: datetime.date, base: BaseTree | None = None
) -> list[Finding]:
    """The rules of the records loaded in full; a worker process runs this on its share."""
    settings = rule_settings(repository.org_data("policy"))
    return check_records(repository, repository.records, today, settings, base)


def run_repository_rules(
    repository: Repository, today: datetime.date, base: BaseTree | None = None
) -> list[Finding]:
    """What is checked once per run: the policy's rule settings and whole-repository checks."""
    settings = rule_settings(repository.org_data("policy"))
    return [
        *check_policy_settings(repository.policy),
        *check_org_references(repository),
        *check_repository(repository, today, settings, base),
    ]


def check_records(
    repository: Repository,
    records: Iterable[Record],
    today: datetime.date,
    settings: Mapping[str, RuleSetting],
    base: BaseTree | None = None,
) -> list[Finding]:
    """Each record's rules, then its waivers: what a valid waiver excuses becomes `waived`."""
    contexts = {
        code: RuleContext(repository, today, setting.options, base)
        for code, setting in settings.items()
    }
    active = [setting for setting in settings.values() if setting.severity is not None]
    severities = {code: setting.severity for code, setting in settings.items()}
    findings: list[Finding] = []
    for record in records:
        raised: list[Finding] = []
        for setting in active:
            if setting.rule.scope not in ("any", record.kind):
                continue
            context = contexts[setting.rule.code]
            for problem in setting.rule.check(record, context):
                raised.append(_finding(problem, setting))
        findings.extend(apply_waivers(record, raised, severities, contexts[WAIVERS]))
    return findings


def check_repository(
    repository: Repository,
    today: datetime.date,
    settings: Mapping[str, RuleSetting],
    base: BaseTree | None = None,
) -> list[Finding]:
    """The checks that look at the repository as a whole, once per run."""
    findings: list[Finding] = []
    for setting in settings.values():
        check = setting.rule.check_repository
        if check is None or setting.severity is None:
            continue
        context = RuleContext(repository, today, setting.options, base)
        findings.extend(_finding(problem, setting) for problem in check(context))
    return findings


def _finding(problem: Problem, setting: RuleSetting) -> Finding:
    assert setting.severity is not None
    severity = setting.severity
    if problem.at_most is Severity.WARNING and severity is Severity.ERROR:
        severity = Severity.WARNING
    return problem.document.finding(problem.path, setting.rule.code, problem.message, severity)
