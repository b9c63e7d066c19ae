"""docs/rules.md: written by `socialreg rules --format markdown`, and current.

The pull request comment links every rule code to `docs/rules.md#srNNN`; these tests keep that
page in step with the rules and make sure every code has the section the link points at.
"""

from __future__ import annotations

import re
from pathlib import Path

import cmarkgfm
from click.testing import CliRunner

from socialreg.cli import main
from socialreg.commands.rules import rules_markdown
from socialreg.github.pr_comment import WebLinks
from socialreg.rules import all_rules

PROJECT = Path(__file__).resolve().parents[2]
DOCUMENT = PROJECT / "docs" / "rules.md"


def test_the_committed_rules_page_is_current() -> None:
    assert DOCUMENT.read_text(encoding="utf-8") == rules_markdown(PROJECT), (
        "docs/rules.md is out of date: run `socialreg rules --format markdown > docs/rules.md`."
    )


def test_the_command_writes_the_page() -> None:
    result = CliRunner().invoke(main, ["--root", str(PROJECT), "rules", "--format", "markdown"])
    assert result.exit_code == 0
    assert result.output == rules_markdown(PROJECT)


def test_every_rule_has_the_section_the_comment_links_to() -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    links = WebLinks("https://github.com", "norrvik/registry", "0" * 40, "main")
    codes = [rule.code for rule in all_rules()]
    assert headings == codes
    for code in codes:
        url = links.rule(code)
        # GitHub's anchor for the heading `## SR105` is `#sr105`.
        assert url is not None and url.endswith(f"/docs/rules.md#{code.lower()}")


def test_the_page_is_well_formed_markdown() -> None:
    html = cmarkgfm.github_flavored_markdown_to_html(DOCUMENT.read_text(encoding="utf-8"))
    assert html.count("<h2>") == len(all_rules())
    # Every example stays inside its code block: as many blocks as Passes and Fails.
    assert html.count("<pre") == 2 * len(all_rules())
    assert html.count("<table>") == 1
