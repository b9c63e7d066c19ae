"""A finding's place and words do not depend on how it was found (issue 15, item 1).

A record checked in a worker as soon as it is loaded takes its findings' places from the
parser's nodes; a record kept for the rules that compare records has them read off its text
(load/positions.py); one that is neither plain nor fast is parsed again. Each way gives the same
line and column, and every report (text, JSON, SARIF, GitHub annotations, the pull request
comment) writes the same bytes whichever way a run took.
"""

from __future__ import annotations

import datetime
import json
import os
import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from socialreg import parallel
from socialreg.characters import visible
from socialreg.check.pipeline import ValidateOptions, validate
from socialreg.findings import MAX_MESSAGE, Finding, Severity, shortened
from socialreg.identity import text as identity_text
from socialreg.identity.lookalike import LookalikeIndex
from socialreg.load import block_reader, positions
from socialreg.load.documents import (
    DetachedDocument,
    Document,
    load_text,
    load_text_with_pyyaml,
    value_paths,
)
from socialreg.reporters import reporters
from socialreg.reporters.json_report import indented_json
from tests.rules.casefiles import _template, make_repository

TODAY = datetime.date(2026, 11, 21)
PROJECT = Path(__file__).resolve().parent.parent


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _account(handle: str, **fields: Any) -> str:
    data = _template("account")
    data.update(
        handle=f"@{handle}.example.org", url=f"https://bsky.app/profile/{handle}.example.org"
    )
    data.update(fields)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _registry_where_every_record_has_findings(root: Path) -> Path:
    """Records with findings at the top, deep in lists, at keys that are missing, on the last
    line of a file without a final line break, and in files too odd for the text reader."""
    root = make_repository(root)
    policy_file = root / "org" / "policy.yaml"
    policy = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
    policy.setdefault("rules", {})["SR106"] = {"severity": "warning", "options": {"max_hours": 1}}
    policy_file.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
    moderators = _template("account")["moderators"]
    records = {
        "plain": _account("plain"),
        "deep": _account(
            "deep", moderators=[moderators[0], {**moderators[1], "email": "not an address"}]
        ),
        "missing": _account("missing", monitoring={"frequency": "daily"}),
        "odd": _account("odd", purpose="Q&A *and* more! " * 3),  # `&`, `*`, `!`: parsed again
        "no-final-break": _account("no-final-break").rstrip("\n"),
        "commented": "# a comment first\n\n" + _account("commented").replace("\n", "\n# x\n", 3),
        "flow": _account("flow").replace(
            "monitoring:\n  frequency: daily\n  response_time_hours: 24\n",
            "monitoring: {frequency: daily, response_time_hours: 24,\n  holiday_cover: x}\n",
        ),
        "same-unit-1": _account("same-unit-1", platform="bluesky"),
        "same-unit-2": _account("same-unit-2", platform="bluesky"),
        "unicode": _account("unicode", name="Bibliotek på Östra gården \u2028 2"),
    }
    for name, text in records.items():
        _write(root, f"accounts/library/{name}.yaml", text)
    return root


def _reports(root: Path) -> dict[str, str]:
    report = validate(ValidateOptions(root, (), TODAY, strict=False))
    return {name: render(report) for name, render in reporters().items()}


def test_every_report_is_the_same_whether_workers_or_one_process_found_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _registry_where_every_record_has_findings(tmp_path / "repo")
    serial = _reports(root)
    found = json.loads(serial["json"])["findings"]
    every_record = {path.relative_to(root).as_posix() for path in root.glob("accounts/*/*.yaml")}
    assert every_record <= {finding["path"] for finding in found}
    assert {"SR106", "SR108"} <= {finding["rule"] for finding in found}
    assert any("[1]" in finding["json_path"] for finding in found)  # deep in a list
    assert len({finding["line"] for finding in found}) > 5
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parallel.worker_count(len(every_record)) == 2
    forked = _reports(root)
    for name in serial:
        assert forked[name] == serial[name], name


