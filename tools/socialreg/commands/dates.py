"""The `--today` option that every date-aware command shares."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import click
from click.decorators import FC

from socialreg.dates import as_date, parse_date
from socialreg.limits import DATE_RANGE_TEXT

# Fixes "today" for every command of a session or test run (the example organisation, for
# instance, was written for 2026-11-21). An explicit --today wins.
TODAY_VARIABLE = "SOCIALREG_TODAY"


def parse_today(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime.date:
    if value is None:
        return datetime.date.today()
    day = as_date(value)
    if day is None:
        if parse_date(value) is not None:  # a real date, outside the years the rules compute with
            raise click.BadParameter(
                f"{value} is outside the dates the rules use ({DATE_RANGE_TEXT})."
            )
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD.")
    return day


def today_option(help_text: str) -> click.Option:
    return click.Option(
        ["--today"],
        callback=parse_today,
        envvar=TODAY_VARIABLE,
        help=f"{help_text} (YYYY-MM-DD; default: ${TODAY_VARIABLE}, else today).",
    )


def with_today(help_text: str) -> Callable[[FC], FC]:
    """The `--today` option as a decorator, for commands declared with decorators."""
    return click.option(
        "--today",
        callback=parse_today,
        envvar=TODAY_VARIABLE,
        help=f"{help_text} (YYYY-MM-DD; default: ${TODAY_VARIABLE}, else today).",
    )
