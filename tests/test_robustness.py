"""The pieces that keep hostile input from stopping the check (issue 13), one by one.

The hostile corpus (tests/hostile) runs them end to end; these tests pin each mechanism, so a
failure names the piece that broke.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
import re2
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg import characters, limits
from socialreg.dates import add_months, as_date
from socialreg.findings import Finding, Severity
from socialreg.load import numbers
from socialreg.load.documents import load_text
from socialreg.load.files import (
    NotAPlainFile,
    is_plain_file,
    is_plain_file_inside,
    read_plain_file,
)
from socialreg.load.line_breaks import editor_lines
from socialreg.patterns import UrlPattern, python_pattern, url_pattern, url_pattern_problem

from .conftest import REPOSITORY

TOOLS = REPOSITORY / "tools" / "socialreg"


@contextlib.contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    def stop(signum: int, frame: object) -> None:
        raise TimeoutError("blocked")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- one definition of each text pattern ------------------------------------------------------


def test_the_schemas_refuse_exactly_the_characters_the_code_names() -> None:
    common = json.loads((REPOSITORY / "schemas" / "common.schema.json").read_text("utf-8"))
    refused = {name: d["not"]["pattern"] for name, d in common["$defs"].items() if "not" in d}
    assert refused == {
        "text": f"[{characters.REFUSED_CLASS}]",
        "line": f"[{characters.REFUSED_IN_LINE_CLASS}]",
        "email": f"[{characters.REFUSED_IN_LINE_CLASS}]",
        "https_url": f"[{characters.REFUSED_IN_LINE_CLASS}]",
    }
    for definition in common["$defs"].values():
        if "not" in definition:  # a non-string must not fail `not` (that was a false finding)
            assert definition["not"]["type"] == "string"


def test_no_python_pattern_lets_dollar_match_before_a_final_line_break() -> None:
    """Python's `$` also matches before a final \\n, so `lina-berg\\n` passed as a login and
    broke CODEOWNERS. Anchored patterns in the code end in \\Z."""
    offenders = []
    for path in TOOLS.rglob("*.py"):
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if (
                re.search(r're\.compile\(r"\^.*[^\\]\$"\)', line)
                and "required property" not in line
            ):
                offenders.append(f"{path.relative_to(REPOSITORY)}:{number}")
    assert offenders == []


@pytest.mark.parametrize(
    ("pattern", "text", "found"),
    [
        ("^[a-z]+$", "library", True),
        ("^[a-z]+$", "library\n", False),
        ("^a\\$$", "a$", True),
        ("^[$]+$", "$$", True),
        ("\\S", "x\n", True),
    ],
)
def test_schema_patterns_mean_in_python_what_they_mean_in_json_schema(
    pattern: str, text: str, found: bool
) -> None:
    assert bool(python_pattern(pattern).search(text)) is found


# --- control characters ---------------------------------------------------------------------


def test_findings_never_carry_raw_control_characters() -> None:
    finding = Finding(
        "accounts/library/caf\udce9\n.yaml",
        1,
        1,
        "SR010",
        Severity.ERROR,
        "`\x1b]0;title\x07` is\nnot a key",
        "$['\x00']",
    )
    assert finding.path == "accounts/library/caf\\xe9\\x0a.yaml"
    assert finding.message == "`\\x1b]0;title\\x07` is not a key"
    assert finding.json_path == "$['\\x00']"


def test_characters_are_named_for_people() -> None:
    assert characters.describe("\x00") == "U+0000 (NUL)"
    assert characters.describe("\u2028") == "U+2028 (LINE SEPARATOR)"
    assert characters.first_refused("two\nlines", one_line=False) is None
    assert characters.first_refused("two\nlines\x1b", one_line=False) == "\x1b"
    assert characters.without_controls("a\x00b\u2028c") == "ab c"


# --- line numbers as editors show them --------------------------------------------------------


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_yaml_1_1_line_breaks_neither_shift_lines_nor_end_comments(separator: str) -> None:
    text = f"# a comment{separator}that goes on\nname: x\nstatus: [open\n"
    result = load_text(text, "accounts/library/x.yaml")
    assert [(f.rule, f.line) for f in result.findings] == [("SR002", 3)]
    kept = load_text(f'name: "a{separator}b"\n', "x.yaml")
    assert kept.document is not None and kept.document.data == {"name": f"a{separator}b"}


def test_editor_lines_split_only_where_editors_do() -> None:
    assert editor_lines("a\r\nb\rc\nd\x0ce\u2028f") == ["a", "b", "c", "d\x0ce\u2028f"]


def test_an_unclosed_quote_is_reported_where_it_opened() -> None:
    text = 'name: "Library\nstatus: active\nnote: "quoted"\nmore: x\n'
    [finding] = load_text(text, "x.yaml").findings
    assert (finding.rule, finding.line, finding.column) == ("SR002", 1, 7)


def test_a_raw_control_character_is_reported_on_its_line() -> None:
    [finding] = load_text("a: 1\nb: 2\nc: x\x7fy\n", "x.yaml").findings
    assert (finding.line, finding.column) == (3, 5)
    assert "U+007F" in finding.message


# --- numbers and dates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "usable"),
    [
        (str(numbers.LARGEST), True),
        (str(numbers.LARGEST + 1), False),
        ("-" + str(numbers.LARGEST + 1), False),
        ("9" * 5000, False),
        (".inf", False),
        ("-.inf", False),
        (".nan", False),
        ("1.0e+400", False),
        ("0x1F", True),
        ("1_000", True),
    ],
)
def test_numbers_beyond_what_a_record_needs_are_findings(written: str, usable: bool) -> None:
    result = load_text(f"amount: {written}\n", "x.yaml")
    assert (result.findings == []) is usable
    if not usable:
        assert [(f.rule, f.line, f.json_path) for f in result.findings] == [
            ("SR012", 1, "$.amount")
        ]


def test_dates_outside_the_range_are_not_computed_with() -> None:
    assert as_date("9999-12-31") is None
    assert as_date("1899-12-31") is None
    assert as_date(limits.LATEST_DATE.isoformat()) == limits.LATEST_DATE
    # Even from the latest date, the largest option stays inside the calendar.
    assert add_months(limits.LATEST_DATE, limits.MAX_OPTION).year < datetime.MAXYEAR
    assert add_months(datetime.date(9999, 12, 31), 1) == datetime.date.max
    assert add_months(datetime.date(1, 1, 31), -1) == datetime.date.min


def test_the_number_limit_is_what_yaml_would_otherwise_crash_on() -> None:
    node = yaml.ScalarNode("tag:yaml.org,2002:int", "9" * 5000)
    with pytest.raises(numbers.OutOfRange, match="5000 characters"):
        numbers.construct(node)


# --- files that are not files ---------------------------------------------------------------------


def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with time_limit(5), pytest.raises(NotAPlainFile, match="named pipe"):
        read_plain_file(fifo, 100)
    assert not is_plain_file(fifo)


def test_a_link_is_refused_even_to_a_plain_file(tmp_path: Path) -> None:
    target = tmp_path / "secret.txt"
    target.write_text("password: hunter2\n", encoding="utf-8")
    link = tmp_path / "record.yaml"
    link.symlink_to(target)
    with pytest.raises(NotAPlainFile, match="symbolic link"):
        read_plain_file(link, 100)
    assert read_plain_file(target, 100) == b"password: hunter2\n"


def test_a_folder_that_is_a_link_does_not_lead_outside(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "logo.svg").write_text("<svg/>", encoding="utf-8")
    root = tmp_path / "repo"
    (root / "org").mkdir(parents=True)
    (root / "org" / "assets").symlink_to(outside)
    (root / "org" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    assert not is_plain_file_inside(root, Path("org/assets/logo.svg"))
    assert is_plain_file_inside(root, Path("org/logo.svg"))


# --- policy patterns ------------------------------------------------------------------------------


def test_policy_patterns_run_in_linear_time() -> None:
    pattern = url_pattern("^https://(a+)+$")
    assert pattern is not None
    with time_limit(5):
        assert pattern.matches("https://" + "a" * 5000 + "!") is False


def test_patterns_that_need_backtracking_run_with_a_time_limit() -> None:
    lookahead = url_pattern("^https://(?!www\\.)[a-z]+\\.example/@[a-z]+$")
    assert lookahead is not None
    assert lookahead.matches("https://social.example/@library") is True
    assert lookahead.matches("https://www.example/@library") is False
    slow = url_pattern("^https://(?=a)(a|aa)+$")
    assert slow is not None
    with time_limit(10):
        assert slow.matches("https://" + "a" * 40 + "!") is None
        assert slow.matches("https://aa") is None  # once out of time, not tried again


class _CountedSearches:
    """A compiled pattern that counts its searches."""

    def __init__(self, pattern: str) -> None:
        self.pattern, self.searches = re.compile(pattern), 0

    def search(self, text: str) -> re.Match[str] | None:
        self.searches += 1
        return self.pattern.search(text)


def test_a_pattern_asked_about_the_same_address_twice_in_turn_searches_once() -> None:
    """SR015 and SR130 ask about each account's address in turn: one search (re2's costs 5 µs,
    a second at 100,000 accounts)."""
    counted = _CountedSearches("^https://example\\.social/")
    pattern = UrlPattern(linear=counted)
    assert pattern.matches("https://example.social/library") is True
    assert pattern.matches("https://example.social/library") is True
    assert counted.searches == 1


def test_an_re2_pattern_answers_without_making_a_match_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The re2 module's search builds a match in Python (5 µs an address); SR015 needs only
    the answer, which RE2 gives in under one."""
    pattern = url_pattern("^https://(www\\.)?a\\.example/[a-zå]+$")
    assert pattern is not None

    def refused(*arguments: object) -> None:
        raise AssertionError("the re2 module's match was made")

    monkeypatch.setattr(re2._Regexp, "_match", refused)
    assert pattern.matches("https://a.example/bibliotek") is True
    assert pattern.matches("https://www.a.example/bibliotekå") is True
    assert pattern.matches("https://b.example/bibliotek") is False
    assert pattern.matches("https://a.example/Bibliotek") is False


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["https://a.example/x", "https://b.example/x", "", "a.example"])))
def test_a_pattern_answers_each_text_as_a_search_of_it_would(texts: list[str]) -> None:
    pattern = url_pattern("^https://a\\.example/")
    assert pattern is not None
    for text in texts:
        assert pattern.matches(text) is text.startswith("https://a.example/")


