"""Run a command and measure it as a whole: wall time and the peak memory of its process tree.

Memory is the proportional set size (PSS) summed over the process and all its descendants,
sampled from /proc/<pid>/smaps_rollup. PSS shares each page among the processes that map it,
so forked workers that share the parent's pages are not counted twice (the sum of RSS would
count them once per worker).

The samples must not slow what they measure. The kernel walks a process's page tables to
answer, which took 11 ms of CPU for a tree of 526 MB (a check of 100,000 accounts): sampled
every 20 ms, the sampler took a third of one of the two cores that the check kept busy, and
the check took 3 s longer. So after each sample the sampler waits 25 times what the sample
cost (at least 20 ms): its share of a core stays under 4%. A sample can miss a peak shorter
than the wait (a quarter of a second for the largest trees here); the commands measured here
grow their memory over seconds.
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

SAMPLE_SECONDS = 0.02  # the shortest wait between two samples
SAMPLE_COST_TIMES = 25  # the wait, in multiples of what the last sample cost the sampler


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
            began = time.thread_time()  # this thread's CPU, the kernel's work for it included
            peak = max(peak, tree_pss(process.pid))
            cost = time.thread_time() - began
            done.wait(max(SAMPLE_SECONDS, cost * SAMPLE_COST_TIMES))

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
