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

import contextlib
import datetime
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from socialreg.load.model import Repository
from socialreg.parallel import Channel, WorkerError, forked_workers, interleaved, worker_count
from socialreg.registry_site.exports import calendar, feed, registry_csv, registry_json
from socialreg.registry_site.i18n import Translator
from socialreg.registry_site.model import OFFICIAL_STATUSES, Account, Registry, published_registry
from socialreg.registry_site.verify_data import verify_script

# Written into every built site; only a folder that holds it is rebuilt (and so changed).
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
    """Make sure `out` is ours to write: new, empty, or an earlier build (which holds MARKER)."""
    if out.exists() and not out.is_dir():
        raise SiteError(f"{out} is a file. Give --out a folder for the site.")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise SiteError(
            f"{out} is not empty and was not made by `socialreg build`, so it is left as it "
            "is. Give --out an empty or new folder, such as site/."
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or error.__class__.__name__
        message = f"{out} cannot be made ({reason}). Give --out a folder you can write."
        raise SiteError(message) from None


class _Output:
    """Writes the site's files, leaving a file that has not changed untouched.

    A rebuild over an earlier build rewrites only what changed and then removes what the new
    build did not write (an account that was renamed, say). Creating and deleting ten thousand
    files costs more than rendering them on many file systems, and unchanged files keep their
    dates, which helps anyone who syncs the folder to a web server.
    """

    def __init__(self, out: Path) -> None:
        self.out = out
        self.written: set[Path] = set()
        self.folders: set[Path] = {out}

    def write(self, relative: str, content: str | bytes) -> None:
        path = self.out / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        if path.parent not in self.folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.folders.add(path.parent)
        self.written.add(path)
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return
        except OSError:
            pass  # not there yet
        path.write_bytes(data)

    def remove_the_rest(self) -> None:
        """Delete files and folders of an earlier build that this build did not write."""
        for folder, subfolders, files in os.walk(self.out, topdown=False):
            here = Path(folder)
            for name in files:
                if here / name not in self.written:
                    (here / name).unlink()
            for name in subfolders:
                if here / name not in self.folders and not any((here / name).iterdir()):
                    (here / name).rmdir()


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
    output = _Output(out)
    output.write(MARKER, "This folder is built by `socialreg build` and replaced on every build.\n")
    environment = _environment()
    t = Translator(registry.language)
    common: dict[str, Any] = {
        "r": registry,
        "t": t,
        "s": t.filled(organization=registry.organization, email=registry.contact_email),
        "strings": _script_strings(registry, t),
    }
    shells: dict[tuple[str, str], _Shell] = {}

    def page(
        template: str, target: str, title: str, current: str, root: str = "", **values: Any
    ) -> None:
        shell = shells.get((root, current))
        if shell is None:
            shell = shells[(root, current)] = _Shell(environment, common, root, current)
        main = environment.get_template(template).render(common, root=root, **values)
        output.write(target, shell.page(title, main))

    def account_pages(accounts: Sequence[Account]) -> None:
        for account in accounts:
            title = _titled(f"{account.name} ({account.platform_name})", registry)
            current = "accounts" if account.official else "archive"
            page("account.html", account.page, title, current, root="../", a=account)

    # Account pages are most of the work; other processes start on them while this one
    # writes the other pages and the exports, then its own share of accounts.
    mine, wait_for_the_others = _in_other_processes(account_pages, registry.accounts)

    official = registry.official_accounts
    statuses = [status for status in OFFICIAL_STATUSES if any(a.status == status for a in official)]
    page(
        "index.html",
        "index.html",
        registry.title,
        "accounts",
        platforms=_platform_choices(registry),
        units=_unit_choices(registry),
        statuses=statuses,
    )
    page("verify.html", "verify.html", _titled(t("verify_heading"), registry), "verify")
    page(
        "campaigns.html",
        "campaigns.html",
        _titled(t("campaigns_heading"), registry),
        "campaigns",
        campaigns=registry.current_campaigns(),
    )
    page("archive.html", "archive.html", _titled(t("archive_heading"), registry), "archive")
    # A server shows 404.html at any address, so its links start from the site's root path.
    site_path = urlsplit(registry.base_url).path.rstrip("/") + "/" if registry.base_url else ""
    page("404.html", "404.html", _titled(t("page_not_found"), registry), "", root=site_path)

    static = resources.files("socialreg") / "static"
    for name in STATIC_FILES:
        output.write(f"static/{name}", (static / name).read_bytes())
    output.write(registry_json.SCHEMA_FILE, (static / registry_json.SCHEMA_FILE).read_bytes())
    output.write("verify-data.js", verify_script(registry))
    output.write("registry.json", registry_json.render(registry))
    output.write("registry.csv", registry_csv.render(registry))
    output.write("campaigns.ics", calendar.render(registry))
    output.write("feed.xml", feed.render(registry))
    account_pages(mine)
    wait_for_the_others()
    # The other processes wrote their pages; they are this build's too, so keep them.
    output.written.update(out / account.page for account in registry.accounts)
    output.folders.update((out / account.page).parent for account in registry.accounts)
    output.remove_the_rest()
    return BuildResult(
        out=out,
        index=out / "index.html",
        pages=5 + len(registry.accounts),
        official=len(official),
        archived=len(registry.archived_accounts),
        campaigns=len(registry.current_campaigns()),
    )


def _in_other_processes(
    render: Callable[[Sequence[Account]], None], accounts: list[Account]
) -> tuple[list[Account], Callable[[], None]]:
    """Start rendering account pages in forked processes, for a large registry.

    Each page stands alone, and ten thousand of them are most of a build's time. Returns the
    accounts left for this process, which also writes everything else (about a quarter of
    the work, so it keeps every fourth page), and a function that waits for the others.
    """
    processes = worker_count(len(accounts))
    if processes == 1:
        return accounts, lambda: None
    mine = accounts[0::4]
    theirs = [account for index, account in enumerate(accounts) if index % 4]

    def render_share(channel: Channel, share: Sequence[Account]) -> None:
        render(share)
        channel.send(None)

    # The workers run while this process writes; waiting for them leaves the block.
    workers = contextlib.ExitStack()
    channels = workers.enter_context(
        forked_workers(interleaved(theirs, processes - 1), render_share)
    )

    def wait_for_the_others() -> None:
        with workers:
            try:
                for channel in channels:
                    channel.receive()
            except WorkerError as error:
                raise SiteError(f"writing the account pages failed: {error}") from error

    return mine, wait_for_the_others


def _titled(heading: str, registry: Registry) -> str:
    return f"{heading} – {registry.title}"


class _Shell:
    """The parts of a page around its title and main content, rendered once and reused.

    Ten thousand account pages share the same header, navigation and footer; rendering them
    once per (root, current page) instead of once per page halves the build time. The parts are
    rendered by the autoescaping layout template; the title is escaped here, and the main
    content comes from an autoescaping template too.
    """

    _TITLE = "\x00title\x00"
    _MAIN = "\x00main\x00"

    def __init__(
        self, environment: jinja2.Environment, common: dict[str, Any], root: str, current: str
    ) -> None:
        text = environment.get_template("layout.html").render(
            common, root=root, current=current, title=self._TITLE, main=Markup(self._MAIN)
        )
        self._head, rest = text.split(self._TITLE)
        self._middle, self._foot = rest.split(self._MAIN)

    def page(self, title: str, main: str) -> str:
        return f"{self._head}{escape(title)}{self._middle}{main}{self._foot}"


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
