"""The `socialreg` command: a click group whose subcommands live in `socialreg.commands`.

The group guarantees the exit-code contract for every subcommand: 0 all well, 1 the check
found errors, 2 a usage or internal error, said in one line (the traceback only with --debug).
"""

from __future__ import annotations

import importlib
import traceback
from pathlib import Path
from typing import Any

import click

from socialreg import __version__
from socialreg.errors import InternalError

# Each subcommand by name: "module:attribute". Modules are imported only when their command
# runs, so `socialreg validate` in a pre-commit hook does not pay for the GitHub client.
COMMANDS = {
    "validate": "socialreg.commands.validate:command",
    "rules": "socialreg.commands.rules:rules_command",
    "explain": "socialreg.commands.rules:explain_command",
    "codeowners": "socialreg.commands.codeowners:command",
    "generate": "socialreg.commands.generate:command",
    "init": "socialreg.commands.init:command",
    "github": "socialreg.commands.github:group",
    "new": "socialreg.commands.new:command",
    "audit": "socialreg.commands.audit:command",
    "build": "socialreg.commands.build:command",
    "serve": "socialreg.commands.serve:command",
}


class OneLineUsageError(click.ClickException):
    """A usage error in one line, with where to read more: click's own prints the usage text
    and a hint first, four lines for one mistake. Exit code 2, as click's."""

    exit_code = 2

    @classmethod
    def of(cls, error: click.UsageError) -> OneLineUsageError:
        path = error.ctx.command_path if error.ctx is not None else "socialreg"
        return cls(f"{error.format_message()} (see `{path} --help`)")


class _SafeGroup(click.Group):
    """Loads subcommands on demand, and turns any unexpected exception into one line and
    exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as error:
            raise OneLineUsageError.of(error) from error

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as error:  # a subcommand's options, or an unknown command
            raise OneLineUsageError.of(error) from error
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if ctx.params.get("debug"):
                traceback.print_exc()
            detail = str(error).splitlines()[0] if str(error) else error.__class__.__name__
            hint = "" if ctx.params.get("debug") else " (run with --debug for the details)"
            raise InternalError(f"internal error: {detail}{hint}") from error


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds org/organization.yaml, else `start`."""
    for folder in (start, *start.parents):
        if (folder / "org" / "organization.yaml").is_file():
            return folder
    return start


@click.group(cls=_SafeGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="socialreg")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SOCIALREG_ROOT",
    help="The registry repository (default: the nearest folder above with org/organization.yaml).",
)
@click.option("--debug", is_flag=True, help="Show the full traceback of internal errors.")
@click.pass_context
def main(ctx: click.Context, root: Path | None, debug: bool) -> None:
    """Policy-as-code registry of the organisation's social media accounts and ad campaigns."""
    if root is not None and not root.is_dir():
        raise click.UsageError(f"--root {root} is not a folder.")
    ctx.obj = (root or find_root(Path.cwd())).resolve()
