"""Every rule's documentation as text: the list (`socialreg rules`), one rule (`socialreg
explain CODE`) and the Markdown page docs/rules.md (written by `socialreg generate`).

All three show the severity and options in force, as the repository's org/policy.yaml sets
them. The pull request comment links each rule code to its section of docs/rules.md, by the
anchor its heading gives (`## SR105` -> `#sr105`).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

from socialreg.check.engine import RuleSetting, rule_settings
from socialreg.check.policy_settings import show_option_value
from socialreg.load.documents import load_file
from socialreg.load.model import ORG_FILES
from socialreg.rules import Rule, all_rules, get_rule

_SCOPES = {
    "account": "account files",
    "campaign": "campaign files",
    "any": "account and campaign files",
    "input": "every file, while it is read (always an error; cannot be set or waived)",
}


def _settings(root: Path) -> dict[str, RuleSetting]:
    """The rules as the repository's policy sets them; the defaults if it cannot be read."""
    policy: Any = {}
    if (root / ORG_FILES["policy"]).is_file():
        document = load_file(root, ORG_FILES["policy"]).document
        policy = document.data if document is not None else {}
    return rule_settings(policy if isinstance(policy, dict) else {})


def _severity(rule: Rule, settings: dict[str, RuleSetting]) -> str:
    setting = settings.get(rule.code)
    if setting is None:
        return "error"
    return "off" if setting.severity is None else str(setting.severity)


def list_rules(root: Path) -> str:
    settings = _settings(root)
    lines = [f"{'code':<7}{'severity':<10}title"]
    for rule in all_rules():
        lines.append(f"{rule.code:<7}{_severity(rule, settings):<10}{rule.title}")
    lines.append("")
    lines.append("`socialreg explain CODE` says what a rule checks, why, and how to meet it.")
    return "\n".join(lines) + "\n"


def explain(root: Path, code: str) -> str | None:
    rule = get_rule(code)
    if rule is None:
        return None
    settings = _settings(root)
    setting = settings.get(rule.code)
    severity = _severity(rule, settings)
    default = "" if severity == str(rule.severity) else f" (default: {rule.severity})"
    parts = [
        f"{rule.code}: {rule.title}",
        "",
        f"Severity: {severity}{default}",
        f"Checks:   {_SCOPES[rule.scope]}",
        f"Source:   {rule.source}",
    ]
    if rule.change_aware:
        parts.append("Compares: with the base commit when run with `validate --base REF`")
    parts += ["", "What it checks, and why:", _indent(rule.rationale)]
    if rule.options:
        parts += ["", "Options (org/policy.yaml, rules: " + rule.code + ": options:):"]
        for key, value in rule.options.items():
            in_force = setting.options.get(key, value) if setting is not None else value
            note = "" if in_force == value else f" (in force here: {show_option_value(in_force)})"
            parts.append(f"  {key}: {show_option_value(value)}{note}")
    parts += [
        "",
        "Passes:",
        _indent(rule.passing),
        "",
        "Fails:",
        _indent(rule.failing),
    ]
    return "\n".join(parts) + "\n"


def rules_markdown(root: Path) -> str:
    """Every rule's explanation as one Markdown page (docs/rules.md)."""
    settings = _settings(root)
    lines = [
        "# The rules",
        "",
        "What each code checks, why, and how to meet it. Written by `socialreg generate` "
        "from the rules and org/policy.yaml; do not edit it by hand. `socialreg explain CODE` "
        "prints the same on a terminal. The sources are listed, with their texts, in "
        "[sources.md](sources.md).",
        "",
        "| Code | Severity | Title |",
        "|---|---|---|",
    ]
    rules = all_rules()
    for rule in rules:
        title = rule.title.replace("|", "\\|")
        lines.append(
            f"| [{rule.code}](#{rule.code.lower()}) | {_severity(rule, settings)} | {title} |"
        )
    for rule in rules:
        setting = settings.get(rule.code)
        severity = _severity(rule, settings)
        default = "" if severity == str(rule.severity) else f" (default: {rule.severity})"
        lines += [
            "",
            f"## {rule.code}",
            "",
            f"**{rule.title}**",
            "",
            f"- Severity: {severity}{default}",
            f"- Checks: {_SCOPES[rule.scope]}",
            f"- Source: {rule.source}",
        ]
        if rule.change_aware:
            lines.append("- Compares: with the base commit when run with `validate --base REF`")
        for paragraph in re.split(r"\n\s*\n", rule.rationale.strip()):
            lines += ["", " ".join(paragraph.split())]
        if rule.options:
            lines += [
                "",
                f"Options (in org/policy.yaml, under `rules: {rule.code}: options:`):",
                "",
            ]
            for key, value in rule.options.items():
                in_force = setting.options.get(key, value) if setting is not None else value
                note = (
                    ""
                    if in_force == value
                    else f" (in force here: `{show_option_value(in_force)}`)"
                )
                lines.append(f"- `{key}`: `{show_option_value(value)}`{note}")
        lines += [
            "",
            "Passes:",
            "",
            *_fenced(rule.passing),
            "",
            "Fails:",
            "",
            *_fenced(rule.failing),
        ]
    return "\n".join(lines) + "\n"


def _fenced(text: str) -> list[str]:
    """A YAML code block, with a fence longer than any run of backticks in the text."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}yaml", *text.strip("\n").splitlines(), fence]


def _indent(text: str) -> str:
    return textwrap.indent(text.strip(), "  ")
