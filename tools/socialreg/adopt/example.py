"""Which files are the template's example organisation, so `init` can tell it from a real one.

The template ships a small list of the example's files with their SHA-256 digests
(EXAMPLE_MANIFEST at the repository root). `init` treats org/ as the example only while its
files are exactly the listed ones, and removes only listed files that are unchanged: a record
someone wrote or edited is kept, and `init` says so. After adoption the list is removed, since
it no longer describes the repository.

Maintainers of the template refresh the list after changing the example:
`python -m socialreg.adopt.example`.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

EXAMPLE_MANIFEST = ".example-files.sha256"
EXAMPLE_FOLDERS = ("org", "accounts", "campaigns")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_manifest(root: Path) -> dict[str, str]:
    """path -> digest, from the manifest; {} when there is none (the repository was adopted)."""
    try:
        text = (root / EXAMPLE_MANIFEST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    entries = {}
    for line in text.splitlines():
        value, _, path = line.partition("  ")
        if value and path and not line.startswith("#"):
            entries[path] = value
    return entries


def unchanged(root: Path, path: str, manifest: dict[str, str]) -> bool:
    file = root / path
    return path in manifest and file.is_file() and digest(file) == manifest[path]


def is_example(root: Path) -> bool:
    """Whether org/ is still the template's example organisation, unchanged."""
    manifest = read_manifest(root)
    org_files = [path for path in manifest if path.startswith("org/")]
    return bool(org_files) and all(unchanged(root, path, manifest) for path in org_files)


def record_files(root: Path) -> Iterator[str]:
    """Every file under accounts/ and campaigns/, as a path relative to `root`."""
    for folder in EXAMPLE_FOLDERS[1:]:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                yield path.relative_to(root).as_posix()


def manifest_text(root: Path) -> str:
    """The manifest for the example as it is in `root` now."""
    paths = [
        # org/ holds the example's settings and its logo (registry.logo).
        *(p.relative_to(root).as_posix() for p in sorted((root / "org").iterdir()) if p.is_file()),
        *record_files(root),
    ]
    lines = [
        "# The template's example organisation: `socialreg init` removes these files when they",
        "# are unchanged. Refresh with `python -m socialreg.adopt.example` after changing them.",
        *(f"{digest(root / path)}  {path}" for path in paths),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover - a maintainer's tool
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    (target / EXAMPLE_MANIFEST).write_text(manifest_text(target), encoding="utf-8")
    print(f"Wrote {EXAMPLE_MANIFEST}.")
