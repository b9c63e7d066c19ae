"""The downloads: registry.json against its own schema, CSV, iCalendar and the Atom feed."""

from __future__ import annotations

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from socialreg.registry_site.exports.calendar import escape_text, fold
from socialreg.registry_site.exports.registry_csv import COLUMNS, _row, spreadsheet_safe
from socialreg.registry_site.exports.registry_json import SCHEMA_VERSION
from socialreg.registry_site.verify_data import address_key, handle_key

ATOM = "{http://www.w3.org/2005/Atom}"


def _json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def test_registry_json_is_valid_against_its_own_schema(built_site: Path) -> None:
    schema = _json(built_site / "registry.schema.json")
    Draft202012Validator.check_schema(schema)
    document = _json(built_site / "registry.json")
    errors = list(
        Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(document)
    )
    assert errors == []
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["$schema"] == "https://social.norrvik.example/registry.schema.json"


def test_registry_json_holds_official_and_archived_accounts(built_site: Path) -> None:
    document = _json(built_site / "registry.json")
    accounts = {account["id"]: account for account in document["accounts"]}
    assert len(accounts) == 9
    assert "study-at-norrvik-tiktok" not in accounts  # requested: not official yet
    assert accounts["norrvik-careers-x"]["official"] is False
    assert accounts["norrvik-careers-x"]["archived_on"] == "2025-02-14"
    library = accounts["norrvik-library-instagram"]
    assert library["official"] is True and library["pilot_ends"] == "2027-04-30"
    assert library["registered_since"] == "2026-11-02" and library["last_reviewed"] == "2026-11-02"
    assert (
        library["page"] == "https://social.norrvik.example/accounts/norrvik-library-instagram.html"
    )
    assert document["organization"]["name"] == "Norrvik University"
    assert {unit["id"] for unit in document["units"]} >= {"library", "careers", "admissions"}
    assert {campaign["id"] for campaign in document["campaigns"]} == {
        "career-fair-2026",
        "apply-autumn-2027",
        "insomnia-study-recruitment",
    }


def test_registry_json_schema_rejects_a_personal_field(built_site: Path) -> None:
    """The schema closes every object, so a leaked field would fail validation."""
    schema = _json(built_site / "registry.schema.json")
    document = _json(built_site / "registry.json")
    document["accounts"][0]["owner"] = {"name": "Anna Berg", "email": "anna.berg@norrvik.example"}
    assert not Draft202012Validator(schema).is_valid(document)


def test_registry_csv_has_one_row_per_published_account(built_site: Path) -> None:
    raw = (built_site / "registry.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    assert b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0].keys()) == COLUMNS
    assert len(rows) == 9
    library = next(row for row in rows if row["id"] == "norrvik-library-instagram")
    assert library["handle"] == "@norrvik.library"
    assert library["audiences"].startswith("Undergraduate students")
    assert library["unit_name"] == "Norrvik University Library"
    assert "Ålsund" in library["purpose"]  # text that needs quoting survives the round trip


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("@norrvik.library", "@norrvik.library"),
        ("@news@mastodon.norrvik.example", "@news@mastodon.norrvik.example"),
        ('=HYPERLINK("https://evil.example")', '\'=HYPERLINK("https://evil.example")'),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("+46 10 123", "'+46 10 123"),
        ("Plain text", "Plain text"),
    ],
)
def test_csv_values_cannot_run_as_spreadsheet_formulas(value: str, expected: str) -> None:
    assert spreadsheet_safe(value) == expected


# Text of any kind, with more of what csv quotes (commas, quotes, line breaks) than chance gives;
# at least two fields (a line of registry.csv has 15), as csv.writer quotes a lone empty field.
_FIELDS = st.lists(
    st.text(st.one_of(st.sampled_from(',"\r\n '), st.characters(codec="utf-8")), max_size=12),
    min_size=2,
    max_size=6,
)


