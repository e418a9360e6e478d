"""`nntui run`: the engine's events turned into terminal lines or JSON, on the main thread, while a
RunRecorder writes the run's folder.

The engine thread only puts the events this face shows into a queue; the main thread prints
them, draws the progress bar, and turns Ctrl+C, SIGTERM and SIGHUP into a clean stop: the run
ends at an epoch boundary, its folder is written, and the exit code is 128 + the signal. Output
that nobody reads any more (a closed pipe, a hung-up terminal) stops the run the same way, quietly."""

from __future__ import annotations

import json
import os
import queue
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from engine.config.schema import RunConfig
from engine.errors import InputError
from engine.loop.events import EpochEnded, RunFailed, RunFinished, RunStarted, Snapshot
from engine.loop.run_state import RunStatus
from engine.loop.session import TrainingSession
from engine.runs.event_json import epoch_object, failed_object, finished_object, started_object
from engine.runs.recorder import RunRecorder
from tui.cli.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from tui.cli.interrupts import Interrupted, deferred_signals, signal_number, stopping_signals
from tui.cli.summary import json_safe, summary_lines
from tui.render.progress import progress_bar
from tui.render.run_text import epoch_line, start_lines

VIEW_EVERY_S = 1.0  # a recorded headless run draws its views this often, for watchers
CLOSE_TIMEOUT_S = 60.0  # the longest the last checkpoint may take to write


@dataclass
class HeadlessOptions:
    json_lines: bool = False
    plot: bool = False
    ascii_only: bool = False
    folder: Path | None = None  # the run folder to record into; None records nothing
    tensorboard: Path | None = None  # the folder of the run's TensorBoard events; None writes none
    overwrite: bool = False  # the folder may hold an earlier run, whose files go
    continuing: bool = False  # the folder holds the run being resumed
    discard_refused: bool = False  # a folder made for this run goes again if its input is refused at once
    title: str = ""
    progress: bool | None = None  # None: only when stdout is a terminal
    distributed: bool = False  # rank 0 of a torchrun run (tui.cli.torchrun_rank): no control requests


@dataclass
class _Outcome:
    started: RunStarted | None = None
    snapshot: Snapshot | None = None
    end: RunFinished | RunFailed | None = None
    signal: int = 0  # the signal that stopped the run, if one did


class _Printer:
    """Lines, JSON and the progress bar; once the output is gone (EPIPE, EIO) it says nothing more."""

    def __init__(self, out: TextIO, options: HeadlessOptions):
        self.out, self.options = out, options
        self.progress = options.progress if options.progress is not None else out.isatty()
        self.bar_shown = False
        self.gone = False
        self.began: tuple[float, int] | None = None  # (monotonic time, epochs done) when training began

    def _write(self, text: str) -> None:
        if self.gone:
            return
        try:
            self.out.write(text)
            self.out.flush()
        except OSError:  # a reader that left (`| head`), a terminal that hung up
            self.gone = True
            self.out = open(os.devnull, "w")  # noqa: SIM115  (the interpreter's own flush must not fail)
            sys.stdout = self.out

    def line(self, text: str) -> None:
        if self.options.ascii_only:
            text = text.encode("ascii", "replace").decode("ascii")
        self.clear_bar()
        self._write(text + "\n")

    def json(self, payload: dict[str, Any]) -> None:
        self._write(json.dumps(json_safe(payload), allow_nan=False) + "\n")

    def bar(self, done: int, total: int) -> None:
        if not self.progress or self.options.json_lines or self.began is None:
            return
        began, first = self.began
        self._write("\r" + progress_bar(done, total, time.monotonic() - began, first))
        self.bar_shown = True

    def clear_bar(self) -> None:
        if self.bar_shown:
            self.bar_shown = False
            self._write("\r\x1b[2K")


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

    recording = options.folder is not None
    session_type = TrainingSession
    if options.distributed:  # its epochs shared out among the ranks, its stops agreed with them
        from engine.loop.distributed import DistributedSession as session_type
    session = session_type(config, listen, snapshot_interval_s=VIEW_EVERY_S if recording else None,
                              eval_interval_s=None, boundary_size=(60, 24), resume=resume,
                              health_at_log=options.json_lines)
    recorder = None
    if recording:
        try:
            recorder = RunRecorder(options.folder, session, title=options.title, tensorboard=options.tensorboard,
                                   controls=not options.distributed).open(options.overwrite, options.continuing)
        except (InputError, OSError) as refused:  # another run there, another writer holding it
            option = "--resume" if options.continuing else "--save"
            print(f"nntui: error: {option}: {getattr(refused, 'strerror', None) or refused}", file=err, flush=True)
            return EXIT_USAGE
    printer = _Printer(out, options)
    outcome = _Outcome()
    with stopping_signals():
        session.start()
        try:
            _drain(session, events, printer, outcome, err)
        except (KeyboardInterrupt, Interrupted) as stop:
            outcome.signal = signal_number(stop)
            session.stop()
            printer.clear_bar()
            _say(err, "\nInterrupted: stopping at the end of this epoch (Ctrl+C again to quit now)")
            try:
                _drain(session, events, printer, outcome, err)
            except (KeyboardInterrupt, Interrupted) as again:
                os._exit(128 + signal_number(again))
        with deferred_signals():
            # The engine thread sends its last event before it has unwound: exiting under it while it
            # is still in torch's C++ code aborts the process ("terminate called", exit 134).
            session.join(5)
            if options.distributed:
                session.release()
            saved = _close(recorder, outcome, options, err)
            code = _conclude(session, outcome, printer, options, err)
    if outcome.signal and isinstance(outcome.end, RunFinished) and outcome.end.status == "stopped":
        return 128 + outcome.signal  # a signal that came as the run completed did not stop it
    return code if saved else max(code, EXIT_FAILED)


