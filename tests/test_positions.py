"""Positions read off the text (load/positions.py) are the parser's, or the reader says unsure."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg.load.documents import Document, load_text
from socialreg.load.positions import UNSURE, _walked_position, find_position

PROJECT = Path(__file__).resolve().parent.parent


def _is_text(path: Path) -> bool:
    try:
        path.read_text(encoding="utf-8")
    except UnicodeError:
        return False  # the binary test cases
    return True


FILES = sorted(
    path
    for pattern in ("tests/**/*.yaml", "accounts/**/*.yaml", "campaigns/**/*.yaml", "org/*.yaml")
    for path in PROJECT.glob(pattern)
    if _is_text(path)
)


def _parsed(text: str) -> Document | None:
    result = load_text(text, "x.yaml")
    return result.document


def _careful(document: Document) -> dict[tuple[str | int, ...], tuple[int, int]]:
    return Document(document.path, document.data, document.text).positions


@pytest.mark.parametrize("file", FILES, ids=lambda path: str(path.relative_to(PROJECT)))
def test_every_known_position_agrees_with_the_parser(file: Path) -> None:
    text = file.read_text(encoding="utf-8")
    document = _parsed(text)
    if document is None:
        return
    careful = _careful(document)
    for path, position in careful.items():
        found = find_position(text, path)
        assert found is UNSURE or found == position, (path, found, position)
        # A key that is not there is said to be missing, never placed somewhere.
        missing = find_position(text, (*path, "no-such-key"))
        assert missing is UNSURE or missing is None, path


def test_most_record_paths_are_read_without_the_parser() -> None:
    """The point of the module: for ordinary records it answers."""
    answered = asked = 0
    for file in FILES:
        if not file.is_relative_to(PROJECT / "tests" / "rules" / "fixture"):
            continue
        if file.name == "policy.yaml":
            continue  # the platform catalogue's patterns hold `(?!`, which this module leaves
            # to the parser; the records are what it is for
        text = file.read_text(encoding="utf-8")
        document = _parsed(text)
        assert document is not None
        for path in _careful(document):
            asked += 1
            answered += find_position(text, path) is not UNSURE
    assert asked > 100
    assert answered / asked > 0.9


def test_locate_falls_back_to_the_nearest_parent_like_the_parser() -> None:
    text = "name: x\nmonitoring:\n  frequency: daily\n"
    document = _parsed(text)
    assert document is not None
    assert document.locate(("monitoring", "holiday_cover")) == (2, 1)
    assert document.locate(("nothing", "here")) == (1, 1)
    assert document._positions is None  # answered without parsing again


_KEYS = st.sampled_from(["a", "b", "name", "x-y", "k_1"])
_SCALARS = st.one_of(
    st.sampled_from(["x", "1", "yes", "'q: x'", '"d"', "a b", "|\n  block", "[1, 2]", "{a: 1}"]),
    st.just(""),
)


@st.composite
def _block_yaml(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    pad = " " * indent
    lines = []
    for key in draw(st.lists(_KEYS, min_size=1, max_size=4, unique=True)):
        kind = draw(st.sampled_from(["scalar", "map", "list"] if depth < 3 else ["scalar"]))
        if kind == "scalar":
            value = draw(_SCALARS).replace("\n", "\n" + pad)
            lines.append(f"{pad}{key}: {value}".rstrip())
        elif kind == "map":
            lines.append(f"{pad}{key}:")
            lines.append(draw(_block_yaml(indent + 2, depth + 1)))
        else:
            lines.append(f"{pad}{key}:")
            item_pad = " " * draw(st.sampled_from([indent, indent + 2]))
            for _ in range(draw(st.integers(1, 3))):
                if draw(st.booleans()):
                    inner = draw(_block_yaml(len(item_pad) + 2, depth + 1))
                    lines.append(item_pad + "- " + inner.lstrip(" "))
                else:
                    lines.append(f"{item_pad}- {draw(_SCALARS) or 'z'}")
        if draw(st.booleans()):
            lines.append(pad + "# a comment")
    return "\n".join(lines)


@settings(max_examples=200, deadline=None)
@given(_block_yaml())
def test_generated_block_yaml_agrees_with_the_parser(text: str) -> None:
    document = _parsed(text + "\n")
    if document is None:
        return
    for path, position in _careful(document).items():
        found = find_position(text, path)
        assert found is UNSURE or found == position, (path, found, position, text)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\r\nb: 2\n",
        "a:\t1\n",
        "a: \x85b\n",
        "a: \u2028b\n",
        "a: \u2029b\n",
        "\ufeffa: 1\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a:\n  <<: {b: 1}\n",
        "---\na: 1\n",
        "a: 1\n...\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\n---\nb: 2\n",
    ],
)
def test_text_that_is_not_plain_block_yaml_is_left_to_the_parser(text: str) -> None:
    assert find_position(text, ("a",)) is UNSURE


# --- keys found by searching the text are where the line by line walk finds them ---

TEST_FILES = [file for file in FILES if file.is_relative_to(PROJECT / "tests")]


def _paths_to_ask(document: Document) -> list[tuple[str | int, ...]]:
    """Every path the parser places, and a missing key under each (a finding about a key that
    is missing asks for it, then for its parents)."""
    paths = list(_careful(document))
    return paths + [(*path, "no-such-key") for path in paths] + [(1,), ("a b",), ("-",)]


@pytest.mark.parametrize("file", TEST_FILES, ids=lambda path: str(path.relative_to(PROJECT)))
def test_searching_the_text_says_what_the_walk_says(file: Path) -> None:
    text = file.read_text(encoding="utf-8")
    document = _parsed(text)
    if document is None:
        return
    for path in _paths_to_ask(document):
        assert find_position(text, path) == _walked_position(text, path), path


_TOP_LINES = st.sampled_from(
    [
        "a: 1",
        "b:",
        "  c: 2",
        "  - x",
        "- item",
        "-",
        "# note",
        "",
        "   ",
        "a.b: 3",
        "a:b",
        "a : 4",
        "'q': 5",
        "name: x # c",
        "name:",
        "x-y: [1]",
        "k_1: |",
        "  text",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOP_LINES, max_size=8), st.booleans())
def test_searching_the_text_agrees_on_any_lines(lines: list[str], final_break: bool) -> None:
    """Lines of every kind at the margin and under it, parsable or not: both ways agree."""
    text = "\n".join(lines) + ("\n" if final_break else "")
    for part in ("a", "b", "c", "name", "a.b", "x-y", "k_1", "q"):
        for path in ((part,), (part, "c"), (part, 0), (part, "no")):
            assert find_position(text, path) == _walked_position(text, path), (path, text)


@settings(max_examples=200, deadline=None)
@given(_block_yaml())
def test_searching_the_text_agrees_on_generated_block_yaml(text: str) -> None:
    document = _parsed(text + "\n")
    if document is None:
        return
    for path in _paths_to_ask(document):
        assert find_position(text, path) == _walked_position(text, path), (path, text)
