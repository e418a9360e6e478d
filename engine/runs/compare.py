"""Runs side by side: which configuration fields differ between them (only those: a comparison of
twenty identical fields hides the one that matters, as W&B's LEET shows only differing fields),
and each run's final figures."""

from __future__ import annotations

from typing import Any

from engine.config.fields import SPECS, format_value, get_field
from engine.runs.status import RunInfo

SOURCE_FIELDS = ("data.paths", "data.images", "data.data_root")  # absolute paths: long, and rarely the point


def differing_fields(runs: list[RunInfo]) -> list[tuple[str, list[Any]]]:
    """(field path, one value per run) for every field whose values are not all equal."""
    found = []
    for path in SPECS:
        values = [get_field(run.config, path) for run in runs]
        if any(value != values[0] for value in values[1:]):
            found.append((path, values))
    return found


def shown(value: Any) -> str:
    """A field's value as a table cell."""
    return format_value(value) if value not in ("", []) else "-"


def final_figures(run: RunInfo) -> dict[str, Any]:
    """What a comparison shows of each run's outcome (a classifier's accuracy, a regression's fit)."""
    best = run.best
    history = run.history
    return {"status": run.status, "epochs": run.epochs_done,
            "train_loss": history.train_loss[-1] if len(history) else None,
            "test_loss": next((v for v in reversed(history.test_loss) if v == v), None),
            "best_test_loss": best[0] if best else None, "best_epoch": best[1] if best else None,
            "test_accuracy": run.final_accuracy,
            **{score: run.final(score) for score in FIT_SCORES}}


FIT_SCORES = ("rmse", "mae", "r2")  # a regression run's end record has them (test set, the target's unit)
