"""User files the tests of your-own-code runs write into a temporary folder: small modules and
datasets in the shapes the tutorial writes them, and broken ones for each bad input."""

from __future__ import annotations

import textwrap
from pathlib import Path

NET = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, inputs: int = 2, hidden: int = 8, outputs: int = 1, act: str = "relu"):
        super().__init__()
        self.fc1 = nn.Linear(inputs, hidden)
        self.fc2 = nn.Linear(hidden, outputs)
        self.act = act

    def forward(self, x):
        h = self.fc1(x)
        return self.fc2(torch.relu(h) if self.act == "relu" else torch.tanh(h))


def make(hidden: int = 4):
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, 1))
"""

DATA = """
import torch
from torch.utils.data import Dataset


class Points(Dataset):
    def __init__(self, size: int = 64, classes: bool = True):
        g = torch.Generator().manual_seed(0)
        self.x = torch.rand(size, 2, generator=g) * 2 - 1
        self.y = (self.x.norm(dim=1) < 0.7).float() if classes else self.x.sum(dim=1)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
"""


def write(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return path
