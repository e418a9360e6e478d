"""Model health as a small table (the Model view): per linear layer its shape, the size of its
weights and of their gradient, and the ReLU units that never fire on the training set. A pure
function of the engine's ModelHealth."""

from __future__ import annotations

from rich.text import Text

from engine.loop.network_events import ModelHealth


def health_text(health: ModelHealth, ascii_only: bool = False) -> Text:
    """`#  shape  |W|  |grad|  dead` rows (# the linear layer's number), dead units marked where there are any."""
    arrow = "->" if ascii_only else "→"
    text = Text(no_wrap=True, end="")
    text.append(f"Health at epoch {health.epoch}", "bold")
    text.append(f" (training set, {health.rows} rows)\n", "dim")
    shapes = [f"{layer.inputs}{arrow}{layer.outputs} {layer.activation}".rstrip() for layer in health.layers]
    width = max([len("shape"), *map(len, shapes)])
    text.append(f"{'#':<3}{'shape':<{width}}  {'|W|':>8}  {'|grad|':>8}  dead\n", "dim")
    for layer, shape in zip(health.layers, shapes):
        text.append(f"{layer.layer:<3}{shape:<{width}}  {layer.weight_norm:>8.4g}  {layer.grad_norm:>8.3g}  ")
        if layer.dead is None:
            text.append("-\n", "dim")
            continue
        share = layer.dead_share or 0.0
        style = "bold red" if layer.dead == layer.outputs else "yellow" if layer.dead else ""
        text.append(f"{layer.dead}/{layer.outputs} {share:.0%}\n", style)
    if any(layer.dead is not None for layer in health.layers):  # (a model without a ReLU has no dead units)
        text.append("dead: ReLU units that output 0 for every training row", "dim")
    return text
