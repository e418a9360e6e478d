"""Cutting an epoch of in-memory rows into batches, and folding the batches' losses into the
epoch's loss with the digits a batch-by-batch accumulation has."""

from __future__ import annotations

import torch


def batch_sizes(n: int, size: int, drop_last: bool) -> list[int]:
    """Rows in each batch of an epoch over n rows: full batches, then the remainder unless dropped."""
    sizes = [size] * (n // size)
    if n % size and not drop_last:
        sizes.append(n % size)
    return sizes


def weighted_mean(losses: list[torch.Tensor], sizes: list[int]) -> float:
    """The epoch's loss: batch losses weighted by their rows, summed in batch order, divided by the
    rows. It has the digits of accumulating 0-d tensors batch by batch (as exported scripts do),
    without two tensor operations per batch: the products and sums, single IEEE operations, are
    folded here in the losses' own precision; the division is left to the losses' device, since
    CUDA divides by a number as a multiplication by its reciprocal."""
    import numpy as np

    values = torch.stack(losses).cpu().numpy()
    number = values.dtype.type
    with np.errstate(all="ignore"):  # a diverging run's inf and nan are reported, not warned about
        total = values[0] * number(sizes[0])
        for value, rows in zip(values[1:], sizes[1:]):
            total = total + value * number(rows)
    return (torch.tensor(total, device=losses[0].device) / sum(sizes)).item()
