"""The LR finder view: `f` sweeps the learning rate on the form's setup (fastai's method, in a
thread worker: torch never runs on the event loop), the curve and the suggestions are drawn here,
and `a` puts the valley suggestion into the form's lr field. The sweep trains a model built for
it alone (the same seed gives the weights a run would start from), so a run in progress is not
touched."""

from __future__ import annotations

import threading

from rich.console import Group
from rich.text import Text
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from engine.config.schema import RunConfig
from tui.render.lr_find_plot import MARK, lr_find_chart, suggestion_lines
from tui.widgets.run_view import RunView

PROGRESS_HZ = 4
HINT = ("f sweeps the learning rate on the form's setup: fastai's LR finder, up to 100 batches from 1e-7 to 10, "
        "on a model of its own (a run is not touched). a then puts the suggestion into the lr field.")


class LrFinderView(RunView, Static):
    """Idle (the hint), sweeping (batches done), done (curve and suggestions) or failed (why)."""

    class Apply(Message):
        """Put this learning rate into the form."""

        def __init__(self, lr: float) -> None:
            super().__init__()
            self.lr = lr

    def __init__(self, ascii_only: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ascii_only = ascii_only
        self.finding = None  # engine.loop.lr_find.LrFinding of the last sweep
        self.error = ""
        self.done = 0  # batches swept so far (written by the worker, read by the timer)
        self.subject = ""  # what was swept, in words
        self._stop = threading.Event()
        self._worker: Worker | None = None
        self._timer = None

    @property
    def sweeping(self) -> bool:
        return self._worker is not None and self._worker.state in (WorkerState.PENDING, WorkerState.RUNNING)

    @property
    def suggestion(self) -> float | None:
        return self.finding.valley if self.finding is not None else None

    def sweep(self, config: RunConfig, subject: str) -> None:
        """Start a sweep of `config` (nothing happens while one runs)."""
        if self.sweeping:
            return
        self.finding, self.error, self.done, self.subject = None, "", 0, subject
        self._stop = threading.Event()
        stop = self._stop
        self._worker = self.run_worker(lambda: _sweep(config, stop, self._count), thread=True, exclusive=True,
                                       group="lr-find", exit_on_error=False)
        self._timer = self.set_interval(1 / PROGRESS_HZ, self.redraw)
        self.redraw()

    def _count(self, batches: int) -> None:
        self.done = batches  # a plain write from the worker thread; the timer reads it

    def apply(self) -> bool:
        """Announce the suggestion to the app; False when there is none yet."""
        if self.suggestion is None:
            return False
        self.post_message(self.Apply(float(f"{self.suggestion:.3g}")))
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker is not self._worker or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR,
                                                                   WorkerState.CANCELLED):
            return
        event.stop()  # the app's handler reports its own workers' failures
        if event.state == WorkerState.SUCCESS:
            self.finding = event.worker.result
        elif event.state == WorkerState.ERROR:
            error = event.worker.error
            self.error = str(error) or type(error).__name__
        if self._timer is not None:
            self._timer.stop()
        self.redraw()

    def on_unmount(self) -> None:
        self._stop.set()  # the worker checks it every batch

    def redraw(self) -> None:
        width, height = self.content_region.size
        if not width:
            return
        self.update(self._content(width, height), layout=False)

    def _content(self, width: int, height: int) -> Text | Group:
        if self.sweeping:
            return Text(f"Sweeping the lr on {self.subject}: {self.done}/100 batches...", style="bold")
        if self.error:
            return Text(f"The sweep failed: {self.error}", style="bold red")
        finding = self.finding
        if finding is None:
            return Text(HINT, style="dim")
        head = Text(f"{self.subject}: ")
        if finding.valley is None:
            head.append(" ".join(suggestion_lines(None, None, None, finding.ended, len(finding.lrs), finding.batches)))
        else:
            head.append(f"valley {MARK['ascii' if self.ascii_only else 'plain']} {finding.valley:.3g}", style="bold")
            head.append(" (a applies)", style="dim")
            head.append(f"  minimum/10 {finding.minimum:.3g}  steep {finding.steep:.3g}")
        chart = lr_find_chart(finding.lrs, finding.losses, finding.valley, width, max(height - 2, 1),
                              ascii_only=self.ascii_only, color=not self.app.no_color)
        return Group(head, chart)

    def on_resize(self) -> None:
        self.redraw()


def _sweep(config: RunConfig, stop: threading.Event, progress):
    """The worker: a trainer of its own, swept (torch is imported here, off the event loop)."""
    from engine.loop.lr_find import find_lr
    from engine.loop.trainer import Trainer

    return find_lr(Trainer(config), should_stop=stop.is_set, progress=progress)
