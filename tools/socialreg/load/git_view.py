"""What Git already knows about the record files of a work tree: which are unchanged, and as
which blob.

A one-file check (the pre-commit hook) must know that the index store's entry of each of tens of
thousands of other records is still true. Asking the file system costs one `lstat` per file,
which in Python is most of the 0.5 s the hook may take at 50,000 records. Git keeps the same
facts in its own index and checks them in C: `git ls-files --stage` names the blob of every
tracked file, and `git diff-files` names the tracked files whose content differs from it (it
compares sizes and times, and reads the file where they cannot decide). A tracked file that
`diff-files` does not name has exactly the content of its blob, so an entry made from that blob
is current. Both commands start in the background, so they run on another core while this
process reads the org/ files.

Anything Git does not vouch for (untracked files, files with changes, a folder that is not a Git
work tree, a Git that fails) is checked with `lstat` instead.

`validate --staged` (the pre-commit hook's check) asks only for the listing: it compares with the
records as the commit will hold them, which are the blobs the listing names, so nothing in the
work tree needs comparing (`diff-files` is most of the 85,000 `lstat`s at 60,000 files). Of the
three org/ files alone it asks both (`StagedOrgFiles`), to read from Git those the commit holds
otherwise than the work tree.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from socialreg.load.discover import RECORD_FOLDERS
from socialreg.load.files import entry_problem
from socialreg.load.index_cache import CACHE_FOLDER
from socialreg.load.kinds import ORG_FILES

_GITLINK = b"160000"  # a submodule: no blob of its own
_REGULAR = (b"100644", b"100755")  # a file (not a link, not a submodule)


# Variables through which Git may be told where its folder and files are. Git takes a relative
# one from the folder it runs in, and these commands run in the registry's folder, which may be
# a folder below the one the variable was set in (`git --git-dir=.git commit` sets it so).
_GIT_PATH_VARIABLES = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
)


def git_environment() -> dict[str, str]:
    """This process's environment for a Git command run in another folder: Git's path
    variables made absolute, and Git told not to refresh its index (never write it)."""
    environment = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    for name in _GIT_PATH_VARIABLES:
        value = environment.get(name)
        if value:
            environment[name] = os.path.abspath(value)
    return environment


def _start_git(root: Path, command: list[str]) -> subprocess.Popen[bytes]:
    """`command` started in `root`, its output to be read from a pipe. Raises OSError when Git
    cannot be run."""
    return subprocess.Popen(
        command,
        cwd=root,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=git_environment(),
    )


@dataclass(frozen=True, slots=True)
class GitFacts:
    # `ls-files -v --stage -z` as it printed it: "<tag> <mode> <blob> <stage>\t<path>\0" per
    # tracked file; the tag is H for a file Git compares with the work tree
    listing: bytes
    # tracked files whose content differs from their blob, or gone, and those Git was told not
    # to compare (`update-index --assume-unchanged` or `--skip-worktree`)
    changed: frozenset[str]
    store_tracked: bool  # someone committed the cache folder: its content is not ours
    # whether `changed` was asked (`diff-files`); without it, only the listing can be used
    compared: bool = True
    # when Git was asked (time.time_ns()): a file changed since may not be what Git compared;
    # facts made without it (0) vouch for no file that is read again
    asked_at: int = 0

    def blobs(self) -> dict[str, str]:
        """Every tracked record file -> its blob (a merge conflict or a submodule has none)."""
        return _blobs(self.listing)

    def blob_if_unchanged(self, path: str, blobs: dict[str, str] | None = None) -> str | None:
        """The blob `path` holds, when Git vouches that the file is exactly that blob."""
        if path in self.changed:
            return None
        if blobs is not None:
            return blobs.get(path)
        return _blob_of(self.listing, path)

    def staged_blob(self, path: str) -> str | None:
        """The blob Git's index holds for `path`, when it holds one file there (not a link, a
        submodule or a merge conflict): what a commit would hold."""
        return _blob_of(self.listing, path, _REGULAR)

    def staged_blobs(self) -> dict[str, str]:
        """`staged_blob` of every path the listing names."""
        return _blobs(self.listing, _REGULAR)

    def lines_differing(self, earlier: bytes) -> set[str]:
        """The paths whose line differs between `earlier` (a listing) and this one: files
        added, removed, staged with other content, or in conflict."""
        if self.listing == earlier:
            return set()  # the usual case when nothing was staged or committed since
        new, old = _differing_part(self.listing, earlier)
        differing = set(new.split(b"\0")).symmetric_difference(old.split(b"\0"))
        return {os.fsdecode(line.split(b"\t", 1)[1]) for line in differing if b"\t" in line}


def git_facts(root: Path, compare: bool = True) -> GitFacts | None:
    """`GitView(root, compare).facts()`, asked now and waited for."""
    view = GitView(root, compare)
    try:
        return view.facts()
    finally:
        view.close()


class GitView:
    """The two Git commands (one without `compare`), started now and read when `facts` is
    called."""

    def __init__(self, root: Path, compare: bool = True) -> None:
        self._processes: list[subprocess.Popen[bytes]] = []
        self._outputs: list[_Output] = []
        self._asked_at = time.time_ns()
        folders = list(RECORD_FOLDERS)
        # Paths relative to `root` (which may be a folder inside a larger work tree).
        commands = [
            ["git", "ls-files", "-v", "--stage", "-z", "--", *folders, CACHE_FOLDER.as_posix()],
            ["git", "diff-files", "--name-only", "--relative", "-z", "--", *folders],
        ][: 2 if compare else 1]
        self._compare = compare
        try:
            for command in commands:
                process = _start_git(root, command)
                self._processes.append(process)
                self._outputs.append(_Output(process))
        except OSError:  # no git
            self.close()

    def facts(self) -> GitFacts | None:
        """What Git says, or None when it cannot say (not a work tree, no git, an error)."""
        if len(self._processes) != 1 + self._compare:
            return None
        outputs = []
        for process, output in zip(self._processes, self._outputs, strict=True):
            output.join()
            if process.wait() != 0 or output.data is None:
                return None
            outputs.append(output.data)
        staged, changed = outputs if self._compare else (outputs[0], b"")
        cache = CACHE_FOLDER.as_posix().encode()
        # The folder itself (a committed link) or anything in it.
        store_tracked = b"\t" + cache + b"/" in staged or b"\t" + cache + b"\0" in staged
        if not self._compare:
            return GitFacts(staged, frozenset(), store_tracked, False, self._asked_at)
        changed_files = frozenset([*_paths(changed), *_not_compared(staged)])
        return GitFacts(staged, changed_files, store_tracked, True, self._asked_at)

    def close(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.wait()
        for output in self._outputs:
            output.join()
        for process in self._processes:
            if process.stdout is not None:
                process.stdout.close()
        self._processes, self._outputs = [], []


# What a commit would hold at an org/ file's place, when it is not what the work tree holds.
StagedOrgFile = tuple[Literal["blob", "missing", "refused"], str]  # its id, "", or why


class StagedOrgFiles:
    """The org/ files as Git's index holds them where the work tree may differ, asked now and
    read later: a staged check takes those from the index (`validate --staged`). Git reads its
    whole index to answer (20 ms at 60,000 files), so both commands run while the caller
    imports its code: `ls-files -v --stage` says which of the three the index holds, how, as
    which blob, and whether Git compares it with the work tree; `diff-files` which of those the
    work tree changed or deleted.
    """

    def __init__(self, root: Path) -> None:
        self._processes: list[subprocess.Popen[bytes]] = []
        paths = list(ORG_FILES.values())
        commands = [  # paths relative to `root`, which may be a folder in a larger work tree
            ["git", "ls-files", "-v", "--stage", "-z", "--", *paths],
            ["git", "diff-files", "--name-only", "--relative", "-z", "--", *paths],
        ]
        try:
            for command in commands:  # three lines at most each: never fills the pipe
                self._processes.append(_start_git(root, command))
        except OSError:  # no git
            self.close()

    def differing(self) -> dict[str, StagedOrgFile] | None:
        """For each org/ file whose place in the commit differs from the work tree, or that
        Git does not compare with it (a sparse checkout, `--assume-unchanged`): its blob, that
        the commit lacks it (`git rm --cached`), or why it cannot be read (a link). A file in a
        merge conflict is left to the work tree (its conflict markers make the finding), and so
        are all three when the index holds none of them (org/ itself a link, a registry not
        added yet). None when Git cannot say (not a work tree, no git, an error)."""
        outputs = [process.communicate()[0] for process in self._processes]
        succeeded = len(outputs) == 2 and all(p.returncode == 0 for p in self._processes)
        self._processes = []
        if not succeeded:
            return None
        listing, changed = outputs
        entries: dict[str, list[tuple[str, str, str, str]]] = {}
        for line in listing.split(b"\0"):
            head, tab, name = line.partition(b"\t")
            parts = head.decode("ascii", "replace").split(" ")
            if tab and len(parts) == 4:  # "<tag> <mode> <blob> <stage>"
                tag, mode, blob, stage = parts
                entries.setdefault(os.fsdecode(name), []).append((tag, mode, blob, stage))
        if not entries:
            return {}
        differing: dict[str, StagedOrgFile] = {}
        changed_paths = set(_paths(changed))
        for path in ORG_FILES.values():
            found = entries.get(path)
            if not found:
                differing[path] = ("missing", "")
                continue
            if len(found) != 1 or found[0][3] != "0":
                continue  # a merge conflict
            tag, mode, blob, _ = found[0]
            if tag == "H" and path not in changed_paths:
                continue  # the work tree holds the blob
            problem = _entry_problem(mode)
            differing[path] = ("blob", blob) if problem is None else ("refused", problem)
        return differing

    def close(self) -> None:
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.communicate()
        self._processes = []


def _entry_problem(mode: str) -> str | None:
    """`files.entry_problem` of an entry of Git's index with this mode: a submodule is checked
    out as a folder."""
    if mode == _GITLINK.decode():
        return entry_problem(stat.S_IFDIR)
    try:
        return entry_problem(int(mode, 8))
    except ValueError:
        return entry_problem(0)


class _Output(threading.Thread):
    """A process's output, read as it comes. Git's listing is 7 MB at 60,000 files; written
    into a pipe that nobody reads, it would stop at the pipe's 64 KB until `facts` is called,
    instead of running while this process imports its code and reads the org/ files."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        super().__init__(daemon=True)
        self._stream = process.stdout
        self.data: bytes | None = None  # None until read, or when it could not be read
        self.start()

    def run(self) -> None:
        # An exception here would print a traceback: a read that fails is an answer unknown.
        with contextlib.suppress(OSError, ValueError):
            self.data = self._stream.read() if self._stream is not None else None


