"""The LR finder's keys in the trainer: f sweeps the form's setup, a puts the suggestion into the
lr field (as a person would type it). An lr edited during a run is a run control
(tui.run_controller)."""

from __future__ import annotations

from engine.config.presets import PRESETS
from engine.loop.run_state import RunState
from tui.run_controller import RunController
from tui.widgets.config_form import preset_named
from tui.widgets.lr_finder_view import LrFinderView

LR_FINDER = "lrfind"


def sweep(run: RunController, finder: LrFinderView) -> None:
    """f: sweep the form's setup, unless a run trains (the sweep would share the CPU with it)."""
    if run.session.state == RunState.RUNNING:
        run.app.notify("Pause the run first (space): the sweep would share the CPU with it.", severity="warning")
        return
    config = run.form_config()
    if config is not None:
        named = preset_named(config)
        finder.sweep(config, named if named in PRESETS else config.data.dataset)


def apply_suggestion(run: RunController, finder: LrFinderView) -> None:
    """a: the sweep's suggestion into the lr field."""
    if not finder.apply():
        run.app.notify("No suggestion yet: press f to sweep the learning rate first.", severity="warning")


def put_suggestion(run: RunController, lr: float) -> None:
    """The LR finder's suggestion, typed into the lr field as a person would (checked, announced)."""
    run.panels.form.put("train.lr", lr)
    run.panels.log.add([f"lr field -> {lr:g} (the LR finder's valley suggestion)"])
