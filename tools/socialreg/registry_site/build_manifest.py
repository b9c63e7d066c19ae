"""What the last `socialreg build` into a folder checked and wrote, for the next build.

The next build into the same folder checks again only the records that changed
(check/incremental.py) and renders again only the pages whose inputs changed (`PageStates`):
after one record changed, a rebuild touches that record's pages and the pages that list it.

Two files per output folder, in the repository's `.socialreg-cache/` (ignored by git, like the
index cache), never in the site itself, which is published as it is:

- `build-<key>-check.jsonl`: the snapshot of the check (every record's stamp, findings, index
  entry and public part), one line of JSON per record after a first line that says what it is
  of. It describes the repository, not the site, so it is written as soon as the check is done,
  and the records it holds need not stay in memory while pages render.
- `build-<key>-pages.json`: the page context (build.page_context) and, for each page that can
  be kept, the digest of what it was rendered from and the size and time of its file.

Both are only accelerators. A file that cannot be read or is of another format is not used,
and the build does everything, as a first build does.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from socialreg.check.incremental import (
    Snapshot,
    snapshot_from_lines,
    snapshot_header,
    snapshot_lines,
)
from socialreg.load.index_cache import CACHE_FOLDER, make_cache_folder

FORMAT = 2

# relative path in the site -> [digest of what the page was rendered from, size, mtime_ns]
PageStates = dict[str, list[Any]]


def manifest_path(root: Path, out: Path, part: str, suffix: str = ".json") -> Path:
    key = hashlib.blake2b(str(out.resolve()).encode("utf-8"), digest_size=8).hexdigest()
    return root / CACHE_FOLDER / f"build-{key}-{part}{suffix}"


def read_check(root: Path, out: Path) -> Snapshot | None:
    """The snapshot of the check of the last build into `out`, if there is a usable one."""
    try:
        text = manifest_path(root, out, "check", ".jsonl").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    first, _, rest = text.partition("\n")
    header = _parsed(first)
    if header is None:
        return None
    lines = rest.split("\n")  # not splitlines(), which breaks at more than line feeds
    if lines[-1] == "":
        lines.pop()
    if header.get("records") != len(lines):  # cut short
        return None
    return snapshot_from_lines(header, lines)


def write_check(root: Path, out: Path, snapshot: Snapshot | None) -> None:
    """Store `snapshot`; None removes the last one (the next build checks everything)."""
    path = manifest_path(root, out, "check", ".jsonl")
    if snapshot is None:
        try:
            path.unlink()
        except OSError:
            return
        return
    header = {"format": FORMAT, **snapshot_header(snapshot), "records": len(snapshot.records)}
    # Line by line: at 50,000 records the whole text would be a hundred megabytes more.
    _write_lines(path, [json.dumps(header)], snapshot_lines(snapshot))


def read_pages(root: Path, out: Path) -> tuple[str, PageStates]:
    """The page context and page states of the last build into `out` ("" and {} if none)."""
    content = _read(manifest_path(root, out, "pages"))
    if content is None:
        return "", {}
    context, pages = content.get("context"), content.get("pages")
    if not isinstance(context, str) or not isinstance(pages, dict):
        return "", {}
    return context, pages


def write_pages(root: Path, out: Path, context: str, pages: PageStates) -> None:
    _write(manifest_path(root, out, "pages"), {"context": context, "pages": pages})


def _read(path: Path) -> dict[str, Any] | None:
    try:
        return _parsed(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _parsed(text: str) -> dict[str, Any] | None:
    """The JSON object in `text` if it is of this format, else None."""
    try:
        content = json.loads(text)
    except ValueError:
        return None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        return None
    return content


def _write(path: Path, content: dict[str, Any]) -> None:
    _write_lines(path, [json.dumps({"format": FORMAT, **content}, separators=(",", ":"))])


def _write_lines(path: Path, *parts: Iterable[str]) -> None:
    """Write the lines of `parts`, each ended by a line break, all at once (a reader never
    sees half); a read-only checkout just goes without."""
    try:
        make_cache_folder(path.parent)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("w", encoding="utf-8") as file:
            for lines in parts:
                for line in lines:
                    file.write(line)
                    file.write("\n")
        os.replace(temporary, path)
    except OSError:
        pass
