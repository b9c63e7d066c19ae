"""org/units.yaml from the cache, one unit at a time (load/org_units.py), and the questions a
one-file check asks before its code is imported (load/look_ahead.py) and how it reads Git's
answer (load/git_view.py)."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg.check.pipeline import check_few, check_repository
from socialreg.load import index_cache, look_ahead
from socialreg.load.git_view import GitFacts, GitView
from socialreg.load.index_cache import org_cache_file
from socialreg.load.org_units import CachedUnits, contact_emails, supervisor_logins, units_of
from tests.rules.casefiles import git, make_repository

TODAY = datetime.date(2026, 11, 21)
CHECKED = "accounts/library/library-facebook.yaml"


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


def _many_units(root: Path) -> Path:
    """The rules fixture with 40 more units, a record whose supervisor is not its unit's, one
    whose owner is a unit's shared mailbox, and a branding approver who is only a supervisor."""

    def more_units(data: dict[str, Any]) -> None:
        for number in range(40):
            data["units"][f"unit-{number}"] = {
                "name": f"Unit {number}",
                "contact_email": f"unit-{number}@norrvik.example",
                "supervisors": [
                    {
                        "name": f"Chief {number}",
                        "email": f"chief-{number}@norrvik.example",
                        "github": f"chief-{number}",
                    }
                ],
            }

    _edit(root / "org" / "units.yaml", more_units)
    _edit(
        root / "org" / "organization.yaml",
        lambda data: data["branding_owner"].update(github=["chief-7", "nobody-at-all"]),
    )
    account = root / CHECKED
    mailbox = root / "accounts" / "library" / "mailbox-owner.yaml"
    mailbox.write_text(account.read_text(encoding="utf-8"), encoding="utf-8")

    def owned_by_a_mailbox(data: dict[str, Any]) -> None:
        data["handle"], data["url"] = "@NorrvikMailbox", "https://www.facebook.com/NorrvikMailbox"
        data["owner"]["email"] = "unit-3@norrvik.example"

    _edit(mailbox, owned_by_a_mailbox)
    _edit(account, lambda data: data["supervisor"].update(github="chief-9", name="Chief 9"))
    return root


def _findings(result: Any) -> list[tuple[str, int, int, str, str]]:
    return sorted((f.path, f.line, f.column, f.rule, f.message) for f in result.findings)


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The files were written just now: trust their stamps at once, as after two seconds.
    monkeypatch.setattr(index_cache, "RECENT_NS", 0)
    return _many_units(make_repository(tmp_path / "repo"))


def test_units_from_the_cache_answer_as_the_parsed_file(registry: Path) -> None:
    parsed = check_few(registry, (CHECKED,), TODAY).repository.org_data("units")
    assert (registry / org_cache_file("units")).is_file()
    cached = check_few(registry, (CHECKED,), TODAY).repository.org_data("units")
    units = units_of(cached)
    assert isinstance(units, CachedUnits)
    assert isinstance(parsed["units"], dict)
    assert dict(units.items()) == parsed["units"]
    assert cached == parsed
    assert len(units) == 42
    assert "unit-12" in units and "no-such-unit" not in units
    assert supervisor_logins(units) == supervisor_logins(parsed["units"])
    assert "chief-39" in supervisor_logins(units)
    assert contact_emails(units) == contact_emails(parsed["units"])
    # A whole check reads every unit: it gets them as a plain mapping from the same cache.
    whole = check_repository(registry, None, TODAY).repository.org_data("units")
    assert type(whole["units"]) is dict and whole == parsed


