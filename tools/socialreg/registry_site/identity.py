"""The organisation's identity on the site: logo, accent colour, website, footer links.

Read from `registry:` in org/organization.yaml, which its schema validates. Two things a schema
cannot check are checked here, when the site is built, and refused with one line naming the
file and line: an accent colour that does not meet WCAG AA contrast (the site uses it for links
and for buttons with white text, so it needs 4.5:1 against white), and a logo that is not a
small image file inside the repository.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from socialreg.load.documents import Document
from socialreg.load.files import is_plain_file_inside

ORGANIZATION_FILE = "org/organization.yaml"
# The site's own link colour, used when the organisation sets none.
DEFAULT_ACCENT = "#0a4f9e"
WHITE = "#ffffff"
# WCAG 2.1 success criterion 1.4.3 (AA): 4.5:1 for normal text.
MINIMUM_CONTRAST = 4.5
LOGO_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
}
# The logo is on every page; keep the pages light on a phone.
MAX_LOGO_BYTES = 100_000
_HEX = re.compile(r"^#[0-9a-fA-F]{6}\Z")


class IdentityError(Exception):
    """The organisation's identity cannot be used as written: one line, with file and line."""


@dataclass(frozen=True, slots=True)
class FooterLink:
    text: str
    url: str
    translations: dict[str, str]

    def text_in(self, language: str) -> str:
        return self.translations.get(language) or self.text


@dataclass(frozen=True, slots=True)
class Logo:
    source: Path  # the file in the repository
    target: str  # where the site keeps it, relative to its root
    alt: str
    translations: dict[str, str]
    size: tuple[int, int] | None = None  # width and height, so the page does not shift

    def alt_in(self, language: str) -> str:
        return self.translations.get(language) or self.alt


@dataclass(frozen=True, slots=True)
class Identity:
    accent: str = DEFAULT_ACCENT
    logo: Logo | None = None
    website: str | None = None
    footer_links: tuple[FooterLink, ...] = ()
    show_source_link: bool = False


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of `#rrggbb`."""

    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[index : index + 2]) for index in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _where(document: Document | None, *path: str | int) -> str:
    if document is None:
        return ORGANIZATION_FILE
    line, _ = document.locate(path)
    return f"{document.path}:{line}"


def _translations(value: Any, key: str) -> dict[str, str]:
    """`{sv: {key: text}, fi: {key: text}}` -> `{sv: text, fi: text}`."""
    if not isinstance(value, dict):
        return {}
    found = {}
    for language, texts in value.items():
        if isinstance(texts, dict) and isinstance(texts.get(key), str) and texts[key].strip():
            found[str(language)] = texts[key].strip()
    return found


def read_identity(
    document: Document | None, root: Path, safe_url: Callable[[object], str | None]
) -> Identity:
    """The identity in `registry:`, or IdentityError for a colour or logo the site refuses."""
    organization = document.data if document is not None and isinstance(document.data, dict) else {}
    settings = organization.get("registry")
    if not isinstance(settings, dict):
        return Identity()
    accent = _accent(document, settings.get("accent_color"))
    logo = _logo(document, root, settings.get("logo"), settings.get("translations"))
    links = settings.get("footer_links")
    footer_links = tuple(
        FooterLink(link["text"].strip(), url, _text_translations(link.get("translations")))
        for link in (links if isinstance(links, list) else [])
        if isinstance(link, dict)
        and isinstance(link.get("text"), str)
        and (url := safe_url(link.get("url"))) is not None
    )
    return Identity(
        accent=accent,
        logo=logo,
        website=safe_url(settings.get("website")),
        footer_links=footer_links,
        show_source_link=settings.get("show_repository_link") is True,
    )


def _text_translations(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v.strip() for k, v in value.items() if isinstance(v, str) and v.strip()}


def _accent(document: Document | None, value: Any) -> str:
    if value is None:
        return DEFAULT_ACCENT
    where = _where(document, "registry", "accent_color")
    if not isinstance(value, str) or not _HEX.match(value):
        raise IdentityError(
            f"{where}: the accent colour must be written as #rrggbb, such as {DEFAULT_ACCENT}."
        )
    ratio = contrast_ratio(value, WHITE)
    if ratio < MINIMUM_CONTRAST:
        raise IdentityError(
            f"{where}: the accent colour {value} has a contrast of {ratio:.2f}:1 against white, "
            f"but links and buttons need at least {MINIMUM_CONTRAST}:1 (WCAG AA). "
            "Choose a darker colour."
        )
    return value.lower()


def _logo(document: Document | None, root: Path, value: Any, translations: Any) -> Logo | None:
    if not isinstance(value, dict):
        return None
    where = _where(document, "registry", "logo", "file")
    name = value.get("file")
    alt = value.get("alt")
    if not isinstance(name, str) or not isinstance(alt, str) or not alt.strip():
        raise IdentityError(f"{where}: the logo needs `file` and `alt` (what the logo says).")
    relative = Path(name)
    suffix = relative.suffix.lower()
    if relative.is_absolute() or ".." in relative.parts:
        raise IdentityError(
            f"{where}: give the logo as a path inside the repository, like org/logo.svg."
        )
    if suffix not in LOGO_TYPES:
        raise IdentityError(
            f"{where}: the logo must be an SVG, PNG, WebP or JPEG file (.svg, .png, .webp, .jpg)."
        )
    source = root / relative
    if not is_plain_file_inside(root, relative):  # no link, in the name or a folder on the way
        raise IdentityError(f"{where}: the logo file {name} is not in the repository.")
    size = source.stat().st_size
    if size > MAX_LOGO_BYTES:
        raise IdentityError(
            f"{where}: the logo file {name} is {size // 1000} KB; keep it under "
            f"{MAX_LOGO_BYTES // 1000} KB, since every page shows it."
        )
    return Logo(
        source,
        f"static/logo{suffix}",
        alt.strip(),
        _translations(translations, "logo_alt"),
        _shown_size(image_size(source.read_bytes(), suffix)),
    )


# The logo is shown LOGO_HEIGHT CSS pixels high (style.css: 3rem).
LOGO_HEIGHT = 48


def _shown_size(size: tuple[float, float] | None) -> tuple[int, int] | None:
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    return round(size[0] * LOGO_HEIGHT / size[1]), LOGO_HEIGHT


_SVG_NUMBER = r"\s*([0-9]+(?:\.[0-9]+)?)"


def image_size(data: bytes, suffix: str) -> tuple[float, float] | None:
    """The width and height of an SVG (its viewBox, or width and height) or a PNG, else None."""
    if suffix == ".png" and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if suffix != ".svg":
        return None
    tag = re.search(r"<svg\b[^>]*>", data[:4000].decode("utf-8", "replace"))
    if tag is None:
        return None
    box = re.search(r'viewBox="' + _SVG_NUMBER * 4, tag.group(0))
    if box:
        return float(box.group(3)), float(box.group(4))
    width = re.search(r'\bwidth="' + _SVG_NUMBER + '"', tag.group(0))
    height = re.search(r'\bheight="' + _SVG_NUMBER + '"', tag.group(0))
    if width and height:
        return float(width.group(1)), float(height.group(1))
    return None
