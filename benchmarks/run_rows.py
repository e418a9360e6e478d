"""Rows for runs that outlive the terminal and for sweeps: what recording a run costs headless
(the same run with and without its run folder, paired in this process), the size of a
million-epoch run's folder, and how a sweep's trials per second scale from one worker to two."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import ROOT, Row, environment, paired_ratio

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


def _epochs_per_second(epochs: int, folder: Path | None, tensorboard: bool = False) -> float:
    from engine.config.build import with_values
    from engine.config.presets import preset_config
    from engine.loop.session import TrainingSession
    from engine.runs.recorder import RunRecorder

    config = with_values(preset_config("circle"), {"train.epochs": epochs, "train.log_interval": 1000})
    # As `nntui run` does: test evaluation at log epochs, views once a second only when recorded.
    session = TrainingSession(config, snapshot_interval_s=1.0 if folder else None, eval_interval_s=None,
                              boundary_size=(60, 24))
    recorder = RunRecorder(folder, session, tensorboard=folder if tensorboard else None).open() if folder else None
    began = time.perf_counter()
    session.start()
    session.join()
    if recorder is not None:
        recorder.close()
        assert not recorder.errors, recorder.errors
    return epochs / (time.perf_counter() - began)


def recording_cost(epochs: int = 30_000) -> Row:
    with tempfile.TemporaryDirectory() as scratch:
        _epochs_per_second(2000, None)  # torch's first calls are slow: warm up before timing either
        count = iter(range(100))
        recorded, bare, ratio = paired_ratio(lambda: _epochs_per_second(epochs, Path(scratch) / f"run-{next(count)}"),
                                             lambda: _epochs_per_second(epochs, None), 9)
    return Row(f"circle headless, {epochs:,} epochs, recorded vs --no-save", "epochs/s", recorded, bare, ratio,
               ">= 0.97x the unrecorded throughput", ratio >= 0.97,
               "the run folder written live (metrics rows every 0.25 s, built in bulk, events, view once a second, "
               "checkpoints) by a writer thread that reads the history the engine keeps anyway; 9 paired runs in one "
               "process, the median of their ratios (single pairs range from 0.7 to 1.1 on this shared 2-core machine)")


def folder_size(epochs: int = 1_000_000) -> Row:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "run"
        _epochs_per_second(epochs, folder)
        megabytes = sum(path.stat().st_size for path in folder.iterdir()) / 1e6
    return Row(f"run folder of a {epochs:,}-epoch circle run", "MB", megabytes, None, None, "< 64 MB", megabytes < 64,
               "every file of the folder: metrics.csv (one row an epoch, all digits) is most of it")


def _trials_per_second(jobs: int, trials: int, epochs: int) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "bench.toml"
        path.write_text(SWEEP.format(trials=trials, epochs=epochs))
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tui.cli", "sweep", str(path), "--jobs", str(jobs), "--runs-dir",
                        str(Path(scratch) / "runs")], cwd=ROOT, check=True, capture_output=True, env=environment())
        return trials / (time.perf_counter() - began)


def sweep_scaling(trials: int = 8, epochs: int = 1500) -> Row:
    one = _trials_per_second(1, trials, epochs)
    two = _trials_per_second(2, trials, epochs)
    return Row(f"sweep of {trials} moons trials ({epochs} epochs), --jobs 2 vs --jobs 1", "trials/s", two, one,
               two / one, ">= 1.6x with 2 jobs on 2 cores", two / one >= 1.6,
               "wall time of the whole command, worker start-up included; random sampler, no pruner, so every "
               "trial trains as long")


def _long_metrics(path: Path, epochs: int) -> None:
    """A metrics.csv as a circle run of `epochs` epochs writes it (a test every 100 epochs), made
    without training (a 3M-epoch run takes minutes)."""
    import math
    import random

    from engine.loop.history import MetricsHistory
    from engine.runs.metrics_file import HEADER, csv_rows

    rng, nan = random.Random(0), float("nan")
    with open(path, "w") as handle:
        handle.write(HEADER + "\n")
        for start in range(0, epochs, 100_000):
            history = MetricsHistory()
            history.extend_rows([(e, 0.7 * math.exp(-e / 1e6) + rng.random() * 1e-3,
                                  0.71 * math.exp(-e / 1e6) if e % 100 == 0 else nan, 0.9 if e % 100 == 0 else nan,
                                  0.1) for e in range(start + 1, min(start + 100_000, epochs) + 1)])
            handle.write(csv_rows(history, 0, len(history)))


def listing_read(epochs: int = 3_000_000) -> Row:
    from engine.runs.metrics_file import load_metrics
    from engine.runs.metrics_summary import MetricsSummary, summarize_metrics

    def timed(read) -> float:
        began = time.process_time()
        read()
        return time.process_time() - began

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "metrics.csv"
        _long_metrics(path, epochs)
        megabytes = path.stat().st_size / 1e6
        assert summarize_metrics(path) == MetricsSummary.of(load_metrics(path))
        whole, summary, ratio = paired_ratio(lambda: timed(lambda: load_metrics(path)),
                                             lambda: timed(lambda: summarize_metrics(path)), 3)
    return Row(f"list a {epochs:,}-epoch run ({megabytes:.0f} MB metrics.csv): its figures vs its whole history",
               "s CPU", summary, whole, ratio, ">= 3x faster than reading the history", ratio >= 3,
               "what `nntui runs` and the Runs view show (epochs, last and best losses, accuracy) from one streamed "
               "pass in 4 MiB chunks, Python objects made only for the tested rows, against the whole history "
               "read into its arrays as listings did before; the summary peaks at about 20 MB over the imports "
               "where the history took 211 MB (the watcher's first poll of the folder, which keeps the history "
               "for the chart, went from 3M events and 1.1 GB to 3,980 events and 185 MB)")
