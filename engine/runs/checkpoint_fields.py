"""Every field of a checkpoint checked before a trainer takes it: a damaged or hand-made file is
refused naming the field, rather than failing inside torch (a wrong-sized RNG state), resuming
at an impossible epoch, or training on from non-finite weights."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch

from engine.errors import CheckpointError

MAX_LR = 100.0  # train.lr's limit


def _bad(file: Path, field: str, message: str) -> CheckpointError:
    return CheckpointError(f"{file}: {field}: {message}")


def _finite_tensors(value: Any, file: Path, field: str) -> None:
    """Every tensor in a state (nested dicts and lists) is finite where it holds numbers."""
    if isinstance(value, torch.Tensor):
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise _bad(file, field, "holds non-finite values (saved from a diverged run?)")
    elif isinstance(value, dict):
        for key, item in value.items():
            _finite_tensors(item, file, f"{field}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _finite_tensors(item, file, f"{field}[{index}]")


def _rng_state(value: Any, file: Path, field: str) -> None:
    size = torch.get_rng_state().numel()
    if not isinstance(value, torch.Tensor) or value.dtype != torch.uint8 or value.shape != (size,):
        raise _bad(file, field, f"must be a random generator's state (a uint8 tensor of {size} bytes)")


def check_fields(state: dict[str, Any], file: Path) -> None:
    """Types and ranges of a loaded checkpoint's fields; shapes against the model are checked when
    it is restored (engine.loop.state)."""
    epoch = state["epoch"]
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise _bad(file, "epoch", f"must be a whole number >= 0, got {epoch!r}"[:120])
    lr = state["lr"]
    # A schedule may take the lr down to 0 (StepLR's gamma**n underflows, as can ReduceLROnPlateau's
    # cuts with min_lr 0): an uninterrupted run passes through that state, so it must resume.
    lowest = 0.0 if state.get("schedule") is not None else math.nextafter(0.0, 1.0)
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr) or not lowest <= lr <= MAX_LR:
        allowed = ">= 0" if lowest == 0 else "> 0"
        raise _bad(file, "lr", f"must be a finite number {allowed} and <= {MAX_LR:g}, got {lr!r}"[:120])
    model = state["model"]
    if not isinstance(model, dict) or not model or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in model.items()):
        raise _bad(file, "model", "must map parameter names to tensors")
    _finite_tensors(model, file, "model")
    optimizer = state["optimizer"]
    if (not isinstance(optimizer, dict) or not isinstance(optimizer.get("state"), dict)
            or not isinstance(optimizer.get("param_groups"), list)
            or not all(isinstance(group, dict) for group in optimizer["param_groups"])):
        raise _bad(file, "optimizer", "must be an optimizer's state dict (state and param_groups)")
    for index, group in enumerate(optimizer["param_groups"]):
        group_lr = group.get("lr")
        if isinstance(group_lr, bool) or not isinstance(group_lr, (int, float, torch.Tensor)) or not math.isfinite(
                float(group_lr)):
            raise _bad(file, f"optimizer.param_groups[{index}].lr", "must be a finite number")
    _finite_tensors(optimizer["state"], file, "optimizer.state")
    _rng_state(state["torch_rng"], file, "torch_rng")
    _rng_state(state["shuffle_rng"], file, "shuffle_rng")
    if "augment_rng" in state:
        _rng_state(state["augment_rng"], file, "augment_rng")
    for field in ("schedule", "best"):  # checked against the run itself when restored (engine.loop.toolkit_state)
        value = state.get(field)
        if value is not None and (not isinstance(value, dict) or not all(isinstance(k, str) for k in value)):
            raise _bad(file, field, "must be a state dict (names to values), or absent")
