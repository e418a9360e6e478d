"""The reading side of a run folder as a watched session uses it (engine.runs.remote): nntui's
own folder (engine.runs.watcher.RunWatcher) and a TensorBoard run another program writes
(engine.runs.tensorboard.watcher.TensorBoardWatcher) both turn what was written into the
engine's events, so one RemoteSession follows either."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from engine.config.schema import RunConfig
from engine.loop.events import Event
from engine.loop.history import MetricsHistory


class RunReader(Protocol):
    """Polled by a watcher's thread; each poll says what the run added since the last one."""

    folder: Path
    config: RunConfig  # the run's configuration, as read so far
    history: MetricsHistory  # every epoch read so far
    torn_lines: int  # metrics rows seen torn at the end of a file (being written)
    reset: bool  # the last poll started the history over

    @property
    def status(self) -> str:
        """The folder's word for the run: a RunStatus (running, paused, completed, crashed, ended, ...)."""

    def poll(self) -> list[Event]:
        """The events since the last poll, oldest first."""
