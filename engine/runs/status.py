"""What a run folder says about its run, read without disturbing it: the status (running, paused,
completed, stopped, diverged, failed, crashed: the process gone without an end record), the
epochs, the best test loss, the final accuracy and the times. `nntui runs`, the Runs view and
`nntui watch` read runs through this, a TensorBoard log folder's runs (engine.runs.tensorboard)
included: their scalars by tag, their hparams, and `running` or `ended` by how recently written."""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engine.config.schema import RunConfig, replaced
from engine.config.toml_file import load_config
from engine.errors import InputError
from engine.loop.history import MetricsHistory
from engine.loop.run_state import RunStatus, is_live
from engine.runs import layout
from engine.runs.event_log import read_events
from engine.runs.layout import run_folders
from engine.runs.lock import LockInfo, read_lock
from engine.runs.metrics_summary import DeferredHistory, MetricsSummary, summarize_metrics
from engine.runs.records import finite, world_size_or_one
from engine.runs.tensorboard.event_files import is_event_file
from engine.runs.tensorboard.foreign_run import TagFigures, TensorBoardRun
from engine.runs.tensorboard.logdir import holds_events, started_at, tensorboard_folders
from engine.runs.unstarted import unstarted_run

ENDED = (RunStatus.COMPLETED, RunStatus.STOPPED, RunStatus.DIVERGED, RunStatus.FAILED, RunStatus.EARLY_STOPPED,
         RunStatus.PRUNED)


class NotARun(InputError):
    """A folder that holds no run."""


def run_status(records: list[dict[str, Any]], writer: LockInfo | None, now: float | None = None) -> str:
    """The status the records and the lock tell (the last start counts: a resume starts again)."""
    starts = [i for i, r in enumerate(records) if r["event"] == "start"]
    tail = records[starts[-1]:] if starts else records
    end = next((r for r in reversed(tail) if r["event"] == "end"), None)
    if end is not None:
        return str(end.get("status", RunStatus.STOPPED))
    if writer is not None and writer.alive(now):
        moves = [r["event"] for r in tail if r["event"] in ("pause", "resume")]
        return RunStatus.PAUSED if moves and moves[-1] == "pause" else RunStatus.RUNNING
    return RunStatus.CRASHED if starts else RunStatus.NEW


def model_text(config: RunConfig) -> str:
    """The network in a few characters: `mlp 16-16`, `mlp linear`, `cnn 8,16 | 32`, or the user's
    module by its file's name (`net.py:MLP`; its folders left out), not the sizes it never used."""
    if config.model.kind == "module":
        return config.model.module.replace("\\", "/").rsplit("/", 1)[-1]
    hidden = "-".join(map(str, config.model.hidden)) or "linear"
    if config.model.kind == "cnn":
        return f"cnn {','.join(map(str, config.model.channels))} | {hidden}"
    return f"mlp {hidden}"


@dataclass(frozen=True)
class RunInfo:
    """One run as a listing shows it."""

    folder: Path
    status: str
    title: str  # the preset it started from, if any
    config: RunConfig
    metrics: MetricsSummary  # its epochs, last and best losses and accuracy, read in one bounded pass
    started: float | None  # unix time of the first start record
    ended: float | None  # of the end record, None while live
    writer: LockInfo | None
    damaged: int = 0  # event-log lines that were not records
    torn: bool = False  # the event log ends inside a line (normal while live; cut by a crash otherwise)
    end: dict[str, Any] | None = None  # the last end record: final losses, accuracy, fit scores
    hparams: dict[str, Any] | None = None  # a TensorBoard run's (None: an nntui run, whose config says all)
    tags: dict[str, TagFigures] | None = None  # a TensorBoard run's scalar tags
    problems: tuple[str, ...] = ()  # a TensorBoard run's unreadable records, one line each
    world_size: int = 1  # the processes it trained on (torchrun's ranks), as its last start record says
    deferred: DeferredHistory = field(default_factory=DeferredHistory)  # every epoch, read when a chart asks

    @property
    def history(self) -> MetricsHistory:
        """Every epoch's numbers, for a chart: read from the folder the first time it is asked for."""
        return self.deferred.get()

    @property
    def foreign(self) -> bool:
        """Written by another program (a TensorBoard log): watched only, never controlled."""
        return self.hparams is not None

    def problem_lines(self) -> list[str]:
        """Everything skipped reading the run, one line each."""
        return [*self.problems, *filter(None, [self.log_problem()])]

    def log_problem(self) -> str | None:
        """What was skipped reading the event log, in words, or None (a live run's torn last line
        is a line being written)."""
        if self.foreign:
            return None
        parts = [f"{self.damaged} damaged line{'s' if self.damaged != 1 else ''}"] if self.damaged else []
        if self.torn and not is_live(self.status):
            parts.append("a truncated last line")
        return f"{self.folder / layout.EVENTS}: skipped {' and '.join(parts)}" if parts else None

    def final(self, metric: str) -> float | None:
        """A final figure (test_loss, test_accuracy, rmse, ...) as the run's end recorded it."""
        value = (self.end or {}).get(metric)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def source(self) -> str:
        return self.title or self.config.data.dataset

    @property
    def model(self) -> str:
        """The network as a listing shows it, with the processes it trained on where several."""
        if self.foreign:
            return "-"
        return model_text(self.config) + (f" ({self.world_size} ranks)" if self.world_size != 1 else "")

    @property
    def epochs_done(self) -> int:
        return self.metrics.epochs_done

    @property
    def best(self) -> tuple[float, int] | None:
        return self.metrics.best_test

    @property
    def final_accuracy(self) -> float | None:
        return self.metrics.final_accuracy

    def duration(self, now: float | None = None) -> float | None:
        if self.started is None:
            return None
        return (self.ended if self.ended is not None else (now or time.time())) - self.started

    def as_dict(self) -> dict[str, Any]:
        best = self.best
        found = {"name": self.name, "folder": str(self.folder), "status": self.status, "source": self.source,
                 "dataset": self.config.data.dataset, "model": model_text(self.config),
                 "epochs_done": self.epochs_done, "epochs": self.config.train.epochs,
                 "best_test_loss": best[0] if best else None, "best_epoch": best[1] if best else None,
                 "test_accuracy": self.final_accuracy, "started": self.started, "duration_s": self.duration(),
                 "world_size": self.world_size}
        if self.foreign:
            found.update(dataset=None, model=None, epochs=None, hparams=finite(self.hparams),
                         tags={tag: finite(asdict(figures)) for tag, figures in (self.tags or {}).items()})
        return found


