"""Write a command's result to the file named by its --output option.

A path that cannot be written (a folder that does not exist, a file in the way, no
permission) is the user's to fix, not a fault of the tool: one line, exit code 2.
"""

from __future__ import annotations

from pathlib import Path

import click


class CannotWrite(click.ClickException):
    exit_code = 2


def write_output(path: Path, text: str, make_folder: bool = False) -> None:
    """Write `text` to `path`; with `make_folder`, create its folder first."""
    try:
        if make_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        raise CannotWrite(f"Cannot write {path}: {reason}.") from None
