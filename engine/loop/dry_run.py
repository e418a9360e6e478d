"""One batch through the user's code before a run starts: the model's forward on the data's first
rows, its outputs against the targets and the loss, and the loss finite. A mismatch is one line
naming both sides ("net.py:Net takes 3 input features, the data gives 2"), so it is refused as
input before anything trains or is written. The weights, buffers and random draws are left as
they were: the run that follows trains exactly as it would have without it."""

from __future__ import annotations

import math

import torch
from torch import nn

from engine.code.frames import UserCodeError, raised, user_frames
from engine.config.problems import ConfigError, Problem
from engine.models.task import Task

DRY_ROWS = 64  # rows of the first batch tried (shapes do not depend on more)
FIELD = "model.module"


def _first_layer(model: nn.Module) -> nn.Module | None:
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)):
            return module
    return None


def _input_problem(model: nn.Module, xb: torch.Tensor, label: str) -> str | None:
    """The likeliest reason a forward failed on these inputs: its first layer wants another width."""
    layer = _first_layer(model)
    if isinstance(layer, nn.Linear) and xb.shape[-1] != layer.in_features:
        return (f"{label} takes {layer.in_features} input features, the data gives {xb.shape[-1]} "
                f"(first Linear: in_features={layer.in_features})")
    if isinstance(layer, nn.Conv2d):
        if xb.dim() != 4:
            return (f"{label} starts with a Conv2d, which takes pictures (N, C, H, W); the data gives rows of "
                    f"shape {tuple(xb.shape[1:])}")
        if xb.shape[1] != layer.in_channels:
            return (f"{label} takes {layer.in_channels} input channels, the data gives {xb.shape[1]} "
                    f"(first Conv2d: in_channels={layer.in_channels})")
    return None


def _output_problem(outputs: object, yb: torch.Tensor, task: Task, label: str) -> str | None:
    if not isinstance(outputs, torch.Tensor):
        return f"{label}'s forward returns {type(outputs).__name__}, not a tensor"
    rows = len(yb)
    if outputs.dim() == 0 or outputs.shape[0] != rows:
        return f"{label} returns outputs of shape {tuple(outputs.shape)} for a batch of {rows}: one row per sample"
    if task.loss == "cross_entropy":
        if outputs.dim() != 2 or outputs.shape[1] < task.classes:
            other = (" (or train.loss = bce_logits, which takes one output for two classes)"
                     if task.classes == 2 and outputs.dim() == 2 and outputs.shape[1] == 1 else "")
            return (f"{label} returns outputs of shape {tuple(outputs.shape)}; cross_entropy needs one column per "
                    f"class: ({rows}, {task.classes}){other}")
        return None
    if outputs.shape != yb.shape:
        return (f"{label} returns outputs of shape {tuple(outputs.shape)}, the targets have shape {tuple(yb.shape)} "
                f"({task.loss} compares them element by element)")
    return None


def dry_run(model: nn.Module, xb: torch.Tensor, yb: torch.Tensor, loss_fn: nn.Module, task: Task,
            label: str) -> None:
    """Refuse (ConfigError, or UserCodeError with the user's frames) a model that cannot train on
    these rows with this loss; `label` names the model as the user wrote it."""
    xb, yb = xb[:DRY_ROWS], yb[:DRY_ROWS]
    if not len(xb):
        return
    devices = [xb.device] if xb.device.type == "cuda" else []
    training = model.training
    buffers = {name: value.clone() for name, value in model.named_buffers()}
    with torch.random.fork_rng(devices=devices), torch.no_grad():
        try:
            outputs = model(xb)
        except Exception as err:
            problem = _input_problem(model, xb, label)
            if problem is not None:
                raise ConfigError([Problem(FIELD, problem)]) from None
            raise UserCodeError(FIELD, f"{label}'s forward raised on the first batch: {raised(err)}",
                                user_frames(err)) from None
        finally:
            model.train(training)
            for name, value in model.named_buffers():  # BatchNorm's running statistics
                if name in buffers:
                    value.copy_(buffers[name])
        problem = _output_problem(outputs, yb, task, label)
        if problem is not None:
            raise ConfigError([Problem(FIELD, problem)])
        try:
            loss = loss_fn(outputs, yb)
        except Exception as err:
            raise ConfigError([Problem("train.loss", f"{task.loss} refused {label}'s outputs on the first batch: "
                                                     f"{raised(err)}")]) from None
        if not math.isfinite(float(loss)):
            raise ConfigError([Problem(FIELD, f"the first batch's {task.loss} loss is {float(loss)}: {label}'s "
                                              "outputs or the targets are not finite")])
