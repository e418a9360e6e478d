"""A stop that lands inside a minibatch epoch leaves the trainer in a state an uninterrupted run
passed through: a short epoch is finished, a long one rolled back to its start. Its checkpoint
then resumes to exactly the uninterrupted run's weights."""

from __future__ import annotations

import pytest
import torch

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop import trainer as trainer_module
from engine.loop.state import restore_state, training_state
from engine.loop.trainer import Trainer

CASES = {  # preset, overrides: shuffled minibatches, an MLP on tensors and a CNN through a DataLoader
    "moons-mlp": ("moons", {"train.epochs": 6}),
    "spiral-mlp-adam": ("spiral", {"train.epochs": 4}),
    "shapes-cnn": ("shapes", {"train.epochs": 3, "data.samples": 160, "train.device": "cpu"}),
    "moons-onecycle": ("moons", {"train.epochs": 6, "train.schedule": "onecycle"}),  # its lr moves every batch
}


def _trainer(case: str) -> Trainer:
    preset, overrides = CASES[case]
    return Trainer(with_values(preset_config(preset), overrides))


def _weights(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _stop_after(batches: int):
    """A should_stop that answers True from the (batches + 1)-th check of an epoch on."""
    seen = {"checks": 0}

    def should_stop() -> bool:
        seen["checks"] += 1
        return seen["checks"] > batches

    return should_stop


def _uninterrupted(case: str, epochs: int) -> list[dict[str, torch.Tensor]]:
    trainer = _trainer(case)
    states = [_weights(trainer)]
    for _ in range(epochs):
        trainer.train_epoch()
        states.append(_weights(trainer))
    return states


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("batches", [1, 3])
def test_a_stop_inside_a_long_epoch_rolls_back_to_its_start(case: str, batches: int, monkeypatch) -> None:
    """With every epoch counted as long, a stop after some batches of epoch 2 returns None and leaves
    the weights of epoch 1, the epoch count at 1."""
    monkeypatch.setattr(trainer_module, "ROLLBACK_AFTER_S", 0.0)
    reference = _uninterrupted(case, 2)
    trainer = _trainer(case)
    assert trainer.train_epoch() is not None
    assert trainer.train_epoch(_stop_after(batches)) is None
    assert trainer.epoch == 1
    assert _same(_weights(trainer), reference[1])


@pytest.mark.parametrize("case", CASES)
def test_a_stop_inside_a_short_epoch_finishes_it(case: str, monkeypatch) -> None:
    """With every epoch counted as short, the stop is left to the epoch's end: epoch 2 completes
    and the weights are those of an uninterrupted second epoch."""
    monkeypatch.setattr(trainer_module, "ROLLBACK_AFTER_S", float("inf"))
    reference = _uninterrupted(case, 2)
    trainer = _trainer(case)
    trainer.train_epoch()
    assert trainer.train_epoch(_stop_after(1)) is not None
    assert trainer.epoch == 2
    assert _same(_weights(trainer), reference[2])


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("rollback", [True, False])
def test_the_checkpoint_of_an_interrupted_epoch_resumes_to_the_uninterrupted_weights(case: str, rollback: bool,
                                                                                   monkeypatch) -> None:
    """Stop inside epoch 2 (rolled back or finished), checkpoint, restore into a fresh trainer and
    train to the end: the weights equal an uninterrupted run's, bit for bit."""
    monkeypatch.setattr(trainer_module, "ROLLBACK_AFTER_S", 0.0 if rollback else float("inf"))
    epochs = CASES[case][1]["train.epochs"]
    reference = _uninterrupted(case, epochs)
    trainer = _trainer(case)
    trainer.train_epoch()
    trainer.train_epoch(_stop_after(2))
    state = training_state(trainer)
    resumed = _trainer(case)
    restore_state(resumed, state, "checkpoint.pt")
    while resumed.epoch < epochs:
        resumed.train_epoch()
    assert _same(_weights(resumed), reference[epochs])
