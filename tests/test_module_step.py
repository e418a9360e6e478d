"""A user's module that is provably a stack of Linear layers trains through the MLP's
autograd-free step, to the same losses and weights as autograd's; a module whose forward does
anything beside its arithmetic keeps autograd."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig
from engine.loop.trainer import Trainer
from tests.own_code.files import write

STACK = """
import torch
import torch.nn.functional as F
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 8)
        self.fc2 = nn.Linear(8, 8)
        self.out = nn.Linear(8, 1)

    def forward(self, x):
        return self.out(F.leaky_relu(self.fc2(torch.relu(self.fc1(x))), 0.1))
"""

PLAIN = ("", "h = torch.relu(self.fc1(h))")  # (a line for __init__, a line for forward)
NOT_ONLY_ARITHMETIC = {
    "stores an attribute": ("", "self.last = h"),
    "prints": ("", "print(h.shape)"),
    "reads the train/eval mode": ("", "h = h if self.training else h"),
    "applies a Dropout": ("self.drop = nn.Dropout(0.5)", "h = self.drop(h)"),
    "has an unused Dropout": ("self.drop = nn.Dropout(0.5)", PLAIN[1]),
    "has a parameter outside its layers": ("self.scale = nn.Parameter(torch.ones(1))", PLAIN[1]),
    "has a frozen layer": ("self.fc0.requires_grad_(False)", PLAIN[1]),
    "uses a Linear twice": ("", "h = torch.relu(self.fc1(self.fc1(h)))"),
    "has a skip connection": ("", "h = h + torch.relu(self.fc1(h))"),
}
ODD = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc0 = nn.Linear(2, 8)
        self.fc1 = nn.Linear(8, 8)
        self.out = nn.Linear(8, 1)
        {init}

    def forward(self, x):
        h = torch.relu(self.fc0(x))
        {forward}
        return self.out(h)
"""


def _odd(lines: tuple[str, str]) -> str:
    return ODD.replace("{init}", lines[0]).replace("{forward}", lines[1])


def _config(module: str, optimizer: str = "sgd", clip: float = 0.0) -> RunConfig:
    return RunConfig(ModelConfig(kind="module", module=module),
                     DataConfig(dataset="moons", samples=200, batch_size=16, test_fraction=0.25),
                     TrainConfig(loss="bce_logits", optimizer=optimizer, lr=0.05, epochs=3, clip_grad=clip))


@pytest.mark.parametrize(("optimizer", "clip"), [("sgd", 0.0), ("adam", 0.5)])
def test_a_linear_stack_module_trains_as_autograd_trains_it(tmp_path: Path, optimizer: str, clip: float) -> None:
    """The fast step and autograd on the same user Net: every epoch's loss and every weight equal."""
    config = _config(f"{write(tmp_path, 'net.py', STACK)}:Net", optimizer, clip)
    fast, slow = Trainer(config), Trainer(config)
    assert fast._fast_step is not None
    slow._fast_step = None
    for _ in range(3):
        assert fast.train_epoch() == slow.train_epoch()
    for a, b in zip(fast.model.parameters(), slow.model.parameters(), strict=True):
        assert torch.equal(a, b)
    assert fast.evaluate() == slow.evaluate()


@pytest.mark.parametrize("why", sorted(NOT_ONLY_ARITHMETIC))
def test_a_module_whose_forward_does_more_keeps_autograd(tmp_path: Path, why: str) -> None:
    """Skipping such a forward per batch would lose what it does (or change the numbers)."""
    source = _odd(NOT_ONLY_ARITHMETIC[why])
    trainer = Trainer(_config(f"{write(tmp_path, 'net.py', source)}:Net"))
    assert trainer._fast_step is None


def test_a_module_with_a_forward_hook_keeps_autograd(tmp_path: Path) -> None:
    """A hook registered in the module's constructor runs at every batch, as it would in the user's loop."""
    source = STACK.replace("self.out = nn.Linear(8, 1)",
                           "self.out = nn.Linear(8, 1)\n        self.fc1.register_forward_hook(lambda m, i, o: None)")
    trainer = Trainer(_config(f"{write(tmp_path, 'net.py', source)}:Net"))
    assert trainer._fast_step is None


def test_the_modules_of_those_cases_with_a_plain_line_take_the_fast_step(tmp_path: Path) -> None:
    """The same module with a plain line in their place: each case above keeps autograd for its own reason."""
    trainer = Trainer(_config(f"{write(tmp_path, 'net.py', _odd(PLAIN))}:Net"))
    assert trainer._fast_step is not None
