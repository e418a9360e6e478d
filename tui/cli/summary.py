"""How `nntui run` ends: the summary lines (status, losses, learned weights, the boundary or the
confusion matrix) and JSON that stays JSON (no bare NaN)."""

from __future__ import annotations

import math
from typing import Any

from engine.loop.events import RunFinished, RunStarted, Snapshot
from tui.render.boundary_text import boundary_lines, legend
from tui.render.figures import figure
from tui.render.regression_text import learned, scores_text

MATRIX_CLASSES = 30  # above this many classes the summary lists per-class accuracy, not the matrix


def json_safe(payload: dict[str, Any]) -> dict[str, Any]:
    """`payload` with every non-finite number (not JSON: bare NaN and Infinity break parsers) made
    null, and a `reason` saying which were what, unless the payload has a reason already."""
    found: list[str] = []

    def clean(value: Any, where: str) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            found.append(f"{where} was {value}")
            return None
        if isinstance(value, dict):
            return {key: clean(item, key if not where else f"{where}.{key}") for key, item in value.items()}
        if isinstance(value, list):
            return [clean(item, where) for item in value]
        return value

    safe = clean(payload, "")
    if found and "reason" not in safe:
        shown = sorted(set(found))
        safe["reason"] = "; ".join(shown[:4]) + ("; ..." if len(shown) > 4 else "")
    return safe


def summary_lines(end: RunFinished, started: RunStarted | None, snapshot: Snapshot | None,
                  ascii_only: bool = False) -> list[str]:
    """The closing summary: status, final losses, and the learned parameters or the boundary."""
    lines = [f"Run {end.status} after {end.epoch} epoch{'' if end.epoch == 1 else 's'}."]
    if end.message:
        lines.append(f"Diverged: {end.message}" if end.status == "diverged" else end.message[0].upper() + end.message[1:]
                     + ".")
    parts = []
    if end.train_loss is not None:
        parts.append(f"Train loss: {figure(end.train_loss)}")
    if end.test_loss is not None:
        parts.append(f"Test loss: {figure(end.test_loss)}")
    if end.test_accuracy is not None:
        parts.append(f"Test accuracy: {end.test_accuracy:.2%}")
    if parts:
        lines.append("  ".join(parts))
    if end.scores is not None:
        lines.append(scores_text(end.scores, ascii_only, prefix="Test "))
    if started is not None and started.reference and end.parameters:
        weights, biases = ([f"{v:.4f}" for v in values] for values in learned(end.parameters))
        true_w = ", ".join(f"{w:g}" for w in started.reference["weight"])
        lines.append(f"Predicted weight: [{', '.join(weights)}]  true: [{true_w}]")
        lines.append(f"Predicted bias: [{', '.join(biases)}]  true: [{started.reference['bias']:g}]")
    if snapshot is not None and snapshot.boundary is not None and started is not None:
        grid = snapshot.boundary
        classes = len(grid.probabilities)
        lines.append("Decision boundary (x1 across, x2 up):")
        lines.extend(boundary_lines(grid.probabilities, grid.x_range, grid.y_range, started.train_points,
                                    ascii_only))
        lines.append(legend(classes, ascii_only))
    if snapshot is not None and snapshot.images is not None and started is not None:
        from tui.render.image_report import accuracy_list, confusion_table, report_title  # numpy: only when needed

        report = snapshot.images
        if len(report.confusion) > MATRIX_CLASSES:  # 1,000 classes would print a million counts
            lines.append(f"{report_title(report)}; accuracy of each class:")
            lines.extend(accuracy_list(report.confusion, started.labels, 100).plain.splitlines())
            return lines
        lines.append(f"{report_title(report)}; confusion matrix (rows: true class, columns: guess):")
        table = confusion_table(report.confusion, started.labels, 10_000, color=False, ascii_only=ascii_only)
        lines.extend(table.plain.splitlines() if table is not None else [])
    return lines
