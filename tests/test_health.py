"""Model health: per linear layer the weight norm, the norm of the training objective's gradient
over the whole training set (penalty included), and the ReLU units dead on every training row;
in the Model view (through snapshots, and view.json) and in `nntui run --json` at log epochs."""

from __future__ import annotations

import json

import pytest
import torch
from typer.testing import CliRunner

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop.health import model_health
from engine.loop.trainer import Trainer
from engine.models.regularization import penalty, weights_of
from tests.helpers import train
from tui.cli.main import app


def _trainer(values: dict | None = None, epochs: int = 3) -> Trainer:
    trainer = Trainer(with_values(preset_config("moons"), {"data.samples": 200, **(values or {})}))
    for _ in range(epochs):
        trainer.train_epoch()
    return trainer


def test_weight_norms_are_each_layers_frobenius_norm() -> None:
    """|W| of each linear layer is torch.linalg.norm of its weight matrix."""
    trainer = _trainer()
    health = model_health(trainer)
    expected = [torch.linalg.norm(w).item() for w in weights_of(trainer.model)]
    assert [layer.weight_norm for layer in health.layers] == pytest.approx(expected)
    assert [(layer.inputs, layer.outputs, layer.activation) for layer in health.layers] == [
        (2, 16, "relu"), (16, 16, "relu"), (16, 1, "")]


@pytest.mark.parametrize("values", [{}, {"train.regularization": "l2", "train.reg_rate": 0.3}])
def test_gradient_norms_are_the_objectives_over_the_whole_training_set(values: dict) -> None:
    """|grad| is the norm of d(mean loss over every training row + penalty)/dW, computed apart."""
    trainer = _trainer(values)
    weights = weights_of(trainer.model)
    objective = trainer.loss_fn(trainer.model(trainer.X), trainer.Y)
    if trainer.penalty is not None:
        objective = objective + trainer.penalty.rate * penalty(weights, trainer.penalty.kind)
    expected = [torch.linalg.norm(g).item() for g in torch.autograd.grad(objective, weights)]
    health = model_health(trainer)
    assert [layer.grad_norm for layer in health.layers] == pytest.approx(expected, rel=1e-5)
    assert health.rows == 200 and health.epoch == 3


def test_a_unit_silent_on_every_training_row_counts_as_dead() -> None:
    """Units pushed below zero for every row are dead, and only those; layers without ReLU say nothing."""
    trainer = _trainer()
    first = trainer.model[0]
    with torch.no_grad():
        first.bias[:3] = -1e4
        alive_elsewhere = (torch.relu(first(trainer.X))[:, 3:] > 0).any(dim=0)
    health = model_health(trainer)
    assert health.layers[0].dead == 3 + int((~alive_elsewhere).sum())
    assert health.layers[0].dead_share == health.layers[0].dead / 16
    assert health.layers[2].dead is None


def test_measuring_health_changes_nothing_about_the_run() -> None:
    """A run measured at every log epoch ends with the very losses and weights of one that is not."""
    config = with_values(preset_config("moons"), {"train.epochs": 6, "train.log_interval": 1})
    from engine.loop.session import TrainingSession
    from tests.helpers import Recorder

    ends = []
    for measured in (False, True):
        recorder = Recorder()
        session = TrainingSession(config, recorder, snapshot_interval_s=None, eval_interval_s=None,
                                  health_at_log=measured)
        session.start()
        assert session.join(60)
        ends.append(([e.train_loss for e in recorder.epochs], recorder.end.parameters))
        assert all((e.health is not None) == measured for e in recorder.epochs)
    assert ends[0] == ends[1]


def test_image_models_report_no_health() -> None:
    """Image sets train from loaders: their training set is not in memory, and no health is measured."""
    trainer = Trainer(with_values(preset_config("shapes"), {"data.samples": 16}))
    assert model_health(trainer) is None


def test_json_epochs_carry_health_at_log_epochs() -> None:
    """`nntui run --json` gives each logged epoch a health list: one object per linear layer."""
    result = CliRunner().invoke(app, ["run", "--preset", "circle", "--json", "--no-save", "--epochs", "20"])
    epochs = [json.loads(line) for line in result.stdout.splitlines() if '"epoch"' in line and '"health"' in line]
    assert [e["epoch"] for e in epochs] == [10, 20]
    first, second = epochs[0]["health"]
    assert set(first) == {"layer", "inputs", "outputs", "activation", "weight_norm", "grad_norm", "dead",
                          "dead_share"}
    assert (first["inputs"], first["outputs"], second["outputs"]) == (2, 4, 1) and "dead" not in second


def test_snapshots_carry_the_latest_health_for_the_model_view() -> None:
    """A session's final snapshot has health measured at its last epoch."""
    from engine.loop.events import Snapshot

    snapshot = train(with_values(preset_config("circle"), {"train.epochs": 4})).of(Snapshot)[-1]
    assert snapshot.health is not None and snapshot.health.epoch == 4
