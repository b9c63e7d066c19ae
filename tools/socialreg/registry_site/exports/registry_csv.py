"""registry.csv: the published accounts, one row each, for spreadsheets.

RFC 4180 quoting, UTF-8 with a byte order mark so that Excel shows å, ä and ö. A value that a
spreadsheet would run as a formula (`=HYPERLINK(...)`, `@SUM(...)`) gets a leading apostrophe;
plain handles such as `@example.library` are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

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


def lines(registry: Registry) -> Iterator[str]:
    """The file's lines, one account at a time: at 50,000 accounts the whole text is 38 MB,
    which the build writes as it comes (build._Output.write_pieces)."""
    yield "\ufeff" + _row(COLUMNS)
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
        yield _row([spreadsheet_safe(value) for value in row])


# What makes csv.writer quote a field in the excel dialect with "\r\n" line ends.
_QUOTED = re.compile('[,"\r\n]')


def _row(values: Sequence[str]) -> str:
    """A line of the file as csv.writer writes it (the excel dialect, "\r\n" line ends): a
    field with a comma, a quote or a line break in quotes, its quotes doubled. The csv module
    reads every character of every field in C one at a time: a tenth of a rebuild at 10,000
    accounts (tests/registry_site/test_site_exports.py compares the two)."""
    fields = [_quoted(value) if _QUOTED.search(value) else value for value in values]
    return ",".join(fields) + "\r\n"


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'
