"""L1 and L2 regularization as TensorFlow Playground has it: a penalty on the weights (never the
biases), `reg_rate` times the sum of |w| (L1) or of w²/2 (L2), added to the loss the optimizer
minimises. The loss that is reported stays the data's alone, as Playground's does.

It is not the optimizer's weight decay: decay shrinks every parameter, biases too, inside the
optimizer's step (AdamW's even apart from the gradient), while this penalty is part of the
objective, so its gradient goes through the optimizer like the data's (Adam scales it, momentum
carries it) and it leaves the biases alone.

`penalty` is what autograd differentiates (and what the exported script writes); `Penalty` gives
the same gradient without autograd, op for op as autograd computes it, for engine.models.mlp_step."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


def weights_of(model: nn.Module) -> list[torch.Tensor]:
    """The parameters the penalty applies to: every layer's weight, in the model's order; no bias."""
    return [p for name, p in model.named_parameters() if name.endswith("weight")]


def penalty(weights: list[torch.Tensor], kind: str) -> torch.Tensor:
    """Sum of |w| (l1) or half the sum of w² (l2) over the weights; times the rate, it joins the loss."""
    if kind == "l1":
        return sum(w.abs().sum() for w in weights)  # type: ignore[return-value]
    return sum(w.pow(2).sum() for w in weights) / 2  # type: ignore[return-value]


@dataclass(frozen=True)
class Penalty:
    """`rate * penalty(weights, kind)` as a training step adds it; `gradient` is its derivative
    for one weight, bit for bit what autograd's backward of `loss + rate * penalty` adds."""

    kind: str  # "l1" | "l2"
    rate: float

    def objective(self, loss: torch.Tensor, weights: list[torch.Tensor]) -> torch.Tensor:
        """The loss the optimizer minimises: the data's loss plus the weighted penalty."""
        return loss + self.rate * penalty(weights, self.kind)

    def gradient(self, weight: torch.Tensor, one: torch.Tensor) -> torch.Tensor:
        """Autograd's chain for one weight: mul(rate) then, for l2, div(2), sum's expand, and the
        derivative of abs (grad * sgn(w)) or of pow(w, 2) (grad * (2 * w^1)); `one` is a 0-d 1."""
        grad = one * self.rate
        if self.kind == "l1":
            return grad.expand_as(weight) * weight.sgn()
        return (grad / 2).expand_as(weight) * (2.0 * weight.pow(1.0))


def penalty_for(kind: str, rate: float) -> Penalty | None:
    """The configured penalty, or None when none applies (no kind, or a zero rate)."""
    if kind == "none" or rate == 0:
        return None
    return Penalty(kind, rate)
