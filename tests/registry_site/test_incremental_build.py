"""A build over the previous build redoes only what changed, and writes what a full build writes.

Each step changes the registry as people do (a purpose edited, a handle corrected, an account
added, deleted, renamed or archived, a unit renamed in org/, a record broken and mended), then
builds twice: over the previous build, which re-uses what it can (check/incremental.py and
registry_site/build_manifest.py), and into a new folder, which does everything. The two sites
must be equal file by file, and the two runs must say the same. Spies show that the re-use
happened: which steps checked every record again, and which account pages were rendered.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from jinja2 import meta
from tests.conftest import copy_example

from socialreg.check import incremental
from socialreg.check.pipeline import check_repository
from socialreg.commands import build as build_command
from socialreg.registry_site import build as site_build
from socialreg.registry_site.build_manifest import read_check
from socialreg.registry_site.model import Registry

TODAY = datetime.date(2026, 11, 21)
GENERATED = datetime.datetime(2026, 11, 21, tzinfo=datetime.UTC)
LIBRARY = "accounts/library"
SOURCE = f"{LIBRARY}/norrvik-library-instagram.yaml"
CLONES = 8


@dataclass
class Spies:
    whole_checks: int = 0
    rendered: list[str] = field(default_factory=list)  # site paths of the pages rendered

    def account_pages(self) -> set[str]:
        return {path for path in self.rendered if "accounts/" in path}

    def reset(self) -> None:
        self.whole_checks = 0
        self.rendered.clear()


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> Spies:
    found = Spies()
    whole_check = check_repository  # what build_command's is until it is replaced

    def counted_check(*arguments: Any, **keywords: Any) -> Any:
        found.whole_checks += 1
        return whole_check(*arguments, **keywords)

    write = site_build._Output.write

    def recorded_write(
        output: site_build._Output, relative: str, content: str | bytes, digest: str | None = None
    ) -> None:
        if digest is not None:  # a page rendered, not kept
            found.rendered.append(relative)
        write(output, relative, content, digest)

    monkeypatch.setattr(build_command, "check_repository", counted_check)
    # The tool's files count as context (edited templates change every page), and a file
    # changed moments before a build is not trusted: these tests may run just after an edit.
    monkeypatch.setattr(incremental, "_tool_stamps", lambda: ())
    monkeypatch.setattr(site_build._Output, "write", recorded_write)
    # Five accounts to a page of the list, so that ten accounts make list pages of their own.
    monkeypatch.setattr(site_build, "PAGE_SIZE", 5)
    return found


@pytest.fixture(params=["one process", "forked workers", "shared files apart"])
def processes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The check and the account pages in this process, or in forked processes as a large
    registry has them (the spies see only what this process does); or in this process, with
    the shared files written in a process of their own, as a rebuild of a large registry has
    them."""
    if request.param == "forked workers":
        # The check in a process of its own, with two workers; two processes for the pages.
        monkeypatch.setattr(build_command, "worker_count", lambda jobs: 3)
        monkeypatch.setattr("socialreg.check.pipeline.worker_count", lambda jobs: 2)
        monkeypatch.setattr(site_build, "worker_count", lambda jobs: 3)
    if request.param == "shared files apart":
        monkeypatch.setattr(site_build, "shared_files_apart", lambda accounts, rebuild: True)
    return str(request.param)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """The fixture organisation with eight more library accounts on Instagram (each gets the
    warning that the unit has other accounts there: a finding that depends on other records)."""
    root = copy_example(tmp_path / "registry")
    for number in range(CLONES):
        _clone(root, number)
    _age(root)
    return root


def _clone(root: Path, number: int, handle: str | None = None) -> Path:
    text = (root / SOURCE).read_text(encoding="utf-8")
    handle = handle or f"reading.circle.{number:02d}"
    text = text.replace("@norrvik.library", f"@{handle}").replace(
        "instagram.com/norrvik.library/", f"instagram.com/{handle}/"
    )
    text = text.replace("name: Norrvik University Library", f"name: Reading circle {number:02d}")
    target = root / LIBRARY / f"reading-circle-{number:02d}.yaml"
    target.write_text(text, encoding="utf-8")
    _written_a_while_ago(target)
    return target


def _age(root: Path) -> None:
    """Date every file an hour back, as files are that were not just written (a file changed
    within two seconds before a build is always checked again: see check/incremental.py)."""
    hour_ago = time.time() - 3600
    for folder, _, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (hour_ago, hour_ago))


def _edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, replacement, text, count=1, flags=re.MULTILINE)
    assert count == 1, f"{pattern!r} is not in {path}"
    path.write_text(changed, encoding="utf-8")
    _written_a_while_ago(path)


_EDITS = iter(range(1, 10_000))


def _written_a_while_ago(path: Path) -> None:
    """Date a file just changed half an hour back, a second after the last one so dated: the
    next build but one then does not take it for a file changed moments before a build (those
    are always checked again: see the last test)."""
    moment = time.time() - 1800 + next(_EDITS)
    os.utime(path, (moment, moment))


