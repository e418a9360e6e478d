"""`nntui run`: the engine's events turned into terminal lines or JSON, on the main thread.

The engine thread only puts the events this face shows into a queue; the main thread prints
them, draws the progress bar, and turns Ctrl+C into a clean stop."""

from __future__ import annotations

import json
import math
import os
import queue
import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from engine.config.schema import RunConfig
from engine.loop.events import EpochEnded, RunFailed, RunFinished, RunStarted, Snapshot
from engine.loop.session import TrainingSession
from engine.runs.folder import save_session
from tui.cli.exit_codes import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from tui.render.boundary_text import boundary_lines, legend
from tui.render.progress import progress_bar
from tui.render.regression_text import learned, scores_text
from tui.render.run_text import epoch_line, start_lines


@dataclass
class HeadlessOptions:
    json_lines: bool = False
    plot: bool = False
    ascii_only: bool = False
    save: str | None = None
    title: str = ""
    progress: bool | None = None  # None: only when stdout is a terminal


@dataclass
class _Outcome:
    started: RunStarted | None = None
    snapshot: Snapshot | None = None
    end: RunFinished | RunFailed | None = None
    interrupted: bool = False
    lines: list[str] = field(default_factory=list)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


class _Printer:
    def __init__(self, out: TextIO, options: HeadlessOptions):
        self.out, self.options = out, options
        self.progress = options.progress if options.progress is not None else out.isatty()
        self.bar_shown = False
        self.began: tuple[float, int] | None = None  # (monotonic time, epochs done) when training began

    def line(self, text: str) -> None:
        if self.options.ascii_only:
            text = text.encode("ascii", "replace").decode("ascii")
        self.clear_bar()
        print(text, file=self.out, flush=True)

    def json(self, payload: dict[str, Any]) -> None:
        print(json.dumps(payload), file=self.out, flush=True)

    def bar(self, done: int, total: int) -> None:
        if not self.progress or self.options.json_lines or self.began is None:
            return
        began, first = self.began
        self.out.write("\r" + progress_bar(done, total, time.monotonic() - began, first))
        self.out.flush()
        self.bar_shown = True

    def clear_bar(self) -> None:
        if self.bar_shown:
            self.out.write("\r\x1b[2K")
            self.bar_shown = False


