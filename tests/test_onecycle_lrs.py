"""OneCycleLR's lrs taken an epoch at a time (engine.loop.onecycle_lrs): every lr has the bits
torch's step() sets, the scheduler is left where step() leaves it, and a run trained that way ends
with the weights of a run that steps the scheduler after every batch, a resume in between."""

from __future__ import annotations

import pytest
import torch
from torch.optim import lr_scheduler

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.schema import RunConfig
from engine.loop.onecycle_lrs import advance, onecycle_lrs
from engine.loop.schedule import LrSchedule
from engine.loop.state import restore_state, training_state
from engine.loop.trainer import Trainer

SHAPES = [  # total steps, pct_start: a warm-up ending on a step, between steps, at once, never, the odd lengths
    (3130, 0.3), (1000, 0.25), (97, 1 / 3), (13, 0.5), (50, 0.0), (7, 0.9), (2, 0.3), (1, 0.3),
]


def _scheduler(total: int, pct_start: float, max_lr: float = 0.05) -> lr_scheduler.OneCycleLR:
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    optimizer._opt_called = True  # type: ignore[attr-defined]  # (step() warns without an optimizer step)
    return lr_scheduler.OneCycleLR(optimizer, max_lr=max_lr, total_steps=total, pct_start=pct_start,
                                   div_factor=25.0, cycle_momentum=False)


def _chunks(total: int, size: int) -> list[int]:
    """A run's steps (one a batch, `total` of them: torch takes the last as step number `total`) in
    epochs of `size`, the last one shorter."""
    left, found = total, []
    while left > 0:
        found.append(min(size, left))
        left -= found[-1]
    return found


@pytest.mark.parametrize(("total", "pct_start"), SHAPES)
@pytest.mark.parametrize("size", [7, 13, 313])
def test_each_lr_has_the_bits_step_sets(total: int, pct_start: float, size: int) -> None:
    """Over a whole schedule taken `size` steps at a time, each lr equals step()'s, bit for bit."""
    stepped, computed = _scheduler(total, pct_start), _scheduler(total, pct_start)
    for steps in _chunks(total, size):
        lrs = onecycle_lrs(computed, steps)
        assert lrs is not None
        expected = []
        for _ in range(steps):
            stepped.step()
            expected.append(stepped.optimizer.param_groups[0]["lr"])
        assert [x.hex() for x in lrs] == [x.hex() for x in expected]
        computed.optimizer.param_groups[0]["lr"] = lrs[-1]
        advance(computed, steps)


@pytest.mark.parametrize(("total", "pct_start"), SHAPES[:4])
def test_advancing_leaves_the_scheduler_s_state_where_step_leaves_it(total: int, pct_start: float) -> None:
    """After the lrs of an epoch are written and the scheduler advanced, its state dict and its
    last lr are step()'s, so checkpoints and get_last_lr() cannot tell the two apart."""
    stepped, computed = _scheduler(total, pct_start), _scheduler(total, pct_start)
    for steps in _chunks(total, 13):
        lrs = onecycle_lrs(computed, steps)
        assert lrs is not None
        for _ in range(steps):
            stepped.step()
        computed.optimizer.param_groups[0]["lr"] = lrs[-1]
        advance(computed, steps)
        assert computed.state_dict() == stepped.state_dict()
        assert computed.get_last_lr() == stepped.get_last_lr()


def test_steps_past_the_total_are_left_to_torch_to_refuse() -> None:
    """A stretch reaching past the schedule's total steps gets no lrs: stepped per batch, torch
    raises at the very batch it always did."""
    scheduler = _scheduler(10, 0.3)
    assert onecycle_lrs(scheduler, 10) is not None
    assert onecycle_lrs(scheduler, 11) is None
    for _ in range(10):
        scheduler.step()
    with pytest.raises(ValueError, match="total steps"):
        scheduler.step()


