"""The engine's events as the JSON a run folder holds, and back: the start record of events.jsonl
(what the views need besides the config: task, sizes, the points to draw), the end record, and
view.json (the latest Snapshot). Plain JSON: non-finite numbers become null."""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import Any

from engine.config.schema import RunConfig
from engine.loop.events import BoundaryGrid, ImageReport, RunFailed, RunFinished, RunStarted, Snapshot

POINTS_KEPT = 2000  # points drawn over a boundary: a 10-million-point set keeps its first 2000


def finite(value: Any) -> Any:
    """`value` with non-finite floats as None, through lists and dicts (JSON has no NaN)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    return value


def start_record(event: RunStarted) -> dict[str, Any]:
    """The fields of RunStarted for the start record (the config is config.toml)."""
    record = asdict(event)
    del record["config"]
    record["train_points"] = record["train_points"][:POINTS_KEPT]
    record["test_points"] = record["test_points"][:POINTS_KEPT]
    return finite(record)


def started_from(record: dict[str, Any], config: RunConfig) -> RunStarted:
    """RunStarted rebuilt from a start record and the run's config (for a watcher's views)."""
    def points(key: str) -> tuple[tuple[float, float, float], ...]:
        return tuple(tuple(p) for p in record.get(key) or ())  # type: ignore[misc]

    return RunStarted(config=config, task=str(record.get("task", "")), device=str(record.get("device", "")),
                      summary=str(record.get("summary", "")), parameter_count=int(record.get("parameter_count") or 0),
                      train_samples=int(record.get("train_samples") or 0),
                      test_samples=int(record.get("test_samples") or 0),
                      warnings=tuple(record.get("warnings") or ()), train_points=points("train_points"),
                      test_points=points("test_points"), reference=record.get("reference"),
                      target=str(record.get("target", "")), labels=tuple(record.get("labels") or ()),
                      dropped_rows=int(record.get("dropped_rows") or 0), resumed_at=int(record.get("resumed_at") or 0))


def end_record(event: RunFinished | RunFailed) -> dict[str, Any]:
    if isinstance(event, RunFailed):
        return {"status": "failed", "epoch": event.epoch, "message": event.error, "bad_input": event.bad_input}
    scores = asdict(event.scores) if event.scores is not None else {}
    return finite({"status": event.status, "epoch": event.epoch, "train_loss": event.train_loss,
                   "test_loss": event.test_loss, "test_accuracy": event.test_accuracy, **scores,
                   "message": event.message, "best_epoch": event.best_epoch, "best_test_loss": event.best_test_loss})


def finished_from(record: dict[str, Any]) -> RunFinished | RunFailed:
    if record.get("status") == "failed":
        return RunFailed(str(record.get("message", "")), int(record.get("epoch") or 0),
                         bad_input=bool(record.get("bad_input")))
    return RunFinished(str(record.get("status", "")), int(record.get("epoch") or 0), record.get("train_loss"),
                       record.get("test_loss"), record.get("test_accuracy"), str(record.get("message", "")))


def view_record(snapshot: Snapshot) -> dict[str, Any]:
    return finite(asdict(snapshot))


def snapshot_from(record: dict[str, Any]) -> Snapshot:
    """A Snapshot from view.json; damaged parts are left out rather than drawn wrong."""
    boundary = images = None
    raw = record.get("boundary")
    if isinstance(raw, dict):
        try:
            boundary = BoundaryGrid(tuple(raw["x_range"]), tuple(raw["y_range"]),  # type: ignore[arg-type]
                                    [[[float("nan") if v is None else v for v in row] for row in plane]
                                     for plane in raw["probabilities"]])
        except (KeyError, TypeError, ValueError):
            boundary = None
    raw = record.get("images")
    if isinstance(raw, dict):
        try:
            images = ImageReport(int(raw["epoch"]), raw["confusion"], raw["pixels"], tuple(raw["truth"]),
                                 tuple(raw["predicted"]))
        except (KeyError, TypeError, ValueError):
            images = None
    predictions = tuple(tuple(p) for p in record.get("predictions") or () if isinstance(p, list) and len(p) == 2)
    parameters = record.get("parameters") if isinstance(record.get("parameters"), dict) else None
    return Snapshot(int(record.get("epoch") or 0), boundary, parameters, predictions, images)  # type: ignore[arg-type]
