"""registry.json: the public registry as data, described by static/registry.schema.json.

SCHEMA_VERSION follows semantic versioning: a new optional field raises the minor number, a
removed or changed field the major number. Readers should check the major number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from socialreg.registry_site.model import Account, Campaign, Registry, Unit

SCHEMA_VERSION = "1.0.0"
SCHEMA_FILE = "registry.schema.json"


def registry_document(registry: Registry, with_accounts: bool = True) -> dict[str, Any]:
    """The registry as JSON data; without `with_accounts`, with an empty list of accounts (see
    `pieces`)."""
    schema = registry.absolute(SCHEMA_FILE) or SCHEMA_FILE
    return {
        "$schema": schema,
        "schema_version": SCHEMA_VERSION,
        "generated": registry.generated.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "organization": {
            "name": registry.organization,
            "registry_title": registry.title,
            "language": registry.language,
            "contact_email": registry.contact_email,
            **({"base_url": registry.base_url} if registry.base_url else {}),
        },
        "units": [_unit(unit) for unit in sorted(registry.units.values(), key=lambda u: u.id)],
        "accounts": (
            [_account(account, registry) for account in registry.accounts] if with_accounts else []
        ),
        "campaigns": [_campaign(campaign) for campaign in registry.campaigns],
    }


def pieces(registry: Registry) -> Iterator[str]:
    """The text of registry.json, `json.dumps` of `registry_document` to the byte, in pieces:
    the accounts one at a time. At 50,000 accounts the whole text is 60 MB, and the dicts it
    was made from more; together they were the build's peak of memory."""
    # No indent: the C encoder is used only without one, and 10,000 accounts then take 0.2 s.
    yield "{"
    for number, (key, value) in enumerate(registry_document(registry, False).items()):
        yield f"{', ' if number else ''}{_text(key)}: "
        if key != "accounts":
            yield _text(value)
            continue
        yield "["
        for index, account in enumerate(registry.accounts):
            yield f"{', ' if index else ''}{_text(_account(account, registry))}"
        yield "]"
    yield "}\n"


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _unit(unit: Unit) -> dict[str, Any]:
    return {"id": unit.id, "name": unit.name, "contact_email": unit.contact_email or None}


def _account(account: Account, registry: Registry) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "platform": account.platform,
        "platform_name": account.platform_name,
        "handle": account.handle,
        "url": account.url,
        "unit": account.unit.id,
        "status": account.status,
        "official": account.official,
        "purpose": account.purpose,
        "audiences": list(account.audiences),
        "registered_since": account.registered_since or None,
        "last_reviewed": account.last_reviewed or None,
        "pilot_ends": account.pilot_ends or None,
        "archived_on": account.archived_on or None,
        "archived_reason": account.archived_reason or None,
        "waivers": [
            {"rule": waiver.rule, "reason": waiver.reason, "expires": waiver.expires or None}
            for waiver in account.waivers
        ],
        "page": registry.absolute(account.page) or account.page,
    }


def _campaign(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "title": campaign.title,
        "summary": campaign.summary,
        "unit": campaign.unit.id,
        "sender": campaign.sender_id,
        "starts": campaign.starts or None,
        "ends": campaign.ends or None,
        "status": campaign.status,
    }
