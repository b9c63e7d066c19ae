"""Identity keys made once per account, kept in the index cache, and the few-records look-alike
search: each gives the same findings as working everything out again."""

from __future__ import annotations

import datetime
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg import parallel
from socialreg.check.pipeline import check_few, check_repository
from socialreg.identity.catalogue import catalogue_from_policy
from socialreg.identity.keys import IdentityKeys, identity_keys
from socialreg.identity.lookalike import LookalikeIndex, Wanted
from socialreg.identity.text import identity_key
from socialreg.load.index_store import STORE_FILE
from tests.rules.casefiles import _template, make_repository

TODAY = datetime.date(2026, 11, 21)


def _account(root: Path, name: str, **fields: object) -> str:
    data = _template("account")
    data.update(fields)
    path = f"accounts/library/{name}.yaml"
    (root / path).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _set_facebook_domains(root: Path, domains: list[str]) -> None:
    policy_file = root / "org" / "policy.yaml"
    policy = yaml.safe_load(policy_file.read_text(encoding="utf-8"))
    policy["platforms"]["facebook"]["domains"] = domains
    policy_file.write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")


def _duplicates(root: Path, path: str) -> list[str]:
    found = [
        [
            finding.message
            for finding in result.findings
            if finding.path == path and "already registered" in finding.message
        ]
        for result in (check_repository(root, (path,), TODAY), check_few(root, (path,), TODAY))
    ]
    assert found[0] == found[1]  # every record indexed, or only the related ones
    return found[0]


def test_a_changed_platform_catalogue_is_not_answered_from_the_cache(tmp_path: Path) -> None:
    """The index store keeps each account's address keys, which depend on the policy's
    platform domains: after the policy names another domain, the cached keys of the other
    accounts must not be used, or a duplicate would go unseen by the pre-commit hook."""
    root = make_repository(tmp_path / "repo")
    _set_facebook_domains(root, ["facebook.com"])
    mine = _account(
        root, "mine", platform="facebook", handle="@sameplace.page",
        url="https://www.facebook.com/sameplace.page",
    )  # fmt: skip
    _account(
        root, "theirs", platform="facebook", handle="@otherhandle",
        url="https://www.fb.com/sameplace.page",
    )  # fmt: skip
    assert _duplicates(root, mine) == []  # fb.com is not Facebook yet
    assert (root / STORE_FILE).is_file()  # and the other accounts' keys are cached
    _set_facebook_domains(root, ["facebook.com", "fb.com"])
    warm = _duplicates(root, mine)
    assert any("theirs.yaml" in message for message in warm)
    (root / STORE_FILE).unlink()
    assert _duplicates(root, mine) == warm


def test_cached_identity_keys_are_read_back_or_refused() -> None:
    keys = IdentityKeys("example", "example", ("facebook.com/example",))
    assert IdentityKeys.from_list(keys.as_list()) == keys
    for broken in (None, [], ["a", "b"], ["a", "b", "c"], [1, "b", []], ["a", None, [1]]):
        assert IdentityKeys.from_list(broken) is None


def test_keys_made_from_a_record_equal_keys_made_from_its_index_entry() -> None:
    catalogue = catalogue_from_policy(_template("policy"))
    fields = {
        "platform": "facebook",
        "handle": "@Example\u200bUni",
        "url": "https://m.facebook.com/ExampleUni/?ref=share",
        "platform_id": "123456789",
    }
    keys = identity_keys(fields, catalogue)
    assert keys.handle == identity_key("exampleuni")
    assert "facebook.com/exampleuni" in keys.addresses
    assert identity_keys(dict(fields), catalogue) == keys


_HANDLES = st.text(alphabet="abcel._-10o", min_size=3, max_size=9)


@settings(max_examples=300, deadline=None)
@given(officials=st.lists(_HANDLES, max_size=25), handle=_HANDLES)
def test_the_few_records_search_finds_what_the_whole_index_finds(
    officials: list[str], handle: str
) -> None:
    """Indexing only the official handles that `Wanted` lets through finds exactly the
    look-alikes that indexing them all finds."""
    whole = LookalikeIndex((official, number) for number, official in enumerate(officials))
    wanted = Wanted([identity_key(handle)])
    few: LookalikeIndex[int] = LookalikeIndex()
    for number, official in enumerate(officials):
        if wanted.may_resemble(identity_key(official)):
            few.add(official, number)
    assert sorted(few.resembling(handle)) == sorted(whole.resembling(handle))


def test_a_first_one_file_check_loads_the_others_in_workers_with_the_same_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an empty cache, a one-file check loads every other record for the index: in
    forked workers when there are many. The findings are those of one process."""
    root = make_repository(tmp_path / "repo")
    mine = _account(root, "mine", handle="@library.example.org")  # the template's handle
    for number in range(5):
        _account(root, f"other-{number}", handle=f"@other{number}.example.org")
    serial = check_repository(root, (mine,), TODAY).findings
    assert any("already registered" in finding.message for finding in serial)
    shutil.rmtree(root / STORE_FILE.parent)
    # One file checked in full: this process; the others loaded for the index: two workers.
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 3)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parallel.worker_count(1) == 1 and parallel.worker_count(9) == 2
    assert set(check_repository(root, (mine,), TODAY).findings) == set(serial)
    assert (root / STORE_FILE).is_file()
