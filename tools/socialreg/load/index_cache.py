"""Remember the data of each org/ file between runs, keyed by file size and mtime.

Checking one changed file (a pre-commit hook, `socialreg validate accounts/x/y.yaml`) needs the
org/ files, and an organisation of thousands of units has a units.yaml of megabytes, which
takes longer to parse and schema-check than the rest of the check. A file whose size or
modification time differs from the cache is parsed again, so the cache is never trusted over
the file. It lives in `.socialreg-cache/` (ignored by git), beside the index store of the
records (load/index_store.py), and is only an accelerator: if it cannot be read or written,
everything still works, only slower.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from socialreg import __version__

CACHE_FOLDER = Path(".socialreg-cache")


def org_cache_file(name: str) -> Path:
    """Where an org/ file's data is cached: one file each, so that a worker that needs only
    the policy does not read the thousands of units."""
    return CACHE_FOLDER / f"org-{name}.json"


Stamp = tuple[int, int]  # size in bytes, modification time in nanoseconds


def stamp(path: str) -> Stamp | None:
    try:
        # lstat: a link is stamped as itself, never by what it points to (it is not read)
        status = os.lstat(path)  # a plain string: pathlib costs more than the stat here
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns)


class IndexCache:
    def __init__(self, root: Path, fingerprint: str, file: Path) -> None:
        self._file = root / file
        # Entries depend on the tool's version and on which keys are indexed.
        self._version = f"{__version__}:{fingerprint}"
        self._entries: dict[str, list[Any]] = self._read()
        self._changed = False

    def _read(self) -> dict[str, list[Any]]:
        try:
            content = json.loads(self._file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(content, dict) or content.get("version") != self._version:
            return {}
        entries = content.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, path: str, current: Stamp) -> tuple[bool, Any]:
        """(True, value) when the cache holds `path` at this stamp; value may be None."""
        entry = self._entries.get(path)
        if isinstance(entry, list) and len(entry) == 3 and tuple(entry[:2]) == current:
            return True, entry[2]
        return False, None

    def put(self, path: str, current: Stamp, value: Any) -> None:
        entry = [*current, value]
        if self._entries.get(path) != entry:
            self._entries[path] = entry
            self._changed = True

    def forget_missing(self, present: set[str]) -> None:
        for path in [path for path in self._entries if path not in present]:
            del self._entries[path]
            self._changed = True

    def save(self) -> None:
        if not self._changed:
            return
        try:
            self._file.parent.mkdir(exist_ok=True)
            (self._file.parent / ".gitignore").write_text("*\n", encoding="utf-8")
            temporary = self._file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(
                json.dumps({"version": self._version, "entries": self._entries}),
                encoding="utf-8",
            )
            os.replace(temporary, self._file)
        except OSError:
            pass  # a read-only checkout: the next run parses again, nothing else changes
