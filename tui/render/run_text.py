"""What a run says about itself, the same words in `nntui run` and the trainer's log: its start,
and the tutorial's line for each logged epoch."""

from __future__ import annotations

from engine.loop.events import EpochEnded, RunStarted


def start_lines(event: RunStarted) -> list[str]:
    """The task, data and model sizes, then what reading the data did (class names, dropped rows)."""
    data = f"'{event.config.data.dataset}'" + (f" (target '{event.target}')" if event.target else "")
    lines = [f"{event.task} on {data}, {event.train_samples} train / {event.test_samples} test samples, "
             f"{event.parameter_count} parameters, device {event.device}"]
    if event.labels:
        lines.append("classes: " + ", ".join(f"{i} = {name}" for i, name in enumerate(event.labels)))
    if event.dropped_rows:
        rows = "row" if event.dropped_rows == 1 else "rows"
        lines.append(f"dropped {event.dropped_rows} {rows} with missing cells (data.missing = drop)")
    if event.resumed_at:
        lines.append(f"Resuming from epoch {event.resumed_at} of {event.config.train.epochs} "
                     f"(lr {event.config.train.lr:g})")
    return lines


def epoch_line(event: EpochEnded) -> str:
    """The tutorial's own progress line, with test accuracy added for classifiers."""
    line = f"Epoch [{event.epoch}/{event.epochs}], Loss: {event.train_loss:.4f}"
    if event.test_accuracy is not None:
        line += f", Test Accuracy: {event.test_accuracy:.2%}"
    return line
