"""Pilot tests of the trainer: keys, validation, presets, views, files and quitting."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

from engine.config.build import with_values
from engine.config.fields import FIELDS
from engine.config.presets import preset_config
from engine.config.toml_file import save_config
from tests.tui.conftest import STEADY, circle_app, record_notices, run_async, settle, train_and_show_output
from tui.app import make_app
from tui.screens.command import CommandDialog
from tui.screens.confirm import ConfirmQuit
from tui.screens.error import ErrorScreen
from tui.screens.path_dialog import PathDialog
from tui.widgets.choice import Choice
from tui.widgets.config_form import ConfigForm
from tui.widgets.loss_chart import LossChart
from tui.widgets.output_view import OutputView

SIZE = (100, 32)


@run_async
async def test_start_trains_and_loss_falls():
    """Space starts training: epochs advance to the end and the train loss falls."""
    app = circle_app(epochs=60)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        history = app.session.history
        assert len(history) == 60
        assert history.train_loss[-1] < history.train_loss[0]
        assert app.bridge.figures.latest.epoch == 60
        assert app.query_one(LossChart).seen == 60


@run_async
async def test_step_pause_and_reset():
    """n trains exactly one epoch; a paused run holds its epoch; r resets to idle."""
    app = circle_app(epochs=1000)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(pilot, app, "paused")
        assert len(app.session.history) == 1
        await pilot.press("n")
        await settle(pilot, app, "paused")
        assert len(app.session.history) == 2
        await asyncio.sleep(0.3)  # the behaviour: time passes, and no epoch runs in it
        assert len(app.session.history) == 2, "a paused run must hold its epoch"
        await pilot.press("r")
        await pilot.pause()
        assert app.session.state == "idle" and len(app.session.history) == 0
        assert app.query_one(LossChart).seen == 0, "the chart starts afresh with the new run"


@run_async
async def test_invalid_learning_rate_blocks_start():
    """A bad learning rate is marked as typed and start is refused with the reason."""
    app = circle_app()
    notices = record_notices(app)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#field-train-lr", Input).value = "0"
        await pilot.pause()
        error = app.query_one("#field-train-lr-error")
        assert "must be > 0" in str(error.render())
        assert app.query_one("#field-train-lr", Input).has_class("-invalid")
        await pilot.press("space")
        await pilot.pause()
        assert app.session.state == "idle"
        assert any("Cannot start" in n.message and "train.lr" in n.message for n in notices)


@run_async
async def test_preset_fills_every_field():
    """Choosing a preset puts all of its values into the form."""
    app = circle_app()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#preset", Choice).value = "spiral"
        await pilot.pause()
        form = app.query_one(ConfigForm)
        assert form.config() == preset_config("spiral")
        assert app.query_one("#field-model-hidden", Input).value == "32,32"
        assert app.query_one("#field-train-loss", Choice).value == "cross_entropy"


@run_async
async def test_boundary_draws_for_circle():
    """After a circle run the boundary view shows half-block cells with points."""
    app = circle_app(epochs=10)
    async with app.run_test(size=SIZE) as pilot:
        view = await train_and_show_output(pilot, app)
        assert view.snapshot is not None and view.snapshot.boundary is not None
        screen = app.export_screenshot()
        assert "class&#160;0" in screen and "▀" in screen and "●" in screen


@run_async
async def test_learning_rate_changes_during_run():
    """Editing lr while paused reaches the engine at the next epoch and is marked on the chart."""
    app = circle_app(epochs=1000)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(pilot, app, "paused")
        app.query_one("#field-train-lr", Input).value = "0.5"
        await pilot.pause()
        await pilot.press("n")
        await settle(pilot, app, "paused")
        assert app.session.history.lr[-1] == 0.5
        assert app.bridge.figures.lr_changes == (2,)
        assert app.query_one(LossChart).marks == (2,)


@run_async
async def test_fields_lock_while_running():
    """While training only the learning rate is editable, and the form says so."""
    app = circle_app(epochs=100_000)
    async with app.run_test(size=SIZE) as pilot:
        app.session.start()
        app.tick()
        await pilot.pause()
        assert app.query_one("#field-model-hidden", Input).disabled
        assert not app.query_one("#field-train-lr", Input).disabled
        assert "locked" in str(app.query_one("#form-note").render())
        app.session.stop()


@run_async
async def test_save_writes_three_files(tmp_path):
    """ctrl+s asks for a folder and writes config.toml, metrics.csv and model.pt."""
    app = circle_app(epochs=5)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path", Input).value = str(tmp_path / "run")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {"config.toml", "metrics.csv", "model.pt"} <= {p.name for p in (tmp_path / "run").iterdir()}


@run_async
async def test_load_config_fills_form(tmp_path):
    """ctrl+o reads a TOML file into the form; a broken file is reported in the dialog."""
    path = tmp_path / "run.toml"
    save_config(with_values(preset_config("xor"), {"train.epochs": 7}), path)
    (tmp_path / "bad.toml").write_text("[train]\nlr = -1\n")
    app = circle_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await pilot.pause()
        app.screen.query_one("#path", Input).value = str(tmp_path / "bad.toml")
        await pilot.press("enter")
        await pilot.pause()
        assert "must be > 0" in str(app.screen.query_one("#path-problem").render())
        app.screen.query_one("#path", Input).value = str(path)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(ConfigForm).config().train.epochs == 7


@run_async
async def test_copy_command_dialog():
    """c shows the equivalent command line and writes it to the epoch log."""
    app = circle_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CommandDialog)
        assert app.screen.command == "nntui run --preset circle --epochs 20 --log-interval 5"


@run_async
async def test_quit_while_training_asks():
    """q during a run asks first; n stays, y quits and stops the engine."""
    app = circle_app(epochs=100_000, record=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        await settle(pilot, app, "paused")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit)
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmQuit)
        await pilot.press("q")
        await pilot.press("y")
        await pilot.pause()
    assert app.session.join(1.0)


@run_async
async def test_engine_failure_shows_error():
    """A run that fails in the engine shows an error screen and the app stays usable."""
    config = with_values(preset_config("circle"), {"train.device": "cuda"})
    app = make_app(config, session_options=STEADY)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.status == "failed" and not isinstance(app.screen, ErrorScreen)


@run_async
async def test_e_exports_a_runnable_script(tmp_path, monkeypatch):
    """`e` writes the setup as train_circle.py in the working folder, and a second press never overwrites it."""
    monkeypatch.chdir(tmp_path)
    app = circle_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.press("e")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["train_circle.py", "train_circle_2.py"]
    assert "import torch" in (tmp_path / "train_circle.py").read_text()


@run_async
async def test_preset_chooser_shows_the_starting_preset():
    """A trainer opened with a preset names it in the chooser rather than 'custom'."""
    app = make_app(preset_config("circle"), session_options=STEADY)
    async with app.run_test(size=SIZE):
        assert app.query_one("#preset", Choice).value == "circle"


@run_async
async def test_preset_chooser_is_blank_for_a_changed_setup():
    """A setup that differs from every preset leaves the chooser on its prompt, 'custom' (it fits 80 columns)."""
    app = circle_app(epochs=7)
    async with app.run_test(size=SIZE):
        assert app.query_one("#preset", Choice).value is None
        assert "custom" in str(app.query_one("#preset", Choice).render())


@run_async
async def test_a_combination_that_cannot_run_is_marked_not_crashed_on():
    """Choosing three-class data under a binary loss marks the loss field and refuses start."""
    app = circle_app()
    async with app.run_test(size=SIZE) as pilot:
        form = app.query_one(ConfigForm)
        app.query_one("#" + _editor("data.dataset"), Choice).value = "spiral"
        await pilot.pause()
        assert form.config_or_none() is None
        assert any(p.path == "train.loss" for p in form.all_problems())
        assert app.query_one("#" + _editor("train.loss")).has_class("-invalid")
        await pilot.press("space")
        assert app.session.state == "idle"


@run_async
async def test_choosing_a_regression_set_in_the_form_fits_it_with_mse():
    """Circle's bce and sigmoid follow a switch to gauss: mse and no output activation, ready to start."""
    app = circle_app()
    async with app.run_test(size=SIZE) as pilot:
        form = app.query_one(ConfigForm)
        app.query_one("#" + _editor("data.dataset"), Choice).value = "gauss"
        await pilot.pause()
        config = form.config_or_none()
        assert config is not None and (config.train.loss, config.model.output_activation) == ("mse", "none")


