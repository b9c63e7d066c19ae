"""Where records live: `accounts/<unit>/<id>.yaml` and `campaigns/<unit>/<id>.yaml`.

The one place that knows the layout of a registry repository: which folders hold records,
what kind each holds, how a path names its unit and id, and what is wrong with a file that is
in the wrong place or has the wrong name.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from socialreg.codes import FILE_PLACE
from socialreg.load import index_cache
from socialreg.load.files import lookups_below
from socialreg.load.kinds import ORG_FILES, RecordKind
from socialreg.wording import a_or_an

__all__ = ["FILE_PLACE", "RECORD_FOLDERS"]

RECORD_FOLDERS: dict[str, RecordKind] = {"accounts": "account", "campaigns": "campaign"}
RECORD_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*\Z")
_IGNORED_NAMES = {"README.md", ".gitkeep"}


@dataclass(frozen=True, slots=True)
class RecordPlace:
    """What a record's path says: its kind, the unit of its folder and its id."""

    kind: RecordKind
    folder_unit: str  # "" when the file is not directly in a unit's folder
    id: str


def record_place(path: str) -> RecordPlace | None:
    """The kind, folder unit and id a path gives a record, or None outside the record folders."""
    parts = path.split("/")
    kind = RECORD_FOLDERS.get(parts[0])
    if kind is None or len(parts) < 2:
        return None
    stem = os.path.splitext(parts[-1])[0]
    return RecordPlace(kind, parts[1] if len(parts) == 3 else "", stem)


@dataclass(frozen=True, slots=True)
class Job:
    path: str
    kind: RecordKind
    check_in_full: bool


def plan_jobs(root: Path, only: Iterable[str] | None) -> list[Job]:
    """Every record file of the repository; those in `only` (all when None) checked in full."""
    wanted = None if only is None else {PurePosixPath(path).as_posix() for path in only}
    return [
        Job(path, kind, wanted is None or path in wanted) for path, kind in discover_records(root)
    ]


def discover_records(root: Path) -> Iterator[tuple[str, RecordKind]]:
    """Every file under accounts/ and campaigns/, sorted, with the kind its folder implies."""
    for folder, kind in RECORD_FOLDERS.items():
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(_files_below(str(base), f"{folder}/")):
            yield path, kind


def is_checked_path(path: str) -> bool:
    """Whether `validate PATH` checks something at `path` (relative, with /): a file that
    discover_records would find, or one of the org/ files."""
    parts = path.split("/")
    if path in ORG_FILES.values():
        return True
    return (
        len(parts) >= 2
        and parts[0] in RECORD_FOLDERS
        and parts[-1] not in _IGNORED_NAMES
        and not any(part.startswith(".") for part in parts[1:-1])
    )


def is_record_path(path: str) -> bool:
    """Whether discover_records would find a file at `path` (relative, with /)."""
    return path.split("/", 1)[0] in RECORD_FOLDERS and is_checked_path(path)


def record_kind(path: str) -> RecordKind:
    """The kind of record its folder gives a path for which `is_record_path` holds."""
    return RECORD_FOLDERS[path.split("/", 1)[0]]


def is_record_file(root: Path, path: str) -> bool:
    """Whether discover_records finds a file at `path` (relative to `root`, with /): under
    real folders (it follows a link only for accounts/ and campaigns/ themselves), and not a
    folder itself."""
    if not is_record_path(path):
        return False
    parts = path.split("/")
    for depth in range(1, len(parts)):
        look = os.stat if depth == 1 else os.lstat
        try:
            if not stat.S_ISDIR(look(f"{root}/{'/'.join(parts[:depth])}").st_mode):
                return False
        except OSError:
            return False
    try:
        return not stat.S_ISDIR(os.lstat(f"{root}/{path}").st_mode)
    except OSError:
        return False


def _files_below(folder: str, prefix: str) -> Iterator[str]:
    """Paths of the files below `folder`, skipping hidden folders; half the time of os.walk."""
    files, subfolders = _listing(folder, prefix)
    yield from files
    for name in subfolders:
        yield from _files_below(f"{folder}/{name}", f"{prefix}{name}/")


def _listing(folder: str, prefix: str) -> tuple[list[str], list[str]]:
    """The paths of the files directly in `folder` (named with `prefix`), and the names of its
    folders that are not hidden."""
    files: list[str] = []
    subfolders: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    subfolders.append(entry.name)
            elif entry.name not in _IGNORED_NAMES:
                files.append(prefix + entry.name)
    return files, subfolders


UNTRUSTED = -1  # never a hash of a tuple (Python makes -1 into -2)


