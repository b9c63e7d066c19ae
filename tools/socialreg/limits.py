"""The ranges of dates and numbers that the rules compute with.

Rules add months and days to dates from records, the policy and `--today`. Python's dates end
on 9999-12-31, so `review.last: 9999-12-31` plus a year crashed the whole check. Records are
about the present: dates from 1900 to 2999 are accepted (the schema refuses others with a
finding), the rules read nothing outside them, and no option in org/policy.yaml is larger than
MAX_OPTION. Together they keep every sum far from the calendar's end: 2999 plus 10,000 months
is the year 3832.
"""

from __future__ import annotations

import datetime

EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)
MAX_OPTION = 10_000  # days, hours, months or counts: 27 years of days is plenty

DATE_RANGE_TEXT = f"{EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}"


def in_range(day: datetime.date) -> bool:
    return EARLIEST_DATE <= day <= LATEST_DATE
