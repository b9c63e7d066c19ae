"""Fixtures for the registry site tests: a copy of the example repository, and built sites."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import copy_example
from tests.registry_site.chromium import CHROMIUM, FLAGS, _Page

from socialreg.check.pipeline import load_repository
from socialreg.registry_site.build import BuildResult, build_site

TODAY = datetime.date(2026, 11, 21)
GENERATED = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC)


def copy_registry(target: Path) -> Path:
    """The example organisation's records, org/ files and schemas, copied to `target`."""
    return copy_example(target)


def build(root: Path, out: Path) -> BuildResult:
    return build_site(load_repository(root), out, TODAY, GENERATED)


@pytest.fixture
def registry_copy(tmp_path: Path) -> Path:
    return copy_registry(tmp_path / "registry")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example organisation's site, built once for the session."""
    out = tmp_path_factory.mktemp("site") / "site"
    build(copy_registry(out.parent / "registry"), out)
    return out


@pytest.fixture(scope="session")
def swedish_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site with `registry.language: sv`."""
    root = copy_registry(tmp_path_factory.mktemp("sv") / "registry")
    set_language(root, "sv")
    out = root.parent / "site"
    build(root, out)
    return out


def set_language(root: Path, language: str) -> None:
    path = root / "org" / "organization.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  languages: [en, sv]\n" in text
    path.write_text(
        text.replace("  languages: [en, sv]\n", f"  languages: [{language}]\n"), encoding="utf-8"
    )


@pytest.fixture(scope="session")
def example_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture example organisation (read only), copied once for the session."""
    return copy_registry(tmp_path_factory.mktemp("example") / "registry")


BuildFunction = Callable[[Path, Path], BuildResult]


@pytest.fixture(scope="session")
def build_registry() -> BuildFunction:
    """Build the site of a registry folder as on TODAY: `build_registry(root, out)`."""
    return build


def add_copies(root: Path, count: int) -> None:
    """`count` more official accounts: copies of the library's pilot with their own handles."""
    source = root / "accounts" / "library" / "norrvik-library-instagram.yaml"
    text = source.read_text(encoding="utf-8")
    for number in range(count):
        copy = text.replace('"@norrvik.library"', f'"@norrvik.library{number:03d}"')
        copy = copy.replace(
            "instagram.com/norrvik.library/", f"instagram.com/norrvik.library{number:03d}/"
        )
        copy = copy.replace(
            "name: Norrvik University Library\n", f"name: Library copy {number:03d}\n"
        )
        target = source.with_name(f"library-copy-{number:03d}.yaml")
        target.write_text(copy, encoding="utf-8")


@pytest.fixture(scope="session")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example site with 450 more official accounts: more than the list shows at once."""
    root = copy_registry(tmp_path_factory.mktemp("large") / "registry")
    add_copies(root, 450)
    out = root.parent / "site"
    build(root, out)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing. Install Debian's chromium (apt-get install chromium) to run "
            "the browser tests; CI installs it."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[_Page]:
    page = _Page(browser)
    yield page
    page.context.close()
