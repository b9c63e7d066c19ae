"""The issue forms ask for what a record needs, in the record's own terms.

A form field's id is the record key it fills in, with `-` between levels (`owner-name` is
`owner.name`). So the test can walk the record's JSON Schema and find, for every key a requester
knows, the field that asks for it; and for every field, the key it fills in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from .dev_tools import check_builtin_schema

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
SCHEMAS = ROOT / "schemas"

# Keys a requester does not fill in, and why.
NOT_ASKED = {
    "account": {
        "review.last": "set to the date the record is merged, then renewed by the yearly review",
        "archived.date": "closing an account changes an existing record; it is not a request",
        "archived.reason": "closing an account changes an existing record; it is not a request",
        "translations": "the registry site's other languages: the communications office adds them",
    },
    "campaign": {
        "status": "a new request is always 'submitted'; the office moves it on",
        "proof.approved_by": "the communications office approves the final ad later",
        "proof.approved_on": "the communications office approves the final ad later",
    },
}
# Fields the form requires although the record may leave the key out, and why.
ALSO_REQUIRED = {
    "branding-uses_organisation_logo": "the answer No is what leaves `branding` out of the record",
}
# Fields the form leaves optional although the record must have the key, and why.
MAY_BE_EMPTY = {
    "decision-related_accounts": "an empty list is a valid answer: an empty field writes []",
}
FORM_OF = {"account": "request-account.yml", "campaign": "request-campaign.yml"}
LABEL_OF = {"account": "account-request", "campaign": "campaign"}


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def resolve(node: dict[str, Any], schema_file: Path) -> tuple[dict[str, Any], Path]:
    """Follow `$ref`s (to another schema file or within one) to the schema they name."""
    while "$ref" in node:
        target, _, pointer = node["$ref"].partition("#")
        schema_file = schema_file.with_name(target) if target else schema_file
        node = json.loads(schema_file.read_text(encoding="utf-8"))
        for part in filter(None, pointer.split("/")):
            node = node[part]
    return node, schema_file


def record_keys(node: dict[str, Any], schema_file: Path, prefix: str = "") -> set[str]:
    """Dotted paths of the keys that hold a value: objects are opened, lists are one answer."""
    node, schema_file = resolve(node, schema_file)
    # Placements are a map from platform to positions: the form asks for them in one answer.
    if node.get("type") != "object" or "properties" not in node or prefix == "placements":
        return {prefix}
    keys: set[str] = set()
    for name, child in node["properties"].items():
        keys |= record_keys(child, schema_file, f"{prefix}.{name}" if prefix else name)
    return keys


def form_fields(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        element["id"]: element
        for element in form["body"]
        if element["type"] != "markdown" and element["id"] != "checklist"
    }


@pytest.mark.parametrize("kind", sorted(FORM_OF))
def test_every_record_key_a_requester_knows_has_a_field(kind: str) -> None:
    schema_file = SCHEMAS / f"{kind}.schema.json"
    keys = record_keys(json.loads(schema_file.read_text(encoding="utf-8")), schema_file)
    form = load_yaml(FORMS / FORM_OF[kind])
    fields = {field_id.replace("-", ".") for field_id in form_fields(form)}
    assert keys - set(NOT_ASKED[kind]) - fields == set(), "record keys without a form field"
    assert fields - keys == set(), "form fields that fill in no record key"
    assert set(NOT_ASKED[kind]) <= keys, "NOT_ASKED names a key the record does not have"


@pytest.mark.parametrize("kind", sorted(FORM_OF))
def test_required_record_keys_are_required_fields(kind: str) -> None:
    schema_file = SCHEMAS / f"{kind}.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    fields = form_fields(load_yaml(FORMS / FORM_OF[kind]))
    for field_id, field in fields.items():
        top = field_id.split("-")[0]
        child, _ = resolve(schema["properties"][top], schema_file)
        required = top in schema["required"]
        if "-" in field_id:
            required = required and field_id.split("-")[1] in child.get("required", [])
        asked = field.get("validations", {}).get("required", False)
        expected = (required or field_id in ALSO_REQUIRED) and field_id not in MAY_BE_EMPTY
        assert asked == expected, f"{field_id}: required in the record is {required}"


@pytest.mark.parametrize("kind", sorted(FORM_OF))
def test_forms_offer_the_organisations_units(kind: str) -> None:
    units = load_yaml(ROOT / "org" / "units.yaml")["units"]
    unit = form_fields(load_yaml(FORMS / FORM_OF[kind]))["unit"]
    assert unit["attributes"]["options"] == list(units), (
        f"the unit list in .github/ISSUE_TEMPLATE/{FORM_OF[kind]} differs from org/units.yaml"
    )


def test_account_form_offers_the_policys_platforms() -> None:
    platforms = load_yaml(ROOT / "org" / "policy.yaml")["platforms"]
    platform = form_fields(load_yaml(FORMS / FORM_OF["account"]))["platform"]
    assert platform["attributes"]["options"] == list(platforms), (
        "the platform list in the account request form differs from org/policy.yaml"
    )


@pytest.mark.parametrize("kind", sorted(FORM_OF))
def test_enum_fields_offer_the_schemas_values(kind: str) -> None:
    schema_file = SCHEMAS / f"{kind}.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    fields = form_fields(load_yaml(FORMS / FORM_OF[kind]))
    checked = 0
    for field_id, field in fields.items():
        node: dict[str, Any] = schema
        node_file = schema_file
        for part in field_id.split("-"):
            node, node_file = resolve(node["properties"][part], node_file)
        options = field["attributes"].get("options", [])
        if "enum" in node:
            values = [str(option).split(":")[0] for option in options]
            assert set(values) <= set(node["enum"]), field_id
            checked += 1
        elif node.get("type") == "boolean":
            assert sorted(options) == ["No", "Yes"], field_id
            checked += 1
    assert checked >= 2


@pytest.mark.parametrize("kind", sorted(FORM_OF))
def test_forms_carry_the_label_the_bot_uses_and_a_required_checklist(kind: str) -> None:
    form = load_yaml(FORMS / FORM_OF[kind])
    assert form["labels"] == [LABEL_OF[kind]]
    (checklist,) = (element for element in form["body"] if element.get("id") == "checklist")
    options = checklist["attributes"]["options"]
    assert len(options) >= 6
    assert all(option["required"] for option in options)


def test_pull_request_template_has_both_checklists() -> None:
    text = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text(encoding="utf-8")
    account = text.split("## New or changed account")[1].split("## New or changed ad campaign")[0]
    campaign = text.split("## New or changed ad campaign")[1]
    assert account.count("- [ ] ") >= 9
    assert campaign.count("- [ ] ") >= 6
    assert "supervisor" in text and "communications office" in text


@pytest.mark.parametrize("name", sorted(FORM_OF.values()))
def test_forms_match_githubs_issue_form_schema(name: str) -> None:
    check_builtin_schema(FORMS / name, "vendor.github-issue-forms")


def test_issue_config_matches_its_schema() -> None:
    check_builtin_schema(FORMS / "config.yml", "vendor.github-issue-config")
