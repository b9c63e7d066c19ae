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
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from socialreg.check.policy_settings import check_policy_settings, valid_options
from socialreg.check.waivers import apply_waivers
from socialreg.codes import WAIVERS
from socialreg.findings import Finding, Severity
from socialreg.load.documents import Document
from socialreg.load.model import Record, RecordKind, RecordSummary, Repository
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
    checker = RecordChecker(repository, today, settings, base)
    return [finding for record in records for finding in checker.check(record)]


class RecordChecker:
    """A record's rules in two steps, then its waivers.

    The rules that look only at the record and the org/ files run first (`local`); the rules
    that compare it with other records (`compares_records`) run once the whole repository is
    indexed, on what the record keeps of itself (`kept`: the keys those rules read). A large
    run does the first step in the worker that loaded the record, as soon as it is loaded, and
    lets the rest of the record go (check/pipeline.py), so memory does not grow with records.
    The local rules see no index at all, so one that reads it without saying so fails loudly.
    """

    def __init__(
        self,
        repository: Repository,
        today: datetime.date,
        settings: Mapping[str, RuleSetting],
        base: BaseTree | None = None,
    ) -> None:
        without_index = replace(repository, index=_NoIndex(), derived={})
        self._contexts = {
            code: RuleContext(
                repository if setting.rule.compares_records else without_index,
                today,
                setting.options,
                base,
            )
            for code, setting in settings.items()
        }
        active = [setting for setting in settings.values() if setting.severity is not None]
        self._local = [setting for setting in active if not setting.rule.compares_records]
        self._comparing = [setting for setting in active if setting.rule.compares_records]
        self._severities = {code: setting.severity for code, setting in settings.items()}

    def check(self, record: Record) -> list[Finding]:
        """Both steps and the waivers, for a record that is all here."""
        return self.finish(kept(record), self.local(record))

    def local(self, record: Record) -> list[Finding]:
        """What the rules that look only at this record find (before waivers)."""
        return self._run(self._local, record)

    def finish(self, record: Record, local: Sequence[Finding]) -> list[Finding]:
        """The rules that compare records, on what `record` kept; then the waivers, over all
        the record's findings (a waiver must know whether its rule fired at all)."""
        raised = [*local, *self._run(self._comparing, record)]
        return apply_waivers(record, raised, self._severities, self._contexts[WAIVERS])

    def compared(self, record: Record) -> list[tuple[str, Problem]]:
        """What the rules that compare records raise about `record` (as it kept itself), as
        problems by rule: no line is looked up (for check.incremental, which asks whether
        another index changes them)."""
        return [
            (setting.rule.code, problem)
            for setting in self._comparing
            if setting.rule.scope in ("any", record.kind)
            for problem in setting.rule.check(record, self._contexts[setting.rule.code])
        ]

    def _run(self, settings: list[RuleSetting], record: Record) -> list[Finding]:
        raised: list[Finding] = []
        for setting in settings:
            if setting.rule.scope not in ("any", record.kind):
                continue
            context = self._contexts[setting.rule.code]
            for problem in setting.rule.check(record, context):
                raised.append(_finding(problem, setting))
        return raised


@functools.cache
def kept_keys() -> frozenset[str]:
    """The keys a record keeps for the second step: what the comparing rules and the waivers
    read."""
    keys = {"waivers"}
    for rule in all_rules():
        keys.update(read.partition(".")[0] for read in rule.reads)
    return frozenset(keys)


@functools.cache
def kept_parts() -> dict[str, frozenset[str]]:
    """The keys whose value the comparing rules read only parts of (`decision.related_accounts`),
    with those parts: of such a mapping a record keeps just them (the rest of `decision` was
    40% of what 100,000 index entries held)."""
    whole = {"waivers"}
    parts: dict[str, set[str]] = {}
    for rule in all_rules():
        for read in rule.reads:
            key, _, part = read.partition(".")
            if part:
                parts.setdefault(key, set()).add(part)
            else:
                whole.add(key)
    return {key: frozenset(kept) for key, kept in parts.items() if key not in whole}


def narrowed(fields: dict[str, Any]) -> dict[str, Any]:
    """`fields`, each mapping of `kept_parts` cut down to its parts (changed in place)."""
    for key, parts in kept_parts().items():
        value = fields.get(key)
        if type(value) is dict:
            fields[key] = {part: value[part] for part in value if part in parts}
    return fields


def kept(record: Record, document: Callable[[dict[str, Any]], Document] | None = None) -> Record:
    """`record` with only the keys `kept_keys` names (and of some, the parts: `kept_parts`).
    Its document keeps the text (for the positions of findings), unless `document` makes one
    from the kept data to stand for it."""
    keys = kept_keys()
    data = narrowed({key: value for key, value in record.data.items() if key in keys})
    if document is None:
        text = record.document.text
        made = Document(record.path, data, text)
        return Record(record.kind, record.id, record.folder_unit, made, record.identity)
    return Record(record.kind, record.id, record.folder_unit, document(data), record.identity)


class _NoIndex(dict[RecordKind, dict[str, RecordSummary]]):
    """The index as the local rules see it: any look is a mistake in a rule's declaration."""

    def __getitem__(self, key: RecordKind) -> dict[str, RecordSummary]:
        raise RuntimeError(
            "a rule looked at other records without saying so: register it with "
            "compares_records=True and the keys it reads"
        )


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
