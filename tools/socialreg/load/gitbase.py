"""The records as they were at a base commit, for the rules that judge a change (`--base REF`).

CI passes the pull request's base commit. We ask `git` which record files existed there and,
only for the records that changed, what they said. Everything is read with a few `git`
processes however large the repository is: `ls-tree` for the list, `diff` for what changed,
and one `cat-file --batch` for the contents.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socialreg.load.discover import RECORD_FOLDERS
from socialreg.load.documents import load_bytes
from socialreg.load.git_view import git_environment
from socialreg.load.model import RecordKind


class BaseError(Exception):
    """The base cannot be read: not a Git repository, or REF is not a commit here."""


@dataclass(frozen=True, slots=True)
class BaseTree:
    """What the base commit held. Plain data, so worker processes can receive it."""

    ref: str
    # kind -> record id -> path at the base commit
    ids: dict[RecordKind, dict[str, str]]
    # paths (at the base) whose content differs from the working tree
    changed: frozenset[str]
    # path at the base -> its data, for the records asked for with `load`
    data: dict[str, Any] = field(default_factory=dict)

    def path_of(self, kind: RecordKind, record_id: str) -> str | None:
        return self.ids[kind].get(record_id)

    def existed(self, kind: RecordKind, record_id: str) -> bool:
        return record_id in self.ids[kind]

    def record_data(self, kind: RecordKind, record_id: str) -> dict[str, Any] | None:
        """The record's data at the base, if it existed and was loaded (changed records are)."""
        path = self.path_of(kind, record_id)
        value = self.data.get(path) if path is not None else None
        return value if isinstance(value, dict) else None


def read_base(root: Path, ref: str, records: Iterable[tuple[RecordKind, str, str]]) -> BaseTree:
    """Read the base commit `ref` of the Git repository at `root`.

    `records` are (kind, id, current path) of the records checked in full; of those, the ones
    whose file changed since the base are loaded, so the rules can compare before and after.
    """
    prefix = _git(root, "rev-parse", "--show-prefix").strip()
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    listing = _git(root, "ls-tree", "-r", "--name-only", commit, "--", *RECORD_FOLDERS)
    ids: dict[RecordKind, dict[str, str]] = {kind: {} for kind in RECORD_FOLDERS.values()}
    for path in listing.splitlines():
        parts = path.split("/")
        if len(parts) == 3 and parts[2].endswith(".yaml"):
            ids[RECORD_FOLDERS[parts[0]]].setdefault(parts[2][: -len(".yaml")], path)
    changed = frozenset(
        _git(root, "diff", "--name-only", "--relative", commit, "--", *RECORD_FOLDERS).splitlines()
    )
    wanted = []
    for kind, record_id, current_path in records:
        base_path = ids[kind].get(record_id)
        if base_path is not None and (base_path in changed or base_path != current_path):
            wanted.append(base_path)
    return BaseTree(ref, ids, changed, _load_blobs(root, commit, prefix, wanted))


def _load_blobs(root: Path, commit: str, prefix: str, paths: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path, raw in read_blobs(root, commit, prefix, paths).items():
        loaded = load_bytes(raw, path)
        if loaded.document is not None:
            data[path] = loaded.document.data
    return data


def read_blobs(root: Path, commit: str, prefix: str, paths: list[str]) -> dict[str, bytes]:
    """The contents of `paths` (relative to `root`, which is `prefix` in the Git repository) at
    `commit`, with one `git cat-file`; paths missing there are left out."""
    found = read_objects(root, [f"{commit}:{prefix}{path}" for path in paths])
    return {path: raw for path, raw in zip(paths, found, strict=True) if raw is not None}


def read_objects(root: Path, names: list[str]) -> list[bytes | None]:
    """The contents of Git objects (blob ids, or "<commit>:<path>"), with one `git cat-file`;
    None for each that Git does not have."""
    if not names:
        return []
    output = _run(root, ["git", "cat-file", "--batch"], "".join(f"{n}\n" for n in names).encode())
    contents: list[bytes | None] = []
    position = 0
    for _ in names:
        header_end = output.index(b"\n", position)
        header = output[position:header_end].split()
        position = header_end + 1
        if len(header) != 3:  # "<object> missing"
            contents.append(None)
            continue
        size = int(header[2])
        contents.append(output[position : position + size])
        position += size + 1
    return contents


def staged_versions(root: Path, blobs: dict[str, str]) -> dict[str, bytes]:
    """The contents of `blobs` (path -> blob id: files as Git's index holds them), with one
    `git cat-file`; a blob Git lacks is left out. Raises BaseError when Git fails."""
    contents = read_objects(root, list(blobs.values()))
    return {path: raw for path, raw in zip(blobs, contents, strict=True) if raw is not None}


def _git(root: Path, *arguments: str) -> str:
    return _run(root, ["git", *arguments], b"").decode("utf-8", "replace")


def _run(root: Path, command: list[str], stdin: bytes) -> bytes:
    try:
        result = subprocess.run(
            command,
            cwd=root,
            input=stdin,
            capture_output=True,
            check=False,
            env=git_environment(),
        )
    except OSError as error:
        raise BaseError(f"git cannot be run: {error.strerror or error}") from error
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        if detail and "not a git repository" in detail[0]:
            raise BaseError(f"{root} is not a Git repository, so there is no base to compare with")
        if command[1:3] == ["rev-parse", "--verify"]:
            raise BaseError(
                f"{command[-1].removesuffix('^{commit}')} is not a commit in this repository "
                "(in CI, fetch the base branch first, for example with fetch-depth: 0)"
            )
        raise BaseError(f"git {command[1]} failed: {detail[0] if detail else 'no details'}")
    return result.stdout
