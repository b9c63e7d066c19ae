"""Load a large file in a forked process of its own, so that parsing it leaves nothing behind.

An organisation with tens of thousands of units has an `org/units.yaml` of 12 MB. Parsing it
makes PyYAML's node graph first (a node and two marks for every value: 350 MB), then the
values we keep (80 MB). Python's allocator gives memory back to the system only in whole
arenas of a megabyte, and the values kept are spread through every arena the graph used, so
a process that parsed the file held all 380 MB to its end (and its forked workers shared
them). A process of its own parses it and sends back the document; unpickled, its values lie
side by side in 40 MB, and the parser's memory goes with the process.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from socialreg.load.documents import LoadResult, load_file
from socialreg.parallel import begun_apart, can_fork

# Smaller files are parsed in this process: starting another costs more than they leave.
APART_BYTES = 1_000_000


def is_large(path: Path) -> bool:
    """Whether the file at `path` is worth a process of its own (and fork exists)."""
    try:
        size = os.lstat(path).st_size
    except OSError:
        size = 0  # loading it says why it cannot be read
    return size >= APART_BYTES and can_fork()


def load_large_file(root: Path, relative_path: str, max_bytes: int) -> LoadResult:
    """`load_file`, in a forked process when the file is large (and fork exists)."""
    if not is_large(root / relative_path):
        return load_file(root, relative_path, max_bytes)
    with begun_apart(functools.partial(load_file, root, relative_path, max_bytes)) as loaded:
        return loaded()
