"""What time has broken in the registry, and what it will break soon.

A record that passed every check when it was merged can become wrong without anyone touching
it: a pilot reaches its end date (004: "a short, but extendable operational life"), a review
falls due, a waiver expires, a campaign's dates pass while its status stays, the organisation
changes its e-mail domains. The audit does not know any of these dates itself: it runs the
policy rules that do (`AUDIT_RULES`), once on `today` for what is due now, and once on
`today + within` days for what is coming. For a finding that only the second run raises, a
binary search over the days between finds the first day it applies, so the message can say
"from 2027-05-01" and the finding is exactly what `validate` will say on that day.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from socialreg.check.engine import run_rules
from socialreg.check.pipeline import load_repository
from socialreg.findings import Finding, Severity
from socialreg.load.model import Record, Repository

# The rules whose findings come with time, and the heading they are listed under.
AUDIT_RULES: dict[str, str] = {
    "SR112": "Pilots that have ended or end soon",
    "SR113": "Records due for their yearly review",
    "SR301": "Waivers that have expired or expire soon",
    "SR202": "Campaigns whose status no longer matches their dates",
    "SR115": "People outside the organisation's e-mail domains",
    "SR116": "Approved requests not opened yet",
    "SR125": "Accounts the platforms no longer confirm (audit --online)",
}

Key = tuple[str, str, str]  # path, rule, json_path: the same problem on another day


@dataclass(frozen=True, slots=True)
class AuditItem:
    """A finding of an audit rule; `starts` is None when it applies today already."""

    finding: Finding
    starts: datetime.date | None

    @property
    def topic(self) -> str:
        return AUDIT_RULES.get(self.finding.rule, self.finding.rule)

    def as_finding(self, today: datetime.date) -> Finding:
        """The item in validate's shape: coming problems are warnings that say when."""
        if self.starts is None:
            return self.finding
        days = (self.starts - today).days
        when = f"From {self.starts.isoformat()} (in {days} day{'s' if days != 1 else ''}), "
        when += "the check will say: "
        return dataclasses.replace(
            self.finding, severity=Severity.WARNING, message=when + self.finding.message
        )


@dataclass(frozen=True, slots=True)
class RecordInfo:
    """What an issue about a record names: its id, title and the person responsible."""

    path: str
    kind: str
    id: str
    title: str
    owner_github: str | None
    owner_name: str | None


@dataclass(frozen=True, slots=True)
class AuditResult:
    today: datetime.date
    within: int
    items: list[AuditItem]
    records: dict[str, RecordInfo]  # every record of the repository, by path
    files: int

    @property
    def now(self) -> list[AuditItem]:
        return [item for item in self.items if item.starts is None]

    @property
    def upcoming(self) -> list[AuditItem]:
        return [item for item in self.items if item.starts is not None]

    def by_path(self) -> dict[str, list[AuditItem]]:
        grouped: dict[str, list[AuditItem]] = {}
        for item in self.items:
            grouped.setdefault(item.finding.path, []).append(item)
        return grouped

    def findings(self) -> list[Finding]:
        return [item.as_finding(self.today) for item in self.items]


def run_audit(root: Path, today: datetime.date, within: int) -> AuditResult:
    """Load every record and find what is due now and in the next `within` days."""
    repository = load_repository(root)
    return audit_repository(repository, today, within)


def audit_repository(repository: Repository, today: datetime.date, within: int) -> AuditResult:
    now = _audit_findings(run_rules(repository, today))
    items = [AuditItem(finding, None) for finding in now.values()]
    if within > 0:
        ahead = _audit_findings(run_rules(repository, today + datetime.timedelta(days=within)))
        coming = [finding for key, finding in ahead.items() if key not in now]
        items.extend(_first_days(repository, coming, today, within))
    items.sort(key=lambda item: (item.finding.sort_key(), item.starts or today))
    records = {record.path: _info(record) for record in repository.records}
    return AuditResult(today, within, items, records, len(repository.records))


def _audit_findings(findings: Iterable[Finding]) -> dict[Key, Finding]:
    """The findings of the audit rules that are in force (a waived finding is not due)."""
    return {
        (finding.path, finding.rule, finding.json_path): finding
        for finding in findings
        if finding.rule in AUDIT_RULES and finding.severity is not Severity.WAIVED
    }


def _first_days(
    repository: Repository, coming: list[Finding], today: datetime.date, within: int
) -> list[AuditItem]:
    """For each coming finding, the first day it applies and what the rule says then.

    Only the record concerned is checked on the days in between, so this stays cheap however
    large the repository is.
    """
    records = {record.path: record for record in repository.records}
    items = []
    for finding in coming:
        record = records.get(finding.path)
        if record is None:  # a whole-repository finding: say it from the last day
            items.append(AuditItem(finding, today + datetime.timedelta(days=within)))
            continue
        key = (finding.path, finding.rule, finding.json_path)

        alone = dataclasses.replace(repository, records=[record], findings=[])

        def raised(day: int, alone: Repository = alone, key: Key = key) -> Finding | None:
            date = today + datetime.timedelta(days=day)
            return _audit_findings(run_rules(alone, date)).get(key)

        low, high = 1, within  # not raised on day 0, raised on day `within`
        while low < high:
            middle = (low + high) // 2
            if raised(middle) is None:
                low = middle + 1
            else:
                high = middle
        first = raised(low) or finding
        items.append(AuditItem(first, today + datetime.timedelta(days=low)))
    return items


def _info(record: Record) -> RecordInfo:
    data = record.data
    person_key = "owner" if record.kind == "account" else "requested_by"
    person = data.get(person_key)
    github = person.get("github") if isinstance(person, dict) else None
    name = person.get("name") if isinstance(person, dict) else None
    title = data.get("name") if record.kind == "account" else data.get("title")
    return RecordInfo(
        path=record.path,
        kind=record.kind,
        id=record.id,
        title=str(title) if isinstance(title, str) else record.id,
        owner_github=github if isinstance(github, str) else None,
        owner_name=name if isinstance(name, str) else None,
    )
