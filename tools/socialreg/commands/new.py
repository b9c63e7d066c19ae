"""`socialreg new account` and `socialreg new campaign`: the click commands.

Only option parsing lives here; the wizard itself (questions, prompts, saved answers, the
review and the checked write) is the `socialreg.wizard` package. Every question is also an
option (`--unit`, `--handle`, ...), so scripts can write a file with `--no-input`.

Exit code 0: the file was written; 1: nothing was written (the record would fail its checks,
the file exists, or the questions were stopped); 2: usage error (missing or bad options with
--no-input) or internal error.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import Any

import click

from socialreg.check.schemas import SchemaError
from socialreg.commands.dates import today_option
from socialreg.load.model import RecordKind
from socialreg.wizard.asker import Preset, WizardOptions, asks
from socialreg.wizard.form import ListQuestion, Step
from socialreg.wizard.questions import FOLDERS, STEPS
from socialreg.wizard.session import new

# --- the click commands ------------------------------------------------------------------------


def _options_for(steps: tuple[Step, ...]) -> list[click.Option]:
    options = []
    for step in steps:
        if isinstance(step, ListQuestion):
            options.append(
                click.Option(
                    [f"--{step.option}", step.name.replace("-", "_")],
                    multiple=True,
                    help=step.option_help,
                )
            )
        else:
            options.append(
                click.Option(
                    [f"--{step.name}", step.name.replace("-", "_")],
                    help=step.prompt + ("?" if asks(step.prompt) else "."),
                )
            )
    return options


def _make_command(kind: RecordKind) -> click.Command:
    steps = STEPS[kind]
    names = {step.name.replace("-", "_"): step.name for step in steps}

    @click.pass_obj
    def callback(root: Path, /, today: datetime.date, no_input: bool, **given: Any) -> None:
        presets: dict[str, Preset] = {}
        for dest, value in given.items():
            if value is not None and value != ():
                presets[names[dest]] = tuple(value) if isinstance(value, tuple) else str(value)
        interactive = not no_input
        options = WizardOptions(root, kind, today, presets, interactive)
        try:
            code = new(options)
        except SchemaError as error:
            raise click.ClickException(f"the schemas cannot be used: {error}") from error
        sys.exit(code)

    params: list[click.Parameter] = [
        today_option("The date used for suggestions such as the decision date"),
        click.Option(
            ["--no-input", "no_input"],
            is_flag=True,
            help="Ask nothing: take every answer from the options (for scripts).",
        ),
        *_options_for(steps),
    ]
    folder = FOLDERS[kind]
    return click.Command(
        kind,
        callback=callback,
        params=params,
        help=(
            f"Write a new {kind} request to {folder}/<unit>/<id>.yaml, asking for each value.\n\n"
            "Every question is also an option; with --no-input nothing is asked. Lists take "
            "the option once per item. The file is checked like `socialreg validate` before it "
            "is written, and an existing file is never overwritten."
        ),
    )


@click.group("new")
def command() -> None:
    """Write a request for a new account or campaign by answering questions."""


command.add_command(_make_command("account"))
command.add_command(_make_command("campaign"))

__all__ = ["command"]
