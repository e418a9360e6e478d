"""OneCycleLR's learning rates for a stretch of batches, computed at once: a minibatch loop writes
them into the optimizer batch by batch (a float store) instead of calling the scheduler's
`step()` after every batch (about 1.9 µs of Python each, a few percent of a small MLP's ~40 µs
batch), then brings the scheduler to where those steps would have left it.

The formula is torch's own (`OneCycleLR.get_lr`, two phases, cosine annealing) written out with
the same double-precision operations in the same order on the same operands, so each lr has the
same bits as the one `step()` sets; tests/test_onecycle_lrs.py compares every step of whole runs.
A scheduler this does not describe (another class, three phases, cycled momentum, several groups
or a tensor lr), or steps torch would refuse (past its total), get None: step it per batch then."""

from __future__ import annotations

import math

import torch
from torch.optim import lr_scheduler


def onecycle_lrs(scheduler: object, steps: int) -> list[float] | None:
    """The lrs the scheduler's next `steps` calls of `step()` would set, in order; None where this
    module's formula is not the scheduler's or torch would refuse one of those steps."""
    if not _described(scheduler):
        return None
    assert isinstance(scheduler, lr_scheduler.OneCycleLR)
    first = scheduler.last_epoch + 1  # step() counts last_epoch up, then computes that step's lr
    stop = first + steps
    if stop - 1 > scheduler.total_steps:  # torch raises at that step: let it, at its batch
        return None
    group = scheduler.optimizer.param_groups[0]  # read every time: loading a state replaces the group
    warm, anneal = scheduler._schedule_phases
    warm_end, anneal_end = warm["end_step"], anneal["end_step"]
    split = min(max(math.floor(warm_end) + 1, first), stop)  # torch's phase test: step <= end_step
    lrs = _annealed(range(first, split), 0.0, warm_end, group[warm["start_lr"]], group[warm["end_lr"]])
    if split < stop:
        if anneal_end - warm_end == 0:  # torch divides by zero at that step: let it, at its batch
            return None
        lrs += _annealed(range(split, stop), warm_end, anneal_end, group[anneal["start_lr"]], group[anneal["end_lr"]])
    return lrs


def _annealed(steps: range, start_step: float, end_step: float, start: float, end: float) -> list[float]:
    """OneCycleLR.get_lr's phase arithmetic and _annealing_cos, operation for operation."""
    span = end_step - start_step
    half = (start - end) / 2.0
    cos, pi = math.cos, math.pi
    return [end + half * (cos(pi * ((step - start_step) / span)) + 1) for step in steps]


def advance(scheduler: lr_scheduler.LRScheduler, steps: int) -> None:
    """Bring the scheduler to where `steps` calls of `step()` would have left it, the optimizer's lr
    already holding the last lr those steps set (what `step()` changes besides: its counts and
    `get_last_lr()`)."""
    if steps <= 0:
        return
    scheduler.last_epoch += steps
    scheduler._step_count += steps
    scheduler._last_lr = [group["lr"] for group in scheduler.optimizer.param_groups]


def _described(scheduler: object) -> bool:
    """Whether the scheduler is the OneCycleLR this module's formula is: two phases, cosine
    annealing, the lr alone (no cycled momentum) of a single group, held as a float."""
    if type(scheduler) is not lr_scheduler.OneCycleLR:
        return False
    groups = scheduler.optimizer.param_groups
    return (len(scheduler._schedule_phases) == 2 and getattr(scheduler, "_anneal_func_type", None) == "cos"
            and not scheduler.cycle_momentum and len(groups) == 1 and not isinstance(groups[0]["lr"], torch.Tensor))
