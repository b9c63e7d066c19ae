"""The public view of the records: what is published, and how odd values are read."""

from __future__ import annotations

import datetime

import pytest

from socialreg.registry_site.model import Campaign, Unit, safe_https_url

UNIT = Unit("library", "Norrvik University Library", "library@norrvik.example")


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://www.instagram.com/norrvik.library/", True),
        ("https://bsky.app/profile/sleeplab.norrvik.example", True),
        ("https://mastodon.norrvik.example:8443/@news", True),
        ("http://www.instagram.com/norrvik.library/", False),
        ("javascript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ('https://www.instagram.com/x"onmouseover="alert(1)', False),
        ("https://www.instagram.com/x y", False),
        ("https://", False),
        ("//evil.example/", False),
        (None, False),
        (42, False),
    ],
)
def test_only_plain_https_addresses_become_links(url: object, linked: bool) -> None:
    assert safe_https_url(url) == (url if linked else None)


def _campaign(starts: str, ends: str, status: str) -> Campaign:
    return Campaign("c", "Title", "Summary", UNIT, "sender", None, starts, ends, status)


@pytest.mark.parametrize(
    ("starts", "ends", "status", "phase"),
    [
        ("2026-11-16", "2027-04-15", "live", "current"),
        ("2026-11-21", "2026-11-21", "approved", "current"),  # a one-day campaign, today
        ("2026-11-22", "2027-01-10", "approved", "upcoming"),
        ("2026-09-14", "2026-11-20", "live", "past"),  # ended yesterday
        ("2026-11-16", "2027-04-15", "stopped", "past"),
        ("2026-11-16", "2027-04-15", "ended", "past"),
        ("", "2027-04-15", "approved", "past"),  # no dates (a --force preview): not shown
    ],
)
def test_campaign_phase_on_a_day(starts: str, ends: str, status: str, phase: str) -> None:
    assert _campaign(starts, ends, status).phase(datetime.date(2026, 11, 21)) == phase
