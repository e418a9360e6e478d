"""Models for pictures: the MLP behind a Flatten, or a small CNN (Conv2d, MaxPool2d, ReLU blocks,
then the configured MLP on the flattened features). One builder, so `predict` rebuilds the trained shape.

A block pools before its ReLU: ReLU is monotone, so relu(max_pool(x)) is max_pool(relu(x)) to the
bit, and so are the gradients (tests/test_cnn_block_order.py), but the ReLU and its backward then
touch a quarter of the values, and the pooling's backward is handed its gradient channels-last by
the ReLU's (straight from the Flatten, it came in the default layout, which the pooling copied to
and from). The shapes preset's CPU step is about 8 % faster for it (docs/performance.md)."""

from __future__ import annotations

from torch import nn

from engine.config.schema import ModelConfig
from engine.errors import DataError
from engine.models.layer_sizes import KERNEL, conv_shapes
from engine.models.mlp import build_mlp


def build_image_model(cfg: ModelConfig, shape: tuple[int, int, int], outputs: int) -> nn.Sequential:
    """A network for (channels, height, width) inputs."""
    channels, height, width = shape
    if cfg.kind != "cnn":
        return nn.Sequential(nn.Flatten(), *build_mlp(cfg, channels * height * width, outputs))
    shapes = conv_shapes(shape, cfg.channels)
    if shapes is None:
        raise DataError(f"model.channels: {len(cfg.channels)} conv blocks halve {shape[1]}x{shape[2]} "
                        "images below one pixel; use fewer blocks or a larger data.resize")
    layers: list[nn.Module] = []
    for before, (size, _, _) in zip([shape, *shapes], shapes):
        layers += [nn.Conv2d(before[0], size, kernel_size=KERNEL, padding=KERNEL // 2), nn.MaxPool2d(2), nn.ReLU()]
    channels, height, width = shapes[-1] if shapes else shape
    layers.append(nn.Flatten())
    return nn.Sequential(*layers, *build_mlp(cfg, channels * height * width, outputs))
