"""Signals that end a headless run as Ctrl+C does: SIGTERM (a job scheduler, `kill`) and SIGHUP
(the terminal went away) raise Interrupted in the main thread, as SIGINT raises KeyboardInterrupt,
so that all three stop the run at an epoch boundary, save it and exit with 128 + the signal."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

STOPPING = (signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):
    """A stopping signal arrived (a BaseException, like KeyboardInterrupt: nothing catches it by accident)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def signal_number(stop: BaseException) -> int:
    """The signal behind a KeyboardInterrupt or an Interrupted."""
    return stop.signum if isinstance(stop, Interrupted) else signal.SIGINT


@contextmanager
def stopping_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise Interrupted (in the main thread only)."""
    def raise_interrupted(signum: int, frame: object) -> None:
        raise Interrupted(signum)

    previous = {number: signal.signal(number, raise_interrupted) for number in STOPPING}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
