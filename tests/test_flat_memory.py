"""A large check keeps of each record only what the rules comparing records read: the findings
are the same as when every record is held whole, lines included."""

from __future__ import annotations

import datetime
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from socialreg import parallel
from socialreg.check import engine
from socialreg.check.pipeline import check_repository
from socialreg.load import documents
from socialreg.load.documents import DetachedDocument, load_file
from socialreg.rules.base import all_rules
from tests.rules.casefiles import _template, make_repository

TODAY = datetime.date(2026, 11, 21)


def _account(root: Path, name: str, **fields: object) -> None:
    data = _template("account")
    data.update(fields)
    path = root / "accounts" / "library" / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _findings(root: Path) -> list[tuple[str, int, int, str, str, str]]:
    result = check_repository(root, None, TODAY)
    return sorted(
        (f.path, f.line, f.column, f.rule, str(f.severity), f.message) for f in result.findings
    )


def test_forked_workers_that_let_records_go_find_what_one_process_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repository(tmp_path / "repo")
    handle = "@library.example.org"
    _account(root, "copy-one", handle=handle)  # the template's handle: duplicates
    _account(root, "copy-two", handle=handle, decision={"related_accounts": ["nowhere"]})
    _account(
        root,
        "lookalike",
        handle="@library.exampie.org",
        url="https://bsky.app/profile/library.exampie.org",
    )
    _account(
        root,
        "waived",
        handle="@library.examp1e.org",
        url="https://bsky.app/profile/library.examp1e.org",
        waivers=[{"rule": "SR121", "reason": "Our own sub-account, agreed with the office.",
                  "approved_by": "karin-sjoberg", "expires": "2027-06-30"}],
    )  # fmt: skip
    serial = _findings(root)
    rules = {finding[3] for finding in serial}
    assert {"SR108", "SR121"} <= rules
    assert any(finding[1] > 1 for finding in serial if finding[3] == "SR108")
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert _findings(root) == serial


def test_a_detached_document_reads_its_text_again_only_when_asked(tmp_path: Path) -> None:
    text = "platform: bluesky\nhandle: '@x.example.org'\nstatus: active\n"
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    loaded = load_file(tmp_path, "a.yaml").document
    assert loaded is not None
    document = DetachedDocument("a.yaml", {"handle": "@x.example.org"}, str(tmp_path), hash(text))
    copy = pickle.loads(pickle.dumps(document))  # travels without reading the file
    assert copy.locate(("handle",)) == loaded.locate(("handle",)) == (2, 1)
    assert document.text == text


def test_a_file_changed_since_it_was_checked_is_not_trusted_for_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "platform: bluesky\nhandle: '@x.example.org'\n"
    (tmp_path / "a.yaml").write_text("\n\n\n" + text, encoding="utf-8")  # moved down since
    document = DetachedDocument("a.yaml", {"handle": "@x.example.org"}, str(tmp_path), hash(text))
    assert document.locate(("handle",)) == (1, 1)
    (tmp_path / "a.yaml").unlink()
    gone = DetachedDocument("a.yaml", {}, str(tmp_path), hash(text))
    assert gone.locate(("handle",)) == (1, 1)
    monkeypatch.setattr(documents, "read_plain_file", lambda *a: pytest.fail("read again"))
    pickle.dumps(DetachedDocument("a.yaml", {}, str(tmp_path), 0))


def test_every_rule_that_compares_records_says_what_it_reads() -> None:
    comparing = [rule for rule in all_rules() if rule.compares_records]
    assert comparing, "the duplicate and look-alike rules compare records"
    for rule in comparing:
        assert rule.reads, rule.code
        assert {read.partition(".")[0] for read in rule.reads} <= engine.kept_keys()
    assert "waivers" in engine.kept_keys()  # the waivers apply after the comparing rules