def test_the_findings_of_the_second_step_stand_where_the_first_parse_saw_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked run sends back where each kept field stood (`Document.places`): the rules that
    compare records place their findings without reading a file again."""
    root = _registry_where_every_record_has_findings(tmp_path / "repo")
    serial = _reports(root)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    # The workers are forked from here: none of them may read a record again for a place.
    monkeypatch.setattr(DetachedDocument, "_read_again", lambda self: "")
    forked = _reports(root)
    for name in serial:
        assert forked[name] == serial[name], name


# --- places from the parser's nodes, from the text, and from parsing again agree -----------

FILES = sorted(
    path
    for path in (PROJECT / "tests").glob("**/*.yaml")
    if b"\x00" not in path.read_bytes()[:100_000]
)


def _paths_to_ask(document: Document) -> list[tuple[str | int, ...]]:
    """Every path the parser places, and a missing key and item under each."""
    careful = Document(document.path, document.data, document.text).positions
    return [
        asked
        for path in careful
        for asked in (path, (*path, "no-such-key"), (*path, 0), (*path, -1), (*path, 99))
    ]


def _parsed_again(document: Document) -> Document:
    """The same document with every place from parsing again (locate then reads no text)."""
    again = Document(document.path, document.data, document.text)
    again.positions  # noqa: B018 - parse now
    return again


def _text(file: Path) -> str | None:
    try:
        return file.read_bytes().decode("utf-8-sig")
    except UnicodeError:
        return None  # load_file says so in a finding instead


@pytest.mark.parametrize("file", FILES, ids=lambda path: str(path.relative_to(PROJECT)))
def test_the_nodes_place_every_path_where_parsing_again_does(file: Path) -> None:
    text = _text(file)
    document = None if text is None else load_text_with_pyyaml(text, file.name, True).document
    if document is None or document._positions is not None:
        return  # not loaded, or loaded the careful way: places known already
    assert document._nodes is not None
    again = _parsed_again(document)
    for path in _paths_to_ask(document):
        assert document.locate(path) == again.locate(path), path


@pytest.mark.parametrize("file", FILES, ids=lambda path: str(path.relative_to(PROJECT)))
def test_a_record_read_without_pyyaml_places_every_path_where_parsing_does(file: Path) -> None:
    """The block reader keeps no nodes: it counts the places of a record checked in full
    (`keep_nodes`), and a record read otherwise finds its places in the text."""
    text = _text(file)
    if text is None or block_reader.read(text) is None:
        return  # read by PyYAML
    placed = block_reader.read(text, {}) is not None  # not: a list on a line, an empty item
    for keep_nodes in (True, False):
        document = load_text(text, file.name, keep_nodes=keep_nodes).document
        assert document is not None
        assert (document._positions is not None) == (keep_nodes and placed)
        assert (document._nodes is not None) == (keep_nodes and not placed)
        again = _parsed_again(document)
        for path in _paths_to_ask(document):
            assert document.locate(path) == again.locate(path), path


def _kept_places_agree(document: Document, root: Path) -> None:
    """`places` is `locate` over every path of the data, and a detached copy that holds them
    answers as the document does without its text (the file under `root` does not exist)."""
    paths = value_paths(document.data)
    places = document.places(document.data)
    assert list(places) == [number for path in paths for number in document.locate(path)]
    again = _parsed_again(document)
    detached = DetachedDocument(document.path, document.data, str(root), None, places=places)
    detached = pickle.loads(pickle.dumps(detached))
    for path in paths:
        assert detached.locate(path) == again.locate(path), path
    assert detached.text == ""  # never needed, so never read


@pytest.mark.parametrize("file", FILES, ids=lambda path: str(path.relative_to(PROJECT)))
def test_the_kept_places_are_where_parsing_again_places_each_path(
    file: Path, tmp_path: Path
) -> None:
    text = _text(file)
    if text is None:
        return
    for document in (
        load_text(text, file.name, keep_nodes=True).document,  # the block reader's places
        load_text_with_pyyaml(text, file.name, True).document,  # the parser's nodes
        load_text(text, file.name).document,  # the text, or parsing again
    ):
        if document is not None:
            _kept_places_agree(document, tmp_path)


def _has_read_its_text(document: DetachedDocument) -> bool:
    # A call, not the attribute: mypy would keep the first assertion's answer for the second.
    return document._text_read


def test_a_detached_document_reads_again_for_a_path_it_kept_no_place_of(tmp_path: Path) -> None:
    text = "a: 1\nb:\n  c: 2\nd: 3\n"
    (tmp_path / "x.yaml").write_text(text, encoding="utf-8")
    document = load_text(text, "x.yaml", keep_nodes=True).document
    assert document is not None
    kept = {"b": {"c": 2}}
    places = document.places(kept)
    assert list(places) == [1, 1, 2, 1, 3, 3]
    detached = DetachedDocument("x.yaml", kept, str(tmp_path), hash(text), places=places)
    assert detached.locate(("b", "c")) == (3, 3)
    assert not _has_read_its_text(detached)
    assert detached.locate(("d",)) == (4, 1)  # not kept: read from the file
    assert _has_read_its_text(detached)
    # Data changed since its places were taken: the places no longer fit, the text decides.
    changed = DetachedDocument("x.yaml", {"d": 3}, str(tmp_path), hash(text), places=places)
    assert changed.locate(("d",)) == (4, 1)


def test_the_nodes_are_used_and_then_let_go(monkeypatch: pytest.MonkeyPatch) -> None:
    document = load_text_with_pyyaml("a:\n  - b: 1\n  - c: 2\n", "x.yaml", True).document
    assert document is not None

    def refuse(*arguments: object) -> None:
        raise AssertionError("read off the text although the nodes were there")

    monkeypatch.setattr("socialreg.load.documents.find_position", refuse)
    assert document.locate(("a", 1, "c")) == (3, 5)
    assert document.locate(("a", 1, "d")) == (3, 5)
    assert document.locate(("z",)) == (1, 1)
    document.forget_nodes()
    assert document._nodes is None
    assert load_text("a: 1\n", "x.yaml").document._nodes is None  # type: ignore[union-attr]


_LINES = st.sampled_from(
    [
        "a: 1",
        "b:",
        "  c: 2",
        "  - x",
        "  - d: 3",
        "    e: 4",
        "- item",
        "# note",
        "",
        "f: [1,",
        " 2]",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=8), st.booleans())
# A flow collection over several lines: `a: 1` inside it is no key of the top (hypothesis).
@example(["f: [1,", "a: 1", " 2]", "a: 1"], False)
def test_the_nodes_agree_on_any_lines(lines: list[str], final_break: bool) -> None:
    text = "\n".join(lines) + ("\n" if final_break else "")
    document = load_text_with_pyyaml(text, "x.yaml", keep_nodes=True).document
    if document is None or document._nodes is None:
        return
    again = _parsed_again(document)
    for path in _paths_to_ask(document):
        assert document.locate(path) == again.locate(path), (path, text)
        found = positions.find_position(text, path)
        if found is not positions.UNSURE and found is not None:
            assert found == document.locate(path), (path, text)
    _kept_places_agree(document, Path("/nonexistent"))


# --- a finding's words, pickled and written --------------------------------------------------

_TEXT = st.text(
    st.sampled_from(["a", " ", "ö", "\t", "\n", "\r", "\x1b", "\x85", "\u2028", "\ud800", "é"]),
    max_size=30,
) | st.text(max_size=30)


def _cleaned(text: str, message: bool) -> str:
    """What a finding's text was made into before the fast way (findings.Finding)."""
    shown = visible(
        text.replace("\t", " ").replace("\n", " ").replace("\r", " ") if message else text
    )
    return shortened(shown, MAX_MESSAGE) if message else shown


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT, _TEXT, st.integers(0, 2_100))
def test_a_finding_cleans_its_texts_as_before(
    path: str, message: str, json_path: str, length: int
) -> None:
    message = (message * (length // max(len(message), 1) + 1))[:length] if message else message
    finding = Finding(path, 1, 1, "SR000", Severity.ERROR, message, json_path or "$")
    assert finding.path == _cleaned(path, message=False)
    assert finding.message == _cleaned(message, message=True)
    assert finding.json_path == _cleaned(json_path or "$", message=False)
    assert pickle.loads(pickle.dumps(finding)) == finding


def test_every_character_a_finding_escapes_is_one_that_is_not_printable() -> None:
    """The fast way trusts text that is all printable: none of what it must clean is."""
    escaped = [chr(code) for code in range(0x110000) if visible(chr(code)) != chr(code)]
    assert len(escaped) > 2_000  # the controls, line breaks and lone surrogates
    assert not any(character.isprintable() for character in escaped)


_SCALARS = st.one_of(st.integers(-(10**20), 10**20), st.text(max_size=20))
_FLAT = st.dictionaries(st.text(max_size=8), _SCALARS, max_size=4)
_DOCUMENTS = st.dictionaries(
    st.text(max_size=8),
    st.one_of(
        st.lists(_FLAT, max_size=4),
        st.dictionaries(st.text(max_size=8), _SCALARS, max_size=4),
        st.lists(st.one_of(_SCALARS, st.none(), st.booleans()), max_size=3),
        _SCALARS,
        st.none(),
    ),
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(_DOCUMENTS)
def test_the_json_report_is_written_as_json_dumps_writes_it(document: dict[str, Any]) -> None:
    assert indented_json(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- the look-alike test, made cheaper for half a million pairs, decides as before ------------


def _one_edit_apart_as_before(first: str, second: str) -> bool:
    """identity.text._one_edit_apart before it compared texts of ASCII as numbers."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    if len(first) > len(second):
        first, second = second, first
    start = 0
    while start < len(first) and first[start] == second[start]:
        start += 1
    if len(first) < len(second):
        return first[start:] == second[start + 1 :] and not second[start].isdigit()
    changed = first[start] + second[start]
    if first[start + 1 :] == second[start + 1 :]:
        return not changed.isdigit()
    return (
        start + 1 < len(first)
        and first[start] == second[start + 1]
        and first[start + 1] == second[start]
        and first[start + 2 :] == second[start + 2 :]
        and not changed.isdigit()
    )


_HANDLE_TEXT = st.text(st.sampled_from("ab1l0o._-é ő"), max_size=9)


@settings(max_examples=1_000, deadline=None)
@given(_HANDLE_TEXT, st.data())
def test_one_edit_apart_decides_as_before(first: str, data: st.DataObject) -> None:
    # Mostly near neighbours of the first text, which is what the test is about.
    edits = st.builds(
        lambda at, text: first[:at] + text + first[at + data.draw(st.integers(0, 2)) :],
        st.integers(0, max(len(first), 0)),
        st.text(st.sampled_from("ab1l0o._-é ő"), max_size=2),
    )
    second = data.draw(st.one_of(edits, _HANDLE_TEXT))
    assert identity_text._one_edit_apart(first, second) == _one_edit_apart_as_before(first, second)
    assert identity_text._one_edit_apart(second, first) == _one_edit_apart_as_before(second, first)


@settings(max_examples=500, deadline=None)
@given(_HANDLE_TEXT, _HANDLE_TEXT)
def test_a_handles_facts_give_the_reason_its_keys_give(first: str, second: str) -> None:
    keys = [
        (identity_text.identity_key(handle), identity_text.series_key(handle))
        for handle in (first, second)
    ]
    expected = identity_text.reason_for_facts(*map(identity_text.handle_facts, keys))
    assert identity_text.lookalike_reason(first, second) == expected
    index: LookalikeIndex[str] = LookalikeIndex([(second, "second")])
    found = [reason for _, _, reason in index.resembling(first)]
    assert found == [] if expected is None else found in ([], [expected])
