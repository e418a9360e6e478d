"""Synthetic data sets. Each draws from torch's global generator in the same order as the
tutorial's code, so that a seeded run sees the tutorial's very numbers."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from engine.config.catalog import DATASETS
from engine.config.schema import DataConfig

# The linear set's true parameters, as in the tutorial: y = 2*x1 + 3*x2 + 4 + noise.
TRUE_WEIGHT = (2.0, 3.0)
TRUE_BIAS = 4.0
# The first-network example's fixed targets; longer sets repeat them.
SEQUENTIAL_TARGETS = (1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0)
# TensorFlow Playground's regression sets: points uniform in [-RADIUS, RADIUS]^2, and for `gauss`
# six bumps (x, y, sign) of radius 2 whose signed height, the largest in size, is the target.
RADIUS = 6.0
GAUSSIANS = ((-4.0, 2.5, 1.0), (0.0, 2.5, -1.0), (4.0, 2.5, 1.0), (-4.0, -2.5, -1.0), (0.0, -2.5, 1.0),
             (4.0, -2.5, -1.0))

Pair = tuple[torch.Tensor, torch.Tensor]


def linear(n: int, cfg: DataConfig) -> Pair:
    X = torch.randn(n, 2)
    true_w = torch.tensor(TRUE_WEIGHT)
    Y = X @ true_w + TRUE_BIAS + torch.randn(n) * cfg.noise
    return X, Y.unsqueeze(1)


def random(n: int, cfg: DataConfig) -> Pair:
    X = torch.randn(n, 2)
    Y = torch.randn(n, 1)
    return X, Y


def sequential(n: int, cfg: DataConfig) -> Pair:
    x = torch.randn(n, 10)
    pattern = torch.tensor(SEQUENTIAL_TARGETS)
    y = pattern.repeat(n // len(pattern) + 1)[:n].unsqueeze(1)
    return x, y


def circle(n: int, cfg: DataConfig) -> Pair:
    data = torch.randn(n, 2)
    labels = (data[:, 0] ** 2 + data[:, 1] ** 2 < 1).float().unsqueeze(1)
    if cfg.noise > 0:  # jitter after labelling, so some points cross the boundary
        data = data + torch.randn(n, 2) * cfg.noise
    return data, labels


def xor(n: int, cfg: DataConfig) -> Pair:
    # Uniform in [-1, 1]^2 with a small margin around the axes, as TensorFlow Playground does.
    u = torch.rand(n, 2)
    sign = torch.where(torch.rand(n, 2) < 0.5, -1.0, 1.0)
    points = sign * (0.1 + 0.9 * u)
    labels = (points[:, 0] * points[:, 1] > 0).float().unsqueeze(1)
    if cfg.noise > 0:
        points = points + torch.randn(n, 2) * cfg.noise
    return points, labels


def moons(n: int, cfg: DataConfig) -> Pair:
    labels = (torch.arange(n) % 2).float()
    t = torch.rand(n) * math.pi
    upper = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    lower = torch.stack([1 - torch.cos(t), 0.5 - torch.sin(t)], dim=1)
    points = torch.where(labels.unsqueeze(1) == 0, upper, lower) - torch.tensor([0.5, 0.25])
    if cfg.noise > 0:
        points = points + torch.randn(n, 2) * cfg.noise
    return points, labels.unsqueeze(1)


def spiral(n: int, cfg: DataConfig) -> Pair:
    k = cfg.classes
    labels = torch.arange(n) % k
    r = torch.rand(n)
    theta = labels.float() * (2 * math.pi / k) + r * 4.0 + torch.randn(n) * cfg.noise
    points = torch.stack([r * torch.sin(theta), r * torch.cos(theta)], dim=1) * 2
    return points, labels


def blobs(n: int, cfg: DataConfig) -> Pair:
    k = cfg.classes
    labels = torch.arange(n) % k
    angles = labels.float() * (2 * math.pi / k)
    centres = torch.stack([torch.cos(angles), torch.sin(angles)], dim=1) * 2.5
    return centres + torch.randn(n, 2) * cfg.noise, labels


def _uniform_and_moved(n: int, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """Playground's regression points, and where each target is read: the point moved by up to
    noise * RADIUS on each axis (drawn at every noise level, so the points never change with it)."""
    points = torch.rand(n, 2) * (2 * RADIUS) - RADIUS
    shift = (torch.rand(n, 2) * (2 * RADIUS) - RADIUS) * noise
    return points, points + shift


def plane(n: int, cfg: DataConfig) -> Pair:
    points, moved = _uniform_and_moved(n, cfg.noise)
    y = (moved[:, 0] + moved[:, 1]) / 10
    return points, y.unsqueeze(1)


def gauss(n: int, cfg: DataConfig) -> Pair:
    points, moved = _uniform_and_moved(n, cfg.noise)
    centres = torch.tensor([(x, y) for x, y, _ in GAUSSIANS])
    signs = torch.tensor([sign for _, _, sign in GAUSSIANS])
    distance = (moved.unsqueeze(1) - centres).pow(2).sum(dim=2).sqrt()  # (n, 6)
    heights = signs * (1 - distance / 2).clamp(0, 1)
    tallest = heights.abs().argmax(dim=1, keepdim=True)  # the first bump of the largest size, as Playground
    return points, heights.gather(1, tallest)


GENERATORS: dict[str, Callable[[int, DataConfig], Pair]] = {
    "linear": linear,
    "random": random,
    "sequential": sequential,
    "circle": circle,
    "xor": xor,
    "moons": moons,
    "spiral": spiral,
    "blobs": blobs,
    "plane": plane,
    "gauss": gauss,
}
assert set(GENERATORS) == {name for name, info in DATASETS.items() if info.synthetic}


def test_size(cfg: DataConfig) -> int:
    """Test points drawn on top of the training set, `test_fraction` of all points."""
    f = cfg.test_fraction
    return round(cfg.samples * f / (1 - f)) if f > 0 else 0


def draw(cfg: DataConfig, n: int) -> Pair:
    """Draw `n` points of the configured data set from torch's global generator."""
    return GENERATORS[cfg.dataset](n, cfg)
