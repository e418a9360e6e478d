"""Training your own code: the tutorial's SimpleNN from a file follows the simple-nn preset number
for number, a user module trains on nntui's sets (points and pictures), nntui's MLP on a user
Dataset in the tutorial's form, and the dry run leaves the run's draws as they were."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.data.user_set import infer_task, split_indices
from engine.loop.trainer import Trainer
from tests.helpers import train
from tests.own_code.files import DATA, NET, write

EXAMPLES = Path(__file__).parent.parent / "examples"

CNN = """
import torch
from torch import nn


class SmallCNN(nn.Module):
    def __init__(self, classes: int = 4):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.pool = nn.MaxPool2d(4)
        self.fc = nn.Linear(4 * 7 * 7, classes)

    def forward(self, x):
        return self.fc(self.pool(torch.relu(self.conv(x))).flatten(1))
"""


def test_the_tutorials_simple_nn_from_a_file_trains_as_the_preset() -> None:
    """examples/net.py's SimpleNN on the simple-nn preset's data: every loss and final weight equal."""
    preset = preset_config("simple-nn")
    ours = with_values(preset, {"model.kind": "module", "model.module": f"{EXAMPLES}/net.py:SimpleNN"})
    theirs, mine = train(preset), train(ours)
    assert [e.train_loss for e in mine.epochs] == [e.train_loss for e in theirs.epochs]
    assert list(mine.end.parameters.values()) == list(theirs.end.parameters.values())  # fc1/fc2 vs 0/2


def test_the_tutorials_dataset_trains_nntuis_mlp(tmp_path: Path) -> None:
    """examples/data.py's MyDataset (float 0/1 targets: two classes) under nntui's MLP."""
    config = with_values(preset_config("circle"), {"data.dataset": "module", "data.module":
                                                   f"{EXAMPLES}/data.py:MyDataset", "data.test_fraction": 0.25,
                                                   "train.loss": "cross_entropy", "model.output_activation": "none",
                                                   "train.epochs": 20})
    end = train(config).end
    assert end.status == "completed" and end.test_accuracy is not None


def test_a_user_module_learns_a_user_dataset(tmp_path: Path) -> None:
    """Net on Points: both from files, with arguments; the circle is learnt."""
    write(tmp_path, "net.py", NET)
    write(tmp_path, "data.py", DATA)
    config = with_values(preset_config("circle"), {
        "model.kind": "module", "model.module": f"{tmp_path}/net.py:Net", "model.args": {"hidden": 16},
        "data.dataset": "module", "data.module": f"{tmp_path}/data.py:Points", "data.args": {"size": 400},
        "train.loss": "bce_logits", "train.optimizer": "adam", "train.lr": 0.05, "train.epochs": 150})
    end = train(config).end
    assert end.status == "completed" and end.test_accuracy >= 0.9


def test_a_user_cnn_learns_the_shapes_images(tmp_path: Path) -> None:
    """A user CNN on nntui's shapes pictures, batched as the preset batches them."""
    write(tmp_path, "cnn.py", CNN)
    config = with_values(preset_config("shapes"), {"model.kind": "module", "model.module": f"{tmp_path}/cnn.py:SmallCNN",
                                                   "data.samples": 400, "train.epochs": 3})
    end = train(config).end
    assert end.status == "completed" and end.test_accuracy > 0.5


def test_a_regression_dataset_is_regression(tmp_path: Path) -> None:
    """Float targets other than 0 and 1 fit with mse, reported with fit scores."""
    write(tmp_path, "data.py", DATA)
    config = with_values(preset_config("linreg"), {"data.dataset": "module", "data.module": f"{tmp_path}/data.py:Points",
                                                   "data.args": {"classes": False}, "train.epochs": 50})
    end = train(config).end
    assert end.status == "completed" and end.scores is not None


def test_the_split_is_seeded_and_keeps_a_training_item() -> None:
    """The same seed cuts the same test rows; a one-item set trains on its item."""
    assert torch.equal(split_indices(50, 0.2, 7)[1], split_indices(50, 0.2, 7)[1])
    assert len(split_indices(50, 0.2, 7)[1]) == 10
    assert len(split_indices(1, 0.9, 7)[0]) == 1


@pytest.mark.parametrize(("labels", "wanted", "expected"), [
    (torch.tensor([1.0, 0.0, 1.0]), "auto", ("classification", 2)),
    (torch.tensor([3, 0, 1]), "auto", ("classification", 4)),
    (torch.tensor([0.5, 2.0]), "auto", ("regression", 0)),
    (torch.tensor([1.0, 0.0]), "regression", ("regression", 0)),
])
def test_the_task_follows_the_targets_unless_data_task_says(labels, wanted, expected) -> None:
    """Whole-number classes, other numbers regression; data.task overrides."""
    assert infer_task(labels, wanted) == expected


def test_the_dry_run_leaves_the_draws_as_they_were(tmp_path: Path) -> None:
    """A module with dropout trains the same numbers whether or not the dry run drew its masks first."""
    write(tmp_path, "drop.py", "from torch import nn\n\ndef make():\n    return nn.Sequential(nn.Linear(2, 8), "
                               "nn.Dropout(0.5), nn.Linear(8, 1))\n")
    config = with_values(preset_config("circle"), {"model.kind": "module", "model.module": f"{tmp_path}/drop.py:make",
                                                   "train.loss": "bce_logits", "train.epochs": 3})
    trainer = Trainer(config)
    expected = torch.get_rng_state()
    trainer._dry_run()
    assert torch.equal(torch.get_rng_state(), expected)
