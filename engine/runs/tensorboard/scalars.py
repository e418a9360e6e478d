"""What nntui puts in TensorBoard and under which tags: one event a recorded epoch with its
train and test loss, test accuracy and lr; the health norms and the fit scores of the views'
snapshots; the configuration as hparams. The same tags read back as the Loss view's columns."""

from __future__ import annotations

import math
from typing import Any

from engine.config.fields import SPECS, get_field
from engine.config.schema import RunConfig
from engine.loop.events import Snapshot
from engine.loop.history import MetricsHistory

TRAIN_LOSS, TEST_LOSS, TEST_ACCURACY, LR = "loss/train", "loss/test", "accuracy/test", "lr"
COLUMN_TAGS = (("train_loss", TRAIN_LOSS), ("test_loss", TEST_LOSS), ("test_accuracy", TEST_ACCURACY), ("lr", LR))
METRICS = (TEST_LOSS, TEST_ACCURACY, "fit/rmse", "fit/r2")  # the hparams view's metric columns


def epoch_scalars(history: MetricsHistory, row: int) -> list[tuple[str, float]]:
    """(tag, value) of history row `row`, leaving out what the epoch did not measure (NaN)."""
    found = []
    for column, tag in COLUMN_TAGS:
        value = getattr(history, column)[row]
        if value == value:
            found.append((tag, value))
    return found


def snapshot_scalars(snapshot: Snapshot) -> list[tuple[str, float]]:
    """(tag, value) of a snapshot's health norms per layer and a regression's fit scores."""
    found: list[tuple[str, float]] = []
    if snapshot.health is not None:
        for layer in snapshot.health.layers:
            found += [(f"health/layer{layer.layer}/weight_norm", layer.weight_norm),
                      (f"health/layer{layer.layer}/grad_norm", layer.grad_norm)]
            if layer.dead_share is not None:
                found.append((f"health/layer{layer.layer}/dead_share", layer.dead_share))
    if snapshot.scores is not None:
        found += [("fit/rmse", snapshot.scores.rmse), ("fit/mae", snapshot.scores.mae)]
        if snapshot.scores.r2 is not None:
            found.append(("fit/r2", snapshot.scores.r2))
    return [(tag, float(value)) for tag, value in found if math.isfinite(value)]


def config_hparams(config: RunConfig) -> dict[str, Any]:
    """Every configuration field as an hparam TensorBoard can show: numbers, text and flags as
    they are, lists as their comma-separated text, and each argument of the user's own code
    (model.args, data.args) as an hparam of its own (model.args.hidden)."""
    values: dict[str, Any] = {}
    for path in SPECS:
        value = get_field(config, path)
        if isinstance(value, dict):
            values.update({f"{path}.{name}": _shown(item) for name, item in value.items()})
        else:
            values[path] = _shown(value)
    return values


def _shown(value: Any) -> Any:
    return ",".join(map(str, value)) if isinstance(value, list) else value
