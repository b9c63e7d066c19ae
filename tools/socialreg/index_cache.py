"""Remember the index entries of unchanged records between runs, for checking a few files fast.

`socialreg validate PATH...` (the pre-commit hook) checks only the files given, but the
cross-file rules compare them with every other record, so every other file had to be parsed
for its few index keys: seconds in a repository of 10,000 accounts. The cache keeps each
record's index entry (kind, id, folder and the `INDEX_KEYS` values) under its path, with the
file's size, modification time and inode; a file whose stat is unchanged is not read again.

The cache lives in `.socialreg-cache/index.json` at the repository root, with a `.gitignore`
of its own so it is never committed. It is only an accelerator: when it is missing, broken,
from another version or cannot be written, the files are read as before. `SOCIALREG_CACHE=0`
turns it off.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from socialreg.repository import (
    INDEX_KEYS,
    IndexEntry,
    Job,
    RecordSummary,
    Repository,
    accept,
    load_jobs,
)

CACHE_FOLDER = ".socialreg-cache"
CACHE_FILE = "index.json"
# Part of the cache's identity: a new format or other index keys make old entries useless.
FORMAT = f"socialreg-index-2:{','.join(INDEX_KEYS)}"


def enabled() -> bool:
    return os.environ.get("SOCIALREG_CACHE", "1") not in ("0", "false", "no", "off")


def index_entries(
    repository: Repository, jobs: list[Job], parallel: bool = True
) -> list[IndexEntry]:
    """Load the jobs checked in full, and index the others from the cache where it can.

    The same entries, in the same order, as loading every job, with findings and full records
    added to the repository only for the jobs checked in full (as `accept` does).
    """
    full = [job for job in jobs if job.check_in_full]
    rest = [job for job in jobs if not job.check_in_full]
    by_path = dict(_paths(accept(repository, full, load_jobs(repository, full, parallel))))
    if rest and enabled():
        keep = {job.path for job in full}
        by_path.update(_paths(_cached(repository, rest, parallel, keep)))
    else:
        by_path.update(_paths(accept(repository, rest, load_jobs(repository, rest, parallel))))
    return [by_path[job.path] for job in jobs if job.path in by_path]


def _paths(entries: list[IndexEntry]) -> list[tuple[str, IndexEntry]]:
    return [(entry[0].path, entry) for entry in entries]


def _cached(
    repository: Repository, jobs: list[Job], parallel: bool, keep: set[str]
) -> list[IndexEntry]:
    """Index entries for `jobs`; the cached entries of the paths in `keep` (the files checked
    in full this time) stay as they are, to be compared by their stat next time."""
    prefix = f"{repository.root}{os.sep}"
    stored = _read(repository.root)
    fresh: dict[str, Any] = {path: row for path, row in stored.items() if path in keep}
    entries: list[IndexEntry] = []
    missing: list[Job] = []
    stats: dict[str, tuple[int, int, int]] = {}
    for job in jobs:
        try:
            found = os.stat(prefix + job.path)
        except OSError:
            continue
        stat = stats[job.path] = (found.st_size, found.st_mtime_ns, found.st_ino)
        row = stored.get(job.path)
        # A row is [size, modification time, inode, the record's index fields or null].
        if isinstance(row, list) and len(row) == 4 and (row[0], row[1], row[2]) == stat:
            fresh[job.path] = row
            if isinstance(row[3], dict):
                entries.append((_summary(job, row[3]), False))
        else:
            missing.append(job)
    if missing:
        loaded = accept(repository, missing, load_jobs(repository, missing, parallel))
        fields = {summary.path: summary.fields for summary, _ in loaded}
        for job in missing:
            fresh[job.path] = [*stats[job.path], fields.get(job.path)]
        entries.extend(loaded)
    if missing or len(fresh) != len(stored):
        _write(repository.root, fresh)
    return entries


def _summary(job: Job, fields: dict[str, Any]) -> RecordSummary:
    # The id and the folder come from the path, as `accept` takes them.
    parts = job.path.split("/")
    folder_unit = parts[1] if len(parts) == 3 else ""
    return RecordSummary(job.kind, os.path.splitext(parts[-1])[0], job.path, folder_unit, fields)


def _read(root: Path) -> dict[str, Any]:
    try:
        with open(root / CACHE_FOLDER / CACHE_FILE, encoding="utf-8") as handle:
            document = json.load(handle)
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return {}
    files = document.get("files")
    return files if isinstance(files, dict) else {}


def _write(root: Path, files: dict[str, Any]) -> None:
    folder = root / CACHE_FOLDER
    try:
        folder.mkdir(exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Written by socialreg; never commit this folder.\n*\n", "utf-8")
        # Write a temporary file and rename it, so that a run that reads at the same moment
        # sees the old cache or the new one, never half of one.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".index-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as output:
            json.dump({"format": FORMAT, "files": files}, output, separators=(",", ":"))
        os.replace(temporary, folder / CACHE_FILE)
    except OSError:
        return  # a read-only checkout: the cache is only an accelerator
