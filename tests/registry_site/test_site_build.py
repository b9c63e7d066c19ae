"""Building the example organisation's site: what each page says, and when the build refuses."""

from __future__ import annotations

import datetime
import os
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.registry_site.small_registry import make_registry

from socialreg import parallel
from socialreg.check.pipeline import load_repository
from socialreg.cli import main
from socialreg.registry_site.build import MARKER, build_site
from socialreg.registry_site.i18n import STRINGS

OFFICIAL = {
    "norrvik-university-facebook",
    "norrvik-university-instagram",
    "norrvik-university-linkedin",
    "norrvik-university-mastodon",
    "norrvik-library-instagram",
    "sleep-research-bluesky",
    "study-at-norrvik-youtube",
    "norrvik-student-vlogs-youtube",
}
ARCHIVED = {"norrvik-careers-x"}
REQUESTED = {"study-at-norrvik-tiktok"}


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _visible_text(html: str) -> str:
    """The page's text without tags, whitespace collapsed: what a reader sees."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def test_build_command_prints_the_page_to_open(tmp_path: Path, example_root: Path) -> None:
    out = tmp_path / "public"
    result = CliRunner().invoke(
        main, ["--root", str(example_root), "build", "--out", str(out), "--today", "2026-11-21"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == str((out / "index.html").resolve())
    assert "8 official accounts, 1 archived, 2 current or upcoming campaigns" in result.stderr
    expected = {
        "index.html",
        "verify.html",
        "campaigns.html",
        "archive.html",
        "404.html",
        "registry.json",
        "registry.schema.json",
        "registry.csv",
        "campaigns.ics",
        "feed.xml",
        "search-index.js",
        "robots.txt",
        "verify-identity.js",
        "official-accounts.schema.json",
        "identity-proofs.txt",
        ".well-known",
        MARKER,
    }
    assert expected <= {path.name for path in out.iterdir()}
    assert {path.name for path in (out / "static").iterdir()} == {
        "style.css",
        "js.js",
        "filter.js",
        "verify.js",
        "identity.js",
        "favicon.svg",
        "logo.svg",
        "platforms",
    }
    assert (out / "verify" / "0.js").is_file()


def test_account_pages_exist_for_official_and_archived_accounts_only(built_site: Path) -> None:
    pages = {path.stem for path in (built_site / "accounts").glob("*.html")}
    assert pages == OFFICIAL | ARCHIVED
    assert not pages & REQUESTED


def test_index_lists_every_official_account_and_nothing_else(built_site: Path) -> None:
    html = _text(built_site / "index.html")
    rows = re.findall(
        r'<tr><td class="card-title"><a href="accounts/([a-z0-9-]+)\.html">.*?'
        r'<span class="status status-(\w+)">',
        html,
    )
    rows = [(status, account) for account, status in rows]
    assert {account for _, account in rows} == OFFICIAL
    assert {status for status, _ in rows} == {"active", "pilot", "paused"}
    assert "Last updated" in html and '<time datetime="2026-11-21">2026-11-21</time>' in html
    # The filters show only with JavaScript (class js-only), so the page is whole without it.
    assert re.search(r'<section id="filters" class="filters js-only"', html)
    assert "<noscript>" in html


def test_account_page_shows_the_public_facts_and_the_official_statement(built_site: Path) -> None:
    text = _visible_text(_text(built_site / "accounts" / "norrvik-library-instagram.html"))
    assert "This is an official account of Norrvik University." in text
    for fact in (
        "Norrvik University Library",
        "Instagram",
        "@norrvik.library",
        "https://www.instagram.com/norrvik.library/",
        "library@norrvik.example",
        "About the library and what the library does",
        "Distance and Ålsund campus students",
        "pilot",
        "Registered since 2026-11-02",
        "Last confirmed by the registry 2026-11-02",
        "Pilot ends 2027-04-30",
    ):
        assert fact in text, fact
    html = _text(built_site / "accounts" / "norrvik-library-instagram.html")
    assert (
        '<a href="https://www.instagram.com/norrvik.library/" rel="me noopener noreferrer">' in html
    )


def test_archived_account_is_marked_no_longer_official(built_site: Path) -> None:
    text = _visible_text(_text(built_site / "accounts" / "norrvik-careers-x.html"))
    assert "This account is no longer an official account of Norrvik University." in text
    assert "closed on 2025-02-14" in text
    assert "This is an official account" not in text
    archive = _text(built_site / "archive.html")
    assert 'href="accounts/norrvik-careers-x.html"' in archive
    assert "norrvik-careers-x" not in _text(built_site / "index.html")


def test_campaigns_page_shows_current_and_upcoming_campaigns_with_sender(built_site: Path) -> None:
    html = _text(built_site / "campaigns.html")
    text = _visible_text(html)
    assert "Apply for autumn 2027" in text and "running now" in text
    assert "Take part in the Norrvik study on shift work and sleep" in text and "upcoming" in text
    assert "Norrvik Career Fair 2026" not in text  # ended in October
    assert 'href="accounts/norrvik-university-instagram.html"' in html
    assert "2026-11-16" in text and "2027-04-15" in text


def test_build_refuses_records_with_errors(registry_copy: Path, tmp_path: Path) -> None:
    path = registry_copy / "accounts" / "library" / "norrvik-library-instagram.yaml"
    path.write_text(_text(path).replace("status: pilot", "status: maybe"), encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    refused = runner.invoke(main, ["--root", str(registry_copy), "build", "--out", str(out)])
    assert refused.exit_code == 1
    assert "norrvik-library-instagram.yaml" in refused.stderr
    assert "The site was not built" in refused.stderr
    assert not out.exists()
    forced = runner.invoke(
        main, ["--root", str(registry_copy), "build", "--out", str(out), "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert "Do not publish this site" in forced.stderr
    assert not (out / "accounts" / "norrvik-library-instagram.html").exists()


def test_build_leaves_a_folder_it_did_not_make_alone(tmp_path: Path, example_root: Path) -> None:
    out = tmp_path / "documents"
    out.mkdir()
    (out / "thesis.txt").write_text("precious", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(example_root), "build", "--out", str(out)])
    assert result.exit_code == 2
    assert "not empty and was not made by `socialreg build`" in result.stderr
    assert (out / "thesis.txt").read_text(encoding="utf-8") == "precious"


def test_build_replaces_an_earlier_build(tmp_path: Path, example_root: Path) -> None:
    out = tmp_path / "site"
    runner = CliRunner()
    command = ["--root", str(example_root), "build", "--today", "2026-11-21"]
    assert runner.invoke(main, [*command, "--out", str(out)]).exit_code == 0
    (out / "accounts" / "deleted-account.html").write_text("old", encoding="utf-8")
    (out / "old-folder").mkdir()
    (out / "old-folder" / "page.html").write_text("old", encoding="utf-8")
    unchanged = out / "accounts" / "norrvik-university-facebook.html"
    before = unchanged.stat().st_mtime_ns
    time.sleep(0.01)
    assert runner.invoke(main, [*command, "--out", str(out)]).exit_code == 0
    assert not (out / "accounts" / "deleted-account.html").exists()
    assert not (out / "old-folder").exists()
    assert unchanged.stat().st_mtime_ns == before  # the same page is left as it was
    assert (out / "index.html").is_file()


def test_swedish_build_uses_swedish_interface_text(swedish_site: Path) -> None:
    html = _text(swedish_site / "index.html")
    assert '<html lang="sv">' in html
    text = _visible_text(html)
    assert "Officiella konton för Norrviks universitet" in text
    assert "Sök och filtrera" in text and "aktivt" in text and "på prov" in text
    account = _visible_text(_text(swedish_site / "accounts" / "norrvik-university-facebook.html"))
    assert "Det här är ett officiellt konto för Norrviks universitet." in account
    assert "Senast bekräftat av registret 2026-09-15" in account
    archived = _visible_text(_text(swedish_site / "accounts" / "norrvik-careers-x.html"))
    assert "inte längre ett officiellt konto för Norrviks universitet" in archived
    assert "Official accounts" not in text


def test_every_language_has_the_same_strings_and_placeholders() -> None:
    english = STRINGS["en"]
    assert {"en", "sv", "fi"} <= set(STRINGS)

    def placeholders(text: object) -> set[str]:
        texts = text.values() if isinstance(text, dict) else [text]
        return {name for one in texts for name in re.findall(r"\{(\w+)\}", str(one))}

    for language, strings in STRINGS.items():
        assert english.keys() == strings.keys(), language
        for key, text in english.items():
            assert isinstance(text, dict) == isinstance(strings[key], dict), (language, key)
            assert placeholders(text) >= placeholders(strings[key]), (language, key)


def test_pages_rendered_in_several_processes_are_the_pages_of_one(
    registry_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    build_registry: Callable[[Path, Path], object],
) -> None:
    build = build_registry
    serial = tmp_path / "serial"
    build(registry_copy, serial)
    monkeypatch.setattr(parallel, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parallel.worker_count(10) == 2
    forked = tmp_path / "forked"
    build(registry_copy, forked)
    files = sorted(path.relative_to(serial) for path in serial.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(forked) for path in forked.rglob("*") if path.is_file())
    for relative in files:
        assert (serial / relative).read_bytes() == (forked / relative).read_bytes(), relative


def test_built_files_are_made_as_open_makes_them(tmp_path: Path) -> None:
    """The build writes its files with os.open (registry_site/build._written): each must be
    a plain file that anyone may read and no one may run, as open() makes one."""
    root = make_registry(tmp_path / "registry")
    out = tmp_path / "site"
    generated = datetime.datetime(2026, 11, 21, tzinfo=datetime.UTC)
    build_site(load_repository(root), out, datetime.date(2026, 11, 21), generated)
    reference = tmp_path / "made-by-open"
    reference.write_bytes(b"")
    modes = {stat.S_IMODE(path.stat().st_mode) for path in out.rglob("*") if path.is_file()}
    assert modes == {stat.S_IMODE(reference.stat().st_mode)}
    assert (out / "index.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
