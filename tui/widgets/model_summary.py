"""The model summary: before a run, the planned layer sizes and parameter count worked out
from the configuration (no torch needed); once built, `print(model)` and the real counts."""

from __future__ import annotations

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from engine.catalog import DATASETS
from engine.config import RunConfig
from engine.events import RunStarted


def planned_layers(config: RunConfig) -> list[int]:
    """Input, hidden and output sizes as the engine will build them."""
    info = DATASETS[config.data.dataset]
    outputs = config.model.outputs
    if not outputs:
        classes = config.data.classes if info.kind == "multiclass" else 2
        outputs = classes if config.train.loss == "cross_entropy" else 1
    return [info.features, *config.model.hidden, outputs]


def planned_summary(config: RunConfig) -> Text:
    sizes = planned_layers(config)
    count = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    text = Text()
    text.append("Planned model ", "bold")
    text.append("(built when training starts)\n", "dim")
    text.append(" -> ".join(map(str, sizes)))
    text.append(f"  {config.model.activation} hidden, {config.model.output_activation} output\n")
    text.append(f"{count} parameters; {DATASETS[config.data.dataset].kind} task on '{config.data.dataset}'")
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
