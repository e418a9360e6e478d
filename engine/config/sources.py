"""Where a run starts when its data is a real source rather than a synthetic set with a preset:
a CSV table (or your own Dataset) trains a 16-16 MLP with Adam in batches of 32, its loss chosen
by the target (mse for numbers, cross_entropy for classes); MNIST and Fashion-MNIST start from
their own presets, other pictures from the shapes preset's CNN. `nntui run --dataset/--data/
--images`, `nntui tui` and the trainer's Data panel all start here, so that they cannot drift."""

from __future__ import annotations

from typing import Any

from engine.config.build import with_values
from engine.config.catalog import DATASETS
from engine.config.fields import FIELDS, get_field
from engine.config.presets import PRESETS, preset_config
from engine.config.schema import RunConfig

TABLE_START: dict[str, Any] = {
    "model.hidden": [16, 16], "model.output_activation": "none", "train.optimizer": "adam", "train.lr": 0.01,
    "data.batch_size": 32, "train.epochs": 100, "train.log_interval": 10, "train.loss": "cross_entropy"}
IMAGE_PRESET = "shapes"
FIRST_PRESET = "circle"  # what a run, the trainer's form included, starts from when nothing else says
# The data fields a picture preset decides (how it batches, normalises and augments); the others
# say where the user's data lives (a folder, a data root) and stay as the user set them.
IMAGE_TRAINING = ("samples", "batch_size", "shuffle", "drop_last", "test_fraction", "resize", "normalize",
                  "hflip", "rotation", "resized_crop")


def table_loss(task: str) -> str:
    """The loss a table's target calls for: mse for numbers (regression), cross_entropy for classes."""
    return "mse" if task == "regression" else "cross_entropy"


def start_preset(dataset: str) -> str | None:
    """The preset a picture source starts from: its own (mnist, fashion-mnist), else shapes; None
    for any other source."""
    info = DATASETS.get(dataset)
    if info is None or not info.images:
        return None
    own = PRESETS.get(dataset)
    return dataset if own is not None and own.config.data.dataset == dataset else IMAGE_PRESET


def source_start(dataset: str, task: str = "auto") -> dict[str, Any] | None:
    """The field values a run on `dataset` starts from, or None for a synthetic set (its preset is
    its start). A table's loss is provisional until its target column has been read."""
    info = DATASETS.get(dataset)
    if info is None or info.synthetic:
        return None
    preset = start_preset(dataset)
    if preset is not None:
        config = preset_config(preset)
        return {spec.path: get_field(config, spec.path) for spec in FIELDS
                if spec.section != "data" or spec.name in IMAGE_TRAINING}
    return {**TABLE_START, "train.loss": table_loss(task) if task != "auto" else TABLE_START["train.loss"]}


def source_config(dataset: str, task: str = "auto", given: dict[str, Any] | None = None,
                  base: RunConfig | None = None) -> RunConfig | None:
    """The configuration a run on a real source starts from: `base` (the first preset when None),
    the source's start over it, then `given` (the checked values the user chose: their files,
    their options) over that; None for a synthetic set. Raises ConfigError naming bad fields."""
    start = source_start(dataset, task)
    if start is None:
        return None
    first = base if base is not None else preset_config(FIRST_PRESET)
    return with_values(first, {**start, "data.dataset": dataset, **(given or {})})
