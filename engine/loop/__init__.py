"""The training loop: the Trainer (one run's tensors, an epoch at a time) and the batches of its
image sets, the TrainingSession that drives it on a thread with start/pause/step/stop, the plain
events it reports, the metrics history, what the live views draw (the boundary or fitted surface,
every neuron over the plane, model health), and the training toolkit (the lr schedule, early
stopping and the best epoch, the LR finder). Imports config, data and models; never runs or export.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.loop.events import (
        BoundaryGrid,
        EpochEnded,
        Event,
        FitScores,
        Held,
        ImageReport,
        LrChanged,
        Resumed,
        RunFailed,
        RunFinished,
        RunStarted,
        Snapshot,
        SurfaceGrid,
    )
    from engine.loop.health import model_health
    from engine.loop.history import MetricsHistory
    from engine.loop.hooks import EndRun, RunHooks
    from engine.loop.live_run import Listener, Session
    from engine.loop.lr_find import find_lr
    from engine.loop.network_events import ModelHealth, NeuronMaps
    from engine.loop.run_state import RunState, RunStatus
    from engine.loop.schedule import planned_lrs
    from engine.loop.session import TrainingSession
    from engine.loop.trainer import Trainer

__all__ = [
    "BoundaryGrid", "EpochEnded", "Event", "FitScores", "Held", "ImageReport", "LrChanged", "Resumed",
    "RunFailed", "RunFinished", "RunStarted", "Snapshot", "SurfaceGrid", "model_health", "MetricsHistory",
    "find_lr", "ModelHealth", "NeuronMaps", "planned_lrs", "TrainingSession", "Trainer",
    "EndRun", "RunHooks", "Listener", "Session", "RunState", "RunStatus",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
