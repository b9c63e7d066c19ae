"""Handles and addresses compared as identities: normalisation, skeletons, look-alikes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from socialreg.identity import generate_confusables
from socialreg.identity.catalogue import address_key, catalogue_from_policy
from socialreg.identity.lookalike import LookalikeIndex
from socialreg.identity.text import (
    MIN_LOOKALIKE_LENGTH,
    _one_edit_apart,
    identity_key,
    lookalike_reason,
    plain_key,
    series_key,
    skeleton,
    without_bait_words,
)

HERE = Path(__file__).resolve().parent
FIXTURE_POLICY = HERE / "rules" / "fixture" / "repo" / "org" / "policy.yaml"
DEFAULT_POLICY = HERE.parent / "org" / "policy.yaml"
CATALOGUE = catalogue_from_policy(yaml.safe_load(FIXTURE_POLICY.read_text(encoding="utf-8")))
HOSTS = CATALOGUE.host_table()

# The hostile registrations of issue 13, each the same handle as @norrvik.library.
SAME_HANDLE = [
    "@norrvik\u200b.library",  # zero-width space
    "@norrvik.l\u0456brary",  # Cyrillic і
    "＠ｎｏｒｒｖｉｋ．ｌｉｂｒａｒｙ",  # full-width
    "@norrvik.library/",  # trailing slash
    "@NORRVIK.LIBRARY",
    "@norrvik.\u00adlibrary",  # soft hyphen
    "@norrvik.librar\u0443",  # Cyrillic у
    "\u202e@norrvik.library",  # right-to-left override
    "@n0rrvik.library",  # digit zero
    "@norrvik.1ibrary",  # digit one
]


@pytest.mark.parametrize("written", SAME_HANDLE)
def test_the_same_handle_however_it_is_written(written: str) -> None:
    assert identity_key(written) == identity_key("@norrvik.library")


@pytest.mark.parametrize(
    ("candidate", "reason"),
    [
        ("@norrvik.libary", "it differs by a single character"),
        ("@norrvik.lirbary", "it differs by a single character"),
        ("@norrvik_library", "only the dots, underscores or hyphens differ"),
        ("@norrviklibrary", "only the dots, underscores or hyphens differ"),
        (
            "@official.norrvik.library",
            'a word like "official", "real" or "team" was added or left out',
        ),
        ("@norrvik.library.team", 'a word like "official", "real" or "team" was added or left out'),
        ("@realnorrviklibrary", 'a word like "official", "real" or "team" was added or left out'),
        ("@norrvik.library", None),  # the same handle: a duplicate, not a look-alike
        ("@norrvik.careers", None),
        ("@norrvik.library2", None),  # a numbered series is not a disguise
    ],
)
def test_lookalike_reasons(candidate: str, reason: str | None) -> None:
    assert lookalike_reason(candidate, "@norrvik.library") == reason


def test_short_handles_are_not_lookalikes() -> None:
    assert lookalike_reason("@nvu", "@nu") is None


def test_the_skeleton_is_tr39s() -> None:
    # UTS #39 examples: "paypal" with a Cyrillic а, and "rn" that looks like "m".
    assert skeleton("p\u0430ypal") == skeleton("paypal")
    assert skeleton("rnodern") == skeleton("modern")


@pytest.mark.parametrize(
    ("pasted", "key"),
    [
        ("https://m.Facebook.com/NorrvikUniversity/?ref=share", "facebook.com/norrvikuniversity"),
        ("fb.com/norrvikuniversity", "facebook.com/norrvikuniversity"),
        (
            "https://www.facebook.com/profile.php?id=100064&utm_source=x",
            "facebook.com/profile.php?id=100064",
        ),
        ("https://twitter.com/NorrvikCareers/", "x.com/norrvikcareers"),
        ("https://mobile.twitter.com/NorrvikCareers", "x.com/norrvikcareers"),
        ("https://www.threads.net/@norrvikuni?igshid=abc", "threads.com/@norrvikuni"),
        ("instagr.am/norrvikuni", "instagram.com/norrvikuni"),
        ("https://telegram.me/norrvik", "t.me/norrvik"),
        ("https://www.pinterest.se/norrvik/", "pinterest.com/norrvik"),
        ("https://www.youtube.com/@Norrvik?si=xyz#videos", "youtube.com/@norrvik"),
        (
            "https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz/",
            "bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz",
        ),
        ("https://www.instagram.com/norrvik\u200b.library/", "instagram.com/norrvik.library"),
        ("https://www.instagram.com//norrvik.library//", "instagram.com/norrvik.library"),
    ],
)
def test_addresses_are_compared_as_accounts(pasted: str, key: str) -> None:
    assert address_key(pasted, HOSTS) == key


def test_the_fixture_catalogue_is_the_default_one() -> None:
    fixture = yaml.safe_load(FIXTURE_POLICY.read_text(encoding="utf-8"))["platforms"]
    default = yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))["platforms"]
    assert fixture == default


def test_every_platform_of_the_issue_is_in_the_catalogue() -> None:
    expected = {
        "facebook", "instagram", "threads", "x", "linkedin", "youtube", "tiktok", "bluesky",
        "mastodon", "flickr", "vimeo", "pinterest", "snapchat", "whatsapp", "telegram",
    }  # fmt: skip
    assert expected <= set(CATALOGUE.platforms)
    with_ids = {key for key, platform in CATALOGUE.platforms.items() if platform.id is not None}
    assert {"facebook", "x", "youtube", "bluesky", "mastodon", "flickr"} <= with_ids
    for platform in CATALOGUE.platforms.values():
        assert platform.documentation, platform.key
        if platform.id is not None:
            assert platform.id.help and platform.id.pattern is not None, platform.key


def test_the_committed_confusables_are_what_the_generator_writes() -> None:
    version, mapping = generate_confusables.parse(generate_confusables.source_text())
    assert generate_confusables.TARGET.read_text(encoding="utf-8") == generate_confusables.render(
        version, mapping
    )


HANDLE = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._", min_size=1, max_size=16)
INVISIBLE = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e"])


@settings(max_examples=200, deadline=None)
@given(HANDLE, st.lists(st.tuples(st.integers(0, 16), INVISIBLE), max_size=4))
def test_invisible_characters_never_make_a_new_identity(
    handle: str, insertions: list[tuple[int, str]]
) -> None:
    disguised = handle
    for position, character in insertions:
        disguised = disguised[:position] + character + disguised[position:]
    assert identity_key("@" + disguised) == identity_key(handle)


@settings(max_examples=60, deadline=None)
@given(st.lists(HANDLE, min_size=1, max_size=25, unique=True), HANDLE)
def test_the_index_finds_what_comparing_one_by_one_finds(
    officials: list[str], candidate: str
) -> None:
    index: LookalikeIndex[str] = LookalikeIndex((handle, handle) for handle in officials)
    found = {official for official, _, _ in index.resembling(candidate)}
    expected = {handle for handle in officials if lookalike_reason(candidate, handle) is not None}
    # The index leaves out one kind on purpose: a digit swapped for a letter, which is rare and
    # which the skeleton covers where the two look alike (0 -> o, 1 -> l).
    assert found <= expected
    assert all(
        any(character.isdigit() for character in handle + candidate) for handle in expected - found
    )


def _reason_by_definition(candidate: str, official: str) -> str | None:
    """The look-alike test as its rule's rationale states it, in that order, made again from
    the keys for every pair (the index's facts must answer the same)."""
    first, second = identity_key(candidate), identity_key(official)
    if first == second or min(len(first), len(second)) < MIN_LOOKALIKE_LENGTH:
        return None
    plain_first, plain_second = plain_key(first), plain_key(second)
    if plain_first == plain_second:
        return "only the dots, underscores or hyphens differ"
    if without_bait_words(plain_first) == without_bait_words(plain_second):
        return 'a word like "official", "real" or "team" was added or left out'
    if not (_one_edit_apart(first, second) or _one_edit_apart(plain_first, plain_second)):
        return None
    series_first, series_second = series_key(candidate), series_key(official)
    digits = str.maketrans("", "", "0123456789")
    if series_first != series_second and series_first.translate(digits) == series_second.translate(
        digits
    ):
        return None  # a numbered series: `course1003` and `course1013` (0 and 1 read as o, l)
    return "it differs by a single character"


# Handles close to each other: a few letters, the digits 0 and 1 (read as o and l), separators
# and a bait word, so that numbered series, separators and bait words all come up.
_CLOSE_HANDLE = st.builds(
    "".join,
    st.lists(
        st.sampled_from(["a", "b", "l", "o", "0", "1", "2", ".", "_", "team", "uni"]), max_size=9
    ),
)


@settings(max_examples=3000, deadline=None)
@given(_CLOSE_HANDLE, _CLOSE_HANDLE)
def test_the_lookalike_reason_is_its_definition_both_ways(candidate: str, official: str) -> None:
    expected = _reason_by_definition(candidate, official)
    assert lookalike_reason(candidate, official) == expected
    assert lookalike_reason(official, candidate) == expected


@pytest.mark.parametrize(
    ("candidate", "official", "reason"),
    [
        ("@uni.course1003", "@uni.course1013", None),  # neighbours in a series
        ("@uni.course1003", "@uni.courseI003", "it differs by a single character"),
        ("@uni.course1003", "@uni.course-1003", "only the dots, underscores or hyphens differ"),
        (
            "@uni.course1003",
            "@uni.course1003.team",
            'a word like "official", "real" or "team" was added or left out',
        ),
    ],
)
def test_lookalike_reasons_in_a_numbered_series(
    candidate: str, official: str, reason: str | None
) -> None:
    assert lookalike_reason(candidate, official) == reason
    assert _reason_by_definition(candidate, official) == reason
