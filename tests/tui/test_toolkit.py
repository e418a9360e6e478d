"""The training toolkit in the trainer: the LR finder view (f sweeps in a worker, a fills the lr
field), a schedule's own form rows and its planned lr curve, the lr locked while a schedule sets
it, the best epoch marked on the chart and early stopping shown as the run's end."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop.events import EpochEnded, RunStarted
from tests.tui.conftest import STEADY, record_notices, run_async, screen_text, settle
from tui.app import make_app
from tui.bridge import EventBridge
from tui.widgets.choice import Choice
from tui.widgets.config_form import ConfigForm
from tui.widgets.loss_chart import LossChart
from tui.widgets.lr_finder_view import LrFinderView
from tui.widgets.lr_plan import LrPlan

SIZE = (100, 40)


def app_for(preset: str = "circle", **values):
    config = with_values(preset_config(preset), {"train.log_interval": 5, **values})
    return make_app(config, session_options=STEADY)


async def wait_for(pilot, condition, timeout: float = 60.0) -> None:
    """Let the app run until `condition()` holds (workers sweep and plan off the event loop)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.05)  # a poll
    await pilot.pause()


@run_async
async def test_f_sweeps_the_form_s_setup_and_a_puts_the_suggestion_into_lr():
    """f shows the LR finder, which sweeps in a worker and draws the curve with its suggestions; a
    types the valley into the lr field (three significant digits), which the form then holds."""
    app = app_for("moons")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f")
        view = app.query_one(LrFinderView)
        assert app.views.active_id == "lrfind"
        await wait_for(pilot, lambda: view.finding is not None)
        view.redraw()
        await pilot.pause()
        text = screen_text(app)
        assert "moons: valley ● " in text and "minimum/10" in text and "learning rate (log scale)" in text
        await pilot.press("a")
        await pilot.pause()
        expected = float(f"{view.finding.valley:.3g}")
        assert app.query_one(ConfigForm).values["train.lr"] == expected
        assert app.query_one("#field-train-lr", Input).value == f"{expected:g}"


@run_async
async def test_a_without_a_sweep_says_what_to_do():
    """a before any sweep leaves lr alone and says to press f first."""
    app = app_for()
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert app.query_one(ConfigForm).values["train.lr"] == 0.1
        assert any("press f" in n.message for n in notices)


@run_async
async def test_a_schedule_shows_its_own_settings_and_plans_its_lr():
    """Choosing step shows step size and gamma (not warm-up), and the lr plan under them is drawn by
    PyTorch's scheduler before any run; none hides both."""
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        form = app.query_one(ConfigForm)
        plan = app.query_one(LrPlan)
        assert not plan.display and "field-train-schedule_gamma" not in {r.id[:-4] for r in form.rows.values()}
        app.query_one("#field-train-schedule", Choice).value = "step"
        await pilot.pause()
        assert form.rows["train.schedule_step_size"].display and form.rows["train.schedule_gamma"].display
        assert "train.schedule_warmup" not in form.rows or not form.rows["train.schedule_warmup"].display
        await wait_for(pilot, lambda: "→" in str(plan.render()))
        assert str(plan.render()).startswith("lr plan    ") and "0.1 → 0.0001" in str(plan.render())
        app.query_one("#field-train-schedule", Choice).value = "none"
        await pilot.pause()
        assert not plan.display and not form.rows["train.schedule_gamma"].display


@run_async
async def test_the_lr_is_locked_while_a_schedule_sets_it():
    """During a scheduled run the lr field is locked too, and the note names the schedule."""
    app = app_for(**{"train.schedule": "cosine", "train.epochs": 100_000})
    async with app.run_test(size=SIZE) as pilot:
        app.session.start()
        app.tick()
        await pilot.pause()
        assert app.query_one("#field-train-lr", Input).disabled
        assert "the cosine schedule sets the lr" in str(app.query_one("#form-note").render())
        app.session.stop()


@run_async
async def test_an_lr_edit_while_a_scheduled_run_pauses_waits_for_the_next_run():
    """Paused, the lr can be edited, but the schedule keeps this run's lr; the log says why."""
    app = app_for(**{"train.schedule": "cosine", "train.epochs": 1000})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(pilot, app, "paused")
        app.query_one("#field-train-lr", Input).value = "0.5"
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot, app, "paused")
        assert app.session.history.lr[-1] != 0.5
        assert any("the cosine schedule sets the lr" in line for line in app.log_view.lines)


@run_async
async def test_an_early_stopped_run_ends_so_and_its_best_epoch_is_marked():
    """The metrics name the early stop, the chart marks the best epoch (◆ in its legend)."""
    values = {"data.noise": 0.35, "data.samples": 100, "model.hidden": [64, 64], "data.batch_size": 16,
              "train.epochs": 60, "train.early_stop": 6, "train.restore_best": True}
    app = app_for("moons", **values)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        app.query_one(LossChart).redraw()
        await pilot.pause()
        text = screen_text(app)
        assert "early-stopped epoch" in text and "◆ best" in text
        best = app.bridge.figures.best_test
        assert app.query_one(LossChart).best == (best[1], best[0])
        assert app.bridge.figures.last_test[0] == best[0]  # the restored weights' test loss


def test_a_gliding_schedule_marks_no_lr_changes_and_a_stepped_one_marks_each():
    """Cosine changes the lr every epoch: no marks; a step schedule's cuts are marked."""
    for schedule, lrs, marks in (("cosine", [0.1, 0.09, 0.08], ()), ("step", [0.1, 0.1, 0.01], (3,))):
        bridge = EventBridge()
        config = with_values(preset_config("circle"), {"train.schedule": schedule})
        bridge(RunStarted(config, "binary", "cpu", "", 17, 100, 25))
        for epoch, lr in enumerate(lrs, start=1):
            bridge(EpochEnded(epoch, 3, 0.5, None, None, 1.0, 1.0, lr, False))
        assert bridge.figures.lr_changes == marks
