"""The floor a check cannot beat: parse the same YAML files with PyYAML's C loader, nothing else.

    python benchmarks/floor.py --workers N LIST

LIST holds one path per line. The files are shared among N forked processes, interleaved as
socialreg shares them, and each process parses its share with `yaml.CSafeLoader` and throws
the result away. Run as a command, so its time includes the interpreter's start-up as
socialreg's does.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import yaml


def parse_all(paths: list[str]) -> None:
    for path in paths:
        with open(path, "rb") as file:
            yaml.load(file.read(), Loader=yaml.CSafeLoader)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("list", type=Path)
    arguments = parser.parse_args()
    paths = arguments.list.read_text(encoding="utf-8").splitlines()
    workers = max(1, arguments.workers)
    children = []
    for share in range(1, workers):
        pid = os.fork()
        if pid == 0:
            parse_all(paths[share::workers])
            os._exit(0)
        children.append(pid)
    parse_all(paths[0::workers])
    failed = 0
    for pid in children:
        _, status = os.waitpid(pid, 0)
        failed |= status
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
