"""Runs side by side: which configuration fields differ between them (only those: a comparison of
twenty identical fields hides the one that matters, as W&B's LEET shows only differing fields),
and each run's final figures."""

from __future__ import annotations

from typing import Any

from engine.config.fields import SPECS, format_value, get_field
from engine.runs.status import RunInfo

SOURCE_FIELDS = ("data.paths", "data.images", "data.data_root")  # absolute paths: long, and rarely the point


def run_params(run: RunInfo) -> dict[str, Any]:
    """What a run was set up with: an nntui run's configuration fields by path, a TensorBoard
    run's hparams by name."""
    if run.hparams is not None:
        return run.hparams
    return {path: get_field(run.config, path) for path in SPECS}


def differing_fields(runs: list[RunInfo]) -> list[tuple[str, list[Any]]]:
    """(field path or hparam, one value per run, "" where a run has none) for every one whose
    values are not all equal."""
    params = [run_params(run) for run in runs]
    found = []
    for path in dict.fromkeys(name for values in params for name in values):
        values = [given.get(path, "") for given in params]
        if any(value != values[0] for value in values[1:]):
            found.append((path, values))
    return found


def tag_rows(runs: list[RunInfo]) -> list[tuple[str, list[str]]]:
    """A TensorBoard run's tags side by side: (tag, `last (min..max)` per run, "-" where a run lacks it)."""
    tags = sorted({tag for run in runs for tag in (run.tags or {})})
    rows = []
    for tag in tags:
        cells = []
        for run in runs:
            figures = (run.tags or {}).get(tag)
            cells.append("-" if figures is None else
                         f"{figures.last:.6g} ({figures.minimum:.6g}..{figures.maximum:.6g})")
        rows.append((tag, cells))
    return rows


def shown(value: Any) -> str:
    """A field's value as a table cell."""
    return format_value(value) if value not in ("", []) else "-"


def final_figures(run: RunInfo) -> dict[str, Any]:
    """What a comparison shows of each run's outcome (a classifier's accuracy, a regression's fit)."""
    best = run.best
    return {"status": run.status, "epochs": run.epochs_done, "world_size": run.world_size,
            "train_loss": run.metrics.last_train_loss, "test_loss": run.metrics.last_test_loss,
            "best_test_loss": best[0] if best else None, "best_epoch": best[1] if best else None,
            "test_accuracy": run.final_accuracy,
            **{score: run.final(score) for score in FIT_SCORES}}


FIT_SCORES = ("rmse", "mae", "r2")  # a regression run's end record has them (test set, the target's unit)
