"""Bad input: each kind gets one readable finding with its line, and nothing raises."""

from __future__ import annotations

import pytest

from socialreg.load.documents import MAX_FILE_BYTES, dotted, json_path_text, load_bytes, load_text

BILLION_LAUGHS = """\
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""

BAD_INPUTS = [
    # (name, content, rule, line, words the message must contain)
    ("tab", b"name: x\n\tstatus: active\n", "SR002", 2, "tab character"),
    # an unclosed bracket is reported where it opened (issue 13), not where the parser gave up
    ("syntax", b"name: x\nstatus: [active\n", "SR002", 2, "not closed"),
    ("unclosed-quote", b'name: "x\nstatus: active\n', "SR002", 1, "never closed"),
    ("duplicate-key", b"name: x\nstatus: a\nname: y\n", "SR003", 3, "appears twice"),
    ("nested-duplicate", b"a:\n  b: 1\n  b: 2\n", "SR003", 3, "first on line 2"),
    ("top-level-list", b"- name: x\n- name: y\n", "SR004", 1, "a list"),
    ("scalar-document", b"just words\n", "SR004", 1, "a single value"),
    ("empty", b"", "SR004", 1, "empty"),
    ("only-comments", b"# nothing here\n\n# at all\n", "SR004", 1, "empty"),
    ("two-documents", b"name: x\n---\nname: y\n", "SR004", 2, "more than one YAML document"),
    ("alias-bomb", BILLION_LAUGHS.encode(), "SR005", None, "alias bomb"),
    ("self-alias", b"a: &x\n  b: *x\n", "SR005", None, "contains itself"),
    ("impossible-date", b"review:\n  last: 2026-13-45\n", "SR006", 2, "not a real date"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "SR001", 1, "binary"),
    ("latin-1", "name: Malmö\n".encode("latin-1"), "SR001", 1, "not UTF-8"),
    ("too-large", b"a: " + b"x" * (MAX_FILE_BYTES + 10), "SR001", 1, "larger than 1 MB"),
    ("python-tag", b"a: !!python/object/apply:os.system [ls]\n", "SR002", 1, "not supported"),
    ("custom-tag", b"a: !secret x\n", "SR002", 1, "not supported"),
    ("merge-key", b"base: &b {x: 1}\nother:\n  <<: *b\n", "SR002", 3, "Merge keys"),
    ("list-as-key", b"? [a, b]\n: c\n", "SR002", 1, "plain word"),
]


@pytest.mark.parametrize(
    ("content", "rule", "line", "words"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_gives_one_clear_finding(
    content: bytes, rule: str, line: int | None, words: str
) -> None:
    result = load_bytes(content, "accounts/library/x.yaml")
    assert len(result.findings) == 1, result.findings
    finding = result.findings[0]
    assert finding.rule == rule
    assert finding.path == "accounts/library/x.yaml"
    if line is not None:
        assert finding.line == line
    assert finding.column >= 1
    assert words.lower() in finding.message.lower()
    assert "Traceback" not in finding.message


def test_utf8_with_byte_order_mark_is_fine() -> None:
    result = load_bytes("\ufeffname: Malmö\n".encode(), "x.yaml")
    assert result.findings == []
    assert result.document is not None and result.document.data == {"name": "Malmö"}


def test_dates_stay_text_and_types_follow_yaml() -> None:
    result = load_text("d: 2026-03-31\nn: 24\nb: true\nq: 'no'\ne:\n", "x.yaml")
    assert result.document is not None
    assert result.document.data == {"d": "2026-03-31", "n": 24, "b": True, "q": "no", "e": None}


def test_yaml_1_1_surprises_are_remembered_with_their_text() -> None:
    result = load_text("name: no\nhandle: 0123\nversion: 1.10\nquoted: 'yes'\n", "x.yaml")
    assert result.document is not None
    assert result.document.data["name"] is False
    assert result.document.plain_scalars[("name",)] == "no"
    assert result.document.plain_scalars[("handle",)] == "0123"
    assert result.document.plain_scalars[("version",)] == "1.10"
    assert ("quoted",) not in result.document.plain_scalars


def test_every_value_has_a_position() -> None:
    text = "a: 1\nb:\n  c:\n    - x\n    - d: 2\n"
    document = load_text(text, "x.yaml").document
    assert document is not None
    assert document.positions[("a",)] == (1, 1)
    assert document.positions[("b", "c")] == (3, 3)
    assert document.positions[("b", "c", 0)] == (4, 7)
    assert document.positions[("b", "c", 1, "d")] == (5, 7)


def test_a_missing_key_is_located_at_the_nearest_existing_parent() -> None:
    document = load_text("# header\nmonitoring:\n  frequency: daily\n", "x.yaml").document
    assert document is not None
    assert document.locate(("monitoring", "holiday_cover")) == (2, 1)
    assert document.locate(("purpose",)) == (2, 1)  # the first key, not the comment


def test_keys_are_always_text() -> None:
    document = load_text("no: 1\n2026: 2\n", "x.yaml").document
    assert document is not None
    assert document.data == {"no": 1, "2026": 2}


def test_json_paths_read_like_jsonpath() -> None:
    assert json_path_text(()) == "$"
    assert json_path_text(("goals", 0, "target")) == "$.goals[0].target"
    assert json_path_text(("units", "it's odd")) == "$.units['it\\'s odd']"
    assert dotted(("monitoring", "response_time_hours")) == "monitoring.response_time_hours"


def test_deep_nesting_is_refused_without_a_traceback() -> None:
    result = load_text("a: " + "[" * 5000 + "]" * 5000 + "\n", "x.yaml")
    assert len(result.findings) == 1
    assert result.findings[0].rule in {"SR002", "SR004"}


def test_a_large_honest_file_is_not_an_alias_bomb() -> None:
    units = "".join(f"  unit-{n}:\n    name: Unit {n}\n    tags: [a, b, c]\n" for n in range(8000))
    result = load_text("units:\n" + units, "org/units.yaml")
    assert result.findings == []
    assert result.document is not None and len(result.document.data["units"]) == 8000


def test_a_few_honest_aliases_are_fine() -> None:
    text = (
        "person: &anna {name: Anna, email: anna@norrvik.example}\nowner: *anna\nsupervisor: *anna\n"
    )
    result = load_text(text, "x.yaml")
    assert result.findings == []
    assert result.document is not None
    assert result.document.data["owner"] == {"name": "Anna", "email": "anna@norrvik.example"}