def test_a_local_rule_that_looks_at_the_index_fails_loudly(tmp_path: Path) -> None:
    root = make_repository(tmp_path / "repo")
    result = check_repository(root, None, TODAY)
    checker = engine.RecordChecker(
        result.repository, TODAY, engine.rule_settings(result.repository.org_data("policy"))
    )
    comparing = {rule.code for rule in all_rules() if rule.compares_records}
    contexts = checker._contexts
    local = next(context for code, context in contexts.items() if code not in comparing)
    assert len(contexts["SR108"].repository.accounts) == len(result.repository.accounts) > 0
    with pytest.raises(RuntimeError, match="compares_records"):
        local.repository.accounts.get("anything")


_SLOW_ORG_FILES = """
import datetime, os, sys, time
from pathlib import Path
from socialreg import parallel
from socialreg.check import pipeline
parallel.PARALLEL_THRESHOLD = 1
os.cpu_count = lambda: 2
pipeline.BATCH = 1  # a worker has something to send after its first record
load = pipeline.load_org_files
def slow(repository, names=tuple(pipeline.ORG_FILES), **keywords):
    if "units" in names:
        time.sleep(1)  # the workers are done loading before the org files are sent
    load(repository, names, **keywords)
pipeline.load_org_files = slow
result = pipeline.check_repository(Path(sys.argv[1]), None, datetime.date(2026, 11, 21))
print(len(result.findings))
"""


