"""Running the trainer as a program: until the user quits, then out at once, engine thread
stopped. The CLI imports this only when a command opens the trainer."""

from __future__ import annotations

import os
import sys
import threading
from typing import NoReturn

from engine.config.schema import RunConfig
from tui.app import make_app


def run_app(config: RunConfig, ascii_only: bool = False) -> NoReturn:
    """Run the trainer until the user quits; the engine thread is stopped on the way out."""
    app = make_app(config, ascii_only=ascii_only)
    try:
        app.run()
    finally:
        app.session.stop()
        app.session.join(0.5)
    _leave_now(app.return_code or 0)


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
