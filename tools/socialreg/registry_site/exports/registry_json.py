"""registry.json: the public registry as data, described by static/registry.schema.json.

SCHEMA_VERSION follows semantic versioning: a new optional field raises the minor number, a
removed or changed field the major number. Readers should check the major number.
"""

from __future__ import annotations

import json
from typing import Any

from socialreg.registry_site.model import Account, Campaign, Registry, Unit

SCHEMA_VERSION = "1.0.0"
SCHEMA_FILE = "registry.schema.json"


def registry_document(registry: Registry) -> dict[str, Any]:
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
        "accounts": [_account(account, registry) for account in registry.accounts],
        "campaigns": [_campaign(campaign) for campaign in registry.campaigns],
    }


def render(registry: Registry) -> str:
    # No indent: the C encoder is used only without one, and 10,000 accounts then take 0.2 s.
    return json.dumps(registry_document(registry), ensure_ascii=False) + "\n"


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