@pytest.mark.parametrize("path", [CHECKED, "accounts/library/mailbox-owner.yaml"])
def test_findings_that_read_units_are_the_same_from_the_cache(registry: Path, path: str) -> None:
    """A supervisor written unlike the unit's (SR103), an owner who is a unit's mailbox (SR102),
    a branding approver who is nobody (SR017, at its line in org/organization.yaml): the same
    when the units come from the cache as when they are parsed, and as with every record
    indexed."""
    everything = _findings(check_repository(registry, (path,), TODAY))
    cold = _findings(check_few(registry, (path,), TODAY))
    warm = _findings(check_few(registry, (path,), TODAY))
    assert cold == warm == everything
    approvers = [f for f in warm if f[0] == "org/organization.yaml" and f[3] == "SR017"]
    assert len(approvers) == 1 and "nobody-at-all" in approvers[0][4]  # chief-7 is a supervisor
    assert approvers[0][1] > 1
    if path == CHECKED:  # the supervisor's unit was looked up, by its address
        assert any(f[3] == "SR103" and "Per Nyström" in f[4] for f in warm)
    else:
        assert any(f[3] == "SR102" and "unit-3@norrvik.example" in f[4] for f in warm)


def test_a_finding_in_a_cached_units_file_stands_at_its_line(registry: Path) -> None:
    """The text of a cached org/ file is read only for a finding's position, and gives the
    same line as the parsed file."""
    sender = registry / "org" / "policy.yaml"
    _edit(sender, lambda data: data["advertising"].update(senders=["uni-facebok"]))
    cold = [f for f in check_few(registry, (CHECKED,), TODAY).findings if f.path.startswith("org/")]
    warm = [f for f in check_few(registry, (CHECKED,), TODAY).findings if f.path.startswith("org/")]
    assert cold == warm
    assert any(f.path == "org/policy.yaml" and f.line > 1 for f in warm)
    assert any(f.path == "org/organization.yaml" and f.line > 1 for f in warm)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],  # cut short
        lambda text: text.rpartition("\n")[0],  # a unit's line lost
        lambda text: "not json\n" + text,
        lambda text: "",
    ],
)
def test_a_damaged_units_cache_is_parsed_again(registry: Path, damage: Any) -> None:
    expected = _findings(check_few(registry, (CHECKED,), TODAY))
    cache = registry / org_cache_file("units")
    cache.write_text(damage(cache.read_text(encoding="utf-8")), encoding="utf-8")
    result = check_few(registry, (CHECKED,), TODAY)
    assert _findings(result) == expected
    assert type(units_of(result.repository.org_data("units"))) is dict  # parsed, not cached


