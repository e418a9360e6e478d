"""Where a run starts when its data is a real source rather than a synthetic set with a preset:
a CSV table trains a 16-16 MLP with Adam in batches of 32, its loss chosen by the target column
(mse for numbers, cross_entropy for classes); pictures start from the shapes preset's CNN.
`nntui run --data`, `nntui tui --data` and the trainer's Data panel all start here."""

from __future__ import annotations

from typing import Any

from engine.config.catalog import DATASETS
from engine.config.fields import FIELDS, get_field
from engine.config.presets import preset_config

TABLE_START: dict[str, Any] = {
    "model.hidden": [16, 16], "model.output_activation": "none", "train.optimizer": "adam", "train.lr": 0.01,
    "data.batch_size": 32, "train.epochs": 100, "train.log_interval": 10, "train.loss": "cross_entropy"}
IMAGE_PRESET = "shapes"


def table_loss(task: str) -> str:
    """The loss a table's target calls for: mse for numbers (regression), cross_entropy for classes."""
    return "mse" if task == "regression" else "cross_entropy"


def source_start(dataset: str, task: str = "auto") -> dict[str, Any] | None:
    """The field values a run on `dataset` starts from, or None for a synthetic set (its preset is
    its start). A table's loss is provisional until its target column has been read."""
    info = DATASETS.get(dataset)
    if info is None or info.synthetic:
        return None
    if info.images:
        shapes = preset_config(IMAGE_PRESET)
        return {spec.path: get_field(shapes, spec.path) for spec in FIELDS
                if spec.section != "data" or spec.name in ("batch_size", "samples")}
    return {**TABLE_START, "train.loss": table_loss(task) if task != "auto" else TABLE_START["train.loss"]}
