"""How a sweep scales with worker processes (benchmarks/bench.py reports it as a row): the same
fixed sweep (random sampler, no pruner, so every trial does the same work) with --jobs 1 and
--jobs 2, in trials per second of wall time, each in a fresh runs folder."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

SWEEP = """\
[sweep]
base = "moons"
trials = {trials}
sampler = "random"
pruner = "none"
[fields]
"train.epochs" = {epochs}
"train.log_interval" = {epochs}
[space]
"train.lr" = {{ low = 0.001, high = 0.05, log = true }}
"""


def trials_per_second(jobs: int, trials: int, epochs: int) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.toml"
        path.write_text(SWEEP.format(trials=trials, epochs=epochs))
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tui.cli", "sweep", str(path), "--jobs", str(jobs), "--runs-dir",
                        str(Path(scratch) / "runs")], check=True, capture_output=True)
        return trials / (time.perf_counter() - began)


def sweep_scaling(trials: int = 8, epochs: int = 1500) -> tuple[float, float]:
    """(trials/s with 2 jobs, trials/s with 1 job)."""
    one = trials_per_second(1, trials, epochs)
    two = trials_per_second(2, trials, epochs)
    return two, one
