"""The best epoch of a run and early stopping, as Keras' EarlyStopping and ModelCheckpoint do them:
the lowest test loss so far (with a copy of its weights where best.pt or restore_best needs
them), and the epochs since the test loss last fell by more than `early_stop_delta`. Its state
goes into the checkpoint, so that a resumed run stops where an uninterrupted one would."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import torch

from engine.config.schema import TrainConfig


@dataclass
class BestState:
    """The best epoch so far; `weights` (the state dict of that epoch) only where they are kept."""

    epoch: int = 0  # 0: no test loss measured yet
    loss: float = math.inf
    weights: dict[str, torch.Tensor] | None = None


class BestWatch:
    """Fed one test loss per epoch; says when the run has waited `early_stop` epochs in vain.
    A new `best.weights` dict is made at each new low (never changed in place), so another thread
    may save the one it read while training goes on."""

    def __init__(self, cfg: TrainConfig):
        self.patience = cfg.early_stop
        self.delta = cfg.early_stop_delta
        self.keep_weights = cfg.keep_best or cfg.restore_best
        self.best = BestState()
        self.reference = math.inf  # the test loss of the last improvement by more than delta
        self.waited = 0  # epochs since then

    def update(self, epoch: int, test_loss: float, model: torch.nn.Module) -> bool:
        """Take the epoch's test loss; True when it is a new low."""
        if test_loss < self.reference - self.delta:
            self.reference, self.waited = test_loss, 0
        else:
            self.waited += 1
        if not test_loss < self.best.loss:  # NaN never improves
            return False
        weights = {k: v.detach().clone() for k, v in model.state_dict().items()} if self.keep_weights else None
        self.best = BestState(epoch, test_loss, weights)
        return True

    @property
    def stop_now(self) -> bool:
        """Early stopping is on and the test loss has not improved for `patience` epochs."""
        return 0 < self.patience <= self.waited

    def reason(self) -> str:
        """Why the run stopped early, for the end of the run."""
        fall = f" by more than {self.delta:g}" if self.delta else ""
        return (f"the test loss has not fallen{fall} for {self.waited} epochs; the best was {self.best.loss:.4f} "
                f"at epoch {self.best.epoch}")

    def restore(self, model: torch.nn.Module, epoch: int, message: str) -> str:
        """Put the best epoch's weights back into `model` (in place: the fast MLP step holds its
        tensors) unless `epoch`, the last, was the best; `message` (how the run ended) says so."""
        best = self.best
        if best.weights is None or best.epoch == epoch:
            return message
        model.load_state_dict(best.weights)
        if message:  # early stopping's reason names the best epoch already
            return f"{message}, whose weights were restored"
        return f"Restored the weights of epoch {best.epoch} (test loss {best.loss:.4f}), the best"

    def state_dict(self) -> dict[str, Any]:
        """Plain values and CPU tensors, for the checkpoint."""
        weights = None if self.best.weights is None else {k: v.cpu() for k, v in self.best.weights.items()}
        return {"epoch": self.best.epoch, "loss": self.best.loss, "weights": weights,
                "reference": self.reference, "waited": self.waited}

    def load_state_dict(self, state: dict[str, Any], device: torch.device) -> None:
        weights = state["weights"]
        if weights is not None:
            weights = {k: v.to(device) for k, v in weights.items()}
        self.best = BestState(int(state["epoch"]), float(state["loss"]), weights if self.keep_weights else None)
        self.reference, self.waited = float(state["reference"]), int(state["waited"])
