"""The block reader (load/block_reader.py) reads what PyYAML reads, or leaves the text to it.

The oracle is the loader's PyYAML path (`documents.load_text_with_pyyaml`). For every text the
reader answers, that path must load the text with no finding and build the same values: keys in
the same order, and values of the same types (`repr` tells `True` from `1` and `1.0`).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from socialreg.load import block_reader
from socialreg.load.documents import Document, load_text, load_text_with_pyyaml

PROJECT = Path(__file__).resolve().parent.parent


def _text_of(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeError:
        return None  # the binary test cases


TEST_TEXTS = {
    str(path.relative_to(PROJECT)): text
    for path in sorted((PROJECT / "tests").rglob("*.yaml"))
    if (text := _text_of(path)) is not None
}


def assert_reads_as_pyyaml(text: str) -> bool:
    """The reader's answer is PyYAML's; whether it answered."""
    data = block_reader.read(text)
    if data is None:
        return False
    oracle = load_text_with_pyyaml(text, "record.yaml")
    assert oracle.findings == [], (text, oracle.findings)
    assert oracle.document is not None
    assert repr(data) == repr(oracle.document.data), text
    places: block_reader.Places = {}
    placed = block_reader.read(text, places)
    if placed is not None:  # the same values, and every place as the careful builder has it
        assert repr(placed) == repr(data)
        assert places == Document("record.yaml", data, text).positions, text
    return True


@pytest.mark.parametrize("name", TEST_TEXTS)
def test_every_test_file_reads_as_pyyaml_reads_it(name: str) -> None:
    assert_reads_as_pyyaml(TEST_TEXTS[name])


def test_the_reader_answers_for_ordinary_records() -> None:
    """The point of the module: it reads the test records that PyYAML reads without a
    finding, and it leaves alone every file that has one."""
    answered = clean = 0
    for text in TEST_TEXTS.values():
        loaded = assert_reads_as_pyyaml(text)
        answered += loaded
        if not load_text_with_pyyaml(text, "record.yaml").findings:
            clean += 1
    assert clean > 300
    assert answered > 0.8 * clean, (answered, clean)


def test_load_text_takes_the_readers_values_and_finds_their_places() -> None:
    text = 'platform: x\nhandle: "@a"\ngoals:\n  - target: >-\n      many\n      words\n'
    loaded = load_text(text, "record.yaml")
    assert loaded.findings == []
    assert loaded.document is not None
    assert loaded.document.data == {
        "platform": "x",
        "handle": "@a",
        "goals": [{"target": "many words"}],
    }
    assert loaded.document.locate(("goals", 0, "target")) == (4, 5)
    assert loaded.document.locate(("handle",)) == (2, 1)


# Values chosen where YAML surprises: YAML 1.1 booleans and numbers, dates, impossible dates,
# comments, colons, indicators, quotes, escapes, flow collections and block headers.
_VALUES = [
    "word", "two words", "yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "~",
    "Null", "NULL", "0", "012", "0o17", "0x1F", "0b101", "1_000", "1,000", "-5", "+5", "3.14",
    "1e3", "1.5e3", ".5", ".inf", "-.Inf", ".nan", "1:30", "190:20:30", "99999999999999999999",
    "2024-02-29", "2023-02-29", "2024-13-01", "2024-1-1", "2024-01-01 10:00:00",
    "2024-01-01T10:00:00Z", "https://x.example/a#b", "a #comment", "a#b", "a: b", "a:b",
    "a:", "a :b", "'single'", "'it''s'", "'open", '"double"', '"esc\\n"', '"open', '"a" b',
    "'a' b", '"a" # c', "[]", "{}", "[a, b]", "{a: 1}", "[ ]", "- x", "-x", "? x", ": x",
    "&anchor x", "*alias", "!tag x", "!!str 1", "%x", "@x", "`x", "|", ">", ">-", "|+",
    "a, b", "a [b]", "a {b}", "<<", "=", "Q&A", "a*b", "x !y", "ö", "\u00a0x", "x\u00a0",
    "\u200bx", "a  b", "a\u3000b", "#", "'' ", '""', "''", "'a''", '"\\x41\\u00e9\\U0001F600"',
    '"\\q"', '"\\ud800"', '"\\U00110000"', '"a\\"', '"\\\\"', '"\\"b"', '"\\N\\L\\P\\_\\0"',
    '"\\/\\ \\e"', "[a, b]", "[1, yes, 2024-01-01, ~]", "[a,b]", "[ a , b ]", "[a, ]", "[a b]",
    '[a, "b"]', "[a]", "[-1]", "[a.b@c/d+e-f]", "[a, [b]]", "[a] x", "[a] # c", "[1e400]",
]  # fmt: skip
_KEYS = ["a", "b", "key", "yes", "no", "on", "null", "1", "a-b", "a_b", "A", "<<", "a b"]
_BLOCK_LINES = ["text", "more text", "", "  indented", "# hash", "- dash", "key: v", " ", "   "]


@st.composite
def _value_text(draw: st.DrawFn, indent: int) -> str:
    """What follows `key:` or `- `: a value on the line, a block scalar, or a nested block."""
    choice = draw(st.integers(0, 9))
    if choice <= 5:
        return " " + draw(st.sampled_from(_VALUES)) + draw(st.sampled_from(["", " ", " # c"]))
    if choice <= 7:
        header = draw(st.sampled_from([">-", ">", "|", "|-", ">+", "|+", ">2", ">- # c"]))
        inner = indent + draw(st.sampled_from([1, 2, 4]))
        body = draw(st.lists(st.sampled_from(_BLOCK_LINES), min_size=0, max_size=5))
        lines = [(" " * inner + line) if line.strip() else line for line in body]
        return " " + header + "".join("\n" + line for line in lines)
    nested_indent = indent + draw(st.sampled_from([0, 1, 2, 4]))
    return draw(st.sampled_from(["", " # c"])) + "\n" + draw(_block(nested_indent))


@st.composite
def _block(draw: st.DrawFn, indent: int, depth: int = 0) -> str:
    pad = " " * indent
    lines = []
    as_list = draw(st.booleans())
    for _ in range(draw(st.integers(1, 3))):
        deeper = depth < 3 and draw(st.booleans())
        if as_list:
            if deeper and draw(st.booleans()):  # `- key: value` and the keys under it
                inner = draw(_block(indent + 2, depth + 1))
                lines.append(pad + "-" + draw(st.sampled_from([" ", "  "])) + inner.lstrip(" "))
            elif deeper:
                lines.append(pad + "-" + draw(_value_text(indent)))
            else:
                lines.append(pad + "- " + draw(st.sampled_from(_VALUES)))
        else:
            key = draw(st.sampled_from(_KEYS))
            value = draw(_value_text(indent)) if deeper else " " + draw(st.sampled_from(_VALUES))
            lines.append(f"{pad}{key}:{value}")
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", "#c", pad + "# c", "   ", pad + "  # c"])))
    return "\n".join(lines)


@settings(max_examples=1500, deadline=None)
@given(_block(0), st.sampled_from(["\n", "", "\n\n", "\n# end\n"]))
@example("a: >-\n  x\n\n  y\nb: 1", "\n")
@example("a: |+\n  x\n\n", "\n")
@example("a:\n- 1\n- b: 2\n  c: 3\nd: 4", "\n")
def test_generated_block_yaml_reads_as_pyyaml_reads_it(text: str, ending: str) -> None:
    assert_reads_as_pyyaml(text + ending)


def _mutants(text: str, seed: int) -> list[str]:
    """A record with one small edit each: a character removed, doubled or replaced by one
    that means something to YAML, a line's indent changed, a line doubled or removed."""
    chance = random.Random(seed)
    characters = [" ", "\n", "-", ":", "#", "'", '"', "|", ">", "[", "&", "\t", "\r", "\\", "x"]
    lines = text.split("\n")
    mutants = []
    for _ in range(40):
        where = chance.randrange(len(text))
        mutants.append(text[:where] + chance.choice(characters) + text[where + 1 :])
        mutants.append(text[:where] + text[where + 1 :])
        mutants.append(text[:where] + text[where] + text[where:])
        line = chance.randrange(len(lines))
        edited = list(lines)
        edited[line] = " " * chance.choice([0, 1, 2, 3, 4, 6]) + edited[line].lstrip(" ")
        mutants.append("\n".join(edited))
        mutants.append("\n".join(lines[:line] + lines[line + 1 :]))
        mutants.append("\n".join(lines[: line + 1] + lines[line:]))
    return mutants


