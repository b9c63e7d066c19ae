"""The issue forms, their config.yml and the pull request template, made from org/.

The forms themselves are templates in this package (templates/*.yml), in GitHub's issue-form
format with two additions, so a new question or a new kind of choice needs no Python here:

- `options_from: NAME` on a dropdown's attributes fills its options from org/ with the
  provider NAME in CHOICES (units, platforms, the accounts ads may run from). With no choices
  (no senders yet, say) the dropdown becomes a text field, since GitHub needs one option.
- `${name}` in any text is replaced by a value from org/ (TEMPLATE_VALUES): an e-mail domain for
  placeholders, the limits the policy sets (pilot months, answer hours, brief days).
"""

from __future__ import annotations

import string
from collections.abc import Callable
from importlib import resources
from typing import Any

import yaml

from socialreg.adopt.org_state import OrgState
from socialreg.check.engine import rule_settings
from socialreg.rules.base import mapping

TEMPLATES = "socialreg.adopt"


def _units(state: OrgState) -> list[str]:
    return [str(unit) for unit in state.unit_map]


def _platforms(state: OrgState) -> list[str]:
    return [str(key) for key in mapping(state.policy, "platforms")]


def _senders(state: OrgState) -> list[str]:
    senders = mapping(state.policy, "advertising").get("senders")
    return [str(sender) for sender in senders] if isinstance(senders, list) else []


# The providers a form's `options_from` may name.
CHOICES: dict[str, Callable[[OrgState], list[str]]] = {
    "units": _units,
    "platforms": _platforms,
    "senders": _senders,
}


def _option(state: OrgState, code: str, name: str) -> str:
    setting = rule_settings(state.policy).get(code)
    return str(setting.options.get(name)) if setting is not None else ""


def template_values(state: OrgState) -> dict[str, str]:
    """What `${name}` stands for in the templates."""
    domains = state.organization.get("email_domains")
    domain = domains[0] if isinstance(domains, list) and domains else "example.org"
    units = state.unit_map
    first_unit = next(iter(units), "our-unit")
    unit_name = mapping(units, first_unit).get("name", first_unit) if units else "Our Unit"
    senders = _senders(state)
    examples = senders or list(state.accounts) or ["an-account-id"]
    return {
        "organisation": str(state.organization.get("name", "the organisation")),
        "email_domain": str(domain),
        "handle_example": str(first_unit).replace("-", "."),
        "unit_name_example": str(unit_name),
        "account_example": examples[0],
        "pilot_months": _option(state, "SR112", "pilot_months"),
        "max_hours": _option(state, "SR106", "max_hours"),
        "lead_days": _option(state, "SR201", "lead_days"),
    }


def read_template(name: str) -> str:
    return resources.files(TEMPLATES).joinpath("templates", name).read_text(encoding="utf-8")


def _substitute(node: Any, values: dict[str, str]) -> Any:
    if isinstance(node, str):
        return string.Template(node).safe_substitute(values)
    if isinstance(node, list):
        return [_substitute(item, values) for item in node]
    if isinstance(node, dict):
        return {key: _substitute(value, values) for key, value in node.items()}
    return node


def _fill_choices(element: dict[str, Any], state: OrgState) -> None:
    attributes = element.get("attributes", {})
    provider = attributes.pop("options_from", None)
    if provider is None:
        return
    options = CHOICES[provider](state)
    if options:
        attributes["options"] = options
    else:
        element["type"] = "input"


class _FormDumper(yaml.SafeDumper):
    """Block style, with texts of several lines written as `|` blocks, as people write forms."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # indent list items under their key


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_FormDumper.add_representer(str, _text)


def _leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines(keepends=True):
        if not line.startswith("#"):
            break
        lines.append(line)
    return "".join(lines)


def generated_header(source: str) -> str:
    """The first lines of a generated YAML file: where it comes from, and not to edit it."""
    return (
        f"# Written by `socialreg generate` from {source}.\n"
        "# Do not edit it here: change that and run `socialreg generate`; CI checks that it is\n"
        "# current.\n"
    )


def _template_source(name: str) -> str:
    return f"org/ and tools/socialreg/adopt/templates/{name}"


def render_form(name: str, state: OrgState) -> str:
    """The issue form `name` (request-account.yml, ...) for the organisation of `state`."""
    text = read_template(name)
    form = _substitute(yaml.safe_load(text), template_values(state))
    for element in form.get("body", []):
        _fill_choices(element, state)
    body = yaml.dump(form, Dumper=_FormDumper, sort_keys=False, allow_unicode=True, width=10_000)
    return f"{generated_header(_template_source(name))}#\n{_leading_comments(text)}{body}"


def render_form_config(state: OrgState) -> str:
    """config.yml: no blank issues; links to the registry and the communications office."""
    links = []
    registry = mapping(state.organization, "registry")
    site = _site_address(registry)
    if site:
        links.append(
            {
                "name": "Check whether an account is official",
                "url": site,
                "about": "The public registry lists every official account and every current "
                "ad campaign.",
            }
        )
    communications = mapping(state.organization, "communications")
    if communications.get("url"):
        links.append(
            {
                "name": f"Ask the {communications.get('name', 'communications office')}",
                "url": str(communications["url"]),
                "about": "Questions about social media that are not a request for an account "
                "or a campaign.",
            }
        )
    config: dict[str, Any] = {"blank_issues_enabled": False}
    if links:  # GitHub's schema wants at least one link when the key is there
        config["contact_links"] = links
    body = yaml.dump(config, Dumper=_FormDumper, sort_keys=False, allow_unicode=True, width=10_000)
    return (
        f"{generated_header('org/organization.yaml (registry and communications)')}"
        "#\n# Requests for accounts and campaigns use the forms; other questions go to the\n"
        "# communications office rather than to a blank issue.\n"
        f"{body}"
    )


def _site_address(registry: dict[str, Any]) -> str:
    """Where the registry is published: its base_url, else the GitHub Pages address of its
    repository (https://owner.github.io/name/), else nothing."""
    if registry.get("base_url"):
        return str(registry["base_url"])
    owner, _, name = str(registry.get("repository") or "").partition("/")
    return f"https://{owner.lower()}.github.io/{name}/" if owner and name else ""


def render_pull_request_template(state: OrgState) -> str:
    name = "pull_request_template.md"
    text = string.Template(read_template(name)).safe_substitute(template_values(state))
    header = " ".join(generated_header(_template_source(name)).replace("#", "").split())
    return f"<!-- {header} -->\n{text}"
