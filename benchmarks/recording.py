"""What recording a run costs (benchmarks/bench.py reports these as rows): headless throughput with
a RunRecorder writing the run folder against the same run recording nothing, measured alternately
in one process, and the size of a long run's folder."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path


def _epochs_per_second(epochs: int, folder: Path | None) -> float:
    from engine.config.build import with_values
    from engine.config.presets import preset_config
    from engine.loop.session import TrainingSession
    from engine.runs.recorder import RunRecorder

    config = with_values(preset_config("circle"), {"train.epochs": epochs, "train.log_interval": 1000})
    # As `nntui run` does: test evaluation at log epochs, views once a second only when recorded.
    session = TrainingSession(config, snapshot_interval_s=1.0 if folder else None, eval_interval_s=None,
                              boundary_size=(60, 24))
    recorder = RunRecorder(folder, session).open() if folder else None
    began = time.perf_counter()
    session.start()
    session.join()
    seconds = time.perf_counter() - began
    if recorder is not None:
        recorder.close()
        assert not recorder.errors, recorder.errors
    return epochs / seconds


def recording_cost(epochs: int = 30_000, repeats: int = 3) -> tuple[float, float]:
    """Median epochs/s of circle recorded, and recording nothing, taken alternately."""
    recorded, bare = [], []
    with tempfile.TemporaryDirectory() as scratch:
        _epochs_per_second(2000, None)  # torch's first calls are slow: warm up before timing either
        for index in range(repeats):
            bare.append(_epochs_per_second(epochs, None))
            recorded.append(_epochs_per_second(epochs, Path(scratch) / f"run-{index}"))
    return statistics.median(recorded), statistics.median(bare)


def folder_size(epochs: int = 1_000_000) -> float:
    """MB (10^6 bytes) of a recorded circle run of `epochs` epochs, every file counted."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "run"
        _epochs_per_second(epochs, folder)
        return sum(path.stat().st_size for path in folder.iterdir()) / 1e6
