"""The built site in headless Chromium: accessibility, keyboard use, filters and the verify box.

Uses Debian's chromium (/usr/bin/chromium) through Python's playwright; playwright's own browser
download is not used. The site is served over http on 127.0.0.1, as it will be published.
axe-core (bundled with axe-playwright-python) checks every page type for WCAG 2.1 AA problems
and best practices; the tests expect none.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.registry_site.chromium import _axe_violations, _Page

from socialreg.commands.serve import served

pytestmark = pytest.mark.browser


def _serve(folder: Path) -> Iterator[str]:
    with served(folder) as address:
        yield address


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    yield from _serve(built_site)


@pytest.fixture(scope="module")
def swedish_url(swedish_site: Path) -> Iterator[str]:
    yield from _serve(swedish_site)


PAGES = [
    "index.html",
    "accounts/norrvik-university-facebook.html",
    "accounts/norrvik-library-instagram.html",
    "accounts/norrvik-careers-x.html",
    "archive.html",
    "campaigns.html",
    "verify.html",
    "verify.html?q=%40NorrvikCareers",
    "verify.html?q=%40nobody",
    "404.html",
]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_accessibility_violations_and_no_console_errors(
    tab: _Page, site_url: str, path: str
) -> None:
    response = tab.page.goto(f"{site_url}/{path}")
    assert response is not None and response.ok
    assert _axe_violations(tab.page) == []
    assert tab.errors == []


@pytest.mark.parametrize(
    "path", ["index.html", "accounts/norrvik-careers-x.html", "verify.html?q=x"]
)
def test_swedish_pages_have_no_accessibility_violations(
    tab: _Page, swedish_url: str, path: str
) -> None:
    tab.page.goto(f"{swedish_url}/{path}")
    assert tab.page.locator("html").get_attribute("lang") == "sv"
    assert _axe_violations(tab.page) == []
    assert tab.errors == []


def test_filtered_list_has_no_accessibility_violations(tab: _Page, site_url: str) -> None:
    tab.page.goto(f"{site_url}/index.html")
    tab.page.fill("#filter-text", "zzz no such account")
    assert _axe_violations(tab.page) == []


def _visible_rows(page: Any) -> list[str]:
    rows: list[str] = page.eval_on_selector_all(
        "#accounts tbody tr:not([hidden])",
        "rows => rows.map(r => r.cells[0].textContent.trim() + ' / '"
        " + r.cells[1].textContent.trim())",
    )
    return rows


def _wait_for_rows(page: Any, count: int) -> None:
    """Wait until `count` rows show. (wait_for_function would need the eval that CSP forbids.)"""
    deadline = time.monotonic() + 5
    while len(_visible_rows(page)) != count:
        assert time.monotonic() < deadline, f"{len(_visible_rows(page))} rows show, not {count}"
        page.wait_for_timeout(20)


def _count(page: Any) -> str:
    return str(page.text_content("#filter-count")).strip()


def _wait_for_count(page: Any, expected: str) -> None:
    """The filters answer once the search index has loaded (on the first touch): wait for it."""
    deadline = time.monotonic() + 5
    while _count(page) != expected:
        assert time.monotonic() < deadline, f"the count says {_count(page)!r}, not {expected!r}"
        page.wait_for_timeout(20)


def test_filters_give_the_right_answers(tab: _Page, site_url: str) -> None:
    page = tab.page
    page.goto(f"{site_url}/index.html")
    assert _count(page) == "Showing all 8 official accounts."
    assert not page.locator("#filter-reset").is_visible()  # nothing to clear yet
    page.fill("#filter-text", "library")
    _wait_for_count(page, "One account of 8 matches.")
    assert _visible_rows(page) == ["Norrvik University Library / Instagram"]
    assert page.locator("#filter-reset").is_visible()
    page.fill("#filter-text", "")
    assert _count(page) == "Showing all 8 official accounts."
    page.select_option("#filter-platform", "youtube")
    assert sorted(_visible_rows(page)) == [
        "Norrvik Student Vlogs / YouTube",
        "Study at Norrvik University / YouTube",
    ]
    assert _count(page) == "2 of 8 accounts match."
    page.select_option("#filter-status", "paused")
    assert _visible_rows(page) == ["Norrvik Student Vlogs / YouTube"]
    page.select_option("#filter-platform", "")
    page.select_option("#filter-status", "")
    page.select_option("#filter-unit", "communications")
    assert len(_visible_rows(page)) == 4
    page.fill("#filter-text", "@NORRVIKUNI")  # handles, any case, and what they start
    assert _visible_rows(page) == [
        "Norrvik University / Facebook",
        "Norrvik University / Instagram",
    ]
    page.fill("#filter-text", "nothing matches this")
    assert _visible_rows(page) == []
    assert _count(page) == "No account matches. Try fewer words or another filter."
    page.click("#filter-reset")
    _wait_for_rows(page, 8)
    assert _count(page) == "Showing all 8 official accounts."
    assert tab.errors == []


def test_search_and_filters_work_by_keyboard_alone(tab: _Page, site_url: str) -> None:
    page = tab.page
    page.goto(f"{site_url}/index.html")
    # From the top: skip link, logo, site title, the other language, four navigation links,
    # then the search field.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    for _ in range(8):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-text"
    page.keyboard.type("norrvik university")
    _wait_for_count(page, "6 of 8 accounts match.")
    assert len(_visible_rows(page)) == 6
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-platform"
    # Arrow keys change a closed select on Linux and Windows; the filter follows.
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "bluesky"
    assert _visible_rows(page) == []
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "facebook"
    assert _visible_rows(page) == ["Norrvik University / Facebook"]
    assert _count(page) == "One account of 8 matches."
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-reset"
    page.keyboard.press("Enter")
    _wait_for_rows(page, 8)
    assert page.input_value("#filter-text") == ""
    # Focus goes back to the search field, and focus is always visible.
    assert page.evaluate("document.activeElement.id") == "filter-text"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    assert tab.errors == []


def test_result_count_is_announced_politely(tab: _Page, site_url: str) -> None:
    tab.page.goto(f"{site_url}/index.html")
    region = tab.page.locator("#filter-count")
    assert region.get_attribute("role") == "status"
    assert region.get_attribute("aria-live") == "polite"


VERIFY_CASES = [
    (
        "https://www.facebook.com/NorrvikUniversity/?ref=bookmarks",
        "official",
        "Norrvik University on Facebook",
    ),
    ("facebook.com/norrvikuniversity", "official", "Norrvik University on Facebook"),
    ("@norrvikuni", "official", "Norrvik University on Instagram"),
    ("NORRVIKUNI", "official", "Norrvik University on Instagram"),
    (
        "http://instagram.com/norrvik.library/reels/",
        "official",
        "Norrvik University Library on Instagram",
    ),
    (
        "https://www.youtube.com/@StudyAtNorrvik/videos",
        "official",
        "Study at Norrvik University on YouTube",
    ),
    ("@news@mastodon.norrvik.example", "official", "Norrvik University News on Mastodon"),
    ("https://mastodon.norrvik.example/@news", "official", "Norrvik University News on Mastodon"),
    (
        "https://bsky.app/profile/sleeplab.norrvik.example",
        "official",
        "Norrvik Sleep Lab on Bluesky",
    ),
    ("https://twitter.com/NorrvikCareers", "archived", "Norrvik University Careers on X"),
    ("@NorrvikCareers", "archived", "Norrvik University Careers on X"),
    # Requested: approved, not opened yet. Named, never official, never linked (no page yet).
    ("https://www.tiktok.com/@study.norrvik", "requested", ""),
    ("https://www.facebook.com/NorrvikUniversityFanClub", "not-found", ""),
    ("@norrvik", "not-found", ""),
    ("   ", "empty", ""),
]


@pytest.mark.parametrize(("pasted", "verdict", "match"), VERIFY_CASES)
def test_verify_box_gives_the_right_answer(
    tab: _Page, site_url: str, pasted: str, verdict: str, match: str
) -> None:
    page = tab.page
    page.goto(f"{site_url}/verify.html")
    page.focus("#verify-input")
    page.keyboard.insert_text(pasted)
    page.keyboard.press("Enter")
    # The answer comes once the shard of the key has loaded: wait for the verdict.
    deadline = time.monotonic() + 5
    said = None
    while said is None and time.monotonic() < deadline:
        page.wait_for_timeout(10)
        said = page.evaluate("document.getElementById('verify-form').dataset.verdict || null")
    assert said == verdict
    result = re.sub(r"\s+", " ", str(page.text_content("#verify-result")))
    expected_start = {
        "official": "Official: this is an account of Norrvik University.",
        "archived": "Archived: this was an account of Norrvik University, but it is no longer "
        "official.",
        "not-found": "Not found in the registry: it may not be an official account of Norrvik "
        "University.",
        "empty": "Write a profile address or a handle first.",
        "requested": "Approved, not yet opened: Norrvik University has approved this account, "
        "but it has not been opened yet.",
    }[verdict]
    assert result.startswith(expected_start)
    if verdict == "requested":
        assert page.locator("#verify-result a").count() == 0
    if match:
        assert match in result
        link = page.locator("#verify-result a").first
        link.click()
        page.wait_for_load_state()
        assert "/accounts/" in page.url
    assert tab.errors == []


def test_pages_work_without_javascript(browser: Any, site_url: str) -> None:
    tab = _Page(browser, javascript=False)
    try:
        page = tab.page
        page.goto(f"{site_url}/index.html")
        assert page.locator("#accounts tbody tr").count() == 8
        assert page.locator("#accounts tbody tr:visible").count() == 8
        assert not page.locator("#filters").is_visible()
        assert "Search and filters need JavaScript" in str(page.text_content("main"))
        page.goto(f"{site_url}/verify.html")
        assert not page.locator("#verify-form").is_visible()
        assert "The check needs JavaScript" in str(page.text_content("main"))
        page.goto(f"{site_url}/accounts/norrvik-careers-x.html")
        assert "no longer an official account" in str(page.text_content("main"))
    finally:
        tab.context.close()


def test_axe_finds_problems_when_there_are_some(tab: _Page) -> None:
    """The accessibility check is not blind: a page with known faults fails it."""
    tab.page.set_content("<html><body><img src='logo.png'><input type='text'></body></html>")
    found = " ".join(_axe_violations(tab.page))
    assert "image-alt" in found and "html-has-lang" in found and "label" in found


@pytest.fixture(scope="module")
def large_url(large_site: Path) -> Iterator[str]:
    yield from _serve(large_site)


def test_long_lists_show_a_first_page_and_more_on_request(tab: _Page, large_url: str) -> None:
    page = tab.page
    page.goto(f"{large_url}/index.html")
    more = page.locator("#filter-more")
    assert _count(page) == "Showing 50 of 458 official accounts, sorted by name."
    assert len(_visible_rows(page)) == 50
    assert not more.is_visible()
    assert page.locator("#list-pages").text_content().split() == [
        "Page", "1", "of", "10", "Next", "page"
    ]  # fmt: skip
    assert _axe_violations(page) == []
    page.fill("#filter-text", "library")
    _wait_for_count(page, "451 accounts match. The first 50 are shown.")
    assert not page.locator("#list-pages").is_visible()
    assert more.is_visible() and more.text_content() == "Show 50 more"
    more.focus()
    page.keyboard.press("Enter")
    assert len(_visible_rows(page)) == 100
    assert _count(page) == "451 accounts match. The first 100 are shown."
    page.fill("#filter-text", "copy 042")
    assert _visible_rows(page) == ["Library copy 042 / Instagram"]
    assert _count(page) == "One account of 458 matches."
    page.fill("#filter-text", "")  # every filter cleared: the first page again
    assert len(_visible_rows(page)) == 50
    assert page.locator("#list-pages").is_visible()
    assert _axe_violations(page) == []
    assert tab.errors == []


def test_further_pages_of_the_list_work_without_javascript(browser: Any, large_url: str) -> None:
    tab = _Page(browser, javascript=False)
    try:
        page = tab.page
        page.goto(f"{large_url}/index.html")
        page.click("#list-pages a[rel=next]")
        assert page.url.endswith("/list/2.html")
        assert len(_visible_rows(page)) == 50
        page.goto(f"{large_url}/list/10.html")
        assert len(_visible_rows(page)) == 8
        assert page.locator("#list-pages a[rel=next]").count() == 0
        page.click("#accounts tbody a >> nth=0")
        assert "/accounts/" in page.url
    finally:
        tab.context.close()


@pytest.mark.parametrize(
    "path", ["index.html", "accounts/norrvik-careers-x.html", "campaigns.html", "verify.html?q=x"]
)
def test_pages_reflow_to_a_narrow_screen(browser: Any, site_url: str, path: str) -> None:
    """WCAG 1.4.10: at 320 CSS pixels nothing but a data table scrolls sideways."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        page.goto(f"{site_url}/{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
    finally:
        context.close()
