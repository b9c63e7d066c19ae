"""campaigns.ics: the published campaigns as an iCalendar file (RFC 5545).

Each campaign is an all-day event from its start to its end date (DTEND is the day after, as
the standard counts it). A stopped campaign is CANCELLED. Written by hand rather than with a
library because it is short; the tests read it back with the `icalendar` package.
"""

from __future__ import annotations

import datetime
import hashlib
from urllib.parse import urlsplit

from socialreg import __version__
from socialreg.registry_site.i18n import Translator
from socialreg.registry_site.model import Campaign, Registry

_MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11)."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Lines over 75 octets go on after a line break and a space, never splitting a character."""
    data = line.encode("utf-8")
    if len(data) <= _MAX_OCTETS:
        return line
    parts: list[bytes] = []
    start, limit = 0, _MAX_OCTETS
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: break before its character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, _MAX_OCTETS - 1  # the leading space counts
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


def _compact(day: str) -> str:
    return day.replace("-", "")


def _uid(campaign: Campaign, registry: Registry) -> str:
    host = urlsplit(registry.base_url).hostname if registry.base_url else None
    if not host:
        host = hashlib.sha256(registry.organization.encode("utf-8")).hexdigest()[:16] + ".socialreg"
    return f"campaign-{campaign.id}@{host}"


def render(registry: Registry) -> str:
    t = Translator(registry.language)
    stamp = registry.generated.strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//socialreg//socialreg {__version__}//{registry.language.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(registry.title)}",
    ]
    page = registry.absolute("campaigns.html")
    for campaign in registry.campaigns:
        if not campaign.starts or not campaign.ends or campaign.ends < campaign.starts:
            continue
        end = datetime.date.fromisoformat(campaign.ends) + datetime.timedelta(days=1)
        sender = (
            f"{campaign.sender.name}, {campaign.sender.platform_name} ({campaign.sender.handle})"
            if campaign.sender
            else campaign.sender_id
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_uid(campaign, registry)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{_compact(campaign.starts)}",
            f"DTEND;VALUE=DATE:{end.strftime('%Y%m%d')}",
            f"SUMMARY:{escape_text(t('ics_summary', title=campaign.title))}",
            "DESCRIPTION:"
            + escape_text(t("ics_description", summary=campaign.summary, sender=sender)),
            f"STATUS:{'CANCELLED' if campaign.status == 'stopped' else 'CONFIRMED'}",
            "TRANSP:TRANSPARENT",
            *([f"URL:{page}"] if page else []),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
