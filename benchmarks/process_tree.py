"""Run a command and measure it as a whole: wall time and the peak memory of its process tree.

Memory is the proportional set size (PSS) summed over the process and all its descendants,
sampled every 20 ms from /proc/<pid>/smaps_rollup. PSS shares each page among the processes
that map it, so forked workers that share the parent's pages are not counted twice (the sum of
RSS would count them once per worker). A sample can miss a peak shorter than 20 ms; for the
commands measured here, whose memory grows for seconds, that is well inside the noise.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.02


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_pss_bytes: int  # 0 where /proc has no smaps_rollup (not Linux)
    returncode: int | None  # None: stopped at the timeout
    stdout: str
    stderr: str


def run_measured(
    command: Sequence[str],
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> Measured:
    """Run `command` in `cwd`, its output captured; time it and sample its tree's PSS. After
    `timeout` seconds the whole tree is stopped and the return code is None."""
    start = time.perf_counter()
    process = subprocess.Popen(
        list(command),
        cwd=cwd,
        env=None if env is None else dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a group of its own, to stop its workers too
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_pss(process.pid))
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        returncode: int | None = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        returncode = None
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return Measured(seconds, peak, returncode, stdout, stderr)


def tree_pss(pid: int) -> int:
    """The PSS in bytes of `pid` and every process below it; 0 for processes already gone."""
    return sum(_pss(each) for each in _tree(pid))


def _tree(pid: int) -> list[int]:
    found = [pid]
    for each in found:  # grows as children are found: a breadth-first walk
        try:
            tasks = os.listdir(f"/proc/{each}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{each}/task/{task}/children", encoding="ascii") as children:
                    found.extend(int(child) for child in children.read().split())
            except OSError:
                continue
    return found


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0
