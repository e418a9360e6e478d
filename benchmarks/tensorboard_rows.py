"""Rows for TensorBoard both ways: what writing event files adds to a recorded run (the same run
recorded with and without --tensorboard, paired in this process), and how long a 1M-scalar event
file takes to load into a run, beside the tensorboard package's own EventAccumulator on that file."""

from __future__ import annotations

import tempfile
import time
from itertools import count
from pathlib import Path

from measure import Row, paired_ratio
from run_rows import _epochs_per_second


def tensorboard_recording(epochs: int = 30_000) -> Row:
    with tempfile.TemporaryDirectory() as scratch:
        _epochs_per_second(2000, None)  # warm torch up before timing either
        numbers = count()
        with_tb, without, ratio = paired_ratio(
            lambda: _epochs_per_second(epochs, Path(scratch) / f"tb-{next(numbers)}", tensorboard=True),
            lambda: _epochs_per_second(epochs, Path(scratch) / f"run-{next(numbers)}"), 7)
    return Row(f"circle headless, {epochs:,} epochs, recorded with --tensorboard vs without", "epochs/s", with_tb,
               without, ratio, ">= 0.95x the recorded throughput", ratio >= 0.95,
               "the recorder's writer thread hands SummaryWriter at most 200 epochs a second (all tested epochs "
               "and the last one); 7 paired runs in one process, the median of their ratios")


def _write_scalars(folder: Path, scalars: int) -> Path:
    """One event file of `scalars` points of one tag, written through tensorboard's own writer."""
    from tensorboard.compat.proto.event_pb2 import Event
    from tensorboard.compat.proto.summary_pb2 import Summary
    from tensorboard.summary.writer.event_file_writer import EventFileWriter

    writer = EventFileWriter(str(folder), max_queue_size=10_000)
    for step in range(scalars):
        writer.add_event(Event(step=step, wall_time=1.0,
                               summary=Summary(value=[Summary.Value(tag="loss/train", simple_value=1 / (step + 1))])))
    writer.close()
    return folder


def event_file_load(scalars: int = 1_000_000) -> Row:
    from tensorboard.backend.event_processing import event_accumulator

    from engine.runs.tensorboard.foreign_run import TensorBoardRun

    with tempfile.TemporaryDirectory() as scratch:
        folder = _write_scalars(Path(scratch) / "big", scalars)

        began = time.perf_counter()  # first: reading an event file hands the package the C checksum
        accumulator = event_accumulator.EventAccumulator(str(folder), size_guidance={event_accumulator.SCALARS: 0})
        accumulator.Reload()
        assert len(accumulator.Scalars("loss/train")) == scalars
        theirs = time.perf_counter() - began

        began = time.perf_counter()
        run = TensorBoardRun(folder)
        run.poll()
        history = run.history()
        ours = time.perf_counter() - began
        assert len(history) == scalars
    return Row(f"load a {scalars:,}-scalar TensorBoard event file (one tag) into a run", "s", ours, theirs,
               ours / theirs, "<= the EventAccumulator's time", ours <= theirs,
               "tensorboard's RawEventFileLoader and Event proto, its records' CRC32C computed by google-crc32c "
               "where installed (the tensorboard extra), then the Loss view's history; baseline: tensorboard's "
               "EventAccumulator keeping every scalar, with the package's pure-Python CRC32C (measured first). "
               "Without TensorFlow the package's Python record reader is most of what is left")