RECORDS = [
    name
    for name, text in TEST_TEXTS.items()
    if name.startswith("tests/fixtures/example/") and block_reader.read(text) is not None
]


@pytest.mark.parametrize("name", RECORDS)
def test_records_with_one_small_edit_read_as_pyyaml_reads_them(name: str) -> None:
    for mutant in _mutants(TEST_TEXTS[name], seed=len(name)):
        assert_reads_as_pyyaml(mutant)


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\n---\nb: 2\n",  # two documents
        "a: 1\n...\n",
        "a: >-\n  x\n---\n",
        "a:\n- x\n--- \n",
        "--- a: 1\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 1",  # no line break at the end
        "a:\tb\n",
        "a: b\r\nc: d\r\n",
        "a: b\u2028c\n",
        "\ufeffa: b\n",
        "a: b\x7f\n",
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: b\n  c\n",  # a value over two lines
        'a: "b\n  c"\n',
        "a: >-\n  b\n    c\n",  # a more-indented line in folded text
        "a: >-\n\n  b\n",  # an empty line before the text
        "a: >-\nb: 1\n",  # an empty block scalar
        "a: 1\na: 2\n",  # a duplicate key
        'a: [1, "2"]\n',
        "? a\n: b\n",
        "- a\n",  # a list, not a mapping
        "  a: 1\n",
        "# only a comment\n",
        "",
        "a: 2024-02-30\n",
        "a: 1.0e+400\n",
        "a: 99999999999999999999\n",
        "a: b: c\n",
        "a: 0x_\n",  # a number to YAML 1.1, with no digits (the loader crashed on it)
        "a: [x, +0b__]\n",
    ],
)
def test_text_outside_the_grammar_is_left_to_pyyaml(text: str) -> None:
    assert block_reader.read(text) is None


