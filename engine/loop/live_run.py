"""The face every live run shows the code that watches and drives it: a run trained here
(engine.loop.session.TrainingSession) and a run followed through its folder, nntui's own or a
TensorBoard run another program writes (engine.runs.remote.RemoteSession), so that a view or a
command takes a `Session` and never asks which kind it has."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from engine.config.schema import RunConfig
from engine.loop.events import Event, RunFailed, RunFinished
from engine.loop.history import MetricsHistory
from engine.loop.run_state import RunState

if TYPE_CHECKING:
    from engine.loop.trainer import Trainer

Listener = Callable[[Event], None]
"""Told every event of a run, on the run's own thread (or a watcher's polling thread)."""


@runtime_checkable
class Session(Protocol):
    """A run as its viewers see it: what it trains, where it stands, what it has measured, and the
    controls (a watched run turns each into a request to its writer, or refuses it with an
    engine.errors.InputError saying why)."""

    listeners: list[Listener]  # told each event; a viewer appends itself
    boundary_size: tuple[int, int]  # (columns, rows) of the grids the views draw

    @property
    def config(self) -> RunConfig: ...

    @property
    def state(self) -> RunState: ...

    @property
    def history(self) -> MetricsHistory: ...

    @property
    def result(self) -> RunFinished | RunFailed | None:
        """How the run ended; None while it goes on."""

    @property
    def trainer(self) -> Trainer | None:
        """The model and data in this process; None for a watched run (its folder is its save)."""

    def start(self) -> None:
        """Start the run, or resume it from a pause."""

    def pause(self) -> None: ...

    def toggle(self) -> None:
        """Pause a running run, else start or resume it: the space key."""

    def step(self) -> None:
        """Train one epoch, then hold."""

    def stop(self) -> None:
        """End the run at an epoch boundary."""

    def set_lr(self, lr: float) -> None:
        """A new learning rate from the next epoch on."""

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the run's thread (the watcher's, for a watched run); True when it has ended."""

    def wait_until_held(self, timeout: float = 10.0) -> bool:
        """Wait until the run is between epochs or has ended."""
