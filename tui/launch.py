"""Running the trainer as a program: until the user quits, then out at once, engine thread
stopped. The CLI imports this only when a command opens the trainer.

A dropped connection loses nothing: SIGHUP (the SSH session or terminal went away) and SIGTERM
stop the trainer's run at an epoch boundary, let the recorder write its checkpoint and record it
as stopped, and leave within two seconds with 128 + the signal. After SIGHUP there is no terminal
to restore, so the process leaves without Textual's teardown."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import NoReturn

from engine.config.schema import RunConfig
from engine.runs import layout
from tui.app import NNTuiApp, make_app
from tui.run_host import RunHost


def run_app(config: RunConfig, ascii_only: bool = False, runs_dir: Path | None = None, record: bool = True,
            watch: Path | None = None, read_only: bool = False, runs_first: bool = False) -> NoReturn:
    """Run the trainer until the user quits (or a signal ends it); its run is stopped on the way out."""
    app = make_app(config, ascii_only=ascii_only, host=RunHost(runs_dir, record), watch=watch, read_only=read_only,
                   runs_first=runs_first)
    _stop_on_signals(app)
    try:
        app.run()
    finally:
        app.let_go()
    _leave_now(app.return_code or 0)


def run_watch(folder: Path, ascii_only: bool = False, read_only: bool = False, runs_dir: Path | None = None,
              runs_first: bool = False) -> NoReturn:
    """`nntui watch`: the trainer opened on a run folder (or a TensorBoard run's, which has no config);
    `runs_first` shows the Runs view in front (a TensorBoard log folder of several runs)."""
    from engine.config.toml_file import load_config

    config = load_config(folder / layout.CONFIG) if (folder / layout.CONFIG).exists() else RunConfig()
    run_app(config, ascii_only=ascii_only, runs_dir=runs_dir, watch=folder, read_only=read_only,
            runs_first=runs_first)


def _stop_on_signals(app: NNTuiApp) -> None:
    """SIGHUP and SIGTERM end the trainer's run at a boundary, recorded, then the process."""
    def stop(signum: int, frame: object) -> None:
        app.let_go()  # the engine stops, the recorder writes the checkpoint: at most ~2 s
        if signum == signal.SIGHUP:  # no terminal left to restore, nor to wait for
            os._exit(128 + signum)
        app.exit(return_code=128 + signum)

    for number in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(number, stop)


def _leave_now(code: int) -> NoReturn:
    """Exit without the interpreter's teardown: unloading torch took about a second after the
    screen was already restored, and quitting must take less. Threads a normal exit waits for
    (a save in progress) are still waited for."""
    for thread in threading.enumerate():
        if thread is not threading.main_thread() and not thread.daemon:
            thread.join()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
