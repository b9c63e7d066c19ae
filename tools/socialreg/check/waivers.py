"""Waivers: a documented exception to one rule, shown and never hidden (rule 26).

A record may list `waivers`, each with `rule`, `reason`, `approved_by` and `expires`. The
engine runs a record's rules first and then its waivers: a finding that a usable waiver names
stays in the output with severity `waived` and the reason beside it. This module says which
waivers are usable (SR301's own check) and applies them (`apply_waivers`, called by the engine).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

from socialreg.codes import WAIVERS
from socialreg.dates import as_date
from socialreg.findings import Finding, Severity
from socialreg.load.model import Record
from socialreg.rules.base import Problem, RuleContext, get_rule, listed_choices, register
from socialreg.sources import RECORD_FORMAT, STOCKHOLM_NEW


@dataclass(frozen=True, slots=True)
class Waiver:
    index: int
    rule: str
    reason: str
    approved_by: str
    expires: datetime.date


@register(
    code=WAIVERS,
    scope="any",
    rationale="""
Sometimes a rule cannot be met for a good reason, for example a pilot account that has only one
moderator while a second person is being trained. A waiver documents that exception: which rule,
why, who in the communications office approved it and until when. The excused finding is still
shown, marked waived, so exceptions are visible and never hidden. A waiver that has expired no
longer applies. A waiver for a rule that does not fire any more is an error too, so that old
exceptions do not pile up. Problems with the file itself (SR001-SR017: unreadable YAML, unknown
keys, a file in the wrong folder) cannot be waived: fix them instead.

Waivers of the rules in the option `communications_approval_for` (by default the moratorium on
new accounts, SR109) must be approved by one of the communications reviewers in
org/organization.yaml, written as their GitHub user name. Waivers of rules that compare with the
base commit (SR109, SR114) are never called stale, because whether those rules fire depends on
the change being checked.
""",
    source=f"{RECORD_FORMAT}; {STOCKHOLM_NEW}",
    options={"communications_approval_for": ["SR109"]},
    passing="""
moderators:
  - {name: Lina Berg, email: lina.berg@example.org, github: lina-berg}
waivers:
  - rule: SR105
    reason: Oskar Falk joins as second moderator when his training ends in January.
    approved_by: maria-lind
    expires: 2027-01-31
""",
    failing="""
waivers:
  - rule: SR105
    reason: A second moderator joins after the summer.
    approved_by: maria-lind
    expires: 2026-09-01   # expired: the rule applies again
""",
)
def check_waivers(record: Record, context: RuleContext) -> Iterator[Problem]:
    for _waiver, problem in _read_waivers(record, context):
        if problem is not None:
            yield problem


def usable_waivers(record: Record, context: RuleContext) -> list[Waiver]:
    return [waiver for waiver, problem in _read_waivers(record, context) if problem is None]


def apply_waivers(
    record: Record,
    findings: list[Finding],
    severities: Mapping[str, Severity | None],
    context: RuleContext,
) -> list[Finding]:
    """Mark what a usable waiver excuses as waived; report waivers that excuse nothing."""
    waivers = usable_waivers(record, context)
    if not waivers:
        return findings
    by_rule = {waiver.rule: waiver for waiver in waivers}
    result = []
    for finding in findings:
        waiver = by_rule.get(finding.rule)
        if waiver is None:
            result.append(finding)
        else:
            note = f"(Waived until {waiver.expires.isoformat()}: {waiver.reason.strip()})"
            result.append(
                replace(finding, severity=Severity.WAIVED, message=f"{finding.message} {note}")
            )
    stale_severity = severities.get(WAIVERS)
    if stale_severity is None:
        return result
    fired = {finding.rule for finding in findings}
    for waiver in waivers:
        message = _stale(waiver, fired, severities)
        if message is not None:
            result.append(
                record.document.finding(("waivers", waiver.index), WAIVERS, message, stale_severity)
            )
    return result


def _stale(
    waiver: Waiver, fired: set[str], severities: Mapping[str, Severity | None]
) -> str | None:
    rule = get_rule(waiver.rule)
    if rule is None or waiver.rule in fired:
        return None
    if severities.get(waiver.rule) is None:
        return (
            f"This waiver excuses {waiver.rule}, but org/policy.yaml switches that rule off, so "
            "there is nothing to excuse. Remove the waiver."
        )
    if rule.change_aware:
        return None
    return (
        f"This waiver excuses {waiver.rule} ({rule.title}), but the record meets that rule now. "
        "Remove the waiver, so that old exceptions do not pile up."
    )


def _read_waivers(record: Record, context: RuleContext) -> Iterator[tuple[Waiver, Problem | None]]:
    """Every complete waiver of the record, with what makes it unusable (None: usable).

    Incomplete waivers (a missing key, a date that is not a date) are left to the schema, which
    already reports them; they excuse nothing.
    """
    entries = record.data.get("waivers")
    if not isinstance(entries, list):
        return
    reviewers = _reviewers(context)
    needs_reviewer = {str(code) for code in context.options["communications_approval_for"]}
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        waiver = _waiver(index, entry)
        if waiver is None:
            continue
        problem = _problem(waiver, context, reviewers, needs_reviewer, seen)
        seen.add(waiver.rule)
        yield waiver, (None if problem is None else Problem(record.document, *problem))


def _waiver(index: int, entry: object) -> Waiver | None:
    if not isinstance(entry, dict):
        return None
    rule, reason, approved_by = entry.get("rule"), entry.get("reason"), entry.get("approved_by")
    expires = as_date(entry.get("expires"))
    if not (isinstance(rule, str) and isinstance(reason, str) and isinstance(approved_by, str)):
        return None
    if expires is None or not reason.strip() or not approved_by.strip():
        return None
    return Waiver(index, rule.strip().upper(), reason, approved_by.strip(), expires)


def _problem(
    waiver: Waiver,
    context: RuleContext,
    reviewers: list[str],
    needs_reviewer: set[str],
    seen: set[str],
) -> tuple[tuple[str | int, ...], str] | None:
    where: tuple[str | int, ...] = ("waivers", waiver.index)
    rule = get_rule(waiver.rule)
    if rule is None:
        return (
            (*where, "rule"),
            f"{waiver.rule} is not a rule code. `socialreg rules` lists the codes; write the "
            "code of the finding you want to excuse.",
        )
    if not rule.waivable:
        return (
            (*where, "rule"),
            f"{waiver.rule} ({rule.title}) cannot be waived: it is about the file itself. Fix the "
            "file instead, and remove this waiver.",
        )
    if waiver.rule in seen:
        return (
            (*where, "rule"),
            f"{waiver.rule} is waived twice. Keep one waiver per rule and remove the other.",
        )
    if waiver.expires < context.today:
        return (
            (*where, "expires"),
            f"This waiver of {waiver.rule} expired on {waiver.expires.isoformat()}, so the rule "
            "applies again. Meet the rule, or ask the communications office for a new waiver "
            "with a new date.",
        )
    if waiver.rule in needs_reviewer and waiver.approved_by.lstrip("@") not in reviewers:
        listed = listed_choices(context, waiver.approved_by, reviewers) or (
            "nobody is listed in org/organization.yaml"
        )
        return (
            (*where, "approved_by"),
            f"A waiver of {waiver.rule} must be approved by the communications office: write the "
            f"GitHub user name of one of its reviewers ({listed}) as approved_by.",
        )
    return None


def _reviewers(context: RuleContext) -> list[str]:
    communications = context.organization.get("communications")
    reviewers = communications.get("reviewers") if isinstance(communications, dict) else None
    return [str(name) for name in reviewers] if isinstance(reviewers, list) else []