def _differing_part(new: bytes, old: bytes) -> tuple[bytes, bytes]:
    """The whole lines of two listings between their common start and common end.

    Staging one file changes one line of a 7 MB listing (60,000 files); splitting both whole
    took 0.05 s. The lines outside these parts are the same in both, in the same places, and
    a listing names each (path, stage) once, so no line outside can match one inside: the lines
    that differ are those that differ between the parts.
    """
    start, tail = common_ends(new, old)
    begin = new.rfind(b"\0", 0, start) + 1  # the start of the line where they first differ
    new_end = new.find(b"\0", len(new) - tail)  # the end of the line where they last differ
    new_end = len(new) if new_end < 0 else new_end
    old_end = new_end - len(new) + len(old)
    return new[begin:new_end], old[begin:old_end]


def common_ends(one: bytes, other: bytes) -> tuple[int, int]:
    """How many bytes the two share at their start, and then how many of the rest at their
    end (the two never overlap)."""
    shortest = min(len(one), len(other))
    start = _common_length(one, other, shortest)
    return start, _common_length(one, other, shortest - start, at_end=True)


def _common_length(one: bytes, other: bytes, limit: int, at_end: bool = False) -> int:
    """How many bytes, at most `limit`, the two share at their start (or end): compared in
    large pieces first (each one comparison in C), then in smaller ones where they differ."""
    length = 0
    for size in (1 << 16, 1 << 10, 1):
        while length + size <= limit and (
            _piece(one, length, size, at_end) == _piece(other, length, size, at_end)
        ):
            length += size
    return length


