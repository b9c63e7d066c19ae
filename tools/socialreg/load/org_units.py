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

import itertools
import json
import mmap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

from socialreg import __version__
from socialreg.load.index_cache import (
    ExactStamp,
    cache_folder_usable,
    local_key,
    write_cache_file,
)


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
    """The units of a cached units.yaml: the ids at once, a unit's data when looked up (from
    the file's pages, mapped into memory: nothing is read or copied for the other units)."""

    def __init__(
        self, content: bytes | mmap.mmap, start: int, ids: list[str], ends: list[int],
        logins: list[Any], mailboxes: list[Any],
    ) -> None:  # fmt: skip
        self._content = content
        self._start = start  # where the JSON list of the units starts in `content`
        self._ends = ends  # where each unit's JSON ends in that list (a comma or ] follows)
        self._numbers = {unit_id: number for number, unit_id in enumerate(ids)}
        self._decoded: dict[str, Any] = {}
        self.logins = logins
        self.mailboxes = mailboxes

    def __getitem__(self, unit_id: str) -> Any:
        if unit_id not in self._decoded:
            number = self._numbers[unit_id]
            start = self._start + (self._ends[number - 1] + 1 if number else 1)  # past , or [
            end = self._start + self._ends[number]
            self._decoded[unit_id] = json.loads(self._content[start:end])
        return self._decoded[unit_id]

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._numbers

    def __iter__(self) -> Iterator[str]:
        return iter(self._numbers)

    def __len__(self) -> int:
        return len(self._numbers)


class UnitsCache:
    """The cache of a valid org/units.yaml, with the same questions as `IndexCache`.

    The file: a first line of JSON (the version, the path and stamp of units.yaml, its data
    other than `units`, the unit ids, where each unit's JSON ends after that line, and the facts
    `supervisor_logins` and `contact_emails` give), then a JSON list of the units, in the order
    of the ids: decoded at once when every unit is wanted, one by one when few are.
    """

    def __init__(self, root: Path, fingerprint: str, file: Path, lazy: bool) -> None:
        self._file = root / file
        self._usable = cache_folder_usable(root)
        self._version = f"{__version__}:{fingerprint}:{local_key()}:units"
        self._lazy = lazy  # CachedUnits; else a dict, for code that wants every unit
        self._new: tuple[str, ExactStamp, Any] | None = None

    def get(self, path: str, current: ExactStamp) -> tuple[bool, Any]:
        """(True, data) when the cache holds `path` at this stamp."""
        if not self._usable:
            return False, None
        try:
            with open(self._file, "rb") as file:
                content = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            head_end = content.find(b"\n")
            header = json.loads(content[:head_end]) if head_end >= 0 else None
        except (OSError, ValueError):  # no file, an empty one, not JSON
            return False, None
        if not isinstance(header, dict) or [
            header.get("version"),
            header.get("path"),
            header.get("stamp"),
        ] != [self._version, path, list(current)]:
            return False, None
        start = head_end + 1
        lists = [header.get(name) for name in ("ids", "ends", "logins", "mailboxes")]
        rest = header.get("rest")
        if not all(isinstance(value, list) for value in lists) or not isinstance(rest, dict):
            return False, None  # another shape: parse the file again
        ids, ends, logins, mailboxes = cast(list[list[Any]], lists)
        if len(ids) != len(ends) or (ends[-1] if ends else 1) + 1 != len(content) - start:
            return False, None  # cut short, or more: parse the file again
        if self._lazy:
            units: Mapping[str, Any] = CachedUnits(content, start, ids, ends, logins, mailboxes)
        else:  # every unit, decoded at once
            try:
                every = json.loads(content[start:])
            except ValueError:
                return False, None
            if not isinstance(every, list) or len(every) != len(ids):
                return False, None
            units = dict(zip(ids, every, strict=True))
        return True, {**rest, "units": units}

    def put(self, path: str, current: ExactStamp, data: Any) -> None:
        self._new = (path, current, data)

    def save(self) -> None:
        if self._new is None or not self._usable:
            return
        path, current, data = self._new
        units = data.get("units") if isinstance(data, dict) else None
        if not isinstance(units, dict):
            return  # the schema let another shape through: parsed again next time
        try:
            parts = [json.dumps(unit).encode() for unit in units.values()]
            rest = {key: value for key, value in data.items() if key != "units"}
            # After "[", each part and a comma (or the closing "]").
            ends = [
                1 + end + number for number, end in enumerate(itertools.accumulate(map(len, parts)))
            ]
            header = {
                "version": self._version,
                "path": path,
                "stamp": list(current),
                "rest": rest,
                "ids": list(units),
                "ends": ends,
                "logins": supervisor_logins(units),
                "mailboxes": contact_emails(units),
            }
            content = b"".join([json.dumps(header).encode(), b"\n[", b",".join(parts), b"]"])
        except (TypeError, ValueError):
            return  # a value JSON cannot hold (a date): parsed again next time
        write_cache_file(self._file, content)