def folder_stamp(status: os.stat_result, now: int) -> int:
    """What says a folder holds the same names as before: its inode (a folder renamed into
    its place is another one) and its change and modification times (a name added, removed or
    renamed in it changes them; a copy that keeps modification times cannot keep the change
    time). UNTRUSTED when it changed too recently to tell."""
    # Changed too recently to tell a later change by its stamp (index_cache.RECENT_NS).
    if max(status.st_mtime_ns, status.st_ctime_ns) >= now - index_cache.RECENT_NS:
        return UNTRUSTED
    # Hashes of integers are the same in every process (unlike those of strings).
    return hash((status.st_ino, status.st_ctime_ns, status.st_mtime_ns))


@dataclass(slots=True)
class Discovered:
    files: dict[str, RecordKind]  # what discover_records finds: path -> kind
    folders: dict[str, int]  # every record folder -> its folder_stamp
    scanned: set[str]  # the folders that changed, whose files were listed again


def discover_changes(
    root: Path, known_folders: Mapping[str, int], known_files: Mapping[str, str]
) -> Discovered:
    """What discover_records finds, reading only the folders that changed.

    A folder whose stamp (`folder_stamp`) is the one in `known_folders` (recorded by an earlier
    call) holds the same files as then: those of `known_files` (path -> folder) in it. The
    caller keeps both up to date from the result; one `lstat` per known folder replaces a walk
    of them all.
    """
    files_of: dict[str, list[str]] = {}
    for path, folder in known_files.items():
        files_of.setdefault(folder, []).append(path)
    now = time.time_ns()
    found = Discovered({}, {}, set())

    # `prefix` and `at_root` name the paths below the root: see the `with` below.
    def status_of(folder: str) -> os.stat_result | None:
        # discover_records follows a link only for accounts/ and campaigns/ themselves
        status_at = os.stat if "/" not in folder else os.lstat
        try:
            status = status_at(prefix + folder, dir_fd=at_root)
        except OSError:
            return None
        return status if stat.S_ISDIR(status.st_mode) else None

    def take(folder: str, kind: RecordKind, stamp: int, files: list[str]) -> None:
        found.folders[folder] = stamp
        for path in files:
            found.files[path] = kind

    def scan(folder: str, kind: RecordKind, status: os.stat_result) -> None:
        """List a folder that changed, and every new folder below it."""
        files, subfolders = _listing(f"{root}/{folder}", f"{folder}/")
        found.scanned.add(folder)
        take(folder, kind, folder_stamp(status, now), files)
        for name in subfolders:
            below = f"{folder}/{name}"
            if below not in known_folders and (below_status := status_of(below)) is not None:
                scan(below, kind, below_status)

    with lookups_below(root) as (prefix, at_root):
        for top, kind in RECORD_FOLDERS.items():
            if top not in known_folders and (status := status_of(top)) is not None:
                scan(top, kind, status)
        # Parents before their folders: a folder counts only below a folder found this time (the
        # name of one that became a link still leads somewhere, through the link).
        for folder in sorted(known_folders):
            folder_kind = RECORD_FOLDERS.get(folder.split("/", 1)[0])
            parent = folder.rpartition("/")[0]
            if folder_kind is None or (parent and parent not in found.folders):
                continue
            status = status_of(folder)
            if status is None:
                continue  # gone
            stamp = known_folders[folder]
            if stamp != UNTRUSTED and folder_stamp(status, now) == stamp:
                take(folder, folder_kind, stamp, files_of.get(folder, []))
            else:
                scan(folder, folder_kind, status)
    return found


def _id_from(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "my-record"


def place_problem(path: str, kind: RecordKind) -> str | None:
    """What is wrong with where a record file is or what it is called, in words; None if fine."""
    parts = path.split("/")
    stem, suffix = os.path.splitext(parts[-1])
    top = parts[0]
    # One round of renaming: the suggestion fixes the ending and the id at once.
    fixed = stem if RECORD_ID.match(stem) else _id_from(stem)
    if suffix == ".yml":
        also = "" if fixed == stem else " (the name is the record's id: lowercase and hyphens)"
        return f"Rename the file to {fixed}.yaml: records end in .yaml, not .yml{also}."
    if suffix != ".yaml":
        return f"Only .yaml record files belong under {top}/; move or remove this file."
    if len(parts) != 3:
        return (
            f"{a_or_an(kind).capitalize()} file must be directly in a unit's folder: "
            f"{top}/<unit>/{stem}.yaml. Move it into the folder of the unit that owns it."
        )
    if fixed != stem:
        return (
            f"The file name `{stem}` is the record's id and may use only lowercase letters, "
            f"digits and single hyphens: rename it to {fixed}.yaml."
        )
    if not RECORD_ID.match(parts[1]):
        return f"The folder `{parts[1]}` is not a unit id: use the unit's id from org/units.yaml."
    return None
