"""Listeners with named hooks, as Keras' and Lightning's callbacks have them: subclass RunHooks and
override the moments you care about (`on_started`, `on_epoch`, `on_snapshot`, `on_end`, and the
pauses and lr changes between epochs). A RunHooks object is itself a `listener(event)`, so a session
takes it beside plain callables, which keep working as they are."""

from __future__ import annotations

from engine.loop.events import (
    EpochEnded,
    Event,
    Held,
    LrChanged,
    Resumed,
    RunFailed,
    RunFinished,
    RunStarted,
    Snapshot,
)


class EndRun(Exception):  # not an error: how a hook (or a check) ends a run
    """Raised by an epoch hook to end the run at this epoch, as `status` (a RunStatus), saying why."""

    def __init__(self, status: str, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class RunHooks:
    """Each hook does nothing until overridden; `__call__` hands an event to the hook of its kind."""

    def on_started(self, event: RunStarted) -> None:
        """The model is built and the data drawn; training is about to begin."""

    def on_epoch(self, event: EpochEnded) -> None:
        """An epoch has ended; an epoch hook of a session may raise EndRun."""

    def on_snapshot(self, event: Snapshot) -> None:
        """New pictures for the live views."""

    def on_end(self, event: RunFinished | RunFailed) -> None:
        """The run has ended, however it ended."""

    def on_held(self, event: Held) -> None:
        """The run waits between epochs (a pause, or a step taken)."""

    def on_resumed(self, event: Resumed) -> None:
        """A pause has ended."""

    def on_lr(self, event: LrChanged) -> None:
        """A new learning rate takes effect from the next epoch."""

    def __call__(self, event: Event) -> None:
        if isinstance(event, EpochEnded):  # the common case first: thousands a second on a tiny model
            self.on_epoch(event)
        elif isinstance(event, Snapshot):
            self.on_snapshot(event)
        elif isinstance(event, RunStarted):
            self.on_started(event)
        elif isinstance(event, (RunFinished, RunFailed)):
            self.on_end(event)
        elif isinstance(event, Held):
            self.on_held(event)
        elif isinstance(event, Resumed):
            self.on_resumed(event)
        elif isinstance(event, LrChanged):
            self.on_lr(event)
