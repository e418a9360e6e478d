"""How big a network will be, worked out from sizes alone (no torch): output width, the pictures'
shape through a CNN's conv blocks, and the parameter count. The engine's builders make exactly
these layers; the trainer's Model panel plans with them before a run, and the exporter writes them."""

from __future__ import annotations

# Models this small train fastest on one CPU thread; more threads only contend with the UI thread.
SMALL_WORK = 2_000_000  # parameters x rows per batch
KERNEL = 3  # engine.models.cnn: 3x3 convolutions that keep the size, each block then halving it by max-pooling


def output_units(configured: int, loss: str, classes: int) -> int:
    """The model's output width: as configured, else one per class under cross entropy, else one."""
    if configured:
        return configured
    return classes if loss == "cross_entropy" else 1


def conv_shapes(shape: tuple[int, int, int], channels: list[int]) -> list[tuple[int, int, int]] | None:
    """(channels, height, width) after each conv block, from the input's; None when a block would
    pool the picture below one pixel (the engine refuses that setup)."""
    _, height, width = shape
    shapes = []
    for size in channels:
        if height < 2 or width < 2:
            return None
        height, width = height // 2, width // 2
        shapes.append((size, height, width))
    return shapes


def parameter_count(sizes: list[int], in_channels: int = 0, channels: tuple[int, ...] | list[int] = ()) -> int:
    """Weights and biases of linear layers of `sizes` (inputs first), after conv blocks of
    `channels` fed `in_channels` (none by default)."""
    count = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    widths = [in_channels, *channels]
    return count + sum((a * KERNEL * KERNEL + 1) * b for a, b in zip(widths, widths[1:]))
