"""Input features of the 2-D sets, as TensorFlow Playground offers them (x1², x1·x2, sin x1, ...):
computed from each raw point (x1, x2) before the model, so that a model without a hidden layer can
draw a circle. Points, bounds and boundary stay on the raw plane; only the model sees the features.

Each feature is a torch expression, kept beside the source line the exported script prints for it
(a test holds the two to the same numbers), so the script computes the very values the engine does."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from engine.config.catalog import DATASETS, PLAIN_FEATURES
from engine.config.schema import DataConfig

if TYPE_CHECKING:
    import torch

Column = Callable[["torch.Tensor", "torch.Tensor"], "torch.Tensor"]  # (x1, x2) -> the feature's column


# Each feature from the columns x1 and x2, and the same expression as the exported script writes it.
FEATURES: dict[str, tuple[Column, str]] = {
    "x1": (lambda x1, x2: x1, "x1"),
    "x2": (lambda x1, x2: x2, "x2"),
    "x1^2": (lambda x1, x2: x1**2, "x1**2"),
    "x2^2": (lambda x1, x2: x2**2, "x2**2"),
    "x1*x2": (lambda x1, x2: x1 * x2, "x1 * x2"),
    "sin(x1)": (lambda x1, x2: x1.sin(), "torch.sin(x1)"),
    "sin(x2)": (lambda x1, x2: x2.sin(), "torch.sin(x2)"),
}


def computed_features(cfg: DataConfig) -> tuple[str, ...]:
    """The features a run computes from its points; () when the model takes the points as they are
    (the default x1, x2, and every data set that is not a plane)."""
    info = DATASETS.get(cfg.dataset)
    if info is None or not info.plane or tuple(cfg.features) == PLAIN_FEATURES:
        return ()
    return tuple(cfg.features)


def input_width(cfg: DataConfig) -> int:
    """The model's input width on a synthetic set: its features, else the set's own columns."""
    return len(computed_features(cfg)) or DATASETS[cfg.dataset].features


def feature_columns(points: torch.Tensor, names: Sequence[str]) -> torch.Tensor:
    """The features of each point (rows of x1, x2) as columns, in the order named."""
    import torch

    x1, x2 = points[:, 0], points[:, 1]
    return torch.stack([FEATURES[name][0](x1, x2) for name in names], dim=1)
