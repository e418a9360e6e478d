"""The MLP built from the model configuration, layer by layer in the order the tutorial's own
classes create them, so the same seed gives the same initial weights."""

from __future__ import annotations

from torch import nn

from engine.config.schema import ModelConfig

ACTIVATION_LAYERS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "leaky_relu": nn.LeakyReLU,
    "gelu": nn.GELU,
}


def build_mlp(cfg: ModelConfig, inputs: int, outputs: int) -> nn.Sequential:
    """Linear layers of `cfg.hidden` sizes with the activation between, then the output layer."""
    layers: list[nn.Module] = []
    width = inputs
    for size in cfg.hidden:
        layers += [nn.Linear(width, size), ACTIVATION_LAYERS[cfg.activation]()]
        width = size
    layers.append(nn.Linear(width, outputs))
    if cfg.output_activation == "sigmoid":
        layers.append(nn.Sigmoid())
    elif cfg.output_activation == "softmax":
        layers.append(nn.Softmax(dim=1))
    return nn.Sequential(*layers)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def activation_name(module: nn.Module | None) -> str:
    """The configuration's name of an activation layer ("relu"; "softmax" for the output's); "" for none."""
    if module is None:
        return ""
    names = {layer: name for name, layer in ACTIVATION_LAYERS.items()} | {nn.Softmax: "softmax"}
    return names.get(type(module), type(module).__name__.lower())
