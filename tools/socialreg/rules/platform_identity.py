"""Proof of identity: handles and permanent ids have the platform's form; no look-alikes.

The platform catalogue in org/policy.yaml says what a handle and a permanent id look like on
each platform (identity.catalogue). A handle with a character the platform does not allow is
usually a copy-and-paste accident (a zero-width space) or a deception (a Cyrillic letter); a
handle one letter away from another unit's official handle is how impersonation starts.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from socialreg.findings import Severity
from socialreg.identity.catalogue import Catalogue, catalogue_from_policy
from socialreg.identity.lookalike import LookalikeIndex, Wanted
from socialreg.identity.text import bare_handle, identity_key, is_invisible, series_key
from socialreg.load.look_ahead import FEW_RECORDS
from socialreg.load.model import Record, RecordSummary, Repository
from socialreg.parallel import collector_paused
from socialreg.rules.base import (
    Problem,
    RuleContext,
    register,
    register_early_lookup,
    register_input,
)
from socialreg.sources import KI, RECORD_FORMAT
from socialreg.wording import FEW, a_or_an, first_few


def _catalogue(repository: Repository) -> Catalogue:
    return catalogue_from_policy(repository.org_data("policy"))


def _odd_characters(handle: str) -> str:
    """Name the characters a reader cannot see or may misread, for the message."""
    names = []
    for character in dict.fromkeys(handle):
        if is_invisible(character) or (ord(character) > 127 and not character.isspace()):
            names.append(f"U+{ord(character):04X}")
    return ", ".join(names)


@register(
    code="SR120",
    scope="account",
    rationale="""
Each platform allows only some characters in its handles, and its permanent ids (a YouTube
channel ID, a Bluesky DID, the user id on X) have a fixed form; org/policy.yaml lists both for
every platform. A handle with another character cannot be the account's real handle: it is a
typing accident or a look-alike, such as a zero-width space or a Cyrillic "і" in place of a
Latin "i". A permanent id in the wrong form would make the registry match the wrong account.
""",
    source=f"{RECORD_FORMAT}; {KI}",
    passing="""
platform: youtube
handle: "@StudyAtExample"
url: https://www.youtube.com/@StudyAtExample
platform_id: UCq3Ci-h945sbEYXpVlw7rJg
""",
    failing="""
platform: youtube
handle: "@StudyAtExample"
url: https://www.youtube.com/@StudyAtExample
platform_id: StudyAtExample      # a channel ID starts with UC
""",
)
def check_platform_form(record: Record, context: RuleContext) -> Iterator[Problem]:
    data = record.data
    platform = context.derived("SR120.catalogue", _catalogue).get(data.get("platform"))
    if platform is None:
        return  # SR015 says the platform is unknown
    handle = data.get("handle")
    if isinstance(handle, str) and platform.handle_pattern is not None:
        bare = handle.strip().lstrip("@")
        # An address written as the handle is SR131's to explain.
        if bare and "/" not in bare.rstrip("/") and not platform.handle_pattern.search(bare):
            odd = _odd_characters(bare)
            why = (
                f" It contains characters that look like nothing or like other letters ({odd}):"
                " type the handle again rather than copying it."
                if odd
                else " Copy the handle exactly as the platform shows it on the profile."
            )
            yield Problem(
                record.document,
                ("handle",),
                f"{handle} is not a possible {platform.name} handle.{why}",
            )
    platform_id = data.get("platform_id")
    if not isinstance(platform_id, str):
        return
    if platform.id is None and (platform.domains or platform.handle_pattern is not None):
        # A platform the catalogue describes, without a permanent id. (A policy that lists
        # only name and url_pattern describes nothing: it cannot judge the id either way.)
        yield Problem(
            record.document,
            ("platform_id",),
            f"{platform.name} has no permanent id in org/policy.yaml, so platform_id cannot "
            "be checked. Remove it, or ask the registry's maintainers to add the platform's id "
            "to the catalogue.",
        )
    elif (
        platform.id is not None
        and platform.id.pattern is not None
        and not platform.id.pattern.search(platform_id)
    ):
        yield Problem(
            record.document,
            ("platform_id",),
            f"{platform_id} is not {a_or_an(platform.name)} {platform.id.name}. {platform.id.help}",
        )


class _Officials:
    """The non-archived accounts' handles, per platform, indexed by resemblance."""

    def __init__(self, repository: Repository | None = None) -> None:
        self.by_platform: dict[str, LookalikeIndex[RecordSummary]] = {}
        if repository is not None:
            # Hundreds of thousands of small keys and lists, none in a cycle: see
            # collector_paused.
            with collector_paused():
                wanted = _wanted(repository)
                for summary in repository.accounts.values():
                    self.add(summary, wanted)

    def add(self, summary: RecordSummary, wanted: dict[str, Wanted] | None = None) -> bool:
        """Index `summary` when it is an official account's (and could resemble one of
        `wanted`); whether it was."""
        official = _official(summary)
        if official is None:
            return False
        platform, handle, keys = official
        if wanted is not None and not (
            platform in wanted and wanted[platform].may_resemble(keys[0])
        ):
            return False
        index = self.by_platform.setdefault(platform, LookalikeIndex())
        index.add_keys(handle, keys, summary)
        return True


