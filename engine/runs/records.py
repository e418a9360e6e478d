"""The engine's events as the JSON a run folder holds, and back: the start record of events.jsonl
(what the views need besides the config: task, sizes, the points to draw), the end record, and
view.json (the latest Snapshot). Plain JSON: non-finite numbers become null."""

from __future__ import annotations

import math
from dataclasses import asdict, fields, is_dataclass
from typing import Any

from engine.config.problems import shown
from engine.config.schema import RunConfig
from engine.loop.events import (
    BoundaryGrid,
    FitScores,
    ImageReport,
    RunFailed,
    RunFinished,
    RunStarted,
    Snapshot,
    SurfaceGrid,
)
from engine.loop.network_events import LayerHealth, ModelHealth, NeuronFocus, NeuronLayer, NeuronMaps
from engine.loop.run_state import RunStatus
from engine.runs.event_json import outcome_fields

POINTS_KEPT = 2000  # points drawn over a boundary: a 10-million-point set keeps its first 2000


def finite(value: Any) -> Any:
    """`value` with non-finite floats as None, through lists, dicts and dataclasses (as dicts of
    their fields, in one pass: asdict first would copy a snapshot's grids a second time)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: finite(getattr(value, field.name)) for field in fields(value)}
    return value


def world_size_or_one(record: dict[str, Any]) -> int:
    """A start record's world size for a viewer, which shows a damaged one as 1 rather than fail."""
    try:
        return world_size(record)
    except ValueError:
        return 1


def start_record(event: RunStarted) -> dict[str, Any]:
    """The fields of RunStarted for the start record (the config is config.toml)."""
    record = asdict(event)
    del record["config"]
    record["train_points"] = record["train_points"][:POINTS_KEPT]
    record["test_points"] = record["test_points"][:POINTS_KEPT]
    return finite(record)


def started_from(record: dict[str, Any], config: RunConfig) -> RunStarted:
    """RunStarted rebuilt from a start record and the run's config (for a watcher's views)."""
    reference = record.get("reference")
    return RunStarted(config=config, task=str(record.get("task", "")), device=str(record.get("device", "")),
                      summary=str(record.get("summary", "")),
                      parameter_count=count_field(record, "parameter_count"),
                      train_samples=count_field(record, "train_samples"),
                      test_samples=count_field(record, "test_samples"),
                      warnings=_texts(record, "warnings"), train_points=_points(record, "train_points"),
                      test_points=_points(record, "test_points"),
                      reference=reference if isinstance(reference, dict) else None,
                      target=str(record.get("target", "")), labels=_texts(record, "labels"),
                      dropped_rows=count_field(record, "dropped_rows"), resumed_at=count_field(record, "resumed_at"),
                      network=_text(record, "network"), world_size=world_size_or_one(record))


def world_size(record: dict[str, Any]) -> int:
    """The processes a start record's run trained on: 1 where it names none (one process, or an
    nntui older than the key); ValueError for anything but a whole number >= 1."""
    value = record.get("world_size", 1)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"world_size: must be a whole number >= 1 (the processes the run trained on), got "
                         f"{shown(value)}")
    return value


def _text(record: dict[str, Any], key: str) -> str:
    """A record's text field, "" where it is absent (a folder older than the key) or not text."""
    value = record.get(key)
    return value if isinstance(value, str) else ""


def count_field(record: dict[str, Any], key: str) -> int:
    """A record's whole-number field (an epoch, a sample count), 0 where it is absent or not one."""
    value = record.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def number_field(record: dict[str, Any], key: str) -> float | None:
    """A record's real-number field (a loss, an lr), None where it is absent or not a number."""
    value = record.get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _texts(record: dict[str, Any], key: str) -> tuple[str, ...]:
    """A record's list of texts (warnings, class names), its other items left out."""
    value = record.get(key)
    return tuple(item for item in value if isinstance(item, str)) if isinstance(value, list) else ()


def _points(record: dict[str, Any], key: str) -> tuple[tuple[float, float, float], ...]:
    """A start record's points to draw, each (x, y, label); anything else in the list left out."""
    value = record.get(key)
    if not isinstance(value, list):
        return ()
    return tuple(tuple(p) for p in value if isinstance(p, list) and len(p) == 3
                 and all(v is None or isinstance(v, (int, float)) and not isinstance(v, bool) for v in p))