def run_headless(config: RunConfig, options: HeadlessOptions, out: TextIO | None = None,
                 err: TextIO | None = None, resume: Any = None) -> int:
    """Train `config` to the end, printing as it goes; return the process exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    events: queue.Queue = queue.Queue()

    def listen(event: Any) -> None:
        if isinstance(event, EpochEnded) and not event.logged:
            return
        events.put(event)

    session = TrainingSession(config, listen, snapshot_interval_s=None, eval_interval_s=None,
                              boundary_size=(60, 24), resume=resume)
    printer = _Printer(out, options)
    outcome = _Outcome()
    session.start()
    try:
        _drain(session, events, printer, outcome, err)
    except BrokenPipeError:  # `nntui run | head`: stop the engine before exiting, quietly
        session.stop()
        session.join(5)
        sys.stdout = None  # type: ignore[assignment]  # nothing more can reach the closed pipe
        return EXIT_OK
    except KeyboardInterrupt:
        outcome.interrupted = True
        session.stop()
        printer.clear_bar()
        print("\nInterrupted: stopping at the end of this batch (Ctrl+C again to quit now)", file=err, flush=True)
        try:
            _drain(session, events, printer, outcome, err)
        except KeyboardInterrupt:
            os._exit(EXIT_INTERRUPTED)
    # The engine thread sends its last event before it has unwound: exiting under it while it is
    # still in torch's C++ code aborts the process ("terminate called", exit 134).
    session.join(5)
    return _conclude(session, outcome, printer, options, err)


def _drain(session: TrainingSession, events: queue.Queue, printer: _Printer, outcome: _Outcome,
           err: TextIO) -> None:
    while outcome.end is None:
        try:
            event = events.get(timeout=0.1)
        except queue.Empty:
            printer.bar(len(session.history), session.config.train.epochs)
            continue
        if isinstance(event, RunStarted):
            printer.began = (time.monotonic(), len(session.history))
        _show(event, printer, outcome, err)


def _show(event: Any, printer: _Printer, outcome: _Outcome, err: TextIO) -> None:
    opts = printer.options
    if isinstance(event, RunStarted):
        outcome.started = event
        for warning in event.warnings:
            print(f"warning: {warning}", file=err, flush=True)
        if opts.json_lines:
            printer.json(started_object(event))
        else:
            title = f"{opts.title}: " if opts.title else ""
            first, *more = start_lines(event)
            printer.line(title + first)
            for line in more:
                printer.line(line)
            printer.line(event.summary)
    elif isinstance(event, EpochEnded):
        if opts.json_lines:
            printer.json({"event": "epoch", "epoch": event.epoch, "train_loss": _finite(event.train_loss),
                          "test_loss": _finite(event.test_loss), "test_accuracy": event.test_accuracy,
                          "lr": event.lr, "elapsed_s": round(event.elapsed_s, 6)})
        else:
            printer.line(epoch_line(event))
    elif isinstance(event, Snapshot):
        outcome.snapshot = event
    elif isinstance(event, (RunFinished, RunFailed)):
        outcome.end = event


def started_object(event: RunStarted) -> dict[str, Any]:
    """The first --json object: what is about to train, before any epoch."""
    found: dict[str, Any] = {"event": "started", "task": event.task, "dataset": event.config.data.dataset,
                             "train_samples": event.train_samples, "test_samples": event.test_samples,
                             "parameters": event.parameter_count, "device": event.device,
                             "epochs": event.config.train.epochs}
    if event.target:
        found["target"] = event.target
    if event.labels:
        found["labels"] = list(event.labels)
    return found


def _conclude(session: TrainingSession, outcome: _Outcome, printer: _Printer, options: HeadlessOptions,
              err: TextIO) -> int:
    end = outcome.end
    if options.save and session.trainer is not None:
        written = _save(session, options.save, err)
        if written and not options.json_lines:
            printer.line(f"Saved {', '.join(written)} in {options.save}")
    if isinstance(end, RunFailed):
        if options.json_lines:
            printer.json({"event": "failed", "epoch": end.epoch, "error": end.error})
        if end.bad_input:  # found only once the data or checkpoint was read: still the user's input
            print(f"nntui: error: {end.error}", file=err, flush=True)
            return EXIT_USAGE
        print(f"nntui: run failed: {end.error}", file=err, flush=True)
        return EXIT_FAILED
    assert isinstance(end, RunFinished)
    if options.json_lines:
        scores = end.scores
        fit = {"rmse": _finite(scores.rmse), "mae": _finite(scores.mae), "r2": _finite(scores.r2)} if scores else {}
        printer.json({"event": "finished", "status": end.status, "epoch": end.epoch,
                      "train_loss": _finite(end.train_loss), "test_loss": _finite(end.test_loss),
                      "test_accuracy": end.test_accuracy, **fit, "parameters": end.parameters})
    else:
        for text in summary_lines(end, outcome.started, outcome.snapshot, options.ascii_only):
            printer.line(text)
        if options.plot and len(session.history):
            from tui.render.loss_plot import loss_plot

            printer.line(loss_plot(session.history, ascii_only=options.ascii_only))
    if outcome.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if end.status in ("completed", "stopped") else EXIT_FAILED


def _save(session: TrainingSession, directory: str, err: TextIO) -> list[str]:
    try:
        return [path.name for path in save_session(directory, session)]
    except OSError as error:
        print(f"nntui: --save: cannot write to {directory}: {error.strerror or error}", file=err, flush=True)
        return []


def summary_lines(end: RunFinished, started: RunStarted | None, snapshot: Snapshot | None,
                  ascii_only: bool = False) -> list[str]:
    """The closing summary: status, final losses, and the learned parameters or the boundary."""
    lines = [f"Run {end.status} after {end.epoch} epoch{'' if end.epoch == 1 else 's'}."]
    if end.message:
        lines.append(f"Diverged: {end.message}")
    parts = []
    if end.train_loss is not None:
        parts.append(f"Train loss: {end.train_loss:.4f}")
    if end.test_loss is not None:
        parts.append(f"Test loss: {end.test_loss:.4f}")
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
        from tui.render.image_report import confusion_table, report_title  # numpy: only when needed

        report = snapshot.images
        lines.append(f"{report_title(report)}; confusion matrix (rows: true class, columns: guess):")
        table = confusion_table(report.confusion, started.labels, 10_000, color=False, ascii_only=ascii_only)
        lines.extend(table.plain.splitlines() if table is not None else [])
    return lines
