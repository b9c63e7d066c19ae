"""Check the `rules:` section of org/policy.yaml against the registered rules (SR016).

The policy schema checks the shape (severity is error, warning or off). Only the registry knows
which rule codes exist and which options each rule takes, so that part is checked here: an
unknown code or option is an error at its line, and so is an option value of the wrong kind. A
wrong option keeps the rule's default, so one typo does not switch a rule off.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from socialreg.codes import POLICY_SETTINGS
from socialreg.findings import Finding
from socialreg.limits import MAX_OPTION
from socialreg.load.documents import Document
from socialreg.rules import Rule, all_rules, get_rule
from socialreg.rules.base import suggest_code


def check_policy_settings(policy: Document | None) -> list[Finding]:
    if policy is None or not isinstance(policy.data, dict):
        return []
    configured = policy.data.get("rules")
    if not isinstance(configured, dict):
        return []
    findings = []
    for code, entry in configured.items():
        for path, message in _entry_problems(str(code), entry):
            findings.append(policy.finding(path, POLICY_SETTINGS, message))
    return findings


def valid_options(rule: Rule, options: Any) -> dict[str, Any]:
    """The options the policy sets for `rule` that are known and of the right kind."""
    if not isinstance(options, dict):
        return {}
    return {
        key: value
        for key, value in options.items()
        if key in rule.options and _value_problem(rule.options[key], value) is None
    }


def _entry_problems(code: str, entry: Any) -> Iterator[tuple[tuple[str | int, ...], str]]:
    rule = get_rule(code)
    where: tuple[str | int, ...] = ("rules", code)
    if rule is None:
        hint = suggest_code(code, [known.code for known in all_rules() if known.runs])
        suggestion = f" Did you mean {hint}?" if hint else ""
        yield (
            where,
            (
                f"{code} is not a rule code.{suggestion} `socialreg rules` lists every rule; "
                "remove this entry or correct the code."
            ),
        )
        return
    if not rule.runs:
        yield (
            where,
            (
                f"{code} ({rule.title}) checks the file itself and is always an error; it "
                "cannot be set in the policy. Remove this entry."
            ),
        )
        return
    options = entry.get("options") if isinstance(entry, dict) else None
    if not isinstance(options, dict):
        return
    for key, value in options.items():
        path = (*where, "options", key)
        if key not in rule.options:
            known = ", ".join(sorted(rule.options)) or "none"
            close = difflib.get_close_matches(str(key), list(rule.options), n=1, cutoff=0.6)
            suggestion = f" Did you mean `{close[0]}`?" if close else ""
            yield path, (f"`{key}` is not an option of {code}.{suggestion} Its options: {known}.")
            continue
        problem = _value_problem(rule.options[key], value)
        if problem is not None:
            yield (
                path,
                (
                    f"`{key}` of {code} {problem}; the default "
                    f"({show_option_value(rule.options[key])}) "
                    "applies until this is corrected."
                ),
            )


def _value_problem(default: Any, value: Any) -> str | None:
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "must be true or false"
    if isinstance(default, int):
        # Rules add these to dates; an upper bound keeps every sum inside the calendar.
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_OPTION:
            return f"must be a whole number from 1 to {MAX_OPTION:,}, written without quotes"
        return None
    if isinstance(default, list):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return "must be a list of words (lines starting with `- `)"
        return None
    if isinstance(default, str):
        return None if isinstance(value, str) else "must be text"
    return None  # pragma: no cover - every option default is one of the kinds above


def show_option_value(value: Any) -> str:
    """An option's value as it is written in org/policy.yaml."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(str(item) for item in value) + "]"
    return str(value)
