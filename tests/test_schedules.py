"""Learning-rate schedules: each one sets the lr PyTorch's own scheduler sets for the same
settings, keeps the fast MLP step, resumes exactly from a checkpoint, and refuses a hand-made lr
change while it runs."""

from __future__ import annotations

import pytest
import torch
from torch.optim import lr_scheduler

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.problems import ConfigError
from engine.config.schema import RunConfig
from engine.loop.events import EpochEnded, LrChanged, RunFinished
from engine.loop.schedule import planned_lrs
from engine.loop.session import TrainingSession
from engine.loop.trainer import Trainer
from engine.runs.folder import load_run
from engine.runs.recorder import RunRecorder
from engine.runs.resume import check_resume
from tests.helpers import train

SETTINGS = {  # the schedule's fields, on moons (minibatches of 32: 13 an epoch) for 12 epochs
    "step": {"train.schedule_step_size": 3, "train.schedule_gamma": 0.5},
    "cosine": {"train.schedule_min_lr": 0.001},
    "onecycle": {"train.schedule_max_lr": 0.05, "train.schedule_warmup": 0.25},
    "plateau": {"train.schedule_factor": 0.5, "train.schedule_patience": 1, "train.schedule_min_lr": 0.0001},
}


def scheduled(name: str, **more) -> RunConfig:
    return with_values(preset_config("moons"), {"train.schedule": name, "train.epochs": 12, "train.lr": 0.1,
                                                **SETTINGS[name], **more})


def torch_lrs(name: str, epochs: int, batches: int, test_losses: list[float]) -> list[float]:
    """The lr each epoch starts with under PyTorch's own scheduler, built here from the settings."""
    optimizer = torch.optim.Adam([torch.zeros(1, requires_grad=True)], lr=0.1)
    if name == "step":
        scheduler = lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    elif name == "cosine":
        scheduler = lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs, eta_min=0.001)
    elif name == "onecycle":
        scheduler = lr_scheduler.OneCycleLR(optimizer, max_lr=0.05, total_steps=epochs * batches, pct_start=0.25,
                                            cycle_momentum=False)
    else:
        scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=1, min_lr=0.0001)
    found = []
    for epoch in range(epochs):
        found.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if name == "onecycle":
            for _ in range(batches):
                scheduler.step()
        elif name == "plateau":
            scheduler.step(test_losses[epoch])
        else:
            scheduler.step()
    return found


@pytest.mark.parametrize("name", SETTINGS)
def test_each_schedule_sets_the_lr_pytorch_sets(name: str) -> None:
    """Epoch by epoch, the run's lr is the one PyTorch's scheduler gives for the same settings."""
    run = train(scheduled(name))
    epochs = run.epochs
    expected = torch_lrs(name, 12, 13, [e.test_loss for e in epochs])
    assert [e.lr for e in epochs] == expected
    assert len(set(expected)) > 1  # the schedule moved the lr


def test_the_plateau_schedule_measures_the_test_loss_every_epoch() -> None:
    """ReduceLROnPlateau needs each epoch's test loss, so every epoch has one."""
    epochs = train(scheduled("plateau")).epochs
    assert all(e.test_loss is not None for e in epochs)


@pytest.mark.parametrize("name", SETTINGS)
def test_the_fast_mlp_step_keeps_working_under_every_schedule(name: str) -> None:
    """A scheduled MLP still trains through the autograd-free step (plain SGD too)."""
    trainer = Trainer(with_values(scheduled(name), {"train.optimizer": "sgd"}))
    assert trainer._fast_step is not None and trainer._fast_step.plain_sgd


def test_a_stepped_schedule_reports_each_cut_as_an_lr_change() -> None:
    """StepLR's cuts are LrChanged events (recorded in events.jsonl); cosine's glide is not."""
    changes = train(scheduled("step")).of(LrChanged)
    assert [(c.epoch, c.previous, c.lr) for c in changes] == [(3, 0.1, 0.05), (6, 0.05, 0.025), (9, 0.025, 0.0125)]
    assert not train(scheduled("cosine")).of(LrChanged)


def test_the_planned_curve_is_the_run_s_lr() -> None:
    """The form's plan of a schedule is the lr each epoch of the run starts with."""
    config = scheduled("onecycle")
    assert planned_lrs(config.train, 13) == [e.lr for e in train(config).epochs]


def test_a_long_run_is_planned_on_a_shorter_one_of_its_shape() -> None:
    """A million-epoch cosine plan takes no million steps, and still falls from lr to min_lr."""
    plan = planned_lrs(with_values(scheduled("cosine"), {"train.epochs": 1_000_000}).train)
    assert len(plan) <= 2000 and plan[0] == 0.1 and plan[-1] < 0.0011


def test_a_hand_made_lr_change_is_refused_during_a_scheduled_run() -> None:
    """set_lr says why: the schedule sets the lr."""
    session = TrainingSession(scheduled("cosine"))
    with pytest.raises(ValueError, match="the cosine schedule sets the lr"):
        session.set_lr(0.5)


def test_resume_refuses_a_new_lr_or_length_for_a_schedule() -> None:
    """--lr cannot change a scheduled run; --epochs cannot stretch a cosine one."""
    saved = scheduled("cosine")
    with pytest.raises(ConfigError, match="train.lr: cannot change when resuming a run whose lr follows"):
        check_resume(saved, with_values(saved, {"train.lr": 0.5}), 3)
    with pytest.raises(ConfigError, match="the cosine schedule spans the run's 12 epochs"):
        check_resume(saved, with_values(saved, {"train.epochs": 20}), 3)


def _stopped_and_resumed(config: RunConfig, stop_at: int, folder) -> tuple[RunFinished, list[float]]:
    """Run `config`, stop it after `stop_at` epochs (recorded in `folder`), resume it to the end."""
    session = TrainingSession(config, snapshot_interval_s=None, eval_interval_s=None)

    def stop(event) -> None:
        if isinstance(event, EpochEnded) and event.epoch == stop_at:
            session.stop()

    session.listeners.append(stop)
    recorder = RunRecorder(folder, session).open()
    session.start()
    assert session.join(60) and recorder.close(60)
    assert session.result.status == "stopped" and session.result.epoch == stop_at
    saved = load_run(folder)
    resumed = TrainingSession(saved.config, snapshot_interval_s=None, eval_interval_s=None, resume=saved)
    resumed.start()
    assert resumed.join(60)
    return resumed.result, list(resumed.history.lr)


@pytest.mark.parametrize("name", SETTINGS)
def test_a_stopped_scheduled_run_resumes_to_the_uninterrupted_run(name: str, tmp_path) -> None:
    """Stopped after 5 of 12 epochs and resumed, each schedule (with early stopping and the best
    weights on) ends with the uninterrupted run's weights, lrs and best epoch, bit for bit."""
    config = scheduled(name, **{"train.early_stop": 6, "train.keep_best": True, "train.restore_best": True})
    whole = train(config)
    end, lrs = _stopped_and_resumed(config, 5, tmp_path / "run")
    assert end.parameters == whole.end.parameters
    assert (end.status, end.epoch, end.best_epoch) == (whole.end.status, whole.end.epoch, whole.end.best_epoch)
    assert lrs == [e.lr for e in whole.epochs]
