"""Build the public registry site from a loaded repository.

The site is static files only: HTML pages rendered here with Jinja2 (autoescaping on, so text
from records is always shown as text), the stylesheet and two small scripts, and the
downloads. It works from a web server and from the disk (file://), with JavaScript on or off.

Layout of the output folder:

    index.html            the official accounts, with search and filters
    accounts/<id>.html    one page per official or archived account
    archive.html          accounts that are no longer official
    verify.html           "Check an account", answered from verify-data.js
    campaigns.html        current and upcoming advertising campaigns
    registry.json         the data, described by registry.schema.json
    registry.csv  campaigns.ics  feed.xml
    static/               style.css, filter.js, verify.js
"""

from __future__ import annotations

import datetime
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2

from socialreg.repository import Repository
from socialreg.site.exports import calendar, feed, registry_csv, registry_json
from socialreg.site.i18n import Translator
from socialreg.site.model import OFFICIAL_STATUSES, Registry, published_registry
from socialreg.site.verify_data import verify_script

# Written into every built site; only a folder that holds it is emptied before a new build.
MARKER = ".socialreg-site"
STATIC_FILES = ("style.css", "filter.js", "verify.js", "favicon.svg")


class SiteError(Exception):
    """The site cannot be written where it was asked to be (said in plain words)."""


@dataclass(frozen=True, slots=True)
class BuildResult:
    out: Path
    index: Path
    pages: int
    official: int
    archived: int
    campaigns: int


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("socialreg", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return environment


def prepare_output(out: Path) -> None:
    """Empty `out` if it is an earlier build; refuse to touch any other non-empty folder."""
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} is a file. Give --out a folder for the site.")
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise SiteError(
                f"{out} is not empty and was not made by `socialreg build`, so it is left as it "
                "is. Give --out an empty or new folder, such as site/."
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text(
        "This folder is built by `socialreg build` and emptied on every build.\n", encoding="utf-8"
    )


def build_site(
    repository: Repository,
    out: Path,
    today: datetime.date,
    generated: datetime.datetime | None = None,
) -> BuildResult:
    """Write the site for `repository` into `out` and say what was written."""
    if generated is None:
        generated = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    registry = published_registry(repository, today, generated)
    prepare_output(out)
    environment = _environment()
    t = Translator(registry.language)
    common: dict[str, Any] = {"r": registry, "t": t, "strings": _script_strings(registry, t)}

    def page(template: str, target: str, root: str = "", **values: Any) -> None:
        text = environment.get_template(template).render(common, root=root, **values)
        (out / target).write_text(text, encoding="utf-8")

    official = registry.official_accounts
    page(
        "index.html",
        "index.html",
        current="accounts",
        platforms=_platform_choices(registry),
        units=_unit_choices(registry),
        statuses=[
            status for status in OFFICIAL_STATUSES if any(a.status == status for a in official)
        ],
    )
    page("verify.html", "verify.html", current="verify")
    page(
        "campaigns.html",
        "campaigns.html",
        current="campaigns",
        campaigns=registry.current_campaigns(),
    )
    page("archive.html", "archive.html", current="archive")
    # A server shows 404.html at any address, so its links start from the site's root path.
    site_path = urlsplit(registry.base_url).path.rstrip("/") + "/" if registry.base_url else ""
    page("404.html", "404.html", root=site_path, current="")

    (out / "accounts").mkdir()
    account_template = environment.get_template("account.html")
    for account in registry.accounts:
        current = "accounts" if account.official else "archive"
        text = account_template.render(common, root="../", a=account, current=current)
        (out / account.page).write_text(text, encoding="utf-8")

    _write_static(out)
    (out / "verify-data.js").write_text(verify_script(registry), encoding="utf-8")
    (out / "registry.json").write_text(registry_json.render(registry), encoding="utf-8")
    (out / "registry.csv").write_text(registry_csv.render(registry), encoding="utf-8", newline="")
    (out / "campaigns.ics").write_text(calendar.render(registry), encoding="utf-8", newline="")
    (out / "feed.xml").write_text(feed.render(registry), encoding="utf-8")
    return BuildResult(
        out=out,
        index=out / "index.html",
        pages=5 + len(registry.accounts),
        official=len(official),
        archived=len(registry.archived_accounts),
        campaigns=len(registry.current_campaigns()),
    )


def _script_strings(registry: Registry, t: Translator) -> dict[str, str]:
    """The browser scripts' text, with the organisation filled in and {counts} left open."""
    return {
        key: text.replace("{organization}", registry.organization).replace(
            "{email}", registry.contact_email
        )
        for key, text in t.script_strings().items()
    }


def _platform_choices(registry: Registry) -> list[tuple[str, str]]:
    used = {account.platform: account.platform_name for account in registry.official_accounts}
    return sorted(used.items(), key=lambda item: item[1].casefold())


def _unit_choices(registry: Registry) -> list[Any]:
    used = {account.unit.id: account.unit for account in registry.official_accounts}
    return sorted(used.values(), key=lambda unit: unit.name.casefold())


def _write_static(out: Path) -> None:
    static = resources.files("socialreg") / "static"
    (out / "static").mkdir()
    for name in STATIC_FILES:
        (out / "static" / name).write_bytes((static / name).read_bytes())
    schema = (static / registry_json.SCHEMA_FILE).read_bytes()
    (out / registry_json.SCHEMA_FILE).write_bytes(schema)
