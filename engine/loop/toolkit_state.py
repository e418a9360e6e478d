"""A checkpoint's lr-schedule and best-epoch states, checked against the freshly built run before
they are put into it. A scheduler's state is a plain dict that torch takes as it is
(`__dict__.update`), so a hand-edited T_max of 0 would only fail epochs later, inside torch; here
every setting must equal the configuration's and only the progress (the step count, the last
lr, ReduceLROnPlateau's best and counters) may differ, with the type and range it can have."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch

from engine.errors import CheckpointError

# What a schedule's stepping changes; every other key of its state comes from the configuration.
PROGRESS_INTS = ("last_epoch", "_step_count", "num_bad_epochs", "cooldown_counter")
PROGRESS_FLAGS = ("_is_initial", "_get_lr_called_within_step")
PROGRESS_LRS = ("_last_lr",)


def restore_toolkit(trainer, state: dict[str, Any], source: str | Path) -> None:
    """Check and load the checkpoint's `schedule` and `best` into the trainer; CheckpointError
    naming the field when they are missing, foreign to this run, or out of range."""
    _restore_schedule(trainer, state.get("schedule"), source)
    _restore_best(trainer, state.get("best"), int(state["epoch"]), source)


def _bad(source: str | Path, field: str, message: str) -> CheckpointError:
    return CheckpointError(f"{source}: {field}: {message}"[:300])


def _restore_schedule(trainer, saved: Any, source: str | Path) -> None:
    schedule = trainer.schedule
    if schedule is None or saved is None:
        if schedule is not None or saved is not None:
            has = "no schedule's state" if saved is None else "a schedule's state"
            raise _bad(source, "schedule", f"the checkpoint holds {has}, and the run's train.schedule is "
                                           f"{trainer.config.train.schedule}")
        return
    fresh = schedule.state_dict()
    if not isinstance(saved, dict) or set(saved) != set(fresh):
        raise _bad(source, "schedule", f"not the state of the {schedule.name} schedule this run uses")
    for key, value in saved.items():
        _check_entry(key, value, fresh[key], source)
    schedule.load_state_dict(saved)


def _check_entry(key: str, value: Any, fresh: Any, source: str | Path) -> None:
    field = f"schedule.{key}"
    if key in PROGRESS_INTS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise _bad(source, field, f"must be a whole number >= 0, got {value!r}")
    elif key in PROGRESS_FLAGS:
        if not isinstance(value, bool):
            raise _bad(source, field, f"must be true or false, got {value!r}")
    elif key in PROGRESS_LRS:
        if not isinstance(value, list) or len(value) != len(fresh) or not all(_rate(v) for v in value):
            raise _bad(source, field, f"must be {len(fresh)} finite learning rates >= 0")
    elif key == "best":  # ReduceLROnPlateau's best test loss so far: inf before the first
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise _bad(source, field, f"must be a number, got {value!r}")
    elif value != fresh or type(value) is not type(fresh):
        raise _bad(source, field, f"{value!r} differs from the run's configuration ({fresh!r})")


def _rate(value: Any) -> bool:
    """A learning rate a schedule can reach: StepLR's gamma**n underflows to 0 in a long run."""
    return not isinstance(value, bool) and isinstance(value, (int, float)) and math.isfinite(value) and value >= 0


def _restore_best(trainer, saved: Any, epoch: int, source: str | Path) -> None:
    best = trainer.best
    if best is None or saved is None:
        if best is not None or saved is not None:
            has = "no best epoch's state" if saved is None else "a best epoch's state"
            raise _bad(source, "best", f"the checkpoint holds {has}, and the run tracks "
                                       f"{'it' if best is not None else 'none'} (train.early_stop, keep_best, "
                                       "restore_best)")
        return
    if not isinstance(saved, dict) or set(saved) != {"epoch", "loss", "weights", "reference", "waited"}:
        raise _bad(source, "best", "must hold epoch, loss, weights, reference and waited")
    for key, low, high in (("epoch", 0, epoch), ("waited", 0, epoch)):
        value = saved[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise _bad(source, f"best.{key}", f"must be a whole number from {low} to {high}, got {value!r}")
    for key in ("loss", "reference"):
        value = saved[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise _bad(source, f"best.{key}", f"must be a number, got {value!r}")
    _check_weights(trainer, saved, source)
    best.load_state_dict(saved, trainer.device)


def _check_weights(trainer, saved: dict[str, Any], source: str | Path) -> None:
    """The best epoch's weights, where kept, fit the model tensor for tensor and are finite."""
    weights = saved["weights"]
    if weights is None:
        if trainer.best.keep_weights and saved["epoch"]:
            raise _bad(source, "best.weights", "missing, and the run keeps them (keep_best or restore_best)")
        return
    model = trainer.model.state_dict()
    if not isinstance(weights, dict) or set(weights) != set(model):
        raise _bad(source, "best.weights", "must hold the model's tensors, by name")
    for name, tensor in weights.items():
        if not isinstance(tensor, torch.Tensor) or tensor.shape != model[name].shape:
            raise _bad(source, f"best.weights.{name}", f"must be a tensor of shape {tuple(model[name].shape)}")
        if tensor.is_floating_point() and not bool(torch.isfinite(tensor).all()):
            raise _bad(source, f"best.weights.{name}", "holds non-finite values")