@settings(max_examples=500, deadline=None)
@given(values=_FIELDS)
def test_csv_rows_are_written_as_the_csv_module_writes_them(values: list[str]) -> None:
    """registry.csv writes its lines itself (the csv module is slow at 50,000 accounts): they
    must be what csv.writer writes, and read back as the values."""
    expected = io.StringIO()
    csv.writer(expected, lineterminator="\r\n").writerow(values)
    assert _row(values) == expected.getvalue()
    assert next(csv.reader(io.StringIO(_row(values), newline=""))) == values


def test_campaigns_ics_parses_with_a_real_icalendar_parser(built_site: Path) -> None:
    calendar = icalendar.Calendar.from_ical((built_site / "campaigns.ics").read_bytes())
    assert calendar["VERSION"] == "2.0" and "socialreg" in str(calendar["PRODID"])
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert len(events) == 3
    autumn = events["campaign-apply-autumn-2027@social.norrvik.example"]
    assert autumn.decoded("DTSTART") == datetime.date(2026, 11, 16)
    assert autumn.decoded("DTEND") == datetime.date(2027, 4, 16)  # the day after the last day
    assert str(autumn["SUMMARY"]) == "Apply for autumn 2027 (advertising campaign)"
    description = str(autumn["DESCRIPTION"])
    assert "Sent from: Norrvik University, Instagram (@norrvikuni)." in description
    assert "27 November 2026, the programme fair" in description  # commas unescaped again
    assert all(str(event["STATUS"]) == "CONFIRMED" for event in events.values())
    assert str(autumn["URL"]) == "https://social.norrvik.example/campaigns.html"


def test_ics_lines_are_folded_and_escaped() -> None:
    text = "Å, ä; ö\\ and a new\nline " + "é" * 80
    line = "DESCRIPTION:" + escape_text(text)
    folded = fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
    ics = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:x@test\r\n"
        "DTSTAMP:20261121T000000Z\r\nDTSTART;VALUE=DATE:20261121\r\n"
        f"{folded}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    event = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]) == text


def test_feed_is_atom_with_the_newest_accounts_first(built_site: Path) -> None:
    tree = ElementTree.parse(built_site / "feed.xml")
    feed = tree.getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    assert len(entries) == 8  # the official accounts; not the archived or requested ones
    assert titles[0] == "Norrvik University Library (Instagram)"  # decided 2026-11-02
    updated = [entry.findtext(f"{ATOM}updated") or "" for entry in entries]
    assert updated == sorted(updated, reverse=True)
    assert feed.findtext(f"{ATOM}updated") == updated[0]
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(set(ids)) == len(ids) and all((i or "").startswith("urn:uuid:") for i in ids)
    link = entries[0].find(f"{ATOM}link")
    assert link is not None
    assert (
        link.get("href") == "https://social.norrvik.example/accounts/norrvik-library-instagram.html"
    )
    for required in ("title", "id", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None


def test_feed_ids_are_stable_between_builds(
    built_site: Path, example_root: Path, tmp_path: Path, build_registry: Any
) -> None:
    build_registry(example_root, tmp_path / "again")
    first = (built_site / "feed.xml").read_text(encoding="utf-8")
    second = (tmp_path / "again" / "feed.xml").read_text(encoding="utf-8")
    assert first == second


@pytest.mark.parametrize(
    ("pasted", "key"),
    [
        ("https://www.Instagram.com/norrvik.library/?hl=sv", "instagram.com/norrvik.library"),
        ("http://instagram.com/norrvik.library#top", "instagram.com/norrvik.library"),
        ("  www.facebook.com/NorrvikUniversity/  ", "facebook.com/norrvikuniversity"),
        ("https://twitter.com/NorrvikCareers", "x.com/norrvikcareers"),
        ("https://m.facebook.com/NorrvikUniversity", "facebook.com/norrvikuniversity"),
    ],
)
def test_address_key_normalises_pasted_addresses(pasted: str, key: str) -> None:
    assert address_key(pasted) == key


def test_handle_key_drops_the_at_sign_and_case() -> None:
    assert handle_key(" @NorrvikUniversity ") == "norrvikuniversity"
    assert handle_key("@news@mastodon.norrvik.example") == "news@mastodon.norrvik.example"
