"""Signals that end a headless run as Ctrl+C does: SIGTERM (a job scheduler, `kill`) and SIGHUP
(the terminal went away) raise Interrupted in the main thread, as SIGINT raises KeyboardInterrupt,
so that all three stop the run at an epoch boundary, save it and exit with 128 + the signal. Once
the run has ended, its last save is not to be broken off: a signal then is only noted."""

from __future__ import annotations

import os
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


@contextmanager
def deferred_signals() -> Iterator[list[int]]:
    """Within the block (the ended run's last save), Ctrl+C, SIGTERM and SIGHUP are only noted in
    the list it gives, so that the save finishes: raised there, they left the folder without its
    end and last checkpoint, or aborted torch's threads. A second one quits at once, as it does
    while a run stops."""
    arrived: list[int] = []

    def note(signum: int, frame: object) -> None:
        if arrived:
            os._exit(128 + signum)
        arrived.append(signum)

    previous = {number: signal.signal(number, note) for number in (signal.SIGINT, *STOPPING)}
    try:
        yield arrived
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
