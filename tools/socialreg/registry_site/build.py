"""Build the public registry site from a loaded repository.

The site is static files only: HTML pages rendered here with Jinja2 (autoescaping on, so text
from records is always shown as text), the stylesheet and two small scripts, and the
downloads. It works from a web server and from the disk (file://), with JavaScript on or off.

Layout of the output folder, for the first language of `registry.languages`:

    index.html            the first page of official accounts, the counts and the filters
    list/<n>.html         the further pages of the list (for reading without JavaScript)
    search-index.js       the compact index that filter.js loads when a visitor filters
    accounts/<id>.html    one page per official or archived account
    archive.html          accounts that are no longer official
    verify.html           "Check an account", answered from the shards in verify/
    campaigns.html        current and upcoming advertising campaigns
    404.html

and the same pages for every other language under <code>/ (sv/index.html, ...), each page
linking to itself in the other languages. Shared by every language:

    registry.json         the data, described by registry.schema.json
    registry.csv  campaigns.ics  feed.xml
    verify/<n>.js         the published handles and addresses, split by a hash of the key
    static/               style.css (with the organisation's accent colour), filter.js,
                          verify.js, favicon.svg, and the organisation's logo
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import hashlib
import itertools
import json
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from multiprocessing import get_context
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup, escape

from socialreg.check.incremental import tool_fingerprint
from socialreg.load.model import Repository
from socialreg.parallel import (
    Channel,
    WorkerError,
    forked_workers,
    read_to_the_end_on_failure,
    worker_count,
)
from socialreg.registry_site import identity_proofs
from socialreg.registry_site.build_manifest import PageStates
from socialreg.registry_site.exports import calendar, feed, registry_csv, registry_json
from socialreg.registry_site.i18n import Translator
from socialreg.registry_site.identity import DEFAULT_ACCENT, IdentityError
from socialreg.registry_site.identity_strings import identity_strings
from socialreg.registry_site.model import (
    OFFICIAL_STATUSES,
    Account,
    Campaign,
    Registry,
    published_registry,
)
from socialreg.registry_site.platform_icons import icon_path, icon_svg
from socialreg.registry_site.search_index import INDEX_FILE, search_index
from socialreg.registry_site.verify_data import (
    hosts_of,
    identity_script,
    shard_count,
    verify_shards,
)

T = TypeVar("T")

# Written into every built site; only a folder that holds it is rebuilt (and so changed).
MARKER = ".socialreg-site"
STATIC_FILES = ("style.css", "js.js", "filter.js", "verify.js", "identity.js", "favicon.svg")
# Accounts on the front page and on each further page of the list (list/2.html, ...).
PAGE_SIZE = 50
# More units than this, and the unit filter's choices come with the search index: thousands of
# <option>s would weigh more than the rest of the front page.
UNIT_OPTIONS_LIMIT = 100
# The registry is public and meant to be found: every page may be indexed.
ROBOTS = "User-agent: *\nAllow: /\n"


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
    # For the maintainers: what the organisation's domains must publish (identity_proofs).
    identity_proofs: tuple[str, ...] = ()
    # What each page that can be skipped next time was rendered from (build_manifest.py).
    page_context: str = ""
    page_states: PageStates = dataclasses.field(default_factory=dict)


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("socialreg", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_compiled_templates(),
        # The templates do not change while a site is built; checking their files' dates on
        # every page cost two system calls a page.
        auto_reload=False,
    )
    return environment


@functools.cache
def _compiled_templates() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates: compiling them took a tenth of a second of every
    build, as much as a rebuild after one change spends on all its pages. The cache is
    Jinja's own folder for this user in the system's temporary folder, which Jinja makes
    private and refuses when another user owns it; never the repository, whose files anyone
    who can open a pull request writes (a compiled template is code that runs)."""
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


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

    With the page states of the last build into the folder (`previous`), a page whose inputs
    have the same digest as then, and whose file is still the one written then (same size and
    modification time), is not rendered at all (`unchanged`). Paths are relative to `out`.
    """

    def __init__(
        self, out: Path, previous: PageStates | None = None, fresh: bool | None = None
    ) -> None:
        self.out = out
        self.previous = previous or {}
        self.written: set[str] = set()
        self.folders: set[str] = {""}
        self.page_states: PageStates = {}
        # Nothing to compare with or to remove in a new, empty folder (a build in CI).
        self.fresh = not os.listdir(out) if fresh is None else fresh

    def write(self, relative: str, content: str | bytes, digest: str | None = None) -> None:
        path = f"{self.out}/{relative}"
        data = content.encode("utf-8") if isinstance(content, str) else content
        self._claim(relative)
        if not self.fresh and self._holds(path, data):
            status = os.stat(path) if digest is not None else None
        else:
            status = _written(path, data, digest is not None)
        if digest is not None:
            assert status is not None
            self.page_states[relative] = [digest, status.st_size, status.st_mtime_ns]

    def write_pieces(self, relative: str, pieces: Iterable[str]) -> None:
        """`write` for a large file made in pieces (registry.json, registry.csv). Into a new
        folder, the pieces are written as they come, and the whole text is never in memory;
        over an earlier build it is, to be compared with the file there."""
        if not self.fresh:
            self.write(relative, "".join(pieces))
            return
        self._claim(relative)
        with open(f"{self.out}/{relative}", "wb") as file:
            for piece in pieces:
                file.write(piece.encode("utf-8"))

    def _claim(self, relative: str) -> None:
        """Note that this build writes `relative`, making its folder first if need be."""
        folder = _folder(relative)
        if folder not in self.folders:
            os.makedirs(f"{self.out}/{folder}", exist_ok=True)
            self.folders.add(folder)
        self.written.add(relative)

    @staticmethod
    def _holds(path: str, data: bytes) -> bool:
        try:
            if os.stat(path).st_size != len(data):
                return False
            with open(path, "rb") as file:
                return file.read() == data
        except OSError:
            return False  # not there yet

    def unchanged(self, relative: str, digest: str) -> bool:
        """Whether the page at `relative` was rendered from inputs with this digest and is
        still as written then; if so, it is kept as this build's own."""
        state = self.previous.get(relative)
        if not isinstance(state, list) or len(state) != 3 or state[0] != digest:
            return False
        try:
            status = os.stat(f"{self.out}/{relative}")
        except OSError:
            return False
        if [status.st_size, status.st_mtime_ns] != state[1:]:
            return False
        self.written.add(relative)
        self.folders.add(_folder(relative))
        self.page_states[relative] = state
        return True

    def remove_the_rest(self) -> None:
        """Delete files and folders of an earlier build that this build did not write."""
        if self.fresh:
            return
        out = str(self.out)
        for folder, subfolders, files in os.walk(out, topdown=False):
            relative = os.path.relpath(folder, out)
            prefix = "" if relative == "." else relative + "/"
            for name in files:
                if prefix + name not in self.written:
                    os.unlink(os.path.join(folder, name))
            for name in subfolders:
                here = os.path.join(folder, name)
                if prefix + name not in self.folders and not os.listdir(here):
                    os.rmdir(here)


