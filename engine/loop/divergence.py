"""Why a run diverged, in words a person can act on; torch-free so the session can name it."""

from __future__ import annotations

DIVERGED_HINT = "the loss became {value} at epoch {epoch}: lower {lower}"
WEIGHTS_HINT = ("the weights became non-finite by epoch {epoch} while the loss was still finite (a gradient "
                "overflowed): lower {lower}, or clip gradients (train.clip_grad)")
OUTPUTS_HINT = ("the model's outputs became non-finite in epoch {epoch} (its weights grew until they overflowed): "
                "lower {lower}")
GRADIENT_HINT = "the gradient norm became non-finite in epoch {epoch}; clipping cannot rescue that: lower {lower}"


def what_to_lower(lr: float, regularization: str, reg_rate: float) -> str:
    """The rates a diverged run should lower: the learning rate, and with a penalty its rate too
    (an L2 step scales each weight by 1 - lr * reg_rate, which past 2 grows without bound)."""
    named = f"the learning rate (train.lr, now {lr:g})"
    if regularization != "none" and reg_rate:
        named += f" or the regularization rate (train.reg_rate, now {reg_rate:g})"
    return named


class NonFiniteGradient(ArithmeticError):
    """Gradient clipping met an infinite or NaN gradient norm in this epoch."""

    def __init__(self, epoch: int):
        super().__init__(f"non-finite gradient norm in epoch {epoch}")
        self.epoch = epoch
