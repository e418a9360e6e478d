"""The trainer's learning-rate actions: the LR finder's keys (f sweeps the form's setup, a puts the
suggestion into the lr field), and an lr edited during a run, which reaches the engine unless a
schedule sets the lr (then it waits for the next run, and the log says why)."""

from __future__ import annotations

from typing import Protocol

from textual.app import App

from engine.config.presets import PRESETS
from engine.config.rules import manual_lr_problem
from engine.config.schema import RunConfig
from engine.loop.session import TrainingSession
from tui.widgets.config_form import ConfigForm, preset_named
from tui.widgets.epoch_log import EpochLog
from tui.widgets.lr_finder_view import LrFinderView
from tui.widgets.views import VIEWS, ViewPanel

LR_FINDER = "lrfind"


class LrApp(Protocol):
    """What these actions need of the trainer app (tui.app.NNTuiApp), without importing it."""

    session: TrainingSession
    form: ConfigForm
    views: ViewPanel
    log_view: EpochLog
    notify = App.notify

    def form_config(self) -> RunConfig | None: ...

    def action_show_view(self, index: int) -> None: ...


def _finder(app: LrApp) -> LrFinderView:
    """The LR finder's view, brought into sight."""
    app.action_show_view(next(i for i, view in enumerate(VIEWS) if view.id == LR_FINDER))
    return app.views.widget(LR_FINDER)  # type: ignore[return-value]


def sweep(app: LrApp) -> None:
    """f: sweep the form's setup, unless a run trains (the sweep would share the CPU with it)."""
    finder = _finder(app)
    if app.session.state == "running":
        app.notify("Pause the run first (space): the sweep would share the CPU with it.", severity="warning")
        return
    config = app.form_config()
    if config is not None:
        named = preset_named(config)
        finder.sweep(config, named if named in PRESETS else config.data.dataset)


def apply_suggestion(app: LrApp) -> None:
    """a: the sweep's suggestion into the lr field."""
    if not _finder(app).apply():
        app.notify("No suggestion yet: press f to sweep the learning rate first.", severity="warning")


def put_suggestion(app: LrApp, lr: float) -> None:
    """The LR finder's suggestion, typed into the lr field as a person would (checked, announced)."""
    app.form.put("train.lr", lr)
    app.log_view.add([f"lr field -> {lr:g} (the LR finder's valley suggestion)"])


def lr_edited(app: LrApp, lr: float) -> None:
    """An lr edited while a run exists: taken from the next epoch, or, where a schedule sets it,
    kept for the next run (said in the log)."""
    session = app.session
    if lr == session.config.train.lr:
        return
    problem = manual_lr_problem(session.config)
    if problem:
        app.log_view.add([f"lr {lr:g} is not applied to this run: {problem}"])
        return
    session.set_lr(lr)
    app.form.run_values["train.lr"] = lr
    app.log_view.add([f"lr -> {lr:g} from the next epoch"])