_PATTERN_PIECES = st.sampled_from(
    [
        "^",
        "$",
        "a",
        "b",
        ".",
        "å",
        "\\.",
        "[a-c]",
        "[^/]",
        "(",
        ")",
        "|",
        "*",
        "+",
        "?",
        "{2}",
        "\\w",
        "\\d",
        "\\p{Lu}",
        "(?i)",
        "/",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_PATTERN_PIECES, min_size=1, max_size=10).map("".join),
    st.lists(st.text("abå/.A1_ ", max_size=12), min_size=1, max_size=5),
)
def test_a_pattern_answers_as_re2s_search_does(pattern: str, texts: list[str]) -> None:
    compiled = url_pattern(pattern)
    quiet = re2.Options()
    quiet.log_errors = False
    try:
        reference = re2.compile(pattern, quiet)
    except re2.error:
        return  # not RE2's to answer: refused, or run by the backtracking engine
    assert compiled is not None
    for text in texts:
        assert compiled.matches(text) is (reference.search(text) is not None), (pattern, text)


@pytest.mark.parametrize(
    "pattern", ["((a{1000}){1000}){1000}", "(?=a)((a{1000}){1000}){1000}", "(unclosed"]
)
def test_patterns_too_large_to_compile_are_refused_at_once(pattern: str) -> None:
    with time_limit(5):
        assert url_pattern_problem(pattern) is not None
        assert url_pattern(pattern) is None