def test_workers_and_the_parent_never_wait_for_each_other(tmp_path: Path) -> None:
    """The org/ files (megabytes for thousands of units) go to the workers while the workers
    have batches to send: each side writing to a full pipe would wait for the other forever."""
    root = make_repository(tmp_path / "repo")
    units_file = root / "org" / "units.yaml"
    units = yaml.safe_load(units_file.read_text(encoding="utf-8"))
    first = next(iter(units["units"].values()))
    for number in range(2_000):  # a units.yaml far larger than a pipe holds
        units["units"][f"unit-{number}"] = {**first, "name": f"Unit number {number}"}
    units_file.write_text(yaml.safe_dump(units), encoding="utf-8")
    for number in range(300):  # and more index entries to send than a pipe holds
        _account(root, f"account-{number}", handle=f"@account{number}.example.org")
    finished = subprocess.run(
        [sys.executable, "-c", _SLOW_ORG_FILES, str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-2000:]


@pytest.mark.parametrize(
    "text",
    [
        "platform: bluesky\nhandle: '@x.example.org'\ngoals:\n  - {description: a, target: b}\n",
        "platform: bluesky\nplatform: x\n",  # a duplicate key: the careful builder
        "a: &anchor {b: 1}\nc: *anchor\n",  # an alias
        "date: 2026-02-30\n",  # an impossible date
    ],
)
def test_loading_a_file_leaves_no_cycles_for_the_collector(text: str) -> None:
    """Workers turn the cyclic collector off and let each record go once it is checked: what
    loading leaves in a cycle is never freed there (3 KB per file made 100,000 records 300 MB
    per worker)."""
    import gc

    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        documents.load_bytes(text.encode("utf-8"), "a.yaml")
        assert gc.collect() == 0
    finally:
        if enabled:
            gc.enable()


@pytest.mark.parametrize(
    "text",
    [
        "units:\n  library:\n    name: Library\n    contact_email: library@example.org\n",
        "units:\n  library:\n    name: Library\n  library:\n    name: Again\n",  # a finding
        "units: [\n",  # broken: the finding's line comes from the text
    ],
)
def test_a_large_file_is_loaded_in_a_process_of_its_own_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    """Parsing a 12 MB units.yaml left 300 MB in the process that parsed it (the parser's
    node graph, in arenas the values kept hold on to): a forked process parses it instead."""
    from socialreg.load import apart

    padding = "# " + "x" * 78 + "\n"
    (tmp_path / "units.yaml").write_text(text + padding * 200, encoding="utf-8")
    pids = tmp_path / "pids"
    load = documents.load_file  # what apart.load_file is until it is replaced below

    def load_and_tell(root: Path, relative_path: str, max_bytes: int) -> documents.LoadResult:
        with pids.open("a", encoding="ascii") as told:
            told.write(f"{os.getpid()}\n")
        return load(root, relative_path, max_bytes)

    here = load_file(tmp_path, "units.yaml", documents.MAX_ORG_FILE_BYTES)
    monkeypatch.setattr(apart, "load_file", load_and_tell)
    monkeypatch.setattr(apart, "APART_BYTES", 10_000)
    apart_result = apart.load_large_file(tmp_path, "units.yaml", documents.MAX_ORG_FILE_BYTES)
    assert pids.read_text(encoding="ascii").split() != [str(os.getpid())]
    assert apart_result.findings == here.findings
    if here.document is None:
        assert apart_result.document is None
    else:
        assert apart_result.document is not None
        assert apart_result.document.data == here.document.data
        assert apart_result.document.text == here.document.text
        assert apart_result.document.locate(("units",)) == here.document.locate(("units",))

    pids.unlink()
    monkeypatch.setattr(apart, "APART_BYTES", 1_000_000)  # a small file is loaded here
    apart.load_large_file(tmp_path, "units.yaml", documents.MAX_ORG_FILE_BYTES)
    assert pids.read_text(encoding="ascii").split() == [str(os.getpid())]


def test_workers_have_the_org_files_from_the_fork_and_never_wait_for_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The org/ files are read before the workers start: sent to each worker instead, they
    were a second copy in every worker, and the records a worker loaded while it waited for
    them piled up (a worker's memory doubled on a first run at 100,000 accounts)."""
    root = make_repository(tmp_path / "repo")
    for number in range(20):
        _account(root, f"account-{number}", handle=f"@account{number}.example.org")
    serial = _findings(root)

    def no_bytes(*_arguments: object) -> None:
        raise AssertionError("the org/ files travel by the fork, not through a pipe")

    monkeypatch.setattr(parallel.Channel, "send_bytes", no_bytes)
    monkeypatch.setattr(parallel.Channel, "receive_bytes", no_bytes)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert _findings(root) == serial


def test_an_index_entry_keeps_of_a_mapping_only_the_parts_the_comparing_rules_read(
    tmp_path: Path,
) -> None:
    """SR108 reads `decision.related_accounts`; the rest of `decision` (dates, answers) was 40%
    of what 100,000 index entries held in the parent."""
    root = make_repository(tmp_path / "repo")
    decision = {
        "date": "2026-01-12",
        "comms_contacted": "2026-01-05",
        "existing_channels_reviewed": True,
        "related_accounts": ["uni-facebook"],
    }
    _account(root, "related", handle="@related.example.org", decision=decision)
    result = check_repository(root, None, TODAY)
    entry = result.repository.accounts["related"]
    assert entry.fields["decision"] == {"related_accounts": ["uni-facebook"]}
    (record,) = [record for record in result.repository.records if record.id == "related"]
    assert record.data["decision"] == decision  # the record itself is whole
    assert engine.kept(record).data["decision"] == {"related_accounts": ["uni-facebook"]}
    assert engine.kept_parts() == {"decision": frozenset({"related_accounts"})}


def test_making_each_accounts_identity_keys_once_fills_no_cache() -> None:
    """A worker makes the keys of each of its 50,000 accounts once: through the caches of
    identity_key and series_key, 65,536 handles and keys each stayed alive for nothing."""
    from socialreg.identity import text
    from socialreg.identity.catalogue import catalogue_from_policy
    from socialreg.identity.keys import identity_keys

    catalogue = catalogue_from_policy(_template("policy"))
    text.identity_key.cache_clear()
    text.series_key.cache_clear()
    handles = [f"@Unit{number}.example" for number in range(100)]
    made = [
        identity_keys({"platform": "bluesky", "handle": handle}, catalogue) for handle in handles
    ]
    assert text.identity_key.cache_info().currsize == 0
    assert text.series_key.cache_info().currsize == 0
    for handle, keys in zip(handles, made, strict=True):
        assert (keys.handle, keys.series) == (text.identity_key(handle), text.series_key(handle))
