"""A trainer's whole state as plain state dicts and values (model, optimizer, epoch, learning
rate, RNG states): what a checkpoint holds, and putting it back into a freshly built trainer so
that the run continues exactly as an uninterrupted one would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from engine.errors import CheckpointError


def training_state(trainer) -> dict[str, Any]:
    """Everything needed to continue the run exactly, detached and on the CPU."""
    return {
        "epoch": trainer.epoch,
        "lr": trainer.lr,
        "model": {k: v.detach().cpu() for k, v in trainer.model.state_dict().items()},
        "optimizer": trainer.optimizer.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "shuffle_rng": trainer.shuffle_generator.get_state(),
        **({"augment_rng": trainer.augment_generator.get_state()} if trainer.augment_generator is not None else {}),
    }


def restore_state(trainer, state: dict[str, Any], source: str | Path) -> None:
    """Put a checkpoint into a freshly built trainer of the same configuration."""
    try:
        trainer.model.load_state_dict(state["model"])
        trainer.optimizer.load_state_dict(state["optimizer"])
    except (RuntimeError, ValueError, KeyError) as err:
        raise CheckpointError(f"{source}: does not fit this run's model or optimizer ({_first_reason(err)}); "
                              "resume with the model settings it was saved with") from None
    trainer.epoch = int(state["epoch"])
    trainer.set_lr(float(state["lr"]))
    torch.set_rng_state(state["torch_rng"])
    trainer.shuffle_generator.set_state(state["shuffle_rng"])
    if trainer.augment_generator is not None and "augment_rng" in state:  # older checkpoints lack it
        trainer.augment_generator.set_state(state["augment_rng"])


def _first_reason(err: Exception) -> str:
    """torch's load_state_dict message opens with "Error(s) in loading state_dict for ...:" and
    lists one tab-indented line per tensor; the first of those says what differs."""
    lines = [line.strip().rstrip(".") for line in str(err).splitlines() if line.strip()]
    details = lines[1:] if lines and lines[0].startswith("Error(s)") else lines
    return details[0] if details else type(err).__name__
