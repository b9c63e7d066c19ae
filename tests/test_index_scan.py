"""The index scanner (load/index_scan.py) finds a record's index fields as the loader does,
or says it cannot.

The oracle is the loader (`documents.load_text`). For every text it reads as a mapping, the
scanner's answer must be None or the loader's values of the keys, of the same types. A text the
loader does not read as a mapping may scan to anything: the index store keeps such rows as
scanned, and reads their files in full before they are used (tests/test_index_scan_store.py).
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from socialreg.load.documents import load_text
from socialreg.load.index_scan import IndexScanner
from socialreg.load.model import INDEX_KEYS
from tests.test_block_reader import RECORDS, TEST_TEXTS, _block, _mutants

# The record keys and the keys the generated texts use (but yes, no, on and null, which YAML
# reads as true, false and null where they are keys).
KEYS = (*INDEX_KEYS, "a", "b", "key", "a-b", "a_b", "A")
SCANNER = IndexScanner(KEYS)


def assert_scans_as_loaded(text: str) -> bool:
    """The scanner's answer is the loader's; whether it answered."""
    scanned = SCANNER.fields(text)
    if scanned is None:
        return False
    loaded = load_text(text, "record.yaml").document
    if loaded is None or not isinstance(loaded.data, dict):
        return True  # not a record: a candidate, read in full before it is used
    expected = {key: loaded.data[key] for key in KEYS if key in loaded.data}
    assert repr(scanned) == repr(expected), text
    return True


@pytest.mark.parametrize("name", TEST_TEXTS)
def test_every_test_file_scans_as_it_loads(name: str) -> None:
    assert_scans_as_loaded(TEST_TEXTS[name])


def test_the_scanner_answers_for_ordinary_records() -> None:
    assert RECORDS
    for name in RECORDS:
        assert assert_scans_as_loaded(TEST_TEXTS[name]), name


@settings(max_examples=1500, deadline=None)
@given(_block(0), st.sampled_from(["\n", "", "\n\n", "\n# end\n"]))
@example("a:\n  b: 'x\nkey: y'\n", "")
@example("a: b\n\n  c\nkey: 1", "\n")
def test_generated_block_yaml_scans_as_it_loads(text: str, ending: str) -> None:
    assert_scans_as_loaded(text + ending)


@pytest.mark.parametrize("name", RECORDS)
def test_records_with_one_small_edit_scan_as_they_load(name: str) -> None:
    answered = sum(assert_scans_as_loaded(m) for m in _mutants(TEST_TEXTS[name], len(name)))
    assert answered > 0


# Each hides a line at the left edge inside a value, or has its keys elsewhere than there.
@pytest.mark.parametrize(
    "text",
    [
        'owner:\n  name: "abc\nhandle: x"\nb: 1\n',  # quoted text runs on at any indent
        "owner:\n  name: 'it''s\nhandle: x'\n",
        'owner:\n  key with space: "abc\nhandle: x"\n',
        'a:\n- "abc\nhandle: x"\n',
        "a: [b,\nhandle: x]\n",
        "a: {b: 1,\nhandle: x}\n",
        'a: &anchor "abc\nhandle: x"\n',
        'a: !!str "abc\nhandle: x"\n',
        '? "abc\nhandle: x"\n: 1\n',
        "name: abc\n  def\nhandle: 1\n",  # plain text over two lines
        "name: abc\n\n  def\n",
        "handle: x\nhandle: y\n",
        "handle: >-\n  x\n",
        "handle:\n  x\n",
        "handle: *x\n",
        "  handle: x\n",  # the keys are indented
        "# c\n  handle: x\n  unit: y\n",
        "- handle: x\n",  # a list
        '"handle": x\n',
        "handle : x\n",
        "<<: {handle: x}\n",
        "---\nhandle: x\n",
        "%YAML 1.1\n---\nhandle: x\n",
        "\ufeffhandle: x\n",
        "handle: x\r\nunit: y\r\n",
        "handle: x\runit: y\n",
        "a: b\u2028handle: x\n",
        "handle:\tx\n",
        "handle: x",
    ],
)
def test_text_that_may_hide_a_key_is_left_to_the_loader(text: str) -> None:
    assert SCANNER.fields(text) is None


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        (
            'handle: "@x"\nurl: https://x.example/a#b\n',
            {"handle": "@x", "url": "https://x.example/a#b"},
        ),
        ("handle: x # c\nname: 'it''s'\n", {"handle": "x", "name": "it's"}),
        ("purpose: |\nhandle: x\n", {"handle": "x"}),  # the empty text ends at the edge
        ("goals:\n- b\nhandle: 12\n", {"handle": 12}),
        ("platform_id: 0x1F\nstatus: yes\n", {"status": True, "platform_id": 31}),
        ("# yaml-language-server: x\n\nunit: u\n# c\nname: n\n", {"name": "n", "unit": "u"}),
        ("purpose: >-\n  The 'best' one, \"quoted\" [a]\nhandle: h\n", {"handle": "h"}),
    ],
)
def test_the_scanner_finds_the_values_at_the_left_edge(
    text: str, fields: dict[str, object]
) -> None:
    scanned = SCANNER.fields(text)
    assert scanned == fields
    assert list(scanned) == [key for key in KEYS if key in fields]  # in the keys' order
    assert_scans_as_loaded(text)


@pytest.mark.parametrize("key", ["yes", "null", "a b", "1"])
def test_a_key_yaml_does_not_read_as_text_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match="not a key"):
        IndexScanner([key])