def end_record(event: RunFinished | RunFailed) -> dict[str, Any]:
    """The end record's fields; a failure keeps what its dialog shows (the user's frames, the field
    at fault) so a watcher shows it as the run's own process did."""
    if isinstance(event, RunFailed):
        return {"status": RunStatus.FAILED, "epoch": event.epoch, "message": event.error, "bad_input": event.bad_input,
                "field": event.field, "report": event.report}
    return finite({**outcome_fields(event), "message": event.message, "best_epoch": event.best_epoch,
                   "best_test_loss": event.best_test_loss})


def finished_from(record: dict[str, Any]) -> RunFinished | RunFailed:
    if record.get("status") == RunStatus.FAILED:
        return RunFailed(str(record.get("message", "")), count_field(record, "epoch"),
                         bad_input=bool(record.get("bad_input")), field=_text(record, "field"),
                         report=_text(record, "report"))
    return RunFinished(str(record.get("status", "")), count_field(record, "epoch"),
                       number_field(record, "train_loss"), number_field(record, "test_loss"),
                       number_field(record, "test_accuracy"), str(record.get("message", "")))


def view_record(snapshot: Snapshot) -> dict[str, Any]:
    return finite(snapshot)


def snapshot_from(record: dict[str, Any]) -> Snapshot:
    """A Snapshot from view.json; damaged parts are left out rather than drawn wrong."""
    boundary = images = None
    raw = record.get("boundary")
    if isinstance(raw, dict):
        try:
            boundary = BoundaryGrid(tuple(raw["x_range"]), tuple(raw["y_range"]),
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
    raw = record.get("predictions")
    predictions = tuple(tuple(p) for p in raw if isinstance(p, list) and len(p) == 2) if isinstance(raw, list) else ()
    parameters = record.get("parameters") if isinstance(record.get("parameters"), dict) else None
    epoch = record.get("epoch")
    epoch = epoch if isinstance(epoch, int) and not isinstance(epoch, bool) and epoch >= 0 else 0
    return Snapshot(epoch, boundary, parameters, predictions, images,
                    scores=_part(record, "scores", _scores), surface=_part(record, "surface", _surface),
                    neurons=_part(record, "neurons", _neurons), focus=_part(record, "focus", _focus),
                    health=_part(record, "health", _health))


def _part(record: dict[str, Any], key: str, build: Any) -> Any:
    """One part of view.json rebuilt, or None where it is absent or damaged."""
    raw = record.get(key)
    if not isinstance(raw, dict):
        return None
    try:
        return build(raw)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _numbers(rows: Any, depth: int) -> Any:
    """Nested lists of numbers, null (a non-finite value) read back as NaN."""
    if depth == 0:
        return float("nan") if rows is None else float(rows)
    return [_numbers(row, depth - 1) for row in rows]


def _range(raw: dict[str, Any], key: str) -> tuple[float, float]:
    low, high = raw[key]
    return float(low), float(high)


def _scores(raw: dict[str, Any]) -> FitScores:
    r2 = raw.get("r2")
    return FitScores(float(raw["rmse"]), float(raw["mae"]), None if r2 is None else float(r2))


def _surface(raw: dict[str, Any]) -> SurfaceGrid:
    return SurfaceGrid(_range(raw, "x_range"), _range(raw, "y_range"), _numbers(raw["values"], 2))


def _neurons(raw: dict[str, Any]) -> NeuronMaps:
    layers = tuple(NeuronLayer(str(layer["name"]), str(layer["activation"]), int(layer["units"]),
                               _numbers(layer["maps"], 3), _numbers(layer["outgoing"], 1),
                               tuple(str(label) for label in layer.get("labels") or ()))
                   for layer in raw["layers"])
    return NeuronMaps(_range(raw, "x_range"), _range(raw, "y_range"), layers)


def _focus(raw: dict[str, Any]) -> NeuronFocus:
    return NeuronFocus(int(raw["layer"]), int(raw["unit"]), _range(raw, "x_range"), _range(raw, "y_range"),
                       _numbers(raw["values"], 2))


def _health(raw: dict[str, Any]) -> ModelHealth:
    layers = tuple(LayerHealth(int(layer["layer"]), int(layer["inputs"]), int(layer["outputs"]),
                               str(layer["activation"]), _numbers(layer["weight_norm"], 0),
                               _numbers(layer["grad_norm"], 0), None if layer.get("dead") is None else int(layer["dead"]))
                   for layer in raw["layers"])
    return ModelHealth(int(raw["epoch"]), int(raw["rows"]), layers)
