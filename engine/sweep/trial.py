"""One sweep trial: an ordinary recorded run (so watch, runs and compare work on it), reporting
its metric after every test evaluation and stopping, recorded as `pruned`, when told to."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.config.schema import RunConfig
from engine.loop.events import EpochEnded, Event, RunFailed, RunFinished, Snapshot
from engine.loop.run_state import RunStatus
from engine.loop.session import TrainingSession
from engine.runs.recorder import RunRecorder


@dataclass(frozen=True)
class TrialOutcome:
    status: str  # completed, pruned, diverged, stopped, failed
    value: float | None  # the metric at the end; None when there is none (failed, diverged)
    epochs: int
    error: str = ""


def metric_of(metric: str, event: EpochEnded | Snapshot | RunFinished) -> float | None:
    """The sweep's metric in an event, where the event carries it."""
    if metric == "rmse":
        scores = getattr(event, "scores", None)
        return scores.rmse if scores is not None else None
    value = getattr(event, metric, None)
    return value if value is not None and math.isfinite(value) else None


def run_trial(config: RunConfig, folder: Path, metric: str, prune: Callable[[float, int], bool],
              title: str = "", stop: Callable[[], bool] = lambda: False) -> TrialOutcome:
    """Train `config` recorded in `folder`; `prune(value, epoch)` is asked after each test
    evaluation (True stops the run as pruned); `stop()` (checked at each epoch) ends it as stopped."""
    session: TrainingSession

    def listen(event: Event) -> None:
        if isinstance(event, EpochEnded) and stop():
            session.stop()
        if isinstance(event, (EpochEnded, Snapshot)) and (metric == "rmse") == isinstance(event, Snapshot):
            value = metric_of(metric, event)
            if value is not None and prune(value, event.epoch):
                session.stop(RunStatus.PRUNED)

    session = TrainingSession(config, listen, snapshot_interval_s=None, eval_interval_s=None, boundary_size=(60, 24))
    session.snapshot_on_eval = metric == "rmse"
    recorder = RunRecorder(folder, session, title=title).open()
    session.start()
    try:
        session.join()
    except KeyboardInterrupt:  # Ctrl+C reaches a sweep's workers too: end the run at a boundary, recorded
        session.stop()
        session.join()
        raise
    finally:
        recorder.close()
    end = session.result
    if isinstance(end, RunFailed) or end is None:
        return TrialOutcome(RunStatus.FAILED, None, 0, end.error if end is not None else "no result")
    assert isinstance(end, RunFinished)
    value = metric_of(metric, end) if end.status in (RunStatus.COMPLETED, RunStatus.PRUNED) else None
    return TrialOutcome(end.status, value, end.epoch)