def _piece(text: bytes, skipped: int, size: int, at_end: bool) -> bytes:
    """`size` bytes after the first `skipped` (or before the last `skipped`)."""
    if at_end:
        return text[len(text) - skipped - size : len(text) - skipped]
    return text[skipped : skipped + size]


def _blobs(output: bytes, modes: tuple[bytes, ...] | None = None) -> dict[str, str]:
    """`ls-files -v --stage -z`: "<tag> <mode> <blob> <stage>\\t<path>\\0" per file; with
    `modes`, only the files of those modes."""
    blobs: dict[str, str] = {}
    conflicted: set[str] = set()
    for line in output.split(b"\0"):
        if not line:
            continue
        head, path_bytes = line.split(b"\t", 1)
        _, mode, blob, stage = head.split(b" ")
        path = os.fsdecode(path_bytes)
        if stage != b"0":  # a merge conflict: several blobs, none of them the file
            conflicted.add(path)
        elif mode != _GITLINK and (modes is None or mode in modes):
            blobs[path] = blob.decode("ascii")
    for path in conflicted:
        blobs.pop(path, None)
    return blobs


def _not_compared(output: bytes) -> list[str]:
    """The files of a listing whose tag is not H: Git does not compare them with the work
    tree (assumed unchanged, skip-worktree), so `diff-files` says nothing of them."""
    lines = output.count(b"\0")
    usual = output.count(b"\0H ") + output.startswith(b"H ")
    if usual == lines:
        return []  # the usual case, seen without splitting megabytes into lines
    return [
        os.fsdecode(line.split(b"\t", 1)[1])
        for line in output.split(b"\0")
        if line and not line.startswith(b"H ") and b"\t" in line
    ]


def _blob_of(listing: bytes, path: str, modes: tuple[bytes, ...] | None = None) -> str | None:
    """The blob of `path` in a listing (with `modes`, only if a file of one of those modes),
    found without reading the others."""
    wanted = b"\t" + os.fsencode(path) + b"\0"
    start = 0
    while (found := listing.find(wanted, start)) >= 0:
        head = listing[listing.rfind(b"\0", 0, found) + 1 : found]
        parts = head.split(b" ")
        if len(parts) == 4 and b"\t" not in head and parts[3] == b"0" and parts[1] != _GITLINK:
            return parts[2].decode("ascii") if modes is None or parts[1] in modes else None
        start = found + 1
    return None


def _paths(output: bytes) -> list[str]:
    return [os.fsdecode(path) for path in output.split(b"\0") if path]
