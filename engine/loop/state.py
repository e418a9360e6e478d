"""A trainer's whole state as plain state dicts and values (model, optimizer, epoch, learning
rate, RNG states, the lr schedule's state and the best epoch's): what a checkpoint holds, and
putting it back into a freshly built trainer so that the run continues exactly as an
uninterrupted one would."""

from __future__ import annotations

import copy
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
        **_augment_state(trainer),
        **_toolkit_state(trainer),
    }


def _toolkit_state(trainer) -> dict[str, Any]:
    """The schedule's state and the best epoch's (None where the run has none), as copies."""
    schedule, best = trainer.schedule, trainer.best
    return {"schedule": copy.deepcopy(schedule.state_dict()) if schedule is not None else None,
            "best": best.state_dict() if best is not None else None}


def restore_state(trainer, state: dict[str, Any], source: str | Path) -> None:
    """Put a checkpoint into a freshly built trainer of the same configuration."""
    from engine.loop.toolkit_state import restore_toolkit

    try:
        trainer.model.load_state_dict(state["model"])
        trainer.optimizer.load_state_dict(state["optimizer"])
    except (RuntimeError, ValueError, KeyError) as err:
        raise CheckpointError(f"{source}: does not fit this run's model or optimizer ({_first_reason(err)}); "
                              "resume with the model settings it was saved with") from None
    restore_toolkit(trainer, state, source)
    trainer.epoch = int(state["epoch"])
    if trainer.schedule is None:
        trainer.set_lr(float(state["lr"]))
    else:  # the optimizer's state holds the lr the schedule had set
        trainer.lr = trainer.optimizer.param_groups[0]["lr"]
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


def captured_state(trainer) -> dict[str, Any]:
    """training_state as copies that training on cannot change (a writer thread saves it later)."""
    return {"epoch": trainer.epoch, "lr": trainer.lr,
            "model": {k: v.detach().to("cpu", copy=True) for k, v in trainer.model.state_dict().items()},
            "optimizer": copy.deepcopy(_on_cpu(trainer.optimizer.state_dict())),
            "torch_rng": torch.get_rng_state(), "shuffle_rng": trainer.shuffle_generator.get_state(),
            **_augment_state(trainer),
            **_toolkit_state(trainer)}


def _on_cpu(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().cpu()
    if isinstance(value, dict):
        return {key: _on_cpu(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_on_cpu(item) for item in value]
    return value


def epoch_start_state(trainer) -> dict[str, Any]:
    """A copy of what an epoch changes (weights, optimizer state, RNG states), to roll a stopped
    epoch back to its start."""
    return {
        "model": {k: v.detach().clone() for k, v in trainer.model.state_dict().items()},
        "optimizer": copy.deepcopy(trainer.optimizer.state_dict()),
        "torch_rng": torch.get_rng_state(),
        "shuffle_rng": trainer.shuffle_generator.get_state(),
        **_augment_state(trainer),
        "schedule": copy.deepcopy(trainer.schedule.state_dict()) if trainer.schedule is not None else None,
    }


def _augment_state(trainer) -> dict[str, Any]:
    """The batch augmentation's generator, where the run augments (engine.data.augment)."""
    generator = getattr(trainer, "augment_generator", None)
    return {"augment_rng": generator.get_state()} if generator is not None else {}


def restore_epoch_start(trainer, state: dict[str, Any]) -> None:
    """Put back a state taken by epoch_start_state (in place: the fast MLP step holds the weights;
    a OneCycleLR has stepped with each batch)."""
    trainer.model.load_state_dict(state["model"])
    trainer.optimizer.load_state_dict(state["optimizer"])
    if state["schedule"] is not None:
        trainer.schedule.load_state_dict(state["schedule"])
    torch.set_rng_state(state["torch_rng"])
    trainer.shuffle_generator.set_state(state["shuffle_rng"])
    if "augment_rng" in state:
        trainer.augment_generator.set_state(state["augment_rng"])
