"""The organisation's identity and languages on the site, built from a small registry of its own."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from tests.registry_site.small_registry import make_registry

from socialreg.check.pipeline import load_repository
from socialreg.registry_site.build import SiteError, build_site
from socialreg.registry_site.i18n import STRINGS, Translator, languages
from socialreg.registry_site.identity import contrast_ratio

TODAY = datetime.date(2026, 11, 21)
GENERATED = datetime.datetime(2026, 11, 21, 12, 0, tzinfo=datetime.UTC)


def _build(root: Path, out: Path) -> None:
    build_site(load_repository(root), out, TODAY, GENERATED)


@pytest.fixture(scope="module")
def town_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_registry(tmp_path_factory.mktemp("town") / "registry")
    out = root.parent / "site"
    _build(root, out)
    return out


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("colour", ["#777777", "#ffcc00", "#6fa8dc"])
def test_an_accent_colour_without_enough_contrast_is_refused_with_file_and_line(
    tmp_path: Path, colour: str
) -> None:
    root = make_registry(tmp_path / "registry", accent=colour)
    line = 1 + _text(root / "org" / "organization.yaml").splitlines().index(
        f'  accent_color: "{colour}"'
    )
    with pytest.raises(SiteError) as refused:
        _build(root, tmp_path / "site")
    message = str(refused.value)
    assert message.startswith(f"org/organization.yaml:{line}: the accent colour {colour} ")
    assert "4.5:1 (WCAG AA)" in message and "\n" not in message
    assert not (tmp_path / "site").exists()


def test_a_dark_enough_accent_colour_goes_into_the_stylesheet(town_site: Path) -> None:
    assert "--link: #1d4f2a;" in _text(town_site / "static" / "style.css")


@pytest.mark.parametrize(
    ("logo", "says"),
    [
        ("org/missing.svg", "is not in the repository"),
        ("../outside.svg", "a path inside the repository"),
        ("org/logo.gif", "must be an SVG, PNG, WebP or JPEG"),
    ],
)
def test_a_logo_that_is_not_a_small_image_in_the_repository_is_refused(
    tmp_path: Path, logo: str, says: str
) -> None:
    root = make_registry(tmp_path / "registry")
    path = root / "org" / "organization.yaml"
    path.write_text(_text(path).replace("file: org/logo.svg", f"file: {logo}"), encoding="utf-8")
    line = 1 + _text(path).splitlines().index(f"    file: {logo}")
    with pytest.raises(SiteError, match=rf"^org/organization.yaml:{line}: .*{says}"):
        _build(root, tmp_path / "site")


def test_a_language_without_interface_text_is_refused_with_its_line(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry", languages="[fi, xx]")
    line = 1 + _text(root / "org" / "organization.yaml").splitlines().index("  languages: [fi, xx]")
    with pytest.raises(SiteError, match=rf"^org/organization.yaml:{line}: .*'xx'"):
        _build(root, tmp_path / "site")


def test_identity_shows_logo_website_contact_and_footer_links_but_no_github(
    town_site: Path,
) -> None:
    html = _text(town_site / "index.html")
    assert '<a class="logo" href="https://www.kallio.example"><img src="static/logo.svg"' in html
    assert 'alt="Kallio Town"' in html
    assert (town_site / "static" / "logo.svg").is_file()
    assert '<a href="https://www.kallio.example">Organisaation Kallion kaupunki' in html
    assert '<a href="mailto:some@kallio.example">' in html
    assert ">Saavutettavuusseloste</a>" in html
    assert ">Tillgänglighetsutlåtande</a>" in _text(town_site / "sv" / "index.html")
    assert ">Accessibility statement</a>" in _text(town_site / "en" / "index.html")
    for page in town_site.rglob("*.html"):
        assert "github" not in _text(page).lower(), page


def test_the_repository_link_shows_only_when_asked_for(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry")
    path = root / "org" / "organization.yaml"
    path.write_text(
        _text(path).replace(
            "  website:", "  repository: kallio/some\n  show_repository_link: true\n  website:"
        ),
        encoding="utf-8",
    )
    _build(root, tmp_path / "site")
    assert '<a href="https://github.com/kallio/some">' in _text(tmp_path / "site" / "index.html")


def test_each_language_has_its_own_path_lang_attribute_and_alternates(town_site: Path) -> None:
    pages = {"fi": town_site, "sv": town_site / "sv", "en": town_site / "en"}
    base = "https://some.kallio.example/"
    for code, folder in pages.items():
        for page in ("index.html", "verify.html", "archive.html", "campaigns.html"):
            html = _text(folder / page)
            assert f'<html lang="{code}">' in html, (code, page)
            assert f'<link rel="alternate" hreflang="fi" href="{base}{page}">' in html
            assert f'<link rel="alternate" hreflang="sv" href="{base}sv/{page}">' in html
            assert f'<link rel="alternate" hreflang="en" href="{base}en/{page}">' in html
            assert f'<link rel="alternate" hreflang="x-default" href="{base}{page}">' in html
    account = _text(town_site / "sv" / "accounts" / "kallio-culture-facebook.html")
    # The switch keeps the page: the same account in the other languages.
    assert (
        '<a href="../../accounts/kallio-culture-facebook.html" hreflang="fi" lang="fi">suomi</a>'
        in account
    )
    assert '<a href="../../en/accounts/kallio-culture-facebook.html" hreflang="en"' in account
    assert '<span aria-current="true" lang="sv">svenska</span>' in account
    assert not (town_site / "sv" / "404.html").exists()


def test_record_text_is_translated_where_the_record_says_and_kept_otherwise(
    town_site: Path,
) -> None:
    swedish = _text(town_site / "sv" / "accounts" / "kallio-library-instagram.html")
    assert "<h1>Kallio bibliotek " in swedish and "Nyheter från biblioteket." in swedish
    finnish = _text(town_site / "accounts" / "kallio-library-instagram.html")
    assert "<h1>Kallion kirjasto " in finnish and "News from Kallion kirjasto" in finnish

    # Each language lists the accounts in the order of their names in that language.
    def names(html: str) -> list[str]:
        return re.findall(r'<td class="card-title"><a href="accounts/[^"]+">([^<]+)</a>', html)

    assert names(_text(town_site / "sv" / "index.html")) == [
        "Kallio bibliotek",
        "Kallio Culture",
        "Kallio Youth",
    ]
    assert names(_text(town_site / "index.html")) == [
        "Kallio Culture",
        "Kallio Youth",
        "Kallion kirjasto",
    ]


def test_account_page_links_the_handle_shows_the_platform_icon_and_last_confirmation(
    town_site: Path,
) -> None:
    html = _text(town_site / "en" / "accounts" / "kallio-culture-facebook.html")
    profile = "https://www.facebook.com/kallioculturefacebook"
    assert f'<a href="{profile}" rel="noopener noreferrer">@kallioculturefacebook</a>' in html
    icon = '<img class="platform-icon" src="../../static/platforms/facebook.svg" alt="Facebook"'
    assert icon in html
    assert (town_site / "static" / "platforms" / "facebook.svg").is_file()
    assert "The registry last confirmed this account on 2026-10-01." in html
    assert 'Last confirmed by the registry</dt><dd><time datetime="2026-10-01">' in html


def test_archive_page_explains_no_longer_official_and_since_when(town_site: Path) -> None:
    html = _text(town_site / "en" / "archive.html")
    assert "“No longer official” means that Kallio Town has stopped using the account." in html
    assert 'data-label="No longer official since"><time datetime="2024-05-31">' in html
    finnish = _text(town_site / "archive.html")
    assert "”Ei enää virallinen” tarkoittaa" in finnish


def test_counts_use_the_plural_forms_of_each_language(tmp_path: Path) -> None:
    root = make_registry(tmp_path / "registry", languages="[en, sv, fi]")
    for path in (root / "accounts").rglob("*.yaml"):
        if "culture" not in path.name:
            path.unlink()
    _build(root, tmp_path / "site")
    english = _text(tmp_path / "site" / "index.html")
    assert "Showing the only official account." in english
    assert "Kallio Town has one official account on one platform." in english
    assert "Show all accounts" not in english and "1 accounts" not in english
    assert "Visar det enda officiella kontot." in _text(tmp_path / "site" / "sv" / "index.html")
    assert "Näytetään ainoa virallinen tili." in _text(tmp_path / "site" / "fi" / "index.html")


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "Show one more"),
        ("en", 2, "Show 2 more"),
        ("en", 10000, "Show 10,000 more"),
        ("sv", 1, "Visa ett till"),
        ("sv", 10000, "Visa 10\u00a0000 till"),
        ("fi", 1, "Näytä yksi lisää"),
        ("fi", 21, "Näytä 21 lisää"),
    ],
)
def test_plural_forms_and_numbers_follow_cldr(language: str, count: int, expected: str) -> None:
    assert Translator(language).plural("show_more", count, more=count) == expected


def test_every_language_file_has_every_plural_form_its_language_needs() -> None:
    from babel import Locale

    for code, language in languages().items():
        needed = set(Locale.parse(code).plural_form.tags) | {"other"}
        for key, text in language.strings.items():
            if isinstance(text, dict):
                assert needed <= set(text), (code, key, needed - set(text))
    assert set(STRINGS) >= {"en", "sv", "fi"}


def test_a_language_is_one_file() -> None:
    """The shipped languages are exactly the files in languages/, each naming itself."""
    folder = Path(__file__).resolve().parents[2] / "tools/socialreg/registry_site/languages"
    assert {path.stem for path in folder.glob("*.yaml")} == set(languages())
    for path in folder.glob("*.yaml"):
        assert re.search(rf"^  code: {path.stem}$", _text(path), re.MULTILINE), path


def test_the_front_page_json_ld_names_at_most_a_hundred_accounts() -> None:
    """sameAs for thousands of accounts made the front page 400 KB; the rest are in the
    well-known list."""
    import json
    from types import SimpleNamespace

    from socialreg.registry_site import identity_proofs

    accounts = [SimpleNamespace(url=f"https://example.org/{n:05d}") for n in range(250)]
    registry = SimpleNamespace(
        official_accounts=accounts,
        organization="Town",
        contact_email="",
        base_url="https://registry.example.org/",
    )
    data = json.loads(identity_proofs.json_ld(registry))  # type: ignore[arg-type]
    assert len(data["sameAs"]) == identity_proofs.MAX_SAME_AS == 100
    assert data["sameAs"][0] == "https://example.org/00000"