def read_run(folder: str | Path, now: float | None = None) -> RunInfo:
    """A run folder's status and numbers; NotARun (exit 2) for a folder without one."""
    path = Path(folder)
    if not path.is_dir():
        raise NotARun(f"{path}: no such run folder")
    if not (path / layout.CONFIG).exists() and holds_events(path):
        return tensorboard_info(TensorBoardRun(path))
    unstarted = unstarted_run(path)
    if unstarted is not None:
        raise NotARun(str(unstarted))
    if not (path / layout.CONFIG).exists():
        raise NotARun(f"{path}: not a run folder (no {layout.CONFIG}; runs are made by `nntui run` and the trainer)")
    config = load_config(path / layout.CONFIG)
    metrics_path = path / layout.METRICS
    recorded = metrics_path.exists()
    metrics = summarize_metrics(metrics_path) if recorded else MetricsSummary()
    events = read_events(path / layout.EVENTS)
    records = events.records
    writer = read_lock(path)
    if records:
        status = run_status(records, writer, now)
    else:  # a folder saved by an nntui older than run recording
        status = RunStatus.COMPLETED if metrics.epochs_done >= config.train.epochs > 0 else RunStatus.STOPPED
    starts = [r for r in records if r["event"] == "start"]
    ends = [r for r in records if r["event"] == "end"]
    return RunInfo(path, status, str(starts[0].get("title") or "") if starts else "", config, metrics,
                   float(starts[0]["time"]) if starts else None, _ended(records, writer, status), writer,
                   events.damaged, events.torn, ends[-1] if ends and not is_live(status) else None,
                   world_size=world_size_or_one(starts[-1]) if starts else 1,
                   deferred=DeferredHistory(metrics_path) if recorded else DeferredHistory())


def tensorboard_info(run: TensorBoardRun) -> RunInfo:
    """A TensorBoard run as a listing shows it, read to its current end."""
    run.poll()
    history = run.history()
    config = replaced(RunConfig(), "train", epochs=max(int(history.epochs[-1]) if len(history) else 0, 1))
    live = run.live
    status = RunStatus.RUNNING if live else RunStatus.ENDED
    return RunInfo(run.folder, status, "tensorboard", config, MetricsSummary.of(history), started_at(run.folder),
                   None if live else run.written, None, hparams=run.hparams,
                   tags={tag: series.figures() for tag, series in sorted(run.series.items())},
                   problems=tuple(run.problems()), deferred=DeferredHistory(history=history))


def _ended(records: list[dict[str, Any]], writer: LockInfo | None, status: str) -> float | None:
    """When the run stopped moving: its end record, or a crashed writer's last sign of life."""
    if is_live(status) or not records:
        return None
    last = float(records[-1].get("time") or 0)
    return max(last, writer.touched) if status == RunStatus.CRASHED and writer is not None else last


def _unreadable(folder: Path, problem: str) -> RunInfo:
    """A TensorBoard run that could not be read at all (the package missing): listed, with why."""
    return RunInfo(folder, RunStatus.ENDED, "tensorboard", RunConfig(), MetricsSummary(), started_at(folder), None, None,
                   hparams={}, tags={}, problems=(problem,))


def _stamp(folder: Path) -> tuple:
    """What changes whenever a run's files do (sizes and times of its metrics, events and lock)."""
    stamp: list[tuple[int, int] | None] = []
    names = [layout.METRICS, layout.EVENTS, layout.LOCK, layout.CONFIG]
    if not (folder / layout.CONFIG).exists():
        names += sorted(name for name in os.listdir(folder) if is_event_file(name))
    for name in names:
        try:
            info = (folder / name).stat()
            stamp.append((info.st_size, info.st_mtime_ns))
        except OSError:
            stamp.append(None)
    return tuple(stamp)


def list_runs(parent: str | Path, cache: dict[Path, tuple[tuple, RunInfo]] | None = None) -> list[RunInfo]:
    """The runs under `parent`, newest first; folders that cannot be read are left out. With a
    `cache` (kept by the caller between calls), a run whose files did not change is not read again
    (a million-epoch metrics.csv is 40 MB), except a live one, whose status depends on the clock."""
    found = []
    for folder in run_folders(parent) + tensorboard_folders(parent):
        stamp = _stamp(folder)
        kept = cache.get(folder) if cache is not None else None
        if kept is not None and kept[0] == stamp and (not is_live(kept[1].status) or kept[1].foreign):
            found.append(kept[1])
            continue
        try:
            run = read_run(folder)
        except InputError as err:
            if not holds_events(folder):
                continue
            run = _unreadable(folder, str(err))
        if cache is not None:
            cache[folder] = (stamp, run)
        found.append(run)
    return sorted(found, key=lambda run: (run.started or 0, run.name), reverse=True)