@pytest.mark.parametrize("unlike", ["cycled momentum", "three phases", "two groups"])
def test_a_scheduler_the_formula_does_not_describe_gets_no_lrs(unlike: str) -> None:
    """Cycled momentum, three phases or several param groups are stepped per batch as before."""
    params = [torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)]
    groups = [{"params": params[:1]}, {"params": params[1:]}] if unlike == "two groups" else [{"params": params}]
    optimizer = torch.optim.SGD(groups, lr=0.1, momentum=0.9)
    scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=20, cycle_momentum=unlike == "cycled momentum",
                                        three_phase=unlike == "three phases")
    assert onecycle_lrs(scheduler, 5) is None


def _config(optimizer: str) -> RunConfig:
    return with_values(preset_config("moons"), {"train.schedule": "onecycle", "train.epochs": 6, "train.lr": 0.1,
                                                "train.optimizer": optimizer, "train.schedule_warmup": 0.3})


class _Watched:
    """A trainer whose batches note the lr each one trains with."""

    def __init__(self, config: RunConfig, per_batch: bool):
        self.trainer = Trainer(config)
        schedule = self.trainer.schedule
        assert isinstance(schedule, LrSchedule)
        if per_batch:  # the old way: no lrs at once, so OneCycleLR.step() after every batch
            schedule.batch_lrs = lambda batches: None  # type: ignore[method-assign]
        self.lrs: list[float] = []
        step = self.trainer._train_step

        def noted(xb, yb, forward=None):
            self.lrs.append(self.trainer.optimizer.param_groups[0]["lr"])
            return step(xb, yb, forward)

        self.trainer._train_step = noted  # type: ignore[method-assign]

    def epochs(self, count: int) -> None:
        for _ in range(count):
            assert self.trainer.train_epoch() is not None
            self.trainer.end_epoch(None)


def _weights(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_run_ends_with_the_weights_and_lrs_of_per_batch_steps_a_resume_between(optimizer: str) -> None:
    """Six minibatch epochs, stopped after three into a checkpoint and resumed, train with each
    batch's lr and end with the weights and scheduler state of a run stepping OneCycleLR per batch."""
    config = _config(optimizer)
    stepped = _Watched(config, True)
    stepped.epochs(6)
    first = _Watched(config, False)
    first.epochs(3)
    state = training_state(first.trainer)
    resumed = _Watched(config, False)
    restore_state(resumed.trainer, state, "checkpoint")
    resumed.epochs(3)
    assert first.lrs + resumed.lrs == stepped.lrs and len(set(stepped.lrs)) > 6 * 2
    assert resumed.trainer._fast_step is not None  # the lrs reached the fast MLP step
    ends, expected = _weights(resumed.trainer), _weights(stepped.trainer)
    assert ends.keys() == expected.keys() and all(torch.equal(ends[k], expected[k]) for k in ends)
    assert resumed.trainer.schedule.state_dict() == stepped.trainer.schedule.state_dict()  # type: ignore[union-attr]
    assert resumed.trainer.lr == stepped.trainer.lr


def test_a_batch_that_fails_leaves_the_scheduler_stepped_for_the_batches_done() -> None:
    """An error in the sixth batch leaves the scheduler where five step() calls leave it, as the
    per-batch loop did: the state after a failure is one it passed through."""
    stepped, computed = _Watched(_config("sgd"), True), _Watched(_config("sgd"), False)
    for watched in (stepped, computed):
        step = watched.trainer._train_step

        def failing(xb, yb, forward=None, watched=watched, step=step):
            if len(watched.lrs) == 5:
                raise RuntimeError("the sixth batch fails")
            return step(xb, yb, forward)

        watched.trainer._train_step = failing  # type: ignore[method-assign]
        with pytest.raises(RuntimeError, match="sixth"):
            watched.trainer.train_epoch()
    assert computed.trainer.schedule.state_dict()["last_epoch"] == 5
    assert computed.trainer.schedule.state_dict() == stepped.trainer.schedule.state_dict()  # type: ignore[union-attr]
    assert computed.trainer.optimizer.param_groups[0]["lr"] == stepped.trainer.optimizer.param_groups[0]["lr"]
