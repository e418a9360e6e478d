"""The model summary: before a run, the planned layers and parameter count worked out from the
configuration (no torch and no file reads: the first screen stays fast and the event loop never
waits on a disk); once built, `print(model)` and the real counts."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from engine.config.catalog import DATASETS
from engine.config.schema import RunConfig
from engine.loop.events import RunStarted
from engine.models.layer_sizes import KERNEL, conv_shapes, output_units, parameter_count

NATIVE_SIDE = 28  # shapes, MNIST and Fashion-MNIST pictures, and folder pictures without data.resize


def image_shape(config: RunConfig) -> tuple[int, int, int]:
    """(channels, height, width) of the pictures the model takes: folders are read as RGB."""
    side = config.data.resize or NATIVE_SIDE
    return (3 if DATASETS[config.data.dataset].source == "folder" else 1, side, side)


def planned_conv_shapes(config: RunConfig) -> list[tuple[int, int, int]] | None:
    """The picture's shape after each conv block of a CNN; None when the blocks would pool it
    below one pixel (the engine refuses that setup)."""
    return conv_shapes(image_shape(config), config.model.channels)


def planned_outputs(config: RunConfig) -> int | None:
    """Output units; None where only the data can tell (the classes of a CSV target or of a folder)."""
    info = DATASETS[config.data.dataset]
    classes = 2 if info.kind == "binary" else info.classes or (config.data.classes if info.synthetic else 0)
    if not classes and not config.model.outputs and config.train.loss == "cross_entropy":
        return None
    return output_units(config.model.outputs, config.train.loss, classes)


def planned_layers(config: RunConfig) -> list[int | None]:
    """Sizes of the fully connected layers as the engine will build them, from the input (a
    picture's flattened size, after any conv blocks) to the output; None where only the data can tell."""
    info = DATASETS[config.data.dataset]
    inputs: int | None = info.features or None
    if info.images:
        shapes = planned_conv_shapes(config) if config.model.kind == "cnn" else []
        channels, height, width = shapes[-1] if shapes else image_shape(config)
        inputs = None if shapes is None else channels * height * width
    return [inputs, *config.model.hidden, planned_outputs(config)]


def planned_count(config: RunConfig) -> int | None:
    """Weights and biases of the planned model; None until the data's sizes are known."""
    sizes = planned_layers(config)
    if None in sizes:
        return None
    if DATASETS[config.data.dataset].images and config.model.kind == "cnn":
        return parameter_count(sizes, image_shape(config)[0], config.model.channels)  # type: ignore[arg-type]
    return parameter_count(sizes)  # type: ignore[arg-type]


def planned_summary(config: RunConfig) -> Text:
    info = DATASETS[config.data.dataset]
    text = Text()
    text.append("Planned model ", "bold")
    text.append("(built when training starts)\n", "dim")
    if info.images:
        channels, height, width = image_shape(config)
        text.append(f"input {channels}x{height}x{width} pictures")
        if config.model.kind == "cnn":
            shapes = planned_conv_shapes(config)
            if shapes is None:
                text.append(f"\n{len(config.model.channels)} conv blocks pool {height}x{width} pictures below one "
                            "pixel: use fewer blocks or a larger resize", "red")
                return text
            blocks = " -> ".join(str(size) for size in config.model.channels)
            c, h, w = shapes[-1] if shapes else (channels, height, width)
            text.append(f"\nconv {blocks} ({KERNEL}x{KERNEL}, ReLU, max-pool 2): {c}x{h}x{w}\n")
        else:
            text.append(", flattened\n")
    sizes = planned_layers(config)
    text.append(" -> ".join("?" if size is None else str(size) for size in sizes))
    text.append(f"  {config.model.activation} hidden, {config.model.output_activation} output\n")
    if sizes[0] is None:
        text.append("? inputs: the feature columns of the CSV files (text columns one-hot), known once they "
                    "are read\n", "dim")
    if sizes[-1] is None:
        source = "class folder" if info.source == "folder" else "class of the target column"
        text.append(f"? outputs: one per {source}, known once the data is read\n", "dim")
    count = planned_count(config)
    counted = f"{count} parameters" if count is not None else "parameters counted once the data is read"
    if info.kind == "table":
        text.append(f"{counted}; the target column decides the task")
    else:
        text.append(f"{counted}; {info.kind} task on '{config.data.dataset}'")
    return text


def built_summary(event: RunStarted) -> Text:
    text = Text()
    text.append(f"{event.parameter_count} parameters", "bold")
    text.append(f"  {event.task} on '{event.config.data.dataset}', {event.train_samples} train / "
                f"{event.test_samples} test samples, device {event.device}\n")
    text.append(event.summary)
    for warning in event.warnings:
        text.append(f"\nwarning: {warning}", "yellow")
    return text


class ModelSummary(VerticalScroll):
    """Scrolls, since a deep model's `print(model)` outgrows a small terminal."""

    def compose(self):
        yield Static(id="summary-text")

    def plan(self, config: RunConfig) -> None:
        self.query_one("#summary-text", Static).update(planned_summary(config))

    def built(self, event: RunStarted) -> None:
        self.query_one("#summary-text", Static).update(built_summary(event))