def _editor(path: str) -> str:
    from engine.config.fields import SPECS
    from tui.widgets.config_form import editor_id

    return editor_id(SPECS[path])


@run_async
async def test_form_shows_only_the_fields_the_data_set_reads():
    """A synthetic set hides the CSV and image fields; choosing csv shows its own and not the image ones."""
    app = circle_app()
    async with app.run_test(size=SIZE) as pilot:
        def shown(name: str) -> bool:  # a field that never mattered has no row yet
            rows = app.query(f"#{name}-row")
            return bool(rows) and rows.first().display

        form = app.query_one(ConfigForm)
        assert not shown(_editor("data.paths")) and not shown(_editor("data.resize"))
        assert shown(_editor("data.noise"))
        app.query_one(f"#{_editor('data.dataset')}", Choice).value = "csv"
        await pilot.pause()
        assert form.values["data.dataset"] == "csv"
        assert shown(_editor("data.paths")) and shown(_editor("data.target"))
        assert not shown(_editor("data.resize"))
        in_order = [row.id for row in form.query(".field-row") if row.id and row.display]
        assert in_order == [f"{_editor(s.path)}-row" for s in FIELDS if s.matters(form.values)]


@run_async
async def test_images_view_shows_confusion_matrix_and_test_pictures():
    """A shapes run names the view Images and draws the confusion matrix and labelled half-block pictures;
    before the run the Model panel plans the CNN's conv blocks."""
    config = with_values(preset_config("shapes"), {"data.samples": 400, "train.epochs": 2, "train.device": "cpu"})
    app = make_app(config, session_options=STEADY)
    async with app.run_test(size=SIZE) as pilot:
        assert app.views.titles[1] == "Images"
        assert "conv 8 -> 16" in str(app.query_one("#summary-text").render())
        view = await train_and_show_output(pilot, app)
        assert view.snapshot is not None and view.snapshot.images is not None
        lines = view.render().plain.splitlines()
        assert lines[0].startswith("Test set at epoch 2:")
        assert any(line.startswith("true\\guess") for line in lines)
        assert any(line.startswith("0 circle") and line.endswith("%") for line in lines)
        assert any(line.startswith("▀") for line in lines)
        assert any("circle" in line and "square" in line for line in lines)
        assert sum(line.count("✓") + line.count("✗") for line in lines) >= 4
        screen = app.export_screenshot()
        assert "true\\guess" in screen and "▀" in screen


@run_async
async def test_a_dear_redraw_waits_longer_but_never_freezes_the_views(monkeypatch):
    """A redraw that took 0.2 s is followed by a longer pause (the 4 % budget), capped so the
    chart still moves; the boundary is sized for its tab even while another tab is shown."""
    import time

    from tui.pacing import MAX_REDRAW_PERIOD, SLOW_PERIOD

    app = circle_app()
    async with app.run_test(size=SIZE):
        monkeypatch.setattr(app, "_redraw_views", lambda marks: time.sleep(0.2))  # a dear redraw, timed
        began = time.perf_counter()
        app.tick()
        waits = app._next_slow - began  # 0.2 s / 4 % would be 5 s
        assert SLOW_PERIOD < waits and abs(waits - MAX_REDRAW_PERIOD) < 0.05
        output = app.query_one(OutputView)
        assert not output.display and output.grid_size[0] > 40
