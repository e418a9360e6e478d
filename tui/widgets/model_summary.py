"""The model summary: before a run, the planned layers and parameter count worked out from the
configuration (no torch and no file reads: the first screen stays fast and the event loop never
waits on a disk); once built, `print(model)` and the real counts; while it trains, each layer's
health (weight and gradient size, dead ReLU units) as the snapshots bring it."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from engine.config.catalog import DATASETS
from engine.config.schema import RunConfig
from engine.data.features import computed_features, input_width
from engine.loop.events import RunStarted, Snapshot
from engine.loop.network_events import ModelHealth
from engine.models.layer_sizes import KERNEL, conv_shapes, output_units, parameter_count
from tui.render.feature_names import feature_name
from tui.render.health_text import health_text
from tui.widgets.run_view import RunView

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
    inputs: int | None = (input_width(config.data) if info.synthetic else info.features) or None
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


def planned_summary(config: RunConfig, ascii_only: bool = False) -> Text:
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
    text.append(_features_line(config, ascii_only))
    text.append(" -> ".join("?" if size is None else str(size) for size in sizes))
    hidden = f"{config.model.activation} hidden, " if config.model.hidden else "no hidden layer, "
    text.append(f"  {hidden}{config.model.output_activation} output\n")
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


def _features_line(config: RunConfig, ascii_only: bool = False) -> str:
    """`inputs: x1², x2² of each point (x1, x2)` where the model takes input features."""
    names = [feature_name(name, ascii_only) for name in computed_features(config.data)]
    return f"inputs: {', '.join(names)} of each point (x1, x2)\n" if names else ""


def built_summary(event: RunStarted, ascii_only: bool = False) -> Text:
    text = Text()
    text.append(f"{event.parameter_count} parameters", "bold")
    text.append(f"  {event.task} on '{event.config.data.dataset}', {event.train_samples} train / "
                f"{event.test_samples} test samples, device {event.device}\n")
    text.append(_features_line(event.config, ascii_only))
    text.append(event.summary)
    for warning in event.warnings:
        text.append(f"\nwarning: {warning}", "yellow")
    return text


class ModelSummary(RunView, VerticalScroll):
    """Scrolls, since a deep model's `print(model)` outgrows a small terminal."""

    def __init__(self, ascii_only: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self._health_epoch: int | None = None

    def compose(self):
        yield Static(id="summary-text")
        yield Static(id="health-text")

    def plan(self, config: RunConfig) -> None:
        self.query_one("#summary-text", Static).update(planned_summary(config, self.ascii_only))
        self._show_health(None)

    def begin(self, event: RunStarted) -> None:
        """The model as built, with its parameter count."""
        self.query_one("#summary-text", Static).update(built_summary(event, self.ascii_only))

    def take(self, snapshot: Snapshot) -> None:
        """A snapshot's health, when it is a newer measurement (MLPs on in-memory data only)."""
        if snapshot.health is not None and snapshot.health.epoch != self._health_epoch:
            self._show_health(snapshot.health)

    def _show_health(self, health: ModelHealth | None) -> None:
        self._health_epoch = health.epoch if health is not None else None
        shown = self.query_one("#health-text", Static)
        shown.update(Text("\n").append_text(health_text(health, self.ascii_only)) if health is not None else "")
