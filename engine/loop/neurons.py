"""What each neuron of an MLP (or a user's module that is a stack of Linear layers,
engine.models.linear_stack) on a 2-D set computes, over the input plane, as TensorFlow
Playground draws it: the model is run once on a grid of raw points, layer by layer, and every
unit's output (after its activation) is kept as a map, the input features first. A picked unit
is evaluated again on a finer grid for its large view."""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from engine.loop.network_events import SHOWN_UNITS, NeuronFocus, NeuronLayer, NeuronMaps
from engine.loop.plane import plane_grid
from engine.models.linear_stack import linear_stack
from engine.models.mlp import activation_name

if TYPE_CHECKING:
    from engine.config.schema import RunConfig
    from engine.loop.trainer import Trainer

NEURON_GRID = 16  # each unit's map is NEURON_GRID x NEURON_GRID points: thumbnails need no more


def _layer_outputs(trainer: Trainer, points: torch.Tensor) -> list[torch.Tensor] | None:
    """Each layer's output for raw points: the model's inputs (features), then every linear layer
    after its activation; None where the model is not an MLP on a plane."""
    layers = linear_stack(trainer.model).layers
    if trainer.bounds is None or layers is None:
        return None
    trainer.model.eval()
    h = trainer.model_inputs(points)
    outputs = [h]
    for linear, activation in layers:
        h = linear(h)
        if activation is not None:
            h = activation(h)
        outputs.append(h)
    return outputs


def network_note(trainer: Trainer, config: RunConfig) -> str:
    """Why the Network view draws nothing for a model on a plane: it is not provably a stack of
    Linear layers (engine.models.linear_stack says why); "" where it is, or there is no plane."""
    if trainer.bounds is None:
        return ""
    why_not = linear_stack(trainer.model).why_not
    if not why_not:
        return ""
    label = config.model.module if config.model.kind == "module" else f"nntui's {config.model.kind}"
    return (f"The Network view draws a stack of Linear layers and activations used in order; {label} is not "
            f"one: {why_not}.")


@torch.no_grad()
def neuron_maps(trainer: Trainer, size: int = NEURON_GRID) -> NeuronMaps | None:
    """Every layer's units (the first SHOWN_UNITS of each) over a size x size grid, with the L2
    norm of each shown unit's outgoing weights."""
    if trainer.bounds is None:
        return None
    grid = plane_grid(trainer.bounds, size, size).to(trainer.device)
    outputs = _layer_outputs(trainer, grid)
    layers = linear_stack(trainer.model).layers
    if outputs is None or layers is None:
        return None
    found = []
    for index, values in enumerate(outputs):
        shown = min(values.shape[1], SHOWN_UNITS)
        maps = values[:, :shown].t().reshape(shown, size, size)
        following = layers[index][0] if index < len(layers) else None  # the layer these units feed
        outgoing = following.weight[:, :shown].norm(dim=0) if following is not None else None
        if index == 0:
            name, activation = "inputs", ""
            labels = trainer.features or tuple(f"x{i + 1}" for i in range(values.shape[1]))
        else:
            name = "output" if index == len(layers) else f"hidden {index}"
            activation, labels = activation_name(layers[index - 1][1]), ()
        found.append(NeuronLayer(name, activation, values.shape[1], maps.cpu().tolist(),
                                 outgoing.cpu().tolist() if outgoing is not None else [], tuple(labels[:shown])))
    return NeuronMaps(*trainer.bounds, tuple(found))


@torch.no_grad()
def neuron_focus(trainer: Trainer, layer: int, unit: int, columns: int, rows: int) -> NeuronFocus | None:
    """One unit's output over a columns x rows grid; None when the model has no such unit."""
    if trainer.bounds is None:
        return None
    outputs = _layer_outputs(trainer, plane_grid(trainer.bounds, columns, rows).to(trainer.device))
    if outputs is None or not 0 <= layer < len(outputs) or not 0 <= unit < min(outputs[layer].shape[1], SHOWN_UNITS):
        return None
    values = outputs[layer][:, unit].reshape(rows, columns)
    return NeuronFocus(layer, unit, *trainer.bounds, values.cpu().tolist())