def _say(err: TextIO, text: str) -> None:
    try:
        print(text, file=err, flush=True)
    except OSError:  # stderr went with the terminal
        pass


def _drain(session: TrainingSession, events: queue.Queue, printer: _Printer, outcome: _Outcome,
           err: TextIO) -> None:
    stopped_for_output = False
    while outcome.end is None:
        try:
            event = events.get(timeout=0.1)
        except queue.Empty:
            printer.bar(len(session.history), session.config.train.epochs)
            continue
        if isinstance(event, RunStarted):
            printer.began = (time.monotonic(), len(session.history))
        _show(event, printer, outcome, err)
        if printer.gone and not stopped_for_output:  # nobody reads on: stop, save, leave quietly
            stopped_for_output = True
            session.stop()


def _close(recorder: RunRecorder | None, outcome: _Outcome, options: HeadlessOptions, err: TextIO) -> bool:
    """Let the recorder write the end of the run; False when a file could not be written."""
    if recorder is None:
        return True
    if not recorder.close(CLOSE_TIMEOUT_S):
        recorder.errors.append(f"the run folder {recorder.folder} was still being written after "
                               f"{CLOSE_TIMEOUT_S:.0f} s")
    refused_at_once = isinstance(outcome.end, RunFailed) and outcome.end.bad_input and not outcome.end.epoch
    if refused_at_once and options.discard_refused:
        from engine.runs.folder import discard_run

        discard_run(recorder.folder)
        return True
    for error in recorder.errors:
        _say(err, f"nntui: {error}")
    return not recorder.errors


def _show(event: Any, printer: _Printer, outcome: _Outcome, err: TextIO) -> None:
    opts = printer.options
    if isinstance(event, RunStarted):
        outcome.started = event
        for warning in event.warnings:
            _say(err, f"warning: {warning}")
        if opts.json_lines:
            printer.json(started_object(event, opts.folder))
        else:
            title = f"{opts.title}: " if opts.title else ""
            first, *more = start_lines(event)
            printer.line(title + first)
            for line in more:
                printer.line(line)
            printer.line(event.summary)
            if opts.folder is not None:
                printer.line(f"Recording in {opts.folder} (nntui watch {opts.folder})")
    elif isinstance(event, EpochEnded):
        if opts.json_lines:
            printer.json(epoch_object(event))
        else:
            printer.line(epoch_line(event))
    elif isinstance(event, Snapshot):
        outcome.snapshot = event
    elif isinstance(event, (RunFinished, RunFailed)):
        outcome.end = event


def _conclude(session: TrainingSession, outcome: _Outcome, printer: _Printer, options: HeadlessOptions,
              err: TextIO) -> int:
    end = outcome.end
    if isinstance(end, RunFailed):
        if options.json_lines:
            printer.json(failed_object(end))
        if end.bad_input:  # found only once the data or checkpoint was read: still the user's input
            _say(err, f"nntui: error: {end.error}")
            return EXIT_USAGE
        _say(err, f"nntui: run failed: {end.error}")
        return EXIT_FAILED
    assert isinstance(end, RunFinished)
    if options.json_lines:
        if end.message and end.status == RunStatus.DIVERGED:
            _say(err, f"nntui: {end.status}: {end.message}")
        printer.json(finished_object(end, options.folder))
    else:
        for text in summary_lines(end, outcome.started, outcome.snapshot, options.ascii_only):
            printer.line(text)
        if options.folder is not None:
            printer.line(f"Recorded in {options.folder}")
        if options.plot and len(session.history):
            from tui.render.loss_plot import loss_plot

            printer.line(loss_plot(session.history, ascii_only=options.ascii_only))
    return EXIT_OK if end.status in ("completed", "stopped", "early-stopped") else EXIT_FAILED

