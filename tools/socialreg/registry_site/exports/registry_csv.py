"""registry.csv: the published accounts, one row each, for spreadsheets.

RFC 4180 quoting, UTF-8 with a byte order mark so that Excel shows å, ä and ö. A value that a
spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(...)`) gets a leading apostrophe;
plain handles such as `@example.library` are left as they are.
"""

from __future__ import annotations

import csv
import io
import re

from socialreg.registry_site.model import Registry

COLUMNS = (
    "id",
    "name",
    "platform",
    "handle",
    "url",
    "unit",
    "unit_name",
    "status",
    "purpose",
    "audiences",
    "registered_since",
    "last_reviewed",
    "pilot_ends",
    "archived_on",
    "page",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_HANDLE = re.compile(r"^@?[\w.@-]*\Z")


def spreadsheet_safe(value: str) -> str:
    if value.startswith(_FORMULA_START) and not _PLAIN_HANDLE.match(value):
        return "'" + value
    return value


def render(registry: Registry) -> str:
    output = io.StringIO()
    output.write("\ufeff")
    writer = csv.writer(output, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for account in registry.accounts:
        row = (
            account.id,
            account.name,
            account.platform,
            account.handle,
            account.url or "",
            account.unit.id,
            account.unit.name,
            account.status,
            account.purpose,
            "; ".join(account.audiences),
            account.registered_since,
            account.last_reviewed,
            account.pilot_ends,
            account.archived_on,
            registry.absolute(account.page) or account.page,
        )
        writer.writerow([spreadsheet_safe(value) for value in row])
    return output.getvalue()
