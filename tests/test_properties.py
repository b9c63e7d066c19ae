"""Properties of the loader, the schemas and the reporters, for any input (hypothesis).

- The loader never raises for any text or bytes, and every finding points at a line and column
  that exist in the file as an editor numbers its lines.
- Both schema validators (the fast one decides, jsonschema explains) agree on any text in any
  text field: a value one refuses the other explains, so no refusal goes without a finding.
- Every output format stays well-formed for any finding: text and GitHub output keep one line
  per finding, JSON parses back to the same findings, SARIF is valid against the OASIS schema,
  and Markdown, rendered as GitHub renders it, holds no element the finding wrote.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import cmarkgfm
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator, FormatChecker

from socialreg.check.schemas import SchemaSet
from socialreg.findings import Finding, Severity, Summary, sorted_findings
from socialreg.load.documents import Document, load_bytes, load_text
from socialreg.load.line_breaks import editor_lines
from socialreg.reporters import Report, github, json_report, markdown, sarif, text

from .conftest import REPOSITORY

PATH = "accounts/library/x.yaml"
SCHEMAS = SchemaSet(REPOSITORY / "schemas")
_TEMPLATE_FILE = REPOSITORY / "tests" / "rules" / "fixture" / "templates" / "account.yaml"
TEMPLATE = load_text(_TEMPLATE_FILE.read_text("utf-8"), PATH).document.data  # type: ignore[union-attr]
SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "fixtures" / "sarif" / "sarif-schema-2.1.0.json").read_text("utf-8")
)
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")

# Text that is hard on a YAML parser: its own punctuation, line breaks of every kind, controls.
yaml_alphabet = st.sampled_from(
    [*list(":-?[]{},#&*!|>'\"%@` \t\n\r"), "\x00", "\x1b", "\x85", "\u2028", "\u2029", "\ufeff"]
)
hostile_text = st.text(st.one_of(yaml_alphabet, st.characters()), max_size=200)
plain_data = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


def _assert_positions_exist(text: str, findings: list[Finding]) -> None:
    lines = editor_lines(text)
    for finding in findings:
        assert 1 <= finding.line <= len(lines), (finding, len(lines))
        assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1, finding
        assert RAW_CONTROL.search(finding.message) is None, finding.message


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_text)
@example("# a comment with U+2028 \u2028 in it\nkey: [1,\n")
@example("a: " + "9" * 5000)
@example("{")
def test_the_loader_never_raises_and_points_inside_the_file(source: str) -> None:
    result = load_text(source, PATH)
    _assert_positions_exist(source, result.findings)
    if result.document is not None:
        for line, column in result.document.positions.values():
            assert 1 <= line <= len(editor_lines(source))
            assert column >= 1


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_the_loader_takes_any_bytes(raw: bytes) -> None:
    result = load_bytes(raw, PATH)
    assert result.document is not None or result.findings
    text = raw.decode("utf-8", "replace")
    for finding in result.findings:
        assert 1 <= finding.line <= len(editor_lines(text))


@settings(max_examples=200, deadline=None)
@given(plain_data, st.sampled_from(["'", '"', None]))
def test_any_nested_data_written_as_yaml_loads_or_gets_a_finding(data: Any, style: Any) -> None:
    source = yaml.safe_dump({"record": data}, default_style=style, allow_unicode=True)
    result = load_text(source, PATH)
    _assert_positions_exist(source, result.findings)
    assert result.document is not None or result.findings
    if result.document is not None:
        # Every value can be pointed at, as a schema finding would.
        for path in result.document.positions:
            line, _ = result.document.locate(path)
            assert 1 <= line <= len(editor_lines(source))


TEXT_FIELDS = [("handle",), ("name",), ("purpose",), ("url",), ("unit",), ("owner", "github")]


# Lone surrogates cannot reach a document: files are decoded as strict UTF-8, and YAML refuses
# the escape `\ud800`.
record_text = st.text(
    st.one_of(yaml_alphabet, st.characters(exclude_categories=["Cs"])), max_size=200
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(TEXT_FIELDS), record_text)
@example(("unit",), "library\n")  # the two validators once disagreed on a final line break
@example(("url",), "https://bsky.app/profile/library.norrvik.example\n")
@example(("owner", "github"), "lina-berg\n")
@example(("name",), "Library\x00")
def test_both_validators_agree_on_any_text_in_a_text_field(
    field: tuple[str, ...], value: str
) -> None:
    data = copy.deepcopy(TEMPLATE)
    holder = data
    for key in field[:-1]:
        holder = holder[key]
    holder[field[-1]] = value
    validators = SCHEMAS.validators("account")
    fast = validators.is_valid(data)
    explained = list(validators.detailed.iter_errors(data))
    assert fast == (not explained), (value, [e.message for e in explained])
    if not fast:
        findings = SCHEMAS.check(Document(PATH, data, ""), "account")
        assert findings, value


finding_text = st.text(st.one_of(yaml_alphabet, st.characters()), min_size=1, max_size=80)
findings = st.builds(
    Finding,
    path=st.builds(lambda name: f"accounts/library/{name}.yaml", finding_text),
    line=st.integers(1, 10_000),
    column=st.integers(1, 500),
    rule=st.sampled_from(["SR001", "SR012", "SR105", "SR999"]),
    severity=st.sampled_from(list(Severity)),
    message=finding_text,
    json_path=st.builds(lambda key: f"$.{key}", finding_text),
)


def _report(items: list[Finding]) -> Report:
    ordered = sorted_findings(items)
    return Report(ordered, Summary.of(ordered, max(1, len(ordered))))


@settings(max_examples=150, deadline=None)
@given(st.lists(findings, max_size=5))
def test_text_and_github_output_keep_one_line_per_finding(items: list[Finding]) -> None:
    report = _report(items)
    for render in (text.render, github.render):
        output = render(report)
        assert RAW_CONTROL.search(output) is None
        assert output.count("\n") == len(report.findings) + 1  # and the summary
    for line in github.render(report).splitlines()[:-1]:
        assert line.startswith(("::error ", "::warning ", "::notice "))


@settings(max_examples=150, deadline=None)
@given(st.lists(findings, max_size=5))
def test_json_output_parses_back_to_the_same_findings(items: list[Finding]) -> None:
    report = _report(items)
    output = json_report.render(report)
    output.encode("utf-8")  # writable to any UTF-8 stream
    assert json_report.parse(output).findings == report.findings


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(findings, max_size=4))
def test_sarif_output_is_valid_sarif(items: list[Finding]) -> None:
    output = sarif.render(_report(items))
    output.encode("utf-8")
    log = json.loads(output)
    validator = Draft4Validator(SARIF_SCHEMA, format_checker=FormatChecker())
    assert [error.message for error in validator.iter_errors(log)] == []


@settings(max_examples=150, deadline=None)
@given(st.lists(findings, max_size=5))
def test_markdown_output_renders_no_element_of_its_own(items: list[Finding]) -> None:
    output = markdown.render(_report(items))
    rendered = cmarkgfm.github_flavored_markdown_to_html(output)
    outside_code = re.sub(r"<code>.*?</code>", "", rendered, flags=re.DOTALL)
    tags = set(re.findall(r"</?([a-z0-9]+)", outside_code))
    assert tags <= {
        "p",
        "h3",
        "h4",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "strong",
        "details",
        "summary",
        "a",
        "sub",
        "em",
        "br",
        "ul",
        "li",
    }, tags
    assert "javascript:" not in rendered
