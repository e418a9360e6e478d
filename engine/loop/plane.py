"""The input plane of a 2-D data set: its drawing range, its points as plain values, and the grid
of cell centres over which the views (boundary, fitted surface, neurons) evaluate the model."""

from __future__ import annotations

import torch

Bounds = tuple[tuple[float, float], tuple[float, float]]


def padded_bounds(X: torch.Tensor) -> Bounds:
    """The tutorial's plotting range: the data's extent plus one on every side."""
    lo, hi = X.min(dim=0).values.tolist(), X.max(dim=0).values.tolist()
    return (lo[0] - 1, hi[0] + 1), (lo[1] - 1, hi[1] + 1)


def plane_points(X: torch.Tensor, values: torch.Tensor) -> tuple[tuple[float, float, float], ...]:
    """(x1, x2, value) of each point: its class for classifiers, its target for regression."""
    rows = torch.cat([X[:, :2], values.float().reshape(-1, 1)], dim=1).tolist()
    return tuple((x, y, v) for x, y, v in rows)


def plane_grid(bounds: Bounds, columns: int, rows: int) -> torch.Tensor:
    """The centre of each cell of a columns x rows grid over the plane, row by row from the top
    (high x2) down, as (rows * columns, 2) raw points."""
    (x0, x1), (y0, y1) = bounds
    xs = x0 + (torch.arange(columns, dtype=torch.float32) + 0.5) * ((x1 - x0) / columns)
    ys = y1 - (torch.arange(rows, dtype=torch.float32) + 0.5) * ((y1 - y0) / rows)
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)
