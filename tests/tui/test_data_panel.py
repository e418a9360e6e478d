"""The Data panel as a source picker: CSV paths and folders complete from the disk, the file's
header is read off the event loop, and a missing file or target column is marked on its field."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import Input, Static

from engine.config.build import with_values
from engine.config.presets import preset_config
from tests.tui.conftest import STEADY, record_notices, run_async, wait_for
from tui.app import make_app
from tui.widgets.config_form import ConfigForm
from tui.widgets.path_suggester import PathSuggester


def table(folder: Path) -> Path:
    path = folder / "plants.csv"
    path.write_text("height,width,species\n1,2,fern\n3,4,moss\n5,6,fern\n7,8,moss\n")
    return path


def csv_app(paths: list[str], target: str):
    config = with_values(preset_config("circle"), {"data.dataset": "csv", "data.paths": paths,
                                                    "data.target": target, "train.loss": "cross_entropy"})
    return make_app(config, session_options=STEADY)


async def header_read(pilot, app) -> ConfigForm:
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.query_one(ConfigForm)


def error_text(form: ConfigForm, path: str) -> str:
    return str(form.query_one(f"#field-{path.replace('.', '-')}-error", Static).render())


def test_a_csv_name_is_completed_from_its_folder(tmp_path: Path) -> None:
    table(tmp_path)
    (tmp_path / "notes.txt").write_text("")
    suggester = PathSuggester(".csv", several=True)
    assert asyncio.run(suggester.get_suggestion(f"{tmp_path}/pl")) == f"{tmp_path}/plants.csv"
    assert asyncio.run(suggester.get_suggestion(f"{tmp_path}/no")) is None  # only .csv files and folders


def test_the_second_of_several_paths_is_completed_after_the_comma(tmp_path: Path) -> None:
    table(tmp_path)
    suggester = PathSuggester(".csv", several=True)
    assert asyncio.run(suggester.get_suggestion(f"a.csv, {tmp_path}/p")) == f"a.csv, {tmp_path}/plants.csv"


def test_folder_fields_are_offered_folders_only(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos.csv").write_text("")
    assert asyncio.run(PathSuggester().get_suggestion(f"{tmp_path}/ph")) == f"{tmp_path}/photos/"


@run_async
async def test_an_unknown_target_is_marked_with_the_columns_and_start_refused(tmp_path: Path):
    app = csv_app([str(table(tmp_path))], "colour")
    async with app.run_test(size=(100, 40)) as pilot:
        form = await header_read(pilot, app)
        assert "no column 'colour' (columns: height, width, species)" in error_text(form, "data.target")
        assert form.query_one("#field-data-target", Input).has_class("-invalid")
        await pilot.press("space")
        await pilot.pause()
        assert app.session.state == "idle"


@run_async
async def test_typing_a_column_clears_the_mark_and_columns_are_suggested(tmp_path: Path):
    app = csv_app([str(table(tmp_path))], "colour")
    async with app.run_test(size=(100, 40)) as pilot:
        form = await header_read(pilot, app)
        target = form.query_one("#field-data-target", Input)
        assert await target.suggester.get_suggestion("spe") == "species"
        target.value = "species"
        await header_read(pilot, app)
        assert error_text(form, "data.target") == "" and form.config_or_none() is not None


@run_async
async def test_a_missing_csv_file_is_marked_on_the_paths_field(tmp_path: Path):
    app = csv_app([str(tmp_path / "gone.csv")], "")
    async with app.run_test(size=(100, 40)) as pilot:
        form = await header_read(pilot, app)
        assert "gone.csv: no such file" in error_text(form, "data.paths")
        assert form.config_or_none() is None


@run_async
async def test_exporting_a_run_whose_file_is_gone_says_why(tmp_path: Path, monkeypatch):
    """`e` reads the CSV file in a worker thread; a file that is not there is a notice, not a crash."""
    monkeypatch.chdir(tmp_path)
    app = csv_app([str(tmp_path / "gone.csv")], "")
    said = record_notices(app)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("e")
        # (not `workers.wait_for_complete`: it raises the worker's own error, which the app reports)
        await wait_for(lambda: any(n.title == "Cannot export" for n in said))
        notices = [n for n in said if n.title == "Cannot export"]
        assert notices and "gone.csv: no such file" in notices[0].message
        assert app.is_running and list(tmp_path.iterdir()) == []


@run_async
async def test_a_pipe_for_a_csv_file_is_refused_not_waited_on(tmp_path: Path):
    """A FIFO would block the header read (and quitting) forever; it is named and refused."""
    import os

    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    app = csv_app([str(pipe)], "")
    async with app.run_test(size=(100, 40)) as pilot:
        form = await header_read(pilot, app)
        assert "pipe.csv: not a regular file" in error_text(form, "data.paths")


@run_async
async def test_a_csv_classifier_shows_its_confusion_matrix(tmp_path: Path):
    """A table's classes have no 2-D boundary to draw: the Results view shows the test rows'
    confusion matrix (once a 'no predictions yet' regression plot)."""
    from tests.tui.conftest import settle
    from tui.render.image_report import report_text
    from tui.widgets.output_view import OutputView

    path = tmp_path / "many.csv"
    path.write_text("a,b,c,kind\n" + "".join(f"{i % 7},{i % 5},{i % 3},{'xy'[i % 2]}\n" for i in range(60)))
    app = csv_app([str(path)], "kind")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        output = app.query_one(OutputView)
        assert app.views.titles[1] == "Results"
        report = output.snapshot.images
        assert report is not None and sum(map(sum, report.confusion)) == output.started.test_samples
        assert "true\\guess" in report_text(report, output.started.labels, 60, 20).plain


@run_async
async def test_choosing_mnist_takes_all_of_its_images():
    """Picking mnist as the data set sets samples to 0 (all its pictures), as `--dataset mnist` does."""
    from tui.widgets.choice import Choice

    app = make_app(preset_config("shapes"), session_options=STEADY)
    async with app.run_test(size=(100, 40)) as pilot:
        form = app.query_one(ConfigForm)
        form.query_one("#field-data-dataset", Choice).value = "mnist"
        await pilot.pause()
        assert form.values["data.samples"] == 0
        assert form.query_one("#field-data-samples", Input).value == "0"
