"""Why a run diverged, in words a person can act on, and the checks around an epoch that find it
(a non-finite loss, gradient norm, weights or outputs); torch-free so the session can name it."""

from __future__ import annotations

import math
from collections.abc import Callable

from engine.loop.hooks import EndRun
from engine.loop.run_state import RunStatus

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


class Diverged(EndRun):
    """The run diverged in an epoch; `reason` says how and what to lower."""

    def __init__(self, reason: str):
        super().__init__(RunStatus.DIVERGED, reason)


def lower_for(trainer, lr: float) -> str:
    """What to lower, the lr named as `lr` (the epoch's own, or the trainer's now)."""
    train = trainer.config.train
    return what_to_lower(lr, train.regularization, train.reg_rate)


def train_checked(trainer, should_stop: Callable[[], bool], epoch: int, lr: float) -> float | None:
    """trainer.train_epoch, raising Diverged where the gradient norm or the model's outputs stopped
    being finite (a loss such as BCELoss refuses NaN inputs with a RuntimeError). `lr` is the one the
    epoch started with; the words are made only for a run that diverged."""
    try:
        return trainer.train_epoch(should_stop)
    except NonFiniteGradient as err:
        raise Diverged(GRADIENT_HINT.format(epoch=err.epoch, lower=lower_for(trainer, trainer.lr))) from None
    except RuntimeError:
        _raise_overflow(trainer, epoch, lr)
        raise


def evaluate_checked(trainer, epoch: int, lr: float) -> tuple[float | None, float | None]:
    """trainer.evaluate, raising Diverged where the model's outputs overflowed on the test set."""
    try:
        return trainer.evaluate()
    except RuntimeError:
        _raise_overflow(trainer, epoch, lr)
        raise


def check_epoch(trainer, loss: float, evaluated: bool, epoch: int, lr: float) -> None:
    """Raise Diverged after an epoch whose loss is not finite, or (checked with the test set, not
    every epoch) whose weights are not."""
    if not math.isfinite(loss):
        raise Diverged(DIVERGED_HINT.format(value=loss, epoch=epoch, lower=lower_for(trainer, lr)))
    if evaluated and not trainer.parameters_finite():
        raise Diverged(WEIGHTS_HINT.format(epoch=epoch, lower=lower_for(trainer, lr)))


def _raise_overflow(trainer, epoch: int, lr: float) -> None:
    """Raise Diverged when an error in `epoch` came from weights or outputs that are no longer finite."""
    if not trainer.parameters_finite():
        raise Diverged(WEIGHTS_HINT.format(epoch=epoch, lower=lower_for(trainer, lr))) from None
    if not trainer.outputs_finite():
        raise Diverged(OUTPUTS_HINT.format(epoch=epoch, lower=lower_for(trainer, lr))) from None
