"""Plain SGD stepped without Optimizer.step's machinery moves every weight exactly as torch's SGD
does, and only plain SGD is stepped so."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig
from engine.loop.batching import weighted_mean
from engine.loop.trainer import Trainer
from engine.models.plain_sgd import clear_gradients, is_plain_sgd, plain_sgd_step
from tests.own_code.files import write

SKIP = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 8)
        self.fc2 = nn.Linear(8, 8)
        self.out = nn.Linear(8, 1)
        self.unused = nn.Linear(3, 3)

    def forward(self, x):
        h = torch.relu(self.fc1(x))
        return self.out(h + torch.tanh(self.fc2(h)))
"""


def _sgd_pair() -> tuple[nn.Module, nn.Module]:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2), nn.Linear(4, 4))  # the last gets no gradient
    twin = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2), nn.Linear(4, 4))
    twin.load_state_dict(model.state_dict())
    return model, twin


def test_the_step_moves_each_weight_as_torchs_sgd_does() -> None:
    """Ten steps each way on the same batches: equal weights, the unreached layer untouched."""
    ours, theirs = _sgd_pair()
    ours_opt, theirs_opt = torch.optim.SGD(ours.parameters(), lr=0.37), torch.optim.SGD(theirs.parameters(), lr=0.37)
    untouched = ours[3].weight.clone()
    for _ in range(10):
        x = torch.randn(7, 3)
        clear_gradients(list(ours.parameters()))
        ours[:3](x).pow(2).mean().backward()
        plain_sgd_step(ours_opt)
        theirs_opt.zero_grad()
        theirs[:3](x).pow(2).mean().backward()
        theirs_opt.step()
    for a, b in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(a, b)
    assert torch.equal(ours[3].weight, untouched)


@pytest.mark.parametrize("settings", [{"momentum": 0.9}, {"weight_decay": 0.01}, {"maximize": True},
                                      {"nesterov": True, "momentum": 0.5}])
def test_sgd_with_more_than_its_gradient_is_not_plain(settings: dict) -> None:
    model = nn.Linear(2, 1)
    assert not is_plain_sgd(torch.optim.SGD(model.parameters(), lr=0.1, **settings))


def test_other_optimizers_and_a_resumed_momentum_are_not_plain() -> None:
    """Adam is never plain; an SGD that loads a state with momentum stops being plain."""
    model = nn.Linear(2, 1)
    assert not is_plain_sgd(torch.optim.Adam(model.parameters(), lr=0.1))
    plain = torch.optim.SGD(model.parameters(), lr=0.1)
    assert is_plain_sgd(plain)
    plain.load_state_dict(torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9).state_dict())
    assert not is_plain_sgd(plain)


def test_a_module_trained_through_autograd_ends_where_torchs_own_loop_ends(tmp_path: Path) -> None:
    """A user module with a skip connection (autograd's path) against the same batches in a loop of
    torch.optim.SGD's own step and zero_grad: every epoch's loss and weight equal."""
    config = RunConfig(ModelConfig(kind="module", module=f"{write(tmp_path, 'net.py', SKIP)}:Net"),
                       DataConfig(dataset="moons", samples=200, batch_size=16, test_fraction=0.0, shuffle=False),
                       TrainConfig(loss="bce_logits", optimizer="sgd", lr=0.1, epochs=3))
    trainer, reference = Trainer(config), Trainer(config)
    assert trainer._fast_step is None and is_plain_sgd(trainer.optimizer)
    X, Y = reference.rows()
    for _ in range(3):
        losses, sizes = [], []
        for start in range(0, len(X), 16):
            xb, yb = X[start:start + 16], Y[start:start + 16]
            loss = reference.loss_fn(reference.model(xb), yb)
            reference.optimizer.zero_grad()
            loss.backward()
            reference.optimizer.step()
            losses.append(loss.detach())
            sizes.append(len(xb))
        assert trainer.train_epoch() == weighted_mean(losses, sizes)
    for a, b in zip(trainer.model.parameters(), reference.model.parameters(), strict=True):
        assert torch.equal(a, b)
