"""Reporters turn a `Report` into text for people or machines. They never check anything."""

from __future__ import annotations

from collections.abc import Callable

from socialreg.findings import Report

__all__ = ["Report", "Reporter", "reporters"]

Reporter = Callable[[Report], str]


def reporters() -> dict[str, Reporter]:
    """Every output format by name, for `--format`."""
    from socialreg.reporters import github, json_report, markdown, sarif, text

    return {
        "text": text.render,
        "json": json_report.render,
        "github": github.render,
        "markdown": markdown.render,
        "sarif": sarif.render,
    }
