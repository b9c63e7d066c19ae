"""The benchmark's memory sampler must not slow what it measures (benchmarks/process_tree.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import process_tree


def test_a_costly_sample_makes_the_sampler_wait_longer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sample of a large tree costs the kernel milliseconds (11 ms at 526 MB): taken every
    20 ms, the sampler took a third of a core from the command it timed."""
    samples = []

    def costly(pid: int) -> int:
        began = time.thread_time()
        while time.thread_time() - began < 0.01:  # 10 ms of CPU, as for a large tree
            pass
        samples.append(pid)
        return 1 << 20

    monkeypatch.setattr(process_tree, "tree_pss", costly)
    measured = process_tree.run_measured(
        [sys.executable, "-c", "import time; time.sleep(1.5)"], tmp_path
    )
    assert measured.returncode == 0 and measured.peak_pss_bytes == 1 << 20
    # 25 times 10 ms between samples: about six in 1.5 s (every 20 ms, about fifty).
    assert 2 <= len(samples) <= 12
