"""The compact search index that the front page loads when a visitor starts to filter.

The front page itself lists only the first page of accounts, so it stays small at fifty
thousand accounts; filter.js loads this file on the first focus or touch of the filters. Each
account is one short array, and the platform, unit and status are numbers into shared lists,
which keeps the file about a third of the size of the same data as objects.

It is a script that calls `SOCIALREG_INDEX(...)`, not JSON, so the filters work when the site
is opened from the disk (file://), where a browser refuses fetch().
"""

from __future__ import annotations

from socialreg.registry_site.model import Account, Unit
from socialreg.registry_site.verify_data import script_json

INDEX_FILE = "search-index.js"


def search_index(
    language: str,
    accounts: list[Account],
    platforms: list[tuple[str, str]],
    units: list[Unit],
    statuses: list[str],
) -> str:
    """The index of `accounts` for the pages in `language`.

    Each account is [page id, name, platform number, handle, profile address or "",
    unit number, status number, registered since].
    """
    platform_number = {key: number for number, (key, _) in enumerate(platforms)}
    unit_number = {unit.id: number for number, unit in enumerate(units)}
    status_number = {status: number for number, status in enumerate(statuses)}
    rows = [
        [
            account.id,
            account.name_in(language),
            platform_number[account.platform],
            account.handle,
            account.url or "",
            unit_number[account.unit.id],
            status_number[account.status],
            account.registered_since,
        ]
        for account in accounts
    ]
    data = {
        "platforms": [[key, name] for key, name in platforms],
        "units": [[unit.id, unit.name] for unit in units],
        "statuses": statuses,
        "accounts": rows,
    }
    return f"SOCIALREG_INDEX({script_json(data)});\n"
