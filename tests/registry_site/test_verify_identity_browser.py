"""The verify page's look-alike warning, multi-platform handles and id addresses, in Chromium.

The site is built from the rule tests' small fixture registry (not the example organisation),
with a few accounts added: @norrvikuni on TikTok as well as on Instagram, a Bluesky account
that names its DID, and a YouTube channel that names its channel ID.
"""

from __future__ import annotations

import datetime
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.registry_site.chromium import _Page
from tests.registry_site.test_site_browser import _serve

from socialreg.check.pipeline import load_repository
from socialreg.identity.text import identity_key, lookalike_reason
from socialreg.registry_site.build import build_site

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).resolve().parents[1] / "rules" / "fixture"
PROJECT = Path(__file__).resolve().parents[2]
DID = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"
CHANNEL = "UCnorrvikUniversity0000A"  # the fixture's uni-youtube names it


def _add(root: Path, account_id: str, **changes: str) -> None:
    data = yaml.safe_load((FIXTURE / "templates" / "account.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    path = root / "accounts" / "library" / f"{account_id}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def identity_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("identity") / "registry"
    shutil.copytree(FIXTURE / "repo", root)
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    _add(root, "library-bluesky", platform_id=DID)  # @library.example.org
    _add(
        root,
        "uni-tiktok",
        platform="tiktok",
        handle="@norrvikuni",
        url="https://www.tiktok.com/@norrvikuni",
        name="Norrvik University on TikTok",
    )
    out = root.parent / "site"
    generated = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC)
    build_site(load_repository(root), out, datetime.date(2026, 11, 21), generated)
    return out


@pytest.fixture(scope="module")
def identity_url(identity_site: Path) -> Iterator[str]:
    yield from _serve(identity_site)


def _answer(tab: Any, url: str, typed: str) -> tuple[str, str]:
    page = tab.page
    page.goto(f"{url}/verify.html")
    page.focus("#verify-input")
    page.keyboard.insert_text(typed)
    page.keyboard.press("Enter")
    # The answer comes once the shards it needs are loaded: wait for the verdict.
    page.wait_for_selector("#verify-form[data-verdict]", state="attached")
    verdict = page.evaluate("document.getElementById('verify-form').dataset.verdict")
    text = re.sub(r"\s+", " ", str(page.text_content("#verify-result")))
    assert tab.errors == []
    return verdict, text


LOOKALIKES = [
    ("@norrvikumi", "@norrvikuni on Instagram", "one character differs"),
    ("https://www.instagram.com/norrvik_uni/", "@norrvikuni on Instagram", "dots, underscores"),
    ("@norrvik\u200buni", "@norrvikuni on Instagram", "look-alike or invisible"),
    ("@norrv\u0456kuni", "@norrvikuni on Instagram", "look-alike or invisible"),  # Cyrillic і
    ("@officialnorrvikuni", "@norrvikuni on TikTok", '"official"'),
    ("@library.examp1e.org", "@library.example.org on Bluesky", "look-alike"),
    ("NorrvikUniversiyt", "@NorrvikUniversity on Facebook", "one character differs"),
]


@pytest.mark.parametrize(("typed", "official", "reason"), LOOKALIKES)
def test_a_lookalike_is_named_as_a_possible_impersonation(
    tab: _Page, identity_url: str, typed: str, official: str, reason: str
) -> None:
    verdict, text = _answer(tab, identity_url, typed)
    assert verdict == "lookalike", text
    assert text.startswith(
        "This is not an official account of Norrvik University, but it looks like "
    ), text
    assert official in text
    assert "an impersonation is possible; report it to socialmedia@norrvik.example." in text
    assert reason in text


def test_the_browser_and_python_agree_on_identity_keys_and_reasons(
    tab: _Page, identity_url: str
) -> None:
    _answer(tab, identity_url, "@nobody-at-all")  # loads the look-alike check
    samples = [
        "@Norrvik\u200bUni",
        "＠ｎｏｒｒｖｉｋｕｎｉ",
        "norrv\u0456kuni/",
        "n0rrvikuni",
        "NORRVIKUNI",
    ]
    for sample in samples:
        in_browser = tab.page.evaluate("t => SocialregIdentity.identityKey(t, false)", sample)
        assert in_browser == identity_key(sample), sample
    pairs = [
        ("norrvikumi", "norrvikuni"),
        ("norrvikuni2", "norrvikuni3"),
        ("norrvik", "norrvikuni"),
        ("norrvikuni0", "norrvikuni"),  # a series, though the skeleton reads 0 as o
        ("norrvikun1", "norrvikuni"),  # 1 for i: a disguise
    ]
    names = {"it differs by a single character": "one", None: ""}
    for first, second in pairs:
        in_browser = tab.page.evaluate(
            "([a, b]) => { const k = SocialregIdentity.identityKey; return SocialregIdentity"
            ".reasonFor([k(a, false), k(a, true)], [k(b, false), k(b, true)]); }",
            [first, second],
        )
        assert in_browser == names[lookalike_reason(first, second)], (first, second)


def test_a_handle_on_two_platforms_says_where_it_is_official(tab: _Page, identity_url: str) -> None:
    verdict, text = _answer(tab, identity_url, "@norrvikuni")
    assert verdict == "official"
    assert (
        "@norrvikuni is an official account of Norrvik University only on Instagram, TikTok. "
        "The same handle on any other platform is not ours."
    ) in text


def test_a_handle_on_one_platform_warns_about_the_others(tab: _Page, identity_url: str) -> None:
    verdict, text = _answer(tab, identity_url, "@NorrvikLibrary")
    assert verdict == "official"
    assert "only on Facebook. The same handle on any other platform is not ours." in text


def test_an_address_with_the_permanent_id_is_official(tab: _Page, identity_url: str) -> None:
    verdict, text = _answer(tab, identity_url, f"https://bsky.app/profile/{DID}")
    assert verdict == "official", text
    assert "on Bluesky (@library.example.org)" in text
    verdict, text = _answer(tab, identity_url, f"youtube.com/channel/{CHANNEL}?si=abc")
    assert verdict == "official", text
    assert "paused" not in text or "Norrvik University" in text
    verdict, text = _answer(tab, identity_url, DID)
    assert verdict == "official", text


def test_an_address_on_an_alternate_domain_is_official(tab: _Page, identity_url: str) -> None:
    verdict, _ = _answer(tab, identity_url, "https://m.facebook.com/NorrvikLibrary/?mibextid=x")
    assert verdict == "official"
    verdict, _ = _answer(tab, identity_url, "fb.com/norrviklibrary")
    assert verdict == "official"
