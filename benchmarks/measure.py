"""What every benchmark row shares: the row itself, and timing helpers that measure a workload
beside its baseline in the same run, so that a ratio travels between machines."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Row:
    workload: str
    measured: str  # what the figure is
    value: float
    baseline: float | None
    ratio: float | None
    target: str
    met: bool
    note: str = ""  # what the row means, for the list under docs/performance.md's table


def median_of(fn: Callable[[], float], repeats: int) -> float:
    return statistics.median(fn() for _ in range(repeats))


def interleaved(a: Callable[[], float], b: Callable[[], float], repeats: int) -> tuple[float, float]:
    """Medians of a and b timed alternately, so drift in the machine's load hits both alike."""
    xs, ys = [], []
    for _ in range(repeats):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def paired_ratio(a: Callable[[], float], b: Callable[[], float], repeats: int) -> tuple[float, float, float]:
    """a and b timed back to back `repeats` times: their medians and the median of the ratios a/b
    of each pair, which a shared machine's changing load moves less than a ratio of medians."""
    pairs = [(a(), b()) for _ in range(repeats)]
    return (statistics.median(x for x, _ in pairs), statistics.median(y for _, y in pairs),
            statistics.median(x / y for x, y in pairs))


RUNS = tempfile.mkdtemp(prefix="nntui-bench-runs-")  # what the measured commands record, kept out of ./runs


def environment() -> dict[str, str]:
    """The environment for child processes: this checkout's code first, runs recorded aside."""
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "NNTUI_RUNS_DIR": RUNS}


def timed_run(argv: list[str]) -> float:
    """Wall seconds of a whole process."""
    began = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, capture_output=True, check=True, env=environment())
    return time.perf_counter() - began


def json_run(argv: list[str]) -> dict:
    """A child process's one-line JSON answer."""
    done = subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True, env=environment())
    if done.returncode:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_rss_mib(argv: list[str]) -> float:
    """The peak resident memory of a whole process, measured by a probe process around it."""
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", probe, *argv], cwd=ROOT, capture_output=True, text=True, check=True,
                          env=environment())
    return int(done.stdout.strip()) / 1024
