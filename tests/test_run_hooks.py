"""Listeners with named hooks (engine.loop.hooks.RunHooks): a session tells each moment of a run to
the hook of its name, beside the plain `listener(event)` callables it has always taken."""

from __future__ import annotations

from engine.config.build import with_values
from engine.config.schema import RunConfig
from engine.loop.events import EpochEnded, Event, RunFailed, RunFinished, RunStarted, Snapshot
from engine.loop.hooks import RunHooks
from engine.loop.session import TrainingSession


class Heard(RunHooks):
    """Writes down which hook heard what."""

    def __init__(self) -> None:
        self.heard: list[str] = []

    def on_started(self, event: RunStarted) -> None:
        self.heard.append("started")

    def on_epoch(self, event: EpochEnded) -> None:
        self.heard.append(f"epoch {event.epoch}")

    def on_snapshot(self, event: Snapshot) -> None:
        self.heard.append("snapshot")

    def on_end(self, event: RunFinished | RunFailed) -> None:
        self.heard.append(f"end {getattr(event, 'status', 'failed')}")


def test_each_moment_of_a_run_reaches_the_hook_of_its_name(quick_circle: RunConfig) -> None:
    """Started, every epoch in order, the last snapshot and the end, each through its own hook."""
    hooks = Heard()
    session = TrainingSession(with_values(quick_circle, {"train.epochs": 3}), hooks, snapshot_interval_s=None)
    session.start()
    assert session.join(30)
    assert hooks.heard == ["started", "epoch 1", "epoch 2", "epoch 3", "snapshot", "end completed"]


def test_hooks_and_plain_listeners_hear_the_same_events(quick_circle: RunConfig) -> None:
    """A RunHooks object and a plain callable on one session are told the same events in the same order."""
    plain: list[Event] = []
    hooks = Heard()
    session = TrainingSession(quick_circle, plain.append, snapshot_interval_s=None)
    session.listeners.append(hooks)
    session.start()
    assert session.join(30)
    kinds = ["started" if isinstance(e, RunStarted) else f"epoch {e.epoch}" if isinstance(e, EpochEnded)
             else "snapshot" if isinstance(e, Snapshot) else f"end {e.status}" for e in plain]  # type: ignore[union-attr]
    assert kinds == hooks.heard


def test_early_stopping_ends_the_run_at_the_epoch_it_names(quick_circle: RunConfig) -> None:
    """The early-stopping hook ends the run as early-stopped, its last epoch logged, its reason kept."""
    config = with_values(quick_circle, {"train.epochs": 500, "train.early_stop": 3, "train.lr": 1e-6,
                                        "train.log_interval": 1000})
    epochs: list[EpochEnded] = []
    session = TrainingSession(config, lambda e: epochs.append(e) if isinstance(e, EpochEnded) else None,
                              snapshot_interval_s=None)
    session.start()
    assert session.join(60)
    end = session.result
    assert isinstance(end, RunFinished) and end.status == "early-stopped"
    assert end.epoch == epochs[-1].epoch < 500 and epochs[-1].logged and "has not fallen" in end.message
