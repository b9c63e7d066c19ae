"""org/units.yaml as a check of a few files reads it: each unit decoded when a rule asks for it.

An organisation of 25,000 units has a units.yaml of 6 MB. A one-file check (the pre-commit hook)
reads one or two of its units, and of the others only the facts the rules compare with every
record: the supervisors' GitHub user names and the units' shared mailboxes. Decoding all of them
from the cache took longer than the rest of that check's own work, so the cache keeps those facts
apart and each unit as one line of JSON (`UnitsCache`), and `CachedUnits` decodes a unit when it
is looked up.

The rules read units through `units_of`, `supervisor_logins` and `contact_emails`, which work on
the parsed file's dict and on `CachedUnits` alike.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from socialreg import __version__
from socialreg.load.index_cache import Stamp, cache_folder_usable, local_key


def units_of(data: Any) -> Mapping[str, Any]:
    """The units of org/units.yaml's data, by id ({} when the file has another shape: its
    schema says why)."""
    units = data.get("units") if isinstance(data, dict) else None
    return units if isinstance(units, Mapping) else {}


def supervisor_logins(units: Mapping[str, Any]) -> list[Any]:
    """The GitHub user names of every unit's supervisors, as written."""
    if isinstance(units, CachedUnits):
        return list(units.logins)
    return [
        person.get("github")
        for unit in units.values()
        if isinstance(unit, dict)
        for person in unit.get("supervisors") or []
        if isinstance(person, dict)
    ]


def contact_emails(units: Mapping[str, Any]) -> list[Any]:
    """Every unit's shared mailbox (its contact_email), as written."""
    if isinstance(units, CachedUnits):
        return list(units.mailboxes)
    return [unit.get("contact_email") for unit in units.values() if isinstance(unit, dict)]


class CachedUnits(Mapping[str, Any]):
    """The units of a cached units.yaml: the ids at once, a unit's data when looked up."""

    def __init__(
        self, lines: list[bytes], ids: list[str], logins: list[Any], mailboxes: list[Any]
    ) -> None:
        self._lines = dict(zip(ids, lines, strict=True))
        self._decoded: dict[str, Any] = {}
        self.logins = logins
        self.mailboxes = mailboxes

    def __getitem__(self, unit_id: str) -> Any:
        if unit_id not in self._decoded:
            self._decoded[unit_id] = json.loads(self._lines[unit_id])
        return self._decoded[unit_id]

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._lines

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


class UnitsCache:
    """The cache of a valid org/units.yaml, with the same questions as `IndexCache`.

    The file: a first line of JSON (the version, the path and stamp of units.yaml, its data
    other than `units`, the unit ids and the facts `supervisor_logins` and `contact_emails`
    give), then one line of JSON per unit, in the order of the ids. JSON writes line breaks
    inside strings as escapes, so a unit is always one line.
    """

    def __init__(self, root: Path, fingerprint: str, file: Path, lazy: bool) -> None:
        self._file = root / file
        self._usable = cache_folder_usable(root)
        self._version = f"{__version__}:{fingerprint}:{local_key()}:units"
        self._lazy = lazy  # CachedUnits; else a dict, for code that wants every unit
        self._new: tuple[str, Stamp, Any] | None = None

    def get(self, path: str, current: Stamp) -> tuple[bool, Any]:
        """(True, data) when the cache holds `path` at this stamp."""
        if not self._usable:
            return False, None
        try:
            content = self._file.read_bytes()
            head, _, body = content.partition(b"\n")
            header = json.loads(head)
        except (OSError, ValueError):
            return False, None
        if not isinstance(header, dict) or [
            header.get("version"),
            header.get("path"),
            header.get("stamp"),
        ] != [self._version, path, list(current)]:
            return False, None
        ids, lines = header["ids"], body.split(b"\n") if body else []
        if len(ids) != len(lines):
            return False, None  # cut short: parse the file again
        units = CachedUnits(lines, ids, header["logins"], header["mailboxes"])
        data = {**header["rest"], "units": units if self._lazy else dict(units.items())}
        return True, data

    def put(self, path: str, current: Stamp, data: Any) -> None:
        self._new = (path, current, data)

    def save(self) -> None:
        if self._new is None or not self._usable:
            return
        path, current, data = self._new
        units = data.get("units") if isinstance(data, dict) else None
        if not isinstance(units, dict):
            return  # the schema let another shape through: parsed again next time
        header = {
            "version": self._version,
            "path": path,
            "stamp": list(current),
            "rest": {key: value for key, value in data.items() if key != "units"},
            "ids": list(units),
            "logins": supervisor_logins(units),
            "mailboxes": contact_emails(units),
        }
        try:
            lines = [json.dumps(header), *(json.dumps(unit) for unit in units.values())]
        except (TypeError, ValueError):
            return  # a value JSON cannot hold (a date): parsed again next time
        try:
            self._file.parent.mkdir(exist_ok=True)
            (self._file.parent / ".gitignore").write_text("*\n", encoding="utf-8")
            temporary = self._file.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text("\n".join(lines), encoding="utf-8")
            os.replace(temporary, self._file)
        except OSError:
            pass  # a read-only checkout: the next run parses again, nothing else changes
