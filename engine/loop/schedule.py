"""A run's learning-rate schedule: one of torch.optim.lr_scheduler's, made from the configuration
and stepped where PyTorch intends: OneCycleLR after every batch, StepLR and CosineAnnealingLR
after every epoch, ReduceLROnPlateau after every epoch with the test loss. No formula is written
here; the exported script builds the very same scheduler (engine.export.schedule). A minibatch
epoch takes OneCycleLR's lrs for all its batches at once (engine.loop.onecycle_lrs, torch's formula
to the bit) and brings the scheduler along at the epoch's end, which a checkpoint never precedes."""

from __future__ import annotations

import math
from typing import Any

import torch
from torch.optim import lr_scheduler

from engine.config.catalog import GLIDING_SCHEDULES
from engine.config.rules import ONECYCLE_DIV_FACTOR, peak_lr
from engine.config.schema import TrainConfig
from engine.loop.onecycle_lrs import advance, onecycle_lrs

PLAN_STEPS = 20_000  # a planned curve longer than this many steps is planned on a shorter run of its shape


def scheduler_for(optimizer: torch.optim.Optimizer, cfg: TrainConfig,
                  batches_per_epoch: int) -> lr_scheduler.LRScheduler | lr_scheduler.ReduceLROnPlateau | None:
    """PyTorch's scheduler for `cfg.schedule` on `optimizer`; None for `none`. OneCycleLR leaves the
    optimizer's momentum as configured (cycle_momentum=False): a schedule changes the lr alone."""
    name = cfg.schedule
    if name == "step":
        return lr_scheduler.StepLR(optimizer, step_size=cfg.schedule_step_size, gamma=cfg.schedule_gamma)
    if name == "cosine":
        return lr_scheduler.CosineAnnealingLR(optimizer, T_max=cfg.epochs, eta_min=cfg.schedule_min_lr)
    if name == "onecycle":
        return lr_scheduler.OneCycleLR(optimizer, max_lr=peak_lr(cfg), total_steps=cfg.epochs * batches_per_epoch,
                                       pct_start=cfg.schedule_warmup, div_factor=ONECYCLE_DIV_FACTOR,
                                       cycle_momentum=False)
    if name == "plateau":
        return lr_scheduler.ReduceLROnPlateau(optimizer, factor=cfg.schedule_factor,
                                              patience=cfg.schedule_patience, min_lr=cfg.schedule_min_lr)
    return None


class LrSchedule:
    """The scheduler of one run, with the two places the training loop steps it."""

    def __init__(self, scheduler: Any, name: str):
        self.scheduler = scheduler
        self.name = name
        self.per_batch = name == "onecycle"
        self.gliding = name in GLIDING_SCHEDULES  # the lr changes every epoch or batch, not in steps
        # The fast MLP step updates plain SGD's weights itself, never calling optimizer.step(), which
        # torch's scheduler watches for (to warn about steps taken in the wrong order). The order is right.
        scheduler.optimizer._opt_called = True

    def after_batch(self) -> None:
        self.scheduler.step()

    def batch_lrs(self, batches: int) -> list[float] | None:
        """The lrs `after_batch` would set after each of the next `batches` batches, for a loop that
        writes them into the optimizer's group itself and then calls `caught_up`; None where they
        cannot be computed at once (that loop calls `after_batch` instead)."""
        return onecycle_lrs(self.scheduler, batches) if self.per_batch else None

    def caught_up(self, batches: int) -> None:
        """The scheduler brought to where `after_batch` after each of `batches` batches would have
        left it, the loop having written the first `batches` of `batch_lrs`' lrs."""
        advance(self.scheduler, batches)

    def after_epoch(self, test_loss: float | None) -> None:
        """The per-epoch step; ReduceLROnPlateau's with the epoch's test loss."""
        if self.per_batch:
            return
        if self.name == "plateau":
            self.scheduler.step(test_loss)
        else:
            self.scheduler.step()

    def state_dict(self) -> dict[str, Any]:
        return self.scheduler.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.scheduler.load_state_dict(state)


def make_schedule(optimizer: torch.optim.Optimizer, cfg: TrainConfig, batches_per_epoch: int) -> LrSchedule | None:
    """The run's schedule, or None when its lr is constant (`none`)."""
    scheduler = scheduler_for(optimizer, cfg, batches_per_epoch)
    return LrSchedule(scheduler, cfg.schedule) if scheduler is not None else None


def planned_lrs(cfg: TrainConfig, batches_per_epoch: int = 1) -> list[float]:
    """The lr each epoch starts with, as the schedule will set it: PyTorch's scheduler stepped on a
    throwaway parameter. A plateau schedule's cuts depend on the test loss, so its plan is flat.
    A run longer than PLAN_STEPS steps is planned on a shorter run of the same shape (what a small
    picture of the plan needs), so the list can have fewer entries than the run has epochs."""
    if cfg.schedule in ("none", "plateau"):
        return [cfg.lr] * cfg.epochs
    if cfg.epochs * batches_per_epoch > PLAN_STEPS:
        cfg = _shorter(cfg, batches_per_epoch)
        batches_per_epoch = 1
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=cfg.lr)
    schedule = make_schedule(optimizer, cfg, batches_per_epoch)
    assert schedule is not None
    found = []
    for _ in range(cfg.epochs):
        found.append(float(optimizer.param_groups[0]["lr"]))
        if schedule.per_batch:
            for _ in range(batches_per_epoch):
                schedule.after_batch()
        else:
            schedule.after_epoch(None)
    return found


def _shorter(cfg: TrainConfig, batches_per_epoch: int) -> TrainConfig:
    """The same schedule over fewer epochs (one batch each), its step size scaled alike."""
    from dataclasses import replace

    epochs = min(cfg.epochs, PLAN_STEPS // 10)
    scale = epochs / cfg.epochs
    return replace(cfg, epochs=epochs, schedule_step_size=max(1, math.floor(cfg.schedule_step_size * scale + 0.5)))
