"""The flags a session's callers set and its training thread waits on between epochs: paused or
not, the steps left to take while paused, a stop, and a learning rate waiting to be taken. The
thread blocks here, on one condition, and says Held, Resumed and LrChanged as it passes."""

from __future__ import annotations

import threading
from collections.abc import Callable

from engine.loop.events import Event, Held, LrChanged, Resumed


class TurnGate:
    """Set under `cond` by the controls (engine.loop.session); waited on by the training thread."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.stop = threading.Event()
        self.waiting = threading.Event()  # the thread is blocked between epochs, or gone
        self.waiting.set()
        self.paused = False
        self.step_credits = 0
        self.pending_lr: float | None = None

    def clear(self) -> None:
        """Back to a fresh run's flags (the caller holds `cond`)."""
        self.stop = threading.Event()
        self.paused = False
        self.step_credits = 0
        self.pending_lr = None
        self.waiting.set()

    def must_wait(self) -> bool:
        return self.paused and self.step_credits == 0 and not self.stop.is_set()

    def await_turn(self, trainer, emit: Callable[[Event], None]) -> bool:
        """Block while paused with no step to take; False when asked to stop. A new learning rate
        is taken first (a checkpoint at the pause has it), then Held is said when the wait starts
        (listeners may checkpoint: the model is still) and Resumed when a pause ends, all outside
        the lock, so that a listener's work never blocks a caller's controls."""
        if not (self.paused or self.pending_lr is not None or self.stop.is_set()):
            return True  # the common case, read without the lock: nothing to wait for or apply
        self.take_lr(trainer, emit)
        held = self.must_wait()
        if held:
            emit(Held(trainer.epoch))
        while True:
            with self.cond:
                while self.must_wait() and self.pending_lr is None:
                    self.waiting.set()
                    self.cond.wait()
                if not self.must_wait():  # else it woke for a new lr while held: take it, wait on
                    self.waiting.clear()
                    if self.stop.is_set():
                        return False
                    if self.paused:
                        self.step_credits -= 1
                    resumed = held and not self.paused
                    break
            self.take_lr(trainer, emit)
        self.take_lr(trainer, emit)  # one set while waiting
        if resumed:
            emit(Resumed(trainer.epoch))
        return True

    def take_lr(self, trainer, emit: Callable[[Event], None]) -> None:
        """Give the trainer the learning rate waiting, if any, and say so."""
        with self.cond:
            lr, self.pending_lr = self.pending_lr, None
            if lr is None or lr == trainer.lr:
                return
            previous = trainer.lr
            trainer.set_lr(lr)
        emit(LrChanged(trainer.epoch, lr, previous))
