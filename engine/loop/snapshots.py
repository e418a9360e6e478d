"""A Snapshot of what the live views draw, made from a trainer between epochs: the boundary (or the
fitted surface), the neurons' maps (and a picked one's, finer), regression scores, the image report,
small parameter lists, and model health, measured no more often than its time budget allows."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from engine.loop.events import Snapshot
from engine.loop.network_events import ModelHealth

if TYPE_CHECKING:
    from engine.loop.trainer import Trainer

HEALTH_EVERY_S = 1.0  # live views measure model health at most this often,
HEALTH_SHARE = 0.05  # and less often where a measurement is dear (a large training set)


def take_snapshot(trainer: Trainer, boundary_size: tuple[int, int], picked: tuple[int, int] | None,
                  health: ModelHealth | None) -> Snapshot:
    """Everything the views draw now; grids of `boundary_size` (columns, rows); `picked` is the
    (layer, unit) a view shows large."""
    from engine.loop.neurons import neuron_focus, neuron_maps  # torch
    from engine.loop.views import (
        boundary_grid,
        fit_scores,
        image_report,
        parameters_as_lists,
        surface_grid,
        test_predictions,
    )
    columns, rows = boundary_size
    focus = neuron_focus(trainer, *picked, columns, rows) if picked is not None else None
    return Snapshot(trainer.epoch, boundary_grid(trainer, columns, rows), parameters_as_lists(trainer),
                    test_predictions(trainer), image_report(trainer), fit_scores(trainer),
                    surface_grid(trainer, columns, rows), neuron_maps(trainer), focus, health)


class HealthClock:
    """The latest model health, and when the live views may measure it again."""

    def __init__(self) -> None:
        self.latest: ModelHealth | None = None
        self._due = 0.0

    def at_log(self, trainer: Trainer) -> ModelHealth | None:
        """A measurement for a logged epoch, whatever it costs (asked for: `nntui run --json`)."""
        from engine.loop.health import model_health  # torch

        self.latest = model_health(trainer)
        return self.latest

    def live(self, trainer: Trainer, due: bool = False) -> ModelHealth | None:
        """A measurement for a snapshot, at most every HEALTH_EVERY_S seconds and within
        HEALTH_SHARE of the time (`due`: now, whatever the time); else the latest one."""
        from engine.loop.health import model_health

        now = time.perf_counter()
        fresh = self.latest is not None and self.latest.epoch == trainer.epoch
        if not due and (fresh or now < self._due):  # (due: the end of a run may have restored its best weights)
            return self.latest
        self.latest = model_health(trainer)
        self._due = now + max(HEALTH_EVERY_S, (time.perf_counter() - now) / HEALTH_SHARE)
        return self.latest