def test_deep_nesting_is_left_to_pyyaml() -> None:
    depth = sys.getrecursionlimit() + 10
    text = "".join(" " * level + "a:\n" for level in range(depth)) + " " * depth + "a: 1\n"
    assert block_reader.read(text) is None
    assert load_text(text, "record.yaml").findings  # PyYAML's path says it is too deep


@pytest.mark.parametrize("allow_unicode", [False, True])
def test_the_reader_answers_for_what_yaml_dump_writes(allow_unicode: bool) -> None:
    """A large units.yaml is most often written by a script: PyYAML's dump escapes å, ä, ö
    (`"Karin Sj\\xF6berg"`) and writes lists under a key at the key's indent."""
    units = {
        f"unit-{number}": {
            "name": f"Avdelningen för {word} {number}",
            "contact_email": f"unit-{number}@norrvik.example",
            "supervisors": [
                {"name": "Karin Sjöberg", "email": "karin@norrvik.example", "github": "karin"},
                {"name": 'Åsa "Ö" Ärlig', "email": "asa@norrvik.example", "github": "asa-a"},
            ],
            "founded": "2019-05-14",
            "staff": number,
            "public": number % 2 == 0,
            "note": None,
        }
        for number, word in enumerate(["språk", "hälsa", "yes", "12:30", "a: b", "#1"])
    }
    text = yaml.safe_dump({"units": units}, allow_unicode=allow_unicode, sort_keys=False)
    assert assert_reads_as_pyyaml(text), text
