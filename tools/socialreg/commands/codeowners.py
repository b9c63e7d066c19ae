"""`socialreg codeowners`: write CODEOWNERS from the org/ files, or check that it is current."""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from socialreg.adopt.org_state import error_lines, read_org
from socialreg.codeowners import read_owners, render
from socialreg.commands.output import write_output


@dataclass(frozen=True, slots=True)
class CodeownersOptions:
    root: Path
    output: Path
    check: bool


def run(options: CodeownersOptions) -> int:
    """Write or check CODEOWNERS; returns the exit code (0 written/current, 1 stale or broken)."""
    # The org/ files are checked as `validate` checks them: a supervisor written as a bare name
    # would otherwise drop out of CODEOWNERS silently.
    state = read_org(options.root)
    if state.errors:
        for line in error_lines(state):
            click.echo(line, err=True)
        verb = "checked" if options.check else "written"
        click.echo(f"CODEOWNERS was not {verb}: correct the org/ files first.", err=True)
        return 1
    owners = read_owners(state.organization, state.units)
    for problem in owners.problems:
        click.echo(f"warning: {problem}", err=True)
    expected = render(owners)
    shown = _shown(options.root, options.output)
    if options.check:
        try:
            current = options.output.read_text(encoding="utf-8")
        except FileNotFoundError:
            click.echo(f"{shown} is missing. Run `socialreg codeowners` and commit the file.")
            return 1
        except (OSError, UnicodeDecodeError) as error:
            click.echo(f"{shown} cannot be read ({error.__class__.__name__}).", err=True)
            return 1
        if current == expected:
            click.echo(f"{shown} is up to date.")
            return 0
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"{shown} (committed)",
            tofile=f"{shown} (from org/units.yaml and org/organization.yaml)",
        )
        sys.stdout.write("".join(diff))
        click.echo(
            f"\n{shown} is out of date with the org/ files. Run `socialreg codeowners` "
            "and commit the result."
        )
        return 1
    write_output(options.output, expected, make_folder=True)
    click.echo(f"Wrote {shown}.")
    return 0


def _shown(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


@click.command("codeowners")
@click.option(
    "--check",
    is_flag=True,
    help="Do not write; exit 1 with a diff when the committed CODEOWNERS is out of date.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where CODEOWNERS is (default: CODEOWNERS at the repository root).",
)
@click.pass_obj
def command(root: Path, check: bool, output: Path | None) -> None:
    """Write CODEOWNERS from org/units.yaml and org/organization.yaml.

    Each unit's accounts/ and campaigns/ folders belong to its supervisors and the
    communications office; org/, schemas/, tools/, .github/ and everything else to the
    registry maintainers.
    """
    sys.exit(run(CodeownersOptions(root, output or root / "CODEOWNERS", check)))
