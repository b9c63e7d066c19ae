"""Schema cases as folders of good and bad files: adding a case needs no new Python.

`tests/schema_cases/<kind>/good/*.yaml` must load and match the schema with no findings.
`tests/schema_cases/<kind>/bad/*.yaml` start with `# expect: CODE line:column` lines, one per
finding the file must produce, and must produce no others.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from socialreg.check.schemas import SchemaSet
from socialreg.findings import Finding
from socialreg.load.documents import load_file

from .conftest import REPOSITORY

CASES = Path(__file__).parent / "schema_cases"
EXPECT = re.compile(r"^# expect: (SR\d{3}) (\d+):(\d+)$", re.M)
SCHEMAS = SchemaSet(REPOSITORY / "schemas")


def _cases(quality: str) -> list[Path]:
    return sorted(CASES.glob(f"*/{quality}/*.yaml"))


def _findings(path: Path) -> list[Finding]:
    result = load_file(CASES, path.relative_to(CASES).as_posix())
    findings = list(result.findings)
    if result.document is not None:
        said = {(f.rule, f.json_path) for f in findings}
        kind = path.parent.parent.name
        findings += [
            f for f in SCHEMAS.check(result.document, kind) if (f.rule, f.json_path) not in said
        ]
    return findings


@pytest.mark.parametrize("path", _cases("good"), ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_good_case_has_no_findings(path: Path) -> None:
    assert _findings(path) == []


@pytest.mark.parametrize("path", _cases("bad"), ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_bad_case_has_exactly_the_expected_findings(path: Path) -> None:
    expected = sorted(
        (code, int(line), int(column)) for code, line, column in EXPECT.findall(path.read_text())
    )
    assert expected, f"{path.name} names no `# expect: CODE line:column`"
    found = sorted((f.rule, f.line, f.column) for f in _findings(path))
    assert found == expected
    for finding in _findings(path):
        assert finding.message.endswith((".", ")", '"')), finding.message
        assert finding.json_path.startswith("$")


@pytest.mark.parametrize("path", _cases("good") + _cases("bad"), ids=lambda p: p.stem)
def test_fast_and_detailed_validators_agree(path: Path) -> None:
    """The compiled validator decides; jsonschema explains. They must never disagree."""
    result = load_file(CASES, path.relative_to(CASES).as_posix())
    if result.document is None:
        return
    kind = path.parent.parent.name
    schema = SCHEMAS.validators(kind)
    assert schema.is_valid(result.document.data) == schema.detailed.is_valid(result.document.data)


def test_every_kind_has_good_and_bad_cases() -> None:
    for kind in ("account", "campaign", "organization", "units", "policy"):
        assert list((CASES / kind / "good").glob("*.yaml")), kind
        assert list((CASES / kind / "bad").glob("*.yaml")), kind


def test_every_schema_property_has_a_description() -> None:
    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            for name, child in node.get("properties", {}).items():
                assert isinstance(child, dict) and child.get("description"), f"{where}.{name}"
            if isinstance(node.get("additionalProperties"), dict):
                assert node["additionalProperties"].get("description"), where
            for key, child in node.items():
                walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{where}[{index}]")

    for path in sorted((REPOSITORY / "schemas").glob("*.schema.json")):
        walk(json.loads(path.read_text()), path.name)


def test_every_object_schema_forbids_unknown_keys() -> None:
    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, where
            for key, child in node.items():
                walk(child, f"{where}/{key}")
        elif isinstance(node, list):
            for child in node:
                walk(child, where)

    for path in sorted((REPOSITORY / "schemas").glob("*.schema.json")):
        walk(json.loads(path.read_text()), path.name)
