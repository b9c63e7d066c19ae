"""`socialreg rules` lists every code; `socialreg explain CODE` prints one rule's documentation.

Both show the severity and options in force, as the repository's org/policy.yaml sets them.
`socialreg rules --format markdown` writes every explanation as one Markdown page, which is
committed as docs/rules.md: the pull request comment links each rule code to its section there,
by the anchor its heading gives (`## SR105` -> `#sr105`).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from socialreg.reporters.rules_page import explain, list_rules, rules_markdown
from socialreg.rules import all_rules
from socialreg.rules.base import suggest_code

__all__ = ["explain", "explain_command", "list_rules", "rules_command", "rules_markdown"]


class _UnknownCode(click.ClickException):
    exit_code = 2


@click.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="text: one line per rule; markdown: every explanation, the page docs/rules.md.",
)
@click.pass_obj
def rules_command(root: Path, output_format: str) -> None:
    """List every rule: its code, the severity in force and its title."""
    sys.stdout.write(rules_markdown(root) if output_format == "markdown" else list_rules(root))


@click.command("explain")
@click.argument("code")
@click.pass_obj
def explain_command(root: Path, code: str) -> None:
    """Say what rule CODE (like SR104) checks, why, how to meet it, and its options."""
    text = explain(root, code.strip())
    if text is None:
        hint = suggest_code(code, [rule.code for rule in all_rules()])
        suggestion = f" Did you mean {hint}?" if hint else ""
        raise _UnknownCode(
            f"{code} is not a rule code.{suggestion} `socialreg rules` lists every code."
        )
    sys.stdout.write(text)
