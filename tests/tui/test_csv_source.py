"""Choosing a CSV file in the Data panel as a newcomer does: the setup `nntui run --data` would
use, a loss fitted to the target once the file is read, a loss that cannot fit marked before
start, and a failure explained in words with its traceback in the log file."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from tests.tui.conftest import break_the_engine, circle_app, run_async, screen_text, settle
from tui.screens.error import ErrorScreen
from tui.widgets.choice import Choice
from tui.widgets.config_form import ConfigForm


def three_species(folder: Path) -> Path:
    path = folder / "plants.csv"
    kinds = ("fern", "moss", "ivy")
    path.write_text("height,width,species\n" + "".join(f"{i % 7},{i % 5},{kinds[i % 3]}\n" for i in range(60)))
    return path


async def choose_csv(pilot, app, path: Path) -> ConfigForm:
    """What a person does: data set csv, then the file's path; wait for the file to be read."""
    app.query_one("#field-data-dataset", Choice).value = "csv"
    await pilot.pause()
    app.query_one("#field-data-paths", Input).value = str(path)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.query_one(ConfigForm)


@run_async
async def test_choosing_csv_starts_from_the_command_lines_table_setup(tmp_path):
    """circle's bce and sigmoid give way to a 16-16 MLP, Adam, batches of 32 and, for three text
    classes, cross_entropy on raw outputs: what `nntui run --data` would train."""
    app = circle_app()
    async with app.run_test(size=(100, 40)) as pilot:
        form = await choose_csv(pilot, app, three_species(tmp_path))
        config = form.config()
        assert config.model.hidden == [16, 16] and config.model.output_activation == "none"
        assert (config.train.optimizer, config.data.batch_size, config.train.loss) == ("adam", 32, "cross_entropy")
        assert app.query_one("#field-train-loss", Choice).value == "cross_entropy"


@run_async
async def test_a_numeric_target_picks_mse(tmp_path):
    """A target of many numbers is regression: the loss becomes mse when the file has been read."""
    path = tmp_path / "prices.csv"
    path.write_text("x,price\n" + "".join(f"{i},{i * 1.5 + 0.25}\n" for i in range(40)))
    app = circle_app()
    async with app.run_test(size=(100, 40)) as pilot:
        form = await choose_csv(pilot, app, path)
        assert form.config().train.loss == "mse"


@run_async
async def test_a_loss_that_cannot_fit_the_target_is_marked_before_start(tmp_path):
    """bce on three classes is marked on the loss field, in words without CLI flags, and space is refused."""
    app = circle_app()
    async with app.run_test(size=(100, 40)) as pilot:
        form = await choose_csv(pilot, app, three_species(tmp_path))
        app.query_one("#field-train-loss", Choice).value = "bce"
        await pilot.pause()
        error = str(form.query_one("#field-train-loss-error", Static).render())
        assert "3 classes" in error and "use cross_entropy" in error and "--" not in error
        assert app.query_one("#field-train-loss", Choice).has_class("-invalid")
        await pilot.press("space")
        await pilot.pause()
        assert app.session.state == "idle"


@run_async
async def test_a_failed_run_shows_words_and_names_the_log_file(monkeypatch, state_home):
    """An error in the engine shows its message and where the details went; the traceback is in
    that file and nowhere on the screen."""
    break_the_engine(monkeypatch, "the GPU fell over")
    app = circle_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        assert isinstance(app.screen, ErrorScreen)
        await pilot.pause()
        shown = screen_text(app)
        log = state_home / "nntui" / "trainer.log"
        assert "the GPU fell over" in shown and "Traceback" not in shown and "Details are in" in shown
        assert str(log) in str(app.screen.query_one(".error-where", Static).render())
        assert "Traceback" in log.read_text() and "the GPU fell over" in log.read_text()


@run_async
async def test_a_csv_regression_reports_its_errors_in_the_results_view(tmp_path):
    """A numeric target's Results view names the test RMSE, MAE and R² above the fit."""
    from tui.widgets.output_view import OutputView

    path = tmp_path / "prices.csv"
    path.write_text("x,price\n" + "".join(f"{i},{1000 + 20 * i}\n" for i in range(60)))
    app = circle_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await choose_csv(pilot, app, path)
        app.query_one("#field-train-epochs", Input).value = "20"
        await pilot.pause()
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        shown = app.query_one(OutputView).content.renderables[1].plain
        assert shown.startswith("test RMSE: ") and "MAE: " in shown and "R²: " in shown
