"""The trainer's seam to the run it shows: every view is a RunView, the run's state is the
controller's, and the metrics panel is redrawn when what it shows changes, not at every tick."""

from __future__ import annotations

from tests.tui.conftest import circle_app, run_async, settle
from tui.widgets.run_view import RunView
from tui.widgets.views import VIEWS, ViewSettings


def test_every_view_in_the_table_is_a_run_view() -> None:
    """The view panel calls RunView's methods on each view, so each view must be one."""
    for spec in VIEWS:
        assert isinstance(spec.make(ViewSettings()), RunView), spec.id


@run_async
async def test_a_tick_with_nothing_new_redraws_neither_the_metrics_nor_the_note():
    """The metrics panel and the form's note are redrawn by the watchers of what they show: a finished
    run's later ticks leave them alone."""
    app = circle_app(epochs=10, record=False)
    async with app.run_test(size=(100, 32)) as pilot:
        shown: list[str] = []
        notes: list[str] = []
        show, note = app.metrics.show, app.form.note
        app.metrics.show = lambda phase, *rest: (shown.append(phase), show(phase, *rest))  # type: ignore
        app.form.note = lambda text: (notes.append(text), note(text))  # type: ignore
        await pilot.press("space")
        await settle(pilot, app)
        assert shown[-1] == "finished" and notes[-1].startswith("Completed 10 epochs")
        drawn = (len(shown), len(notes))
        app.tick()
        app.tick()
        assert (len(shown), len(notes)) == drawn


@run_async
async def test_a_reset_gives_the_next_run_a_fresh_status_on_the_controller_and_the_screen():
    """The run's end is recorded on the controller (and mirrored by the app's `status`); r shows a
    fresh run, with no status, not started."""
    app = circle_app(epochs=10, record=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        run = app.controller
        assert (run.status, run.started, app.status, app.phase) == ("completed", True, "completed", "finished")
        await pilot.press("r")
        app.tick()
        await pilot.pause()
        assert (run.status, run.started, app.status, app.phase) == ("", False, "", "idle")