def _build(root: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    options = build_command.BuildOptions(root, out, TODAY, False, GENERATED)
    capsys.readouterr()
    code, _ = build_command.checked_build(options)
    said = capsys.readouterr().err.replace(str(out), "OUT")
    return code, said


def _files(folder: Path) -> dict[str, bytes]:
    found = {}
    for current, _, files in os.walk(folder):
        for name in files:
            path = Path(current) / name
            found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def _assert_same_sites(incremental: Path, full: Path) -> None:
    mine, theirs = _files(incremental), _files(full)
    assert sorted(mine) == sorted(theirs), "the two builds wrote different files"
    differing = [path for path in sorted(mine) if mine[path] != theirs[path]]
    assert not differing, f"these files differ from a full build: {differing[:5]}"


class Steps:
    """Builds over one folder, each compared with a full build into a new folder."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str], spies: Spies) -> None:
        self.root = root
        self.capsys = capsys
        self.spies = spies
        self.out = root.parent / "site"
        self.fresh = 0

    def build(self) -> int:
        """Build over the previous build, then compare it with a full build; returns the code."""
        self.spies.reset()
        code, said = _build(self.root, self.out, self.capsys)
        spied = Spies(self.spies.whole_checks, list(self.spies.rendered))
        self.fresh += 1
        full = self.root.parent / f"full-{self.fresh}"
        full_code, full_said = _build(self.root, full, self.capsys)
        assert (code, said) == (full_code, full_said.replace(str(full), "OUT"))
        if code == 0:
            _assert_same_sites(self.out, full)
        shutil.rmtree(full, ignore_errors=True)
        self.spies.whole_checks, self.spies.rendered = spied.whole_checks, spied.rendered
        return code


@pytest.fixture
def steps(registry: Path, capsys: pytest.CaptureFixture[str], spies: Spies) -> Iterator[Steps]:
    yield Steps(registry, capsys, spies)


def test_a_rebuild_gives_what_a_full_build_gives(steps: Steps, processes: str) -> None:
    root, spies = steps.root, steps.spies
    one_process = processes != "forked workers"
    clone = root / LIBRARY / "reading-circle-03.yaml"
    clone_pages = {"accounts/reading-circle-03.html", "sv/accounts/reading-circle-03.html"}

    def rebuilt(whole: int | None = None, pages: set[str] | None = None) -> None:
        """Build over the last build, as a full build would; then, when given, whether every
        record was checked (`whole`: 1) or only the changed ones (0), and which account
        `pages` were rendered. Forked, a whole check that can be foreseen runs in a process of
        its own, and so do most account pages, where the spies do not see them."""
        assert steps.build() == 0
        if whole is not None and (one_process or whole == 0):
            assert spies.whole_checks == whole
        if pages is not None and one_process:
            assert spies.account_pages() == pages

    rebuilt(whole=1)  # the first: everything
    rebuilt(whole=0, pages=set())  # nothing changed: nothing checked in full, nothing rendered

    _edit(clone, r"^purpose: >-$", "purpose: >-\n  Now with reading circles for children.")
    rebuilt(whole=0, pages=clone_pages)

    _edit(clone, r"^  name: Lina Berg$", "  name: Lina Berg-Ek")  # not public: no page changes
    rebuilt(whole=0, pages=set())

    # A handle other records are compared with: the records that the rules comparing records
    # now judge otherwise are checked again, not every record; only the pages that show the
    # account are rendered.
    _edit(clone, r'^handle: "@reading.circle.03"$', 'handle: "@reading.circles"')
    rebuilt(whole=0, pages=clone_pages)

    # The same handle as another account: both records get an error, neither file changed
    # but one; then set right again.
    _edit(clone, r'^handle: "@reading.circles"$', 'handle: "@reading.circle.04"')
    rebuilt()
    _edit(clone, r'^handle: "@reading.circle.04"$', 'handle: "@reading.circle.03"')
    rebuilt()

    # Added and deleted: the library's accounts on Instagram each get a warning that names the
    # others, so here most records change their findings, and every record is checked again
    # (tests/registry_site/test_incremental_records.py has a registry where few do).
    _clone(root, 20)  # added
    rebuilt(whole=1)

    (root / LIBRARY / "reading-circle-05.yaml").unlink()  # deleted
    rebuilt(whole=1)
    assert not (steps.out / "accounts/reading-circle-05.html").exists()

    renamed = root / "accounts" / "communications" / "reading-circle-06.yaml"
    (root / LIBRARY / "reading-circle-06.yaml").rename(renamed)  # moved to another unit
    rebuilt()
    renamed.rename(root / LIBRARY / "reading-circle-60.yaml")  # and renamed
    rebuilt()

    _edit(
        clone,
        r"^status: pilot$",
        "status: archived\narchived:\n  date: 2026-11-20\n  reason: Merged.",
    )
    _edit(clone, r"^pilot:\n  ends: 2027-04-30\n", "")
    rebuilt()

    _edit(root / "org" / "units.yaml", r"name: .*Library.*$", "name: The Library of Norrvik")
    rebuilt(whole=1)

    broken = root / LIBRARY / "reading-circle-07.yaml"
    before = _files(steps.out)
    _edit(broken, r"^platform: instagram$", "platform: [instagram")
    assert steps.build() == 1  # not built, and the site before is left as it was
    assert _files(steps.out) == before
    _edit(broken, r"^platform: \[instagram$", "platform: instagram")
    rebuilt(whole=0, pages=set())


def _built(registry: Path, capsys: pytest.CaptureFixture[str], out: str = "site") -> Path:
    """The site of `registry` built into `out` beside it, which must succeed."""
    site = registry.parent / out
    assert _build(registry, site, capsys)[0] == 0
    return site


def _assert_as_a_full_build(registry: Path, site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _assert_same_sites(site, _built(registry, capsys, "full"))


def test_a_page_changed_by_hand_is_rendered_again(
    registry: Path, capsys: pytest.CaptureFixture[str], spies: Spies
) -> None:
    out = _built(registry, capsys)
    page = out / "accounts" / "reading-circle-01.html"
    page.write_text("changed by hand", encoding="utf-8")
    (out / "accounts" / "reading-circle-02.html").unlink()
    spies.reset()
    assert _build(registry, out, capsys)[0] == 0
    assert spies.account_pages() == {
        "accounts/reading-circle-01.html",
        "accounts/reading-circle-02.html",
    }
    _assert_as_a_full_build(registry, out, capsys)


def test_a_changed_day_checks_everything_again(
    registry: Path, capsys: pytest.CaptureFixture[str], spies: Spies
) -> None:
    out = _built(registry, capsys)
    spies.reset()
    options = build_command.BuildOptions(registry, out, TODAY + datetime.timedelta(days=1), False)
    code, _ = build_command.checked_build(options)
    assert code == 0
    assert spies.whole_checks == 1  # dates decide findings: a review falls due overnight
    # Every page says when the site was updated.
    pages = {path.relative_to(out).as_posix() for path in out.glob("**/accounts/*.html")}
    assert spies.account_pages() == pages


def test_a_record_changed_moments_before_a_build_is_checked_again(
    registry: Path, capsys: pytest.CaptureFixture[str], spies: Spies
) -> None:
    """A change within the same tick of the file system's clock, keeping the size, keeps the
    stamp: such files are checked again, not trusted."""
    clone = registry / LIBRARY / "reading-circle-01.yaml"
    os.utime(clone)  # just now
    out = _built(registry, capsys)
    status = clone.stat()
    _edit(clone, r"Reading circle 01", "Reading circle 99")  # the same size
    os.utime(clone, ns=(status.st_atime_ns, status.st_mtime_ns))  # and the same time
    assert _built(registry, capsys) == out
    assert "Reading circle 99" in (out / "accounts" / "reading-circle-01.html").read_text(
        encoding="utf-8"
    )


# What the registry holds besides the records: a page kept by its arguments may read these of
# `r`, because page_context covers them.
_SETTINGS = {
    *(
        name
        for name in Registry.__dataclass_fields__
        if name not in ("accounts", "campaigns", "requested")
    ),
    "absolute",
    "title_in",
    "organization_in",
}


def test_kept_pages_read_no_records_but_their_own() -> None:
    """A page rendered with `keep=True` is kept while its arguments are unchanged, so its
    template (and what it includes) must not read the registry's records through `r`."""
    environment = site_build._environment()
    sources = Path(site_build.__file__).parent.parent / "templates"
    templates = {"account.html", "list.html", "layout.html", "archive.html", "campaigns.html"}
    pending = list(templates)
    while pending:
        name = pending.pop()
        source = (sources / name).read_text(encoding="utf-8")
        for included in meta.find_referenced_templates(environment.parse(source)):
            if included is not None and included not in templates:
                templates.add(included)
                pending.append(included)
    assert {"_accounts_table.html", "_pages_nav.html"} <= templates
    for name in sorted(templates):
        source = (sources / name).read_text(encoding="utf-8")
        read = set(re.findall(r"\br\s*\.\s*(\w+)", source))
        assert "r[" not in source.replace(" ", ""), name
        assert read <= _SETTINGS, f"{name} reads {read - _SETTINGS} of the registry"


def test_a_forced_build_leaves_nothing_to_trust(
    registry: Path, capsys: pytest.CaptureFixture[str], spies: Spies
) -> None:
    """A build with --force over records with errors keeps no snapshot of its check: a
    snapshot is relied on only when every record was readable and had an id of its own."""
    out = _built(registry, capsys)
    assert read_check(registry, out) is not None
    broken = registry / LIBRARY / "reading-circle-02.yaml"
    _edit(broken, r"^  response_time_hours: 24$", "  response_time_hours: soon")
    options = build_command.BuildOptions(registry, out, TODAY, True, GENERATED)
    spies.reset()
    assert build_command.checked_build(options)[0] == 0
    assert spies.whole_checks == 0  # the broken record's index entry is as it was
    assert read_check(registry, out) is None
    _edit(broken, r"^  response_time_hours: soon$", "  response_time_hours: 24")
    spies.reset()
    assert _build(registry, out, capsys)[0] == 0
    assert spies.whole_checks == 1
    _assert_as_a_full_build(registry, out, capsys)
