"""Model health, to see vanishing gradients and dead ReLUs happen: per linear layer, the size of
its weights, the size of the training objective's gradient on them (over the whole training set,
penalty included) and, where a ReLU follows, how many units output 0 for every training row.

Measured between epochs without touching the run: gradients come from torch.autograd.grad (no
`.grad` is written, the optimizer sees nothing) and no random number is drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch
from torch import nn

from engine.loop.network_events import LayerHealth, ModelHealth
from engine.models.linear_stack import linear_stack
from engine.models.mlp import activation_name
from engine.models.regularization import penalty

if TYPE_CHECKING:
    from engine.loop.trainer import Trainer

CHUNK_ROWS = 65_536  # rows per forward pass: a large table is measured a slice at a time


def model_health(trainer: Trainer) -> ModelHealth | None:
    """Each linear layer's health now; None for models on image sets (their training set is not
    one in-memory table) and for anything but an MLP. A streamed user set is measured on its
    first training batch (the whole set is not in memory), and the health says how many rows."""
    if trainer.images is not None:
        return None
    X, Y = trainer.stream.first_batch() if trainer.stream is not None else trainer.rows()
    if not len(X):
        return None
    layers = linear_stack(trainer.model).layers
    if layers is None:
        return None
    weights = [linear.weight for linear, _ in layers]
    grads, alive = _measure(trainer, X, Y, layers, weights)
    none = torch.zeros((), device=weights[0].device)
    silent = [none if fired is None else (~fired).sum().float() for fired in alive]
    per_layer = [torch.stack([torch.linalg.vector_norm(w), torch.linalg.vector_norm(g), s])
                 for w, g, s in zip(weights, grads, silent)]
    figures = torch.stack(per_layer).tolist()  # one wait for the device
    found = tuple(LayerHealth(index + 1, linear.in_features, linear.out_features, activation_name(act),
                              weight_norm, grad_norm, None if alive[index] is None else int(dead))
                  for index, ((linear, act), (weight_norm, grad_norm, dead)) in enumerate(zip(layers, figures)))
    return ModelHealth(trainer.epoch, len(X), found)


def _measure(trainer: Trainer, X: torch.Tensor, Y: torch.Tensor, layers: list[tuple[nn.Linear, nn.Module | None]],
             weights: list[torch.Tensor]) -> tuple[list[torch.Tensor], list[torch.Tensor | None]]:
    """The objective's gradient on each weight, and which ReLU units fired for any of these rows."""
    n = len(X)
    grads = [torch.zeros_like(w) for w in weights]
    alive: list[torch.Tensor | None] = [torch.zeros(linear.out_features, dtype=torch.bool, device=X.device)
                                        if isinstance(act, nn.ReLU) else None for linear, act in layers]
    trainer.model.eval()
    with torch.inference_mode(False), torch.enable_grad():
        for start in range(0, n, CHUNK_ROWS):
            h, targets = X[start : start + CHUNK_ROWS], Y[start : start + CHUNK_ROWS]
            for (linear, act), fired in zip(layers, alive):
                h = linear(h)
                if act is not None:
                    h = act(h)
                if fired is not None:
                    fired |= (h > 0).any(dim=0)
            share = trainer.loss_fn(h, targets) * (len(targets) / n)  # each slice's part of the mean
            for total, part in zip(grads, torch.autograd.grad(share, weights)):
                total += part
        if trainer.penalty is not None:
            rate = trainer.penalty.rate
            for total, part in zip(grads, torch.autograd.grad(rate * penalty(weights, trainer.penalty.kind), weights)):
                total += part
    return grads, alive
