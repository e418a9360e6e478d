"""Models for pictures: the MLP behind a Flatten, or a small CNN (Conv2d, ReLU, MaxPool2d blocks,
then the configured MLP on the flattened features). One builder, so `predict` rebuilds the trained shape."""

from __future__ import annotations

from torch import nn

from engine.config import ModelConfig
from engine.model import build_mlp
from engine.preprocess import DataError


def build_image_model(cfg: ModelConfig, shape: tuple[int, int, int], outputs: int) -> nn.Sequential:
    """A network for (channels, height, width) inputs."""
    channels, height, width = shape
    if cfg.kind != "cnn":
        return nn.Sequential(nn.Flatten(), *build_mlp(cfg, channels * height * width, outputs))
    layers: list[nn.Module] = []
    for size in cfg.channels:
        if height < 2 or width < 2:
            raise DataError(f"model.channels: {len(cfg.channels)} conv blocks halve {shape[1]}x{shape[2]} "
                            "images below one pixel; use fewer blocks or a larger data.resize")
        layers += [nn.Conv2d(channels, size, kernel_size=3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        channels, height, width = size, height // 2, width // 2
    layers.append(nn.Flatten())
    return nn.Sequential(*layers, *build_mlp(cfg, channels * height * width, outputs))