def test_a_units_cache_of_another_version_is_not_read(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check_few(registry, (CHECKED,), TODAY)
    cache = registry / org_cache_file("units")
    head, _, body = cache.read_text(encoding="utf-8").partition("\n")
    forged = head.replace('"chief-9"', '"someone-else"').replace(":units", ":elsewhere")
    cache.write_text(forged + "\n" + body, encoding="utf-8")
    assert isinstance(
        units_of(check_few(registry, (CHECKED,), TODAY).repository.org_data("units")), dict
    )


def test_the_validate_command_asks_git_before_it_imports_the_checks() -> None:
    """What `socialreg validate` imports before it starts the look ahead must not include the
    YAML loader, the schemas or the rules (the look ahead runs while they are imported)."""
    probe = (
        "import sys; import socialreg.cli, socialreg.commands.validate; "
        "heavy = [m for m in ('yaml', 'jsonschema_rs', 'socialreg.rules', "
        "'socialreg.check.pipeline', 'socialreg.check.schemas', 'tarfile') if m in sys.modules]; "
        "print(heavy)"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert output.returncode == 0, output.stderr
    assert output.stdout.strip() == "[]"


def test_a_look_ahead_without_fork_still_finds_everything(
    registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _findings(check_repository(registry, (CHECKED,), TODAY))
    check_few(registry, (CHECKED,), TODAY)  # the store is made

    def no_fork(*arguments: Any) -> Any:
        raise OSError("no fork here")

    monkeypatch.setattr(look_ahead, "forked_workers", no_fork)
    with look_ahead.LookAhead(registry) as look:
        assert look.walked() is None
        assert _findings(check_few(registry, (CHECKED,), TODAY, look)) == expected


_LINES = st.lists(
    st.tuples(st.sampled_from("HSh"), st.sampled_from(["a", "b", "c" * 40]), st.integers(0, 3)),
    unique_by=lambda line: (line[1], line[2]),
    max_size=12,
)


def _listing(lines: list[tuple[str, str, int]], paths: list[str]) -> bytes:
    """An `ls-files -v --stage -z` listing: one line per (path, stage), in path order."""
    return b"".join(
        f"{tag} 100644 {blob} {stage}\t{path}\0".encode()
        for (tag, blob, stage), path in sorted(zip(lines, paths, strict=False), key=lambda x: x[1])
    )


@given(
    st.lists(st.text("ab/é", min_size=1, max_size=6), unique=True, max_size=12),
    _LINES,
    _LINES,
    st.integers(0, 12),
)
@settings(max_examples=300, deadline=None)
def test_lines_differing_reads_only_where_the_listings_differ(
    paths: list[str], before: Any, after: Any, shift: int
) -> None:
    """The same lines as comparing both listings whole (git_view._differing_part)."""
    earlier = _listing(before, paths)
    now = _listing(after, paths[shift:] + paths[:shift])
    whole = set(now.split(b"\0")) ^ set(earlier.split(b"\0"))
    expected = {line.split(b"\t", 1)[1].decode() for line in whole if b"\t" in line}
    assert GitFacts(now, frozenset(), False).lines_differing(earlier) == expected


def test_a_units_cache_of_another_shape_is_parsed_again(registry: Path) -> None:
    """A cache with this version but not the fields this code reads (written by a development
    version, say) is a cache miss, never an internal error."""
    expected = _findings(check_few(registry, (CHECKED,), TODAY))
    cache = registry / org_cache_file("units")
    head, _, body = cache.read_bytes().partition(b"\n")
    header = json.loads(head)
    del header["ends"]
    cache.write_bytes(json.dumps(header).encode() + b"\n" + body)
    assert _findings(check_few(registry, (CHECKED,), TODAY)) == expected


def test_git_writes_its_listing_while_nobody_asks_for_it(tmp_path: Path) -> None:
    """`git ls-files` of many files writes more than a pipe holds (64 KB): its output is read
    as it comes, so that Git finishes while the check imports its code, not when asked."""
    root = tmp_path / "repo"
    for number in range(1200):
        account = root / "accounts" / f"unit-{number % 40}" / f"account-{number}.yaml"
        account.parent.mkdir(parents=True, exist_ok=True)
        account.write_text("platform: bluesky\n", encoding="utf-8")
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "registry"]):
        git(root, *command)
    view = GitView(root)
    try:
        listing = view._processes[0]  # the first command: ls-files
        listing.wait(timeout=30)  # before the fix: stuck on a full pipe until facts()
        facts = view.facts()
        assert facts is not None and facts.listing.count(b"\0") == 1200
        assert len(facts.listing) > 64 * 1024
    finally:
        view.close()


@pytest.mark.parametrize("name", ["units", "organization"])
def test_an_org_file_edited_to_the_same_size_and_time_is_read_again(
    registry: Path, name: str
) -> None:
    """An edit that keeps the size and puts the modification time back (a tool restoring
    times, a checkout) changes the change time: the cached data is not used."""
    check_few(registry, (CHECKED,), TODAY)
    assert check_few(registry, (CHECKED,), TODAY).repository.org_data(name)  # from the cache
    path = registry / "org" / f"{name}.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = (
        text.replace("chief-7", "chief-x")
        if name == "units"
        else text.replace("nobody-at-all", "nobody-at-alx")
    )
    assert edited != text and len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    found = [f.message for f in check_few(registry, (CHECKED,), TODAY).findings]
    if name == "units":  # chief-7, the branding approver, is no longer anyone's login
        assert any("chief-7" in message for message in found)
    else:
        assert any("nobody-at-alx" in message for message in found)
