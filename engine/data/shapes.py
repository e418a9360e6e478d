"""The offline image set: 28x28 grey drawings of a few shapes at seeded positions and sizes,
with pixel noise, served like a torchvision data set (PIL images through `transform`), so that
image training and the CNN work on a machine with no network."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image, ImageDraw
from torch.utils.data import Dataset

SHAPE_SIZE = 28
PIXEL_NOISE = 20.0  # the standard deviation of the noise added to every pixel (0 to 255)


class ShapesDataset(Dataset):
    """`n` pictures, class i at every i-th index; the same seed draws the same pictures."""

    classes = ("circle", "square", "triangle", "cross")

    def __init__(self, n: int, seed: int, transform: Callable[[Image.Image], Any] | None = None,
                 noise: float = PIXEL_NOISE):
        rng = np.random.default_rng(seed)
        self.transform = transform
        self.targets = [i % len(self.classes) for i in range(n)]
        pixels = np.stack([_draw(label, rng) for label in self.targets]) if n else np.zeros((0, 28, 28))
        pixels = pixels + rng.normal(0.0, noise, pixels.shape)
        self.data = np.clip(pixels, 0, 255).astype(np.uint8)

    def __len__(self) -> int:
        return len(self.targets)

    def __getitem__(self, index: int) -> tuple[Any, int]:
        image = Image.fromarray(self.data[index], mode="L")
        return (self.transform(image) if self.transform else image), self.targets[index]


def _draw(label: int, rng: np.random.Generator) -> np.ndarray:
    """One shape: a half-size from 5 to 10 pixels, centred anywhere it fits."""
    image = Image.new("L", (SHAPE_SIZE, SHAPE_SIZE), 0)
    pen = ImageDraw.Draw(image)
    r = int(rng.integers(5, 11))
    cx, cy = (int(v) for v in rng.integers(r + 1, SHAPE_SIZE - r - 1, size=2))
    shade = int(rng.integers(160, 256))
    box = (cx - r, cy - r, cx + r, cy + r)
    name = ShapesDataset.classes[label]
    if name == "circle":
        pen.ellipse(box, outline=shade, width=2)
    elif name == "square":
        pen.rectangle(box, outline=shade, width=2)
    elif name == "triangle":
        pen.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], outline=shade, width=2)
    else:
        pen.line((cx - r, cy, cx + r, cy), fill=shade, width=2)
        pen.line((cx, cy - r, cx, cy + r), fill=shade, width=2)
    return np.asarray(image, dtype=np.float64)
