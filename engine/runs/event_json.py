"""The engine's events as JSON objects, encoded in one place: the lines `nntui run --json` prints
(started, epoch, finished, failed) and the outcome fields that events.jsonl's end record shares
with the finished line (engine.runs.records). Values stay as the events hold them (a non-finite
number included): each writer makes them JSON its own way."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from engine.loop.events import EpochEnded, RunFailed, RunFinished, RunStarted
from engine.loop.network_events import ModelHealth


def outcome_fields(event: RunFinished) -> dict[str, Any]:
    """How a run ended, as both the end record and the finished line open: status, epoch, the final
    losses and accuracy, then the fit scores (rmse, mae, r2) where there are any."""
    scores = asdict(event.scores) if event.scores is not None else {}
    return {"status": event.status, "epoch": event.epoch, "train_loss": event.train_loss,
            "test_loss": event.test_loss, "test_accuracy": event.test_accuracy, **scores}


def started_object(event: RunStarted, folder: Path | None) -> dict[str, Any]:
    """The first --json object: what is about to train, before any epoch, and where it is recorded."""
    found: dict[str, Any] = {"event": "started", "task": event.task, "dataset": event.config.data.dataset,
                             "train_samples": event.train_samples, "test_samples": event.test_samples,
                             "parameters": event.parameter_count, "device": event.device,
                             "epochs": event.config.train.epochs}
    if event.target:
        found["target"] = event.target
    if event.labels:
        found["labels"] = list(event.labels)
    if event.resumed_at:
        found["resumed_at"] = event.resumed_at
    if folder is not None:
        found["folder"] = str(folder)
    return found


def epoch_object(event: EpochEnded) -> dict[str, Any]:
    """A logged epoch's numbers, with each layer's health where it was measured."""
    found: dict[str, Any] = {"event": "epoch", "epoch": event.epoch, "train_loss": event.train_loss,
                             "test_loss": event.test_loss, "test_accuracy": event.test_accuracy, "lr": event.lr,
                             "elapsed_s": round(event.elapsed_s, 6)}
    if event.health is not None:
        found["health"] = health_objects(event.health)
    return found


def health_objects(health: ModelHealth) -> list[dict[str, Any]]:
    """Each linear layer's health as --json writes it (`dead` and `dead_share` only after a ReLU)."""
    found = []
    for layer in health.layers:
        item = asdict(layer)
        if layer.dead is None:
            del item["dead"]
        else:
            item["dead_share"] = layer.dead_share
        found.append(item)
    return found


def finished_object(event: RunFinished, folder: Path | None) -> dict[str, Any]:
    """The last --json object: the outcome, the best epoch, the final parameters (small models), the
    folder, and the reason where the run says why it ended so."""
    found = {"event": "finished", **outcome_fields(event), "best_epoch": event.best_epoch,
             "best_test_loss": event.best_test_loss, "parameters": event.parameters}
    if folder is not None:
        found["folder"] = str(folder)
    if event.message:
        found["reason"] = event.message
    return found


def failed_object(event: RunFailed) -> dict[str, Any]:
    """The last --json object of a run an exception ended."""
    return {"event": "failed", "epoch": event.epoch, "error": event.error}
