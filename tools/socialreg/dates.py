"""Dates, in one place: reading them, checking they exist, adding months, and `--today`.

Records write dates as `YYYY-MM-DD` text (JSON Schema's `date` format applies to strings), so
the rules read them with `as_date` and the schema checks them with `is_real_date`. Arithmetic
saturates at the end of the calendar instead of failing: a review due after the year 9999 is
simply never due.
"""

from __future__ import annotations

import calendar
import datetime
import re

from socialreg import limits

_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}\Z")


def parse_date(value: object) -> datetime.date | None:
    """A `YYYY-MM-DD` value as a date, whatever its year; None when it is not one."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def as_date(value: object) -> datetime.date | None:
    """A `YYYY-MM-DD` value as a date the rules compute with; None when missing, not a date,
    or outside the years of socialreg.limits (the schema says why)."""
    day = parse_date(value)
    return day if day is not None and limits.in_range(day) else None


def is_real_date(value: object) -> bool:
    """JSON Schema's `date` format: a text value must be a real date written YYYY-MM-DD, within
    the years the rules compute with (socialreg.limits)."""
    return not isinstance(value, str) or as_date(value) is not None


def is_calendar_date(text: str) -> bool:
    """Whether text that looks like a date (`2026-2-30` too) names a day in the calendar.

    The loader asks this of YAML timestamps; text that does not look like a date passes here,
    and the schema says what is wrong with its form.
    """
    if not _DATE_LIKE.match(text):
        return True
    year, month, day = (int(part) for part in text.split("-"))
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has fewer days.

    Past the end of the calendar the answer is its last day, `datetime.date.max`.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > datetime.MAXYEAR:
        return datetime.date.max
    if year < datetime.MINYEAR:
        return datetime.date.min
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