def _official(summary: RecordSummary) -> tuple[str, str, tuple[str, str]] | None:
    """(platform, handle, (identity_key, series_key)) of a non-archived account; else None."""
    platform, handle = summary.get("platform"), summary.get("handle")
    if summary.kind != "account" or summary.get("status") == "archived":
        return None
    if not isinstance(platform, str) or not isinstance(handle, str):
        return None
    keys = summary.identity
    if keys is not None and keys.handle is not None and keys.series is not None:
        return platform, handle, (keys.handle, keys.series)
    return platform, handle, (identity_key(handle), series_key(handle))


class _OfficialsAsTheyCome:
    """SR121's index, made from the entries as a large run's workers send them (see
    rules.base.EarlyLookup): making every handle's search keys was 1.3 s of the one-core
    second step of a check of 100,000 accounts."""

    def __init__(self) -> None:
        self.officials = _Officials()
        # The identities of the summaries indexed (the index holds each, so none is reused),
        # as 8-byte numbers while the workers run: the peak of a large check is then.
        self.added = array("q")

    def add(self, summaries: Iterable[RecordSummary]) -> None:
        with collector_paused():
            for summary in summaries:
                if self.officials.add(summary):
                    self.added.append(id(summary))
        for index in self.officials.by_platform.values():
            index.sort_added()

    def finished(self, repository: Repository) -> _Officials | None:
        if _wanted(repository) is not None:
            return None  # a few records checked in full: `derived` indexes fewer handles
        # The index keeps one entry per id: of two files with one id, it leaves one out,
        # which was added here. The same officials, no more and no fewer, or none of it.
        kept = [summary for summary in repository.accounts.values() if _official(summary)]
        added = set(self.added)
        if len(kept) != len(added) or any(id(summary) not in added for summary in kept):
            return None
        return self.officials


def _wanted(repository: Repository) -> dict[str, Wanted] | None:
    """Per platform, what the few records checked in full could resemble; None for many (up
    to FEW_RECORDS, a one-file check, only the official handles that could resemble one of
    theirs are indexed; a larger run indexes them all)."""
    records = repository.records
    if repository.checked_in_full > FEW_RECORDS or len(records) < repository.checked_in_full:
        return None  # many records, or records held elsewhere (a parallel run): index them all
    handles: dict[str, list[str]] = {}
    for record in records:
        platform, handle = record.data.get("platform"), record.data.get("handle")
        if isinstance(platform, str) and isinstance(handle, str):
            handles.setdefault(platform, []).append(identity_key(handle))
    return {platform: Wanted(keys) for platform, keys in handles.items()}


def _name(summary: RecordSummary) -> Any:
    return summary.get("name") or summary.id


