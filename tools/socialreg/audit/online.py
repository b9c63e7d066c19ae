"""`socialreg audit --online`: the drift guard, as audit items that the issue path understands.

Each Bluesky and Mastodon account of the registry is asked about with the platforms' public
protocols (identity.online). What the platform says and the record does not (the handle leads
to another permanent id, the account is gone, the Mastodon profile does not link back to its
registry page, or the record lacks the id) becomes an audit item under code SR125, so
`--open-issues` opens, updates and closes one issue per record as for the other audit items.
A server that cannot be reached is reported in the summary line, never as an issue: a short
outage must not open issues. The audit never blocks a pull request; it runs on a schedule.
"""

from __future__ import annotations

from dataclasses import dataclass

from socialreg.audit.schedule import AuditItem
from socialreg.findings import Finding, Severity
from socialreg.identity.online import Account, Endpoints, Offline, OnlineResult, check_accounts
from socialreg.load.model import Record, Repository

CODE = "SR125"
_OFFICIAL = ("active", "pilot", "paused")


@dataclass(frozen=True, slots=True)
class OnlineAudit:
    items: list[AuditItem]
    summary: str  # one line for the person running the audit


def _registry_page(repository: Repository, record: Record) -> str | None:
    registry = repository.org_data("organization").get("registry")
    base = registry.get("base_url") if isinstance(registry, dict) else None
    if not isinstance(base, str) or not base.startswith("https://"):
        return None
    return f"{base.rstrip('/')}/accounts/{record.id}.html"


def accounts_to_check(repository: Repository) -> list[tuple[Record, Account]]:
    found = []
    for record in repository.records:
        data = record.data
        if record.kind != "account" or data.get("status") not in _OFFICIAL:
            continue
        platform, handle = data.get("platform"), data.get("handle")
        if not isinstance(platform, str) or not isinstance(handle, str):
            continue
        platform_id = data.get("platform_id")
        account = Account(
            path=record.path,
            platform=platform,
            handle=handle,
            platform_id=platform_id if isinstance(platform_id, str) else None,
            registry_page=_registry_page(repository, record),
        )
        found.append((record, account))
    return found


def online_audit(repository: Repository, endpoints: Endpoints) -> OnlineAudit:
    pairs = accounts_to_check(repository)
    try:
        result = check_accounts([account for _, account in pairs], endpoints)
    except Offline:
        return OnlineAudit([], "No network: the online checks (audit --online) were skipped.")
    records = {record.path: record for record, _ in pairs}
    items = []
    for drift in result.drifts:
        if drift.kind == "unreachable":
            continue
        record = records[drift.path]
        key = ("platform_id",) if drift.kind == "id-unknown" else ("handle",)
        line, column = record.document.locate(key)
        finding = Finding(
            drift.path, line, column, CODE, Severity.ERROR, drift.message, "$." + key[0]
        )
        items.append(AuditItem(finding, None))
    return OnlineAudit(items, _summary(result))


def _summary(result: OnlineResult) -> str:
    unreachable = sum(1 for drift in result.drifts if drift.kind == "unreachable")
    found = len(result.drifts) - unreachable
    text = f"Online check: {result.checked} Bluesky and Mastodon accounts asked, {found} to act on"
    if unreachable:
        text += f", {unreachable} could not be asked this time (tried again on the next run)"
    return text + "."
