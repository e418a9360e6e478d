"""Why a run diverged, in words a person can act on; torch-free so the session can name it."""

from __future__ import annotations

DIVERGED_HINT = "the loss became {value} at epoch {epoch}: lower the learning rate (train.lr, now {lr:g})"
WEIGHTS_HINT = ("the weights became non-finite by epoch {epoch} while the loss was still finite (a gradient "
                "overflowed): lower the learning rate (train.lr, now {lr:g}) or clip gradients (train.clip_grad)")
GRADIENT_HINT = ("the gradient norm became non-finite in epoch {epoch}; clipping cannot rescue that: lower the "
                 "learning rate (train.lr, now {lr:g})")


class NonFiniteGradient(ArithmeticError):
    """Gradient clipping met an infinite or NaN gradient norm in this epoch."""

    def __init__(self, epoch: int):
        super().__init__(f"non-finite gradient norm in epoch {epoch}")
        self.epoch = epoch
