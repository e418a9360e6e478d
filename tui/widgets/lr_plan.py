"""The lr plan under the form's Hyperparameters: the learning rate the chosen schedule will set,
epoch by epoch, as a small line of blocks with its first, lowest and highest values, drawn before
a run starts. PyTorch's scheduler works the plan out (engine.loop.schedule.planned_lrs), in a
thread worker: torch is imported there, never on the event loop or for the first screen."""

from __future__ import annotations

from dataclasses import astuple

from textual.widgets import Static
from textual.worker import Worker, WorkerState

from engine.config.catalog import DATASETS
from engine.config.schema import RunConfig, TrainConfig
from tui.render.sparkline import sparkline

LABEL = "lr plan    "  # as wide as a field's label column


def planned_batches(config: RunConfig) -> int:
    """Batches an epoch takes, as far as the form can tell without the data (OneCycleLR steps per
    batch); 1 where only the data can tell (a table's rows) or for a full batch."""
    data = config.data
    info = DATASETS[data.dataset]
    if not data.batch_size or info.source in ("table", "folder"):
        return 1
    rows = data.samples
    return max(1, rows // data.batch_size if data.drop_last else -(-rows // data.batch_size))


class LrPlan(Static):
    """Hidden without a schedule; a note for plateau (its cuts wait on the test loss); else the curve."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        self.display = False
        self._wanted: tuple = ()  # the settings of the plan asked for last: an older worker's answer is dropped
        self._lrs: list[float] = []  # the plan drawn
        self._schedule = "none"

    def plan(self, train: TrainConfig, batches: int) -> None:
        key = (astuple(train), batches)
        if key == self._wanted:
            return
        self._wanted, self._schedule = key, train.schedule
        self.display = train.schedule != "none"
        self._lrs = []
        if train.schedule == "plateau":
            floor = f", min {train.schedule_min_lr:g}" if train.schedule_min_lr else ""
            self.update(f"{LABEL}{train.lr:g}, then x{train.schedule_factor:g}\n  after {train.schedule_patience} "
                        f"stalled epochs{floor}")
        elif train.schedule != "none":
            self.update(f"{LABEL}(planning...)")
            self.run_worker(lambda: (key, _planned(train, batches)), thread=True, group="lr-plan",
                            exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "lr-plan" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        event.stop()
        if event.state == WorkerState.ERROR:
            self.update(f"{LABEL}(no plan: {event.worker.error})")
            return
        key, lrs = event.worker.result
        if key == self._wanted:
            self._lrs = lrs
            self.update(self.text(lrs))

    def on_resize(self) -> None:
        if self._lrs and self.display:
            self.update(self.text(self._lrs))

    def text(self, lrs: list[float]) -> str:
        """Two lines: the curve, then where it starts and ends, and its peak where that is neither."""
        width = max(8, (self.content_region.width or 30) - len(LABEL))
        ascii_only = self.app.has_class("-ascii")
        arrow = "->" if ascii_only else "→"
        summary = f"{lrs[0]:.2g} {arrow} {lrs[-1]:.2g}"
        if max(lrs) > max(lrs[0], lrs[-1]):
            summary += f", peak {max(lrs):.2g}"
        log = self._schedule == "step"  # its cuts are factors: a log scale shows them as steps
        return f"{LABEL}{sparkline(lrs, width, ascii_only, log)}\n  {summary}"


def _planned(train: TrainConfig, batches: int) -> list[float]:
    from engine.loop.schedule import planned_lrs  # torch

    return planned_lrs(train, batches)