def _handle_keys(record: Record) -> tuple[str, str] | None:
    """The handle's (identity_key, series_key), when the record's loading made them."""
    keys = record.identity
    if keys is None or keys.handle is None or keys.series is None:
        return None
    return keys.handle, keys.series


@register(
    code="SR121",
    scope="account",
    severity=Severity.WARNING,
    compares_records=True,
    reads=("platform", "handle", "status"),
    rationale="""
The registry exists so the public can tell an official account from an impostor. A handle that
is one letter away from another official handle on the same platform, differs only in its dots,
underscores or hyphens, adds a word like "official", "real" or "team", or uses letters that look
alike (Unicode's confusable skeletons, UTS #39), will be mistaken for the other account, and
teaches the public that such differences are normal. Choose a handle that is clearly different,
or use the existing account. A warning, because the similar handle may be deliberate (a unit's
own sub-account); the communications office decides.
""",
    source=f"{RECORD_FORMAT}; {KI}",
    passing="""
platform: instagram
handle: "@example.careers"     # the university's official handle is @exampleuni
url: https://www.instagram.com/example.careers/
""",
    failing="""
platform: instagram
handle: "@example_uni"         # only an underscore away from the official @exampleuni
url: https://www.instagram.com/example_uni/
""",
)
def check_lookalikes(record: Record, context: RuleContext) -> Iterator[Problem]:
    data = record.data
    platform, handle = data.get("platform"), data.get("handle")
    if not isinstance(platform, str) or not isinstance(handle, str):
        return
    if data.get("status") == "archived" or not bare_handle(handle):
        return
    index = context.derived("SR121.officials", _Officials).by_platform.get(platform)
    if index is None:
        return
    alike = sorted(
        (
            (summary.path, official, summary, reason)
            for official, summary, reason in index.resembling(handle, _handle_keys(record))
            if summary.id != record.id
        ),
        key=lambda found: found[0],
    )
    if not alike:
        return
    _, official, summary, reason = alike[0]
    if len(alike) == 1:
        yield Problem(
            record.document,
            ("handle",),
            f"{handle} looks like {official}, the official account {_name(summary)} "
            f"({summary.path}): {reason}. People could take one for the other, and "
            "impostors use handles like this. Choose a handle that is clearly different, or "
            "post from the existing account.",
        )
        return
    # One finding that names the first few, in path order: a handle in a crowded series
    # ("@uni.news", "@uni_news", "@uninews1", ...) looks like many, and must not make a
    # finding for each of them.
    listed = first_few(
        [f"{other} ({path})" for path, other, _, _ in alike[:FEW]], len(alike), "official account"
    )
    yield Problem(
        record.document,
        ("handle",),
        f"{handle} looks like several official accounts: {listed}. The first, "
        f"{_name(summary)}: {reason}. People could take one for another, and impostors use "
        "handles like this. Choose a handle that is clearly different, or post from one of "
        "the existing accounts.",
    )


register_early_lookup("SR121", "SR121.officials", _OfficialsAsTheyCome)


register_input(
    code="SR125",
    rationale="""
Found by `socialreg audit --online`, never by `validate`: the drift guard asks the platforms
themselves, with their public protocols (Bluesky handle resolution and the PLC directory;
Mastodon WebFinger and the profile's links), whether each account is still the registered one.
It reports a handle that now leads to another permanent id (renamed or taken over), an account
that is gone, a Mastodon profile that does not link back to its registry page, and a record
that does not name its permanent id yet. The scheduled audit opens one issue per record.
""",
    source=RECORD_FORMAT,
    passing="""
platform: bluesky
handle: "@library.example.example"
platform_id: did:plc:ewvi7nxzyoun6zhxrhs64oiz   # and the handle still resolves to it
""",
    failing="""
platform: bluesky
handle: "@library.example.example"
platform_id: did:plc:ewvi7nxzyoun6zhxrhs64oiz   # but the handle now resolves to another DID
""",
)
