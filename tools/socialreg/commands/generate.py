"""`socialreg generate`: write every file made from org/, or check that each is current."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from socialreg.adopt.derived import generate
from socialreg.wording import plural


@click.command("generate")
@click.option(
    "--check",
    is_flag=True,
    help="Do not write; exit 1 with a diff when a committed file is out of date with org/.",
)
@click.pass_obj
def command(root: Path, check: bool) -> None:
    """Write the files made from org/: CODEOWNERS, the issue forms and their config.yml, the
    pull request template, docs/rules.md and docs/sources.md.

    Run it after changing org/ and commit the result. While org/ has errors nothing is written.
    """
    result = generate(root, check)
    if result.org_errors:
        for line in result.org_errors:
            click.echo(line, err=True)
        click.echo("Nothing was generated: correct org/ first.", err=True)
        sys.exit(1)
    if result.stale:
        sys.stdout.write(result.diff)
        click.echo(
            f"\nOut of date with org/: {', '.join(result.stale)}. Run `socialreg generate` and "
            "commit the result."
        )
        sys.exit(1)
    for path in result.written:
        click.echo(f"Wrote {path}.")
    if check or not result.written:
        files = plural(len(result.current), "file")
        click.echo(f"All {files} made from org/ are up to date.")
