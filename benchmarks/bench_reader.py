"""The block reader against PyYAML, per record and on a large units.yaml, in one process.

    python benchmarks/bench_reader.py REPOSITORY [--files 2000] [--rounds 3]

REPOSITORY is one that `bench.py --prepare --workdir DIR` made (or any registry). Its first
`--files` records are read into memory once; then, in turns for `--rounds` rounds, each way of
reading them is timed over all of them, with the garbage collector off as in socialreg's
workers:

- `reader`: `block_reader.read`, as for a record checked only for its index entry;
- `reader with places`: the same, counting each value's place, as for a record checked in full;
- `PyYAML`: `load_text_with_pyyaml`, what every record cost before the reader;
- `PyYAML with nodes`: the same, keeping PyYAML's nodes, as records checked in full did.

Then `org/units.yaml` is read once each way. Each line says the fastest round, in µs per
record, and how many records the reader answered (the others went to PyYAML).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))

from socialreg.load import block_reader
from socialreg.load.documents import load_text_with_pyyaml

WAYS: dict[str, Callable[[str], object]] = {
    "reader": block_reader.read,
    "reader with places": lambda text: block_reader.read(text, {}),
    "PyYAML": lambda text: load_text_with_pyyaml(text, "record.yaml"),
    "PyYAML with nodes": lambda text: load_text_with_pyyaml(text, "record.yaml", True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repository", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    root = arguments.repository
    paths = sorted([*root.glob("accounts/*/*.yaml"), *root.glob("campaigns/*/*.yaml")])
    texts = [path.read_text(encoding="utf-8") for path in paths[: arguments.files]]
    answered = sum(block_reader.read(text) is not None for text in texts)
    print(f"{len(texts)} records, of which the reader answered {answered}")
    gc.disable()
    best = dict.fromkeys(WAYS, float("inf"))
    for _ in range(arguments.rounds):
        for name, read in WAYS.items():
            start = time.perf_counter()
            for text in texts:
                read(text)
            best[name] = min(best[name], (time.perf_counter() - start) / len(texts))
    for name, seconds in best.items():
        print(f"{name}: {seconds * 1e6:.0f} µs per record")
    units = root / "org" / "units.yaml"
    text = units.read_text(encoding="utf-8")
    for name in ("reader", "PyYAML"):
        start = time.perf_counter()
        result = WAYS[name](text)
        seconds = time.perf_counter() - start
        note = " (not answered: PyYAML's)" if name == "reader" and result is None else ""
        print(f"{units} ({len(text) / 1e6:.1f} MB), {name}: {seconds:.2f} s{note}")


if __name__ == "__main__":
    main()