def _written(path: str, data: bytes, stat: bool) -> os.stat_result | None:
    """Write `data` to the file at `path`, made or emptied first; with `stat`, return the
    file's status as written. A build writes a hundred thousand files: without Python's file
    objects, and asking the open file rather than the path, this took about a fifth less."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # as open(.., "wb")
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        return os.fstat(descriptor) if stat else None
    finally:
        os.close(descriptor)


def _folder(relative: str) -> str:
    """The folder of a path relative to the site ("" for the site's own folder): what
    os.path.dirname gives for the site's paths, for a fraction of its cost (a rebuild asks for
    every page's)."""
    return relative.rpartition("/")[0]


def build_site(
    repository: Repository,
    out: Path,
    today: datetime.date,
    generated: datetime.datetime | None = None,
) -> BuildResult:
    """Write the site for `repository` into `out` and say what was written."""
    return write_site(published_registry_or_error(repository, today, generated), out)


def published_registry_or_error(
    repository: Repository, today: datetime.date, generated: datetime.datetime | None = None
) -> Registry:
    """What the site shows of `repository` (model.py); SiteError for a logo or colour it
    refuses. Without `generated`, the site says it was made now."""
    if generated is None:
        generated = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    try:
        return published_registry(repository, today, generated)
    except IdentityError as error:
        raise SiteError(str(error)) from error


def write_site(
    registry: Registry,
    out: Path,
    previous: PageStates | None = None,
    workers: PageWorkers | None = None,
) -> BuildResult:
    """Write the site of `registry` into `out`; with the page states of the last build into
    `out` (made with the same `page_context`), pages whose inputs are unchanged are kept.

    Account pages are rendered in `workers` too (or in processes forked now, for a large
    registry): see PageWorkers.
    """
    prepare_output(out)
    output = _Output(out, previous)
    output.write(MARKER, "This folder is built by `socialreg build` and replaced on every build.\n")
    site = _Site(registry, output)
    with contextlib.ExitStack() as stack:
        apart = shared_files_apart(len(registry.accounts), bool(output.previous))
        site.exports_apart = apart
        wait_for_the_shared_files = _shared_files_elsewhere(site, stack) if apart else list
        # Only the accounts whose pages changed are rendered; the pages of the others are kept.
        pending = site.stale(registry.accounts) if output.previous else registry.accounts
        if workers is None:
            workers = stack.enter_context(PageWorkers.started(worker_count(len(pending)) - 1))
        # On a failure, first of all: the page workers stop claiming accounts while this
        # process waits for the shared files (they may have been started by the caller).
        stack.enter_context(workers.stopped_on_failure())
        # Account pages are most of the work; other processes start on them while this one
        # writes the other pages and the exports, then takes the accounts they have not taken.
        mine, wait_for_the_others = workers.render(registry, pending, output)
        if not apart:
            site.shared_files()
        for language in site.languages:
            site.language_pages(language)
        site.account_pages(mine)
        if apart:
            site.exports()
        for written, states in [*wait_for_the_others(), *wait_for_the_shared_files()]:
            # The other processes wrote their pages; they are this build's too, so keep them.
            output.written.update(written)
            output.folders.update(map(_folder, written))
            output.page_states.update(states)
    output.remove_the_rest()
    official = registry.official_accounts
    return BuildResult(
        out=out,
        index=out / "index.html",
        pages=site.pages_written + len(registry.accounts) * len(site.languages),
        official=len(official),
        archived=len(registry.archived_accounts),
        campaigns=len(registry.current_campaigns()),
        identity_proofs=tuple(
            proof.describe() for proof in identity_proofs.bluesky_proofs(registry)
        ),
        page_context=page_context(registry),
        page_states=output.page_states,
    )


def shared_files_apart(accounts: int, rebuild: bool) -> bool:
    """Whether the shared files (the exports, the verify shards) are written in a process of
    their own: in a rebuild of a large registry, where few account pages are rendered again
    (or none), they are half the time left. A first build keeps its processes for the account
    pages. The process is forked from this one, holding the registry, and soon holds a copy of
    most of its memory (counting references writes to every object): a hundred megabytes at
    10,000 accounts, so not for many more (`APART_AT_MOST`)."""
    return rebuild and worker_count(accounts) > 1 and accounts <= APART_AT_MOST


APART_AT_MOST = 20_000


def _shared_files_elsewhere(
    site: _Site, processes: contextlib.ExitStack
) -> Callable[[], list[tuple[set[str], PageStates]]]:
    """Start writing `site.shared_files()` in a forked process (which leaving `processes`
    ends); returns a function that waits for it and returns what it wrote."""

    def write(channel: Channel, _: object) -> None:
        site.shared_files()
        channel.send((site.output.written, {}))

    channels = processes.enter_context(forked_workers([None], write))
    # A build that fails lets it finish its files (see PageWorkers.started).
    processes.enter_context(read_to_the_end_on_failure(channels))

    def wait_for_it() -> list[tuple[set[str], PageStates]]:
        try:
            return [channels[0].receive()]
        except WorkerError as error:
            raise SiteError(f"writing the shared files failed: {error}") from error

    return wait_for_it


class PageWorkers:
    """Processes that render account pages, best forked before the check, while this process
    is still small.

    Ten thousand account pages are most of a build's time, and each stands alone, so other
    processes render most of them. A process forked after the check shares this process's
    memory and copies every part of it that it touches: at 50,000 accounts that added hundreds
    of megabytes. A process forked first holds only what it is sent: the site's settings and
    the accounts, as plain tuples (pickled as dataclasses, they take seconds).

    Who renders which account is settled as they go (`AccountClaims`): the processes take
    accounts from the front of the list and this one, once it has written everything else,
    from the back. A fixed share could not be right at every size: at 10,000 accounts the
    other pages cost half as much as the account pages, at 50,000 a fifth, and a share made
    for the one left a process idle for ten seconds at the other.
    """

    def __init__(self, channels: list[Channel], claims: AccountClaims | None = None) -> None:
        self._channels = channels  # the processes not given anything to do yet
        self._given: list[Channel] = []  # those sent all their accounts
        self._claims = claims

    @classmethod
    @contextlib.contextmanager
    def started(cls, count: int) -> Iterator[PageWorkers]:
        """`count` processes (none for 0), waiting for `render`; leaving the block ends them."""
        if count <= 0:
            yield cls([])
            return
        claims = AccountClaims(count)  # before the fork, so that every process shares it
        work = functools.partial(_render_when_asked, claims)
        with forked_workers(range(count), work) as channels:
            workers = cls(channels, claims)
            # A build that fails lets the workers that have their accounts finish the pages
            # they have begun, and stop at their next claim: ended at once, one could leave a
            # page cut short, over an earlier build's page. (An interrupt, Ctrl-C, reaches
            # them too, and ends them.)
            try:
                with read_to_the_end_on_failure(workers._given), workers.stopped_on_failure():
                    yield workers
            finally:
                workers._release()

    def render(
        self, registry: Registry, accounts: list[Account], output: _Output
    ) -> tuple[Iterable[Account], Callable[[], list[tuple[set[str], PageStates]]]]:
        """Send each process its block of `accounts`. Returns the accounts left for this process
        (which also writes everything else), claimed a chunk at a time as it takes them, and a
        function that waits for the others and returns what each wrote: the paths, and the
        states of the pages (for the next build)."""
        channels, self._channels = self._channels, []
        if not channels or self._claims is None or worker_count(len(accounts)) == 1:
            for channel in channels:
                channel.send_bytes(pickle.dumps(None))
            return list(accounts), lambda: []
        claims = self._claims
        blocks = claims.open(len(accounts))
        settings = dataclasses.replace(registry, accounts=[], campaigns=[], requested=[])
        for channel, block in zip(channels, blocks, strict=True):
            task = (settings, block.start, len(block), output.out, output.fresh)
            channel.send_bytes(pickle.dumps(task, pickle.HIGHEST_PROTOCOL))
            # In pieces: the rows of every account at once, and their pickle, were 90 MB more
            # in this process at 50,000 accounts, at the build's peak.
            for start in range(block.start, block.stop, ROWS_AT_A_TIME):
                piece = accounts[start : min(start + ROWS_AT_A_TIME, block.stop)]
                rows = [
                    tuple(getattr(account, name) for name in _ACCOUNT_FIELDS) for account in piece
                ]
                channel.send_bytes(pickle.dumps(rows, pickle.HIGHEST_PROTOCOL))
            self._given.append(channel)

        def wait_for_the_others() -> list[tuple[set[str], PageStates]]:
            try:
                return [channel.receive() for channel in channels]
            except WorkerError as error:
                raise SiteError(f"writing the account pages failed: {error}") from error

        return claims.from_the_back(accounts), wait_for_the_others

    @contextlib.contextmanager
    def stopped_on_failure(self) -> Iterator[None]:
        """A block whose failure makes each worker stop at its next claim."""
        try:
            yield
        except Exception:
            if self._claims is not None:
                self._claims.stop()
            raise

    def _release(self) -> None:
        """Tell the processes that were given nothing to do that there is nothing (a build that
        stopped, or a rebuild with few pages to render)."""
        for channel in self._channels:
            with contextlib.suppress(OSError):
                channel.send_bytes(pickle.dumps(None))
        self._channels = []


# Accounts taken at a time: a few tens of milliseconds of pages, so that the lock is taken
# seldom and the processes still finish close together.
CLAIM_SIZE = 32


class AccountClaims:
    """Which of a list of accounts are taken, shared by forked processes.

    The list is cut into one block per page worker, and each worker is sent only its block
    (a worker holding every account would multiply the memory by the number of workers). Each
    block has two numbers in shared memory, under one lock: the first account not taken from
    its front and the end of those not taken from its back. A worker takes chunks from the
    front of its block; the process that also writes the other pages takes chunks from the
    back of the block with the most left. Every process stops where the ends meet, so all
    finish within a chunk or two of each other.
    """

    def __init__(self, workers: int) -> None:
        # [front, back] of each block, with the lock of the whole array
        self._bounds = get_context("fork").Array("q", 2 * workers)
        self._workers = workers

    def open(self, count: int) -> list[range]:
        """Start on a list of `count` accounts; returns each worker's block."""
        edges = [count * number // self._workers for number in range(self._workers + 1)]
        blocks = [range(start, end) for start, end in itertools.pairwise(edges)]
        with self._bounds.get_lock():
            for number, block in enumerate(blocks):
                self._bounds[2 * number], self._bounds[2 * number + 1] = block.start, block.stop
        return blocks

    def take_front(self, worker: int, size: int = CLAIM_SIZE) -> range:
        """The next accounts from the front of the worker's block (empty when none is left)."""
        bounds = self._bounds
        with bounds.get_lock():
            front, back = bounds[2 * worker], bounds[2 * worker + 1]
            end = min(front + size, back)
            bounds[2 * worker] = end
        return range(front, end)

    def take_back(self, size: int = CLAIM_SIZE) -> range:
        """The last accounts not taken yet of the block with the most left (empty when no
        block has any left)."""
        bounds = self._bounds
        with bounds.get_lock():
            fullest = max(range(self._workers), key=lambda n: bounds[2 * n + 1] - bounds[2 * n])
            front, back = bounds[2 * fullest], bounds[2 * fullest + 1]
            start = max(back - size, front)
            bounds[2 * fullest + 1] = start
        return range(start, back)

    def stop(self) -> None:
        """Take every account not taken yet: each process stops at its next claim. (Only
        when the lock comes within a second: a worker ended while it held it would hold it
        for ever, and the caller, whose build has failed, ends the workers anyway.)"""
        bounds = self._bounds
        lock = bounds.get_lock()
        if not lock.acquire(timeout=1):
            return
        try:
            for worker in range(self._workers):
                bounds[2 * worker] = bounds[2 * worker + 1]
        finally:
            lock.release()

    def from_the_front(self, worker: int, accounts: Sequence[T], first: int) -> Iterator[T]:
        """The worker's accounts as it claims them; `accounts` is its block, which starts at
        number `first` of the whole list."""
        while taken := self.take_front(worker):
            yield from (accounts[number - first] for number in taken)

    def from_the_back(self, accounts: Sequence[T]) -> Iterator[T]:
        """The accounts this process claims, of the whole list `accounts`."""
        while taken := self.take_back():
            yield from (accounts[number] for number in taken)


_ACCOUNT_FIELDS = tuple(field.name for field in dataclasses.fields(Account))
ROWS_AT_A_TIME = 2_000  # accounts per message to a page worker


def _render_when_asked(claims: AccountClaims, channel: Channel, number: int) -> None:
    """PageWorkers process `number`: wait for its block of accounts, render the pages of those
    it claims, say what was written."""
    task = pickle.loads(channel.receive_bytes())
    if task is None:
        return
    settings, first, count, out, fresh = task
    accounts: list[Account] = []
    while len(accounts) < count:
        accounts.extend(Account(*row) for row in pickle.loads(channel.receive_bytes()))
    output = _Output(out, fresh=fresh)
    site = _Site(dataclasses.replace(settings, accounts=accounts), output)
    site.account_pages(claims.from_the_front(number, accounts, first))
    channel.send((output.written, output.page_states))


def page_context(registry: Registry) -> str:
    """The fingerprint of what every page depends on besides its own inputs: the tool (its
    templates and interface texts) and everything in `registry` but the records (the site's
    title, languages, logo, units, platforms, the day the pages say they were updated).

    Pages rendered with another context are never kept (see `_Output.unchanged`).
    """
    settings = dataclasses.replace(
        registry,
        accounts=[],
        campaigns=[],
        requested=[],
        generated=registry.generated.replace(hour=0, minute=0, second=0, microsecond=0),
    )
    return _digest(f"{tool_fingerprint()}\n{settings!r}")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class Page(NamedTuple):
    """One page to render: what it is made of besides what every page shares
    (`page_context`)."""

    template: str
    target: str  # its path, relative to its language's root
    title: str
    current: str  # the navigation entry the page marks as the current one
    root: str | None  # the path back to the site's root; None: worked out from `target`
    values: Mapping[str, Any]  # what the template reads besides what every page shares


@dataclass(frozen=True, slots=True)
class SiteLanguage:
    """One language of the site: the first is at the site's root, the others in <code>/."""

    code: str
    prefix: str  # "" or "sv/"
    translator: Translator


class _Site:
    """Renders the pages of every language and writes the files they share."""

    def __init__(self, registry: Registry, output: _Output) -> None:
        self.registry = registry
        self.output = output
        self.environment = _environment()
        self.languages = [
            SiteLanguage(code, "" if number == 0 else f"{code}/", Translator(code))
            for number, code in enumerate(registry.languages)
        ]
        self.official = registry.official_accounts
        self.archived = registry.archived_accounts
        self.campaigns = registry.current_campaigns()
        self.platforms = _platform_choices(registry)
        self.units = _unit_choices(registry)
        self.statuses = [
            status for status in OFFICIAL_STATUSES if any(a.status == status for a in self.official)
        ]
        self.list_pages = max(1, -(-len(self.official) // PAGE_SIZE))
        # The verify page needs only the number of shards; shared_files writes them.
        self.shard_count = shard_count(len(registry.accounts) + len(registry.requested))
        self.pages_written = 0
        # Set when the shared files are written in another process: this one then writes
        # the `exports` itself, after its pages (see write_site).
        self.exports_apart = False
        self._shells: dict[tuple[str, str, str], _Shell] = {}
        self._common: dict[str, dict[str, Any]] = {}
        self._digests: dict[int, str] = {}  # by the account or campaign object's identity

    def common(self, language: SiteLanguage) -> dict[str, Any]:
        values = self._common.get(language.code)
        if values is None:
            registry, t = self.registry, language.translator
            organization = registry.organization_in(language.code)
            values = self._common[language.code] = {
                "r": registry,
                "t": t,
                "lang": language.code,
                "org": organization,
                "site_title": registry.title_in(language.code),
                "identity": registry.identity,
                "s": t.filled(organization=organization, email=registry.contact_email),
                "strings": _script_strings(t, organization, registry.contact_email),
            }
        return values

    def page(
        self,
        language: SiteLanguage,
        template: str,
        target: str,
        title: str,
        current: str,
        root: str | None = None,
        keep: bool = False,
        **values: Any,
    ) -> None:
        """Render `template` as `target` (relative to the language's root) in `language`: see
        `Page` for the arguments, and `render` for `keep`."""
        self.render(language, Page(template, target, title, current, root, values), keep)

    def render(self, language: SiteLanguage, page: Page, keep: bool = False) -> None:
        """Render `page` in `language`.

        With `keep`, the page is made from its `Page` and from what every page shares
        (`page_context`) and nothing else; when the last build into the folder rendered it from
        the same, it is kept as it is. Only pages whose templates read nothing else of the
        registry may say so (tests/registry_site/test_incremental_build.py checks which).
        """
        digest = None
        if keep:
            digest = self.digest(page)
            if self.output.unchanged(language.prefix + page.target, digest):
                return
        target, root = page.target, page.root
        if root is None:
            root = "../" * target.count("/")
        site_root = root + ("../" if language.prefix else "")
        common = self.common(language)
        key = (language.code, root, page.current)
        shell = self._shells.get(key)
        if shell is None:
            shell = self._shells[key] = _Shell(
                self.environment, common, root, site_root, page.current
            )
        main = self.environment.get_template(page.template).render(
            common, root=root, site_root=site_root, **page.values
        )
        alternates, switch = self._language_links(language, target, site_root)
        self.output.write(
            language.prefix + target,
            shell.page(_titled(page.title, common["site_title"]), alternates, switch, main),
            digest,
        )

    def _language_links(
        self, current: SiteLanguage, target: str, site_root: str
    ) -> tuple[str, str]:
        """The page's hreflang alternates and its language switch, which keeps the page."""
        if len(self.languages) == 1:
            return "", ""
        alternates = []
        items = []
        for language in self.languages:
            absolute = self.registry.absolute(language.prefix + target)
            if absolute:
                alternates.append(
                    f'<link rel="alternate" hreflang="{language.code}" href="{escape(absolute)}">'
                )
            name = escape(language.translator.name)
            if language is current:
                items.append(
                    f'<li><span aria-current="true" lang="{language.code}">{name}</span></li>'
                )
            else:
                href = escape(site_root + language.prefix + target)
                code = language.code
                items.append(
                    f'<li><a href="{href}" hreflang="{code}" lang="{code}">{name}</a></li>'
                )
        default = self.registry.absolute(target)
        if default:
            alternates.append(
                f'<link rel="alternate" hreflang="x-default" href="{escape(default)}">'
            )
        label = escape(current.translator("language_label"))
        switch = f'<nav class="languages" aria-label="{label}"><ul>{"".join(items)}</ul></nav>'
        return "\n".join(alternates), switch

    def account_pages(self, accounts: Iterable[Account]) -> _Output:
        """Render the pages of `accounts` in every language; the output says what was written."""
        for account in accounts:
            for language in self.languages:
                self.render(language, self._account_page(account, language), keep=True)
        return self.output

    def stale(self, accounts: Iterable[Account]) -> list[Account]:
        """The accounts with a page that the last build's cannot stand for (`render`); the
        pages of the others are kept."""
        return [
            account
            for account in accounts
            if not all(
                self.kept(language, self._account_page(account, language))
                for language in self.languages
            )
        ]

    def _account_page(self, account: Account, language: SiteLanguage) -> Page:
        name = account.name_in(language.code)
        current = "accounts" if account.official else "archive"
        return Page(
            "account.html",
            account.page,
            f"{name} ({account.platform_name})",
            current,
            None,
            {"a": account},
        )

    def digest(self, page: Page) -> str:
        """The digest of what `page` is made from besides what every page shares."""
        parts = [repr(page[:5])]
        parts.extend(
            f"{key}={self.fingerprint(value)}" for key, value in sorted(page.values.items())
        )
        return _digest("\n".join(parts))

    def kept(self, language: SiteLanguage, page: Page) -> bool:
        """Whether the last build's `page` in `language` stands for this one (and is kept)."""
        return self.output.unchanged(language.prefix + page.target, self.digest(page))

    def fingerprint(self, value: Any) -> str:
        """`value` as text that changes whenever it does; an account or a campaign, which
        appears on many pages, is written out once and then stands for itself by its digest."""
        if isinstance(value, Account | Campaign):
            found = self._digests.get(id(value))
            if found is None:
                found = self._digests[id(value)] = _digest(repr(value))
            return found
        if isinstance(value, list | tuple):
            return "[" + ",".join(map(self.fingerprint, value)) + "]"
        return repr(value)

    def in_name_order(self, language: str) -> list[Account]:
        """The official accounts by their name in `language` (a record may translate it)."""
        if not any(language in account.translations for account in self.official):
            return self.official
        return sorted(
            self.official,
            key=lambda account: (
                account.name_in(language).casefold(),
                account.platform,
                account.id,
            ),
        )

    def language_pages(self, language: SiteLanguage) -> None:
        t = language.translator
        registry = self.registry
        lazy_units = len(self.units) > UNIT_OPTIONS_LIMIT
        official = self.in_name_order(language.code)
        for number in range(1, self.list_pages + 1):
            first = (number - 1) * PAGE_SIZE
            values: dict[str, Any] = {
                "accounts": official[first : first + PAGE_SIZE],
                "page_number": number,
                "page_count": self.list_pages,
                "total": len(self.official),
            }
            if number == 1:
                self.page(
                    language,
                    "index.html",
                    "index.html",
                    t("nav_accounts"),
                    "accounts",
                    platforms=self.platforms,
                    units=[] if lazy_units else self.units,
                    lazy_units=lazy_units,
                    statuses=self.statuses,
                    platform_count=len(self.platforms),
                    jsonld=identity_proofs.json_ld(registry),
                    **values,
                )
            else:
                self.page(
                    language,
                    "list.html",
                    f"list/{number}.html",
                    t("list_heading", page=number, pages=self.list_pages),
                    "accounts",
                    keep=True,
                    **values,
                )
        self.page(
            language,
            "verify.html",
            "verify.html",
            t("verify_heading"),
            "verify",
            shards=self.shard_count,
            identity_words=identity_strings(
                language.code, registry.organization_in(language.code), registry.contact_email
            ),
            identity_hosts=json.dumps(hosts_of(registry), separators=(",", ":")),
        )
        self.page(
            language,
            "campaigns.html",
            "campaigns.html",
            t("campaigns_heading"),
            "campaigns",
            keep=True,
            campaigns=self.campaigns,
        )
        self.page(
            language,
            "archive.html",
            "archive.html",
            t("archive_heading"),
            "archive",
            keep=True,
            accounts=self.archived,
        )
        self.pages_written += self.list_pages + 3
        if language.prefix == "":
            # A server shows 404.html at any address, so its links start from the site's root.
            base = registry.base_url
            site_path = urlsplit(base).path.rstrip("/") + "/" if base else ""
            self.page(language, "404.html", "404.html", t("page_not_found"), "", root=site_path)
            self.pages_written += 1
        if self.official:
            self.output.write(
                language.prefix + INDEX_FILE,
                search_index(language.code, official, self.platforms, self.units, self.statuses),
            )

    def platforms_published(self) -> list[tuple[str, str]]:
        used = {account.platform: account.platform_name for account in self.registry.accounts}
        return sorted(used.items())

    def shared_files(self) -> None:
        registry, output = self.registry, self.output
        static = resources.files("socialreg") / "static"
        for name in STATIC_FILES:
            content = (static / name).read_bytes()
            if name == "style.css":
                content = _with_accent(content, registry.identity.accent)
            output.write(f"static/{name}", content)
        for platform, name in self.platforms_published():
            path = icon_path(platform)
            if path is not None:
                output.write(path, icon_svg(name, registry.identity.accent))
        logo = registry.identity.logo
        if logo is not None:
            output.write(logo.target, logo.source.read_bytes())
        output.write(registry_json.SCHEMA_FILE, (static / registry_json.SCHEMA_FILE).read_bytes())
        count, shards = verify_shards(registry)
        assert count == self.shard_count
        for path, script in shards.items():
            output.write(path, script)
        output.write("verify-identity.js", identity_script(registry))
        output.write(
            identity_proofs.SCHEMA_FILE, (static / identity_proofs.SCHEMA_FILE).read_bytes()
        )
        for path, proof in identity_proofs.proof_files(registry).items():
            output.write(path, proof)
        output.write_pieces("registry.json", registry_json.pieces(registry))
        if not self.exports_apart:
            self.exports()

    def exports(self) -> None:
        """The downloads besides registry.json: with the rest of `shared_files`, unless
        those are written in another process (`exports_apart`), which they would keep
        waiting."""
        registry, output = self.registry, self.output
        output.write_pieces("registry.csv", registry_csv.lines(registry))
        output.write("campaigns.ics", calendar.render(registry))
        output.write("feed.xml", feed.render(registry))
        output.write("robots.txt", ROBOTS)


def _with_accent(css: bytes, accent: str) -> bytes:
    """The stylesheet with the organisation's accent colour (CSP forbids inline styles)."""
    return css.replace(f"--link: {DEFAULT_ACCENT};".encode(), f"--link: {accent};".encode(), 1)


def _titled(heading: str, site_title: str) -> str:
    return f"{heading} – {site_title}"


class _Shell:
    """The parts of a page around its title, language links and main content, rendered once.

    Ten thousand account pages share the same header, navigation and footer; rendering them
    once per (language, root, current page) instead of once per page halves the build time.
    The parts are rendered by the autoescaping layout template; the title is escaped here, the
    language links are built from escaped parts, and the main content comes from an
    autoescaping template too.
    """

    _TITLE = "\x00title\x00"
    _ALTERNATES = "\x00alternates\x00"
    _SWITCH = "\x00switch\x00"
    _MAIN = "\x00main\x00"

    def __init__(
        self,
        environment: jinja2.Environment,
        common: dict[str, Any],
        root: str,
        site_root: str,
        current: str,
    ) -> None:
        text = environment.get_template("layout.html").render(
            common,
            root=root,
            site_root=site_root,
            current=current,
            title=self._TITLE,
            alternates=Markup(self._ALTERNATES),
            language_switch=Markup(self._SWITCH),
            main=Markup(self._MAIN),
        )
        self._head, rest = text.split(self._TITLE)
        self._after_title, rest = rest.split(self._ALTERNATES)
        self._after_alternates, rest = rest.split(self._SWITCH)
        self._middle, self._foot = rest.split(self._MAIN)

    def page(self, title: str, alternates: str, switch: str, main: str) -> str:
        return (
            f"{self._head}{escape(title)}{self._after_title}{alternates}"
            f"{self._after_alternates}{switch}{self._middle}{main}{self._foot}"
        )


def _script_strings(t: Translator, organization: str, email: str) -> str:
    """The browser scripts' text as JSON, with the organisation filled in and counts left open."""

    def filled(text: str) -> str:
        return text.replace("{organization}", organization).replace("{email}", email)

    strings: dict[str, Any] = {"lang": t.language}
    for key, text in t.script_strings().items():
        strings[key] = (
            filled(text)
            if isinstance(text, str)
            else {form: filled(words) for form, words in text.items()}
        )
    return json.dumps(strings, ensure_ascii=False, separators=(",", ":"))


def _platform_choices(registry: Registry) -> list[tuple[str, str]]:
    used = {account.platform: account.platform_name for account in registry.official_accounts}
    return sorted(used.items(), key=lambda item: item[1].casefold())


def _unit_choices(registry: Registry) -> list[Any]:
    used = {account.unit.id: account.unit for account in registry.official_accounts}
    return sorted(used.values(), key=lambda unit: unit.name.casefold())
