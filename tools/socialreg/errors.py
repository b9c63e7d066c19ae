"""Errors that end a command with exit code 2 and one line for the user."""

from __future__ import annotations

import click


class InternalError(click.ClickException):
    """The tool cannot do its work (a broken schema, an unreachable API): exit code 2."""

    exit_code = 2
