"""What the loop reports about the inside of a network, as plain values (floats, tuples, nested
lists) like the rest of engine.loop.events: every neuron's output over the input plane, for the
Network view, and each layer's health (weight and gradient size, dead ReLU units)."""

from __future__ import annotations

from dataclasses import dataclass

SHOWN_UNITS = 16  # a wider layer reports its first 16 units and how many it has


@dataclass(frozen=True)
class NeuronLayer:
    """One layer's units over the plane: the input features, a hidden layer or the outputs."""

    name: str  # "inputs", "hidden 1", ..., "output"
    activation: str  # what the units apply ("relu", "sigmoid", ...); "" for the inputs and raw outputs
    units: int  # all of the layer's units; `maps` holds the first SHOWN_UNITS
    maps: list[list[list[float]]]  # [unit][row][column], rows from the top (high x2) down
    outgoing: list[float]  # each shown unit's outgoing weights, as their L2 norm; [] for the output layer
    labels: tuple[str, ...] = ()  # the units' names where they have them (the input features)


@dataclass(frozen=True)
class NeuronMaps:
    """Every layer's units, each evaluated on the same grid over the input plane."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    layers: tuple[NeuronLayer, ...]


@dataclass(frozen=True)
class NeuronFocus:
    """One unit evaluated on a finer grid, for the large view of a picked neuron."""

    layer: int  # index into NeuronMaps.layers
    unit: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    values: list[list[float]]  # [row][column]


@dataclass(frozen=True)
class LayerHealth:
    """One linear layer: how large its weights and their gradient are, and how many of the ReLU
    units after it never fire on the training set."""

    layer: int  # 1 for the first linear layer
    inputs: int
    outputs: int
    activation: str  # what follows the layer ("relu", ...; "" for none)
    weight_norm: float  # L2 (Frobenius) norm of the weight matrix
    grad_norm: float  # L2 norm of the training objective's gradient on the weights, over the training set
    dead: int | None = None  # ReLU units that output 0 for every training row; None where no ReLU follows

    @property
    def dead_share(self) -> float | None:
        """The share of the layer's ReLU units that are dead; None where no ReLU follows."""
        return None if self.dead is None else self.dead / self.outputs


@dataclass(frozen=True)
class ModelHealth:
    """The layers' health at an epoch, measured on the training set."""

    epoch: int
    rows: int  # training rows measured
    layers: tuple[LayerHealth, ...]
