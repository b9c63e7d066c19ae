"""Measure socialreg's speed on a generated repository.

    python benchmarks/bench.py [--accounts 10000] [--campaigns 2000] [--repeat 3] [--only NAME]

Each measurement is a function in MEASUREMENTS that prints its figures. Times are wall-clock
seconds of whole commands (start-up included), the best of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_site import measure_site, measure_site_filters
from bench_site_weight import measure_site_lighthouse, measure_site_weight
from generate import generate

BIN = Path(sys.executable).parent


def best_time(command: list[str], cwd: Path, repeat: int, expect: int = 0) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        finished = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        if finished.returncode != expect:
            raise SystemExit(
                f"{' '.join(command)} exited {finished.returncode}:\n"
                f"{finished.stdout[-2000:]}{finished.stderr[-2000:]}"
            )
        best = min(best, elapsed)
    return best


def measure_validate(root: Path, arguments: argparse.Namespace) -> None:
    """The whole repository: schema and every rule, against check-jsonschema (schema only)."""
    files = arguments.accounts + arguments.campaigns
    ours = best_time(
        [str(BIN / "socialreg"), "validate", "--today", "2026-11-21"], root, arguments.repeat
    )
    print(
        f"socialreg validate, {files} files (schema + all rules): {ours:.2f} s"
        f" = {ours / files * 1000:.3f} ms per file"
    )
    if arguments.skip_check_jsonschema or not (BIN / "check-jsonschema").exists():
        print("check-jsonschema: skipped")
        return
    theirs = 0.0
    theirs_files = 0
    for kind, folder in (("account", "accounts"), ("campaign", "campaigns")):
        paths = sorted(str(path) for path in (root / folder).glob("*/*.yaml"))
        command = [
            str(BIN / "check-jsonschema"),
            "--schemafile",
            str(root / "schemas" / f"{kind}.schema.json"),
            *paths,
        ]
        theirs += best_time(command, root, 1)
        theirs_files += len(paths)
    print(
        f"check-jsonschema --schemafile, {theirs_files} files (schema only): {theirs:.2f} s"
        f" = {theirs / theirs_files * 1000:.3f} ms per file"
    )
    print(f"socialreg is {theirs / theirs_files / (ours / files):.1f}x faster per file")


def measure_validate_one(root: Path, arguments: argparse.Namespace) -> None:
    """What the pre-commit hook does: one changed account, cross-file rules included.

    The first run reads every other record for the index and caches it in .socialreg-cache/;
    later runs read only the changed file and the stat of the others (goal: under 0.5 s).
    """
    accounts = sorted((root / "accounts").glob("*/*.yaml"))
    changed = accounts[len(accounts) // 2]
    relative = changed.relative_to(root).as_posix()
    command = [str(BIN / "socialreg"), "validate", "--today", "2026-11-21", relative]
    shutil.rmtree(root / ".socialreg-cache", ignore_errors=True)
    cold = best_time(command, root, 1)
    warm = best_time(command, root, arguments.repeat)
    print(
        f"socialreg validate {relative} (one file, index of {arguments.accounts} accounts and "
        f"{arguments.campaigns} campaigns): {warm:.2f} s with the index cache, "
        f"{cold:.2f} s without it (the run that fills it)"
    )


MEASUREMENTS: dict[str, Callable[[Path, argparse.Namespace], None]] = {
    "validate": measure_validate,
    "validate-one": measure_validate_one,
    "site": measure_site,
    "site-filters": measure_site_filters,
    "site-weight": measure_site_weight,
    "site-lighthouse": measure_site_lighthouse,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--campaigns", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=sorted(MEASUREMENTS), action="append")
    parser.add_argument("--skip-check-jsonschema", action="store_true")
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="socialreg-bench-"))
    try:
        root = workdir / "registry"
        generate(root, arguments.accounts, arguments.campaigns)
        print(
            f"{arguments.accounts} accounts and {arguments.campaigns} campaigns in {root},"
            f" {os.cpu_count()} cores"
        )
        for name in arguments.only or MEASUREMENTS:
            MEASUREMENTS[name](root, arguments)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
