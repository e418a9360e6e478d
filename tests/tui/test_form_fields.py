"""Which fields the form shows for which data set, and the preset chooser following the form."""

from __future__ import annotations

from engine.config.presets import preset_config
from tests.tui.conftest import STEADY, circle_app, run_async
from tui.app import make_app
from tui.widgets.choice import Choice
from tui.widgets.config_form import ConfigForm


def shown(form: ConfigForm, path: str) -> bool:
    row = form.rows.get(path)
    return row is not None and row.display


@run_async
async def test_classes_show_for_multiclass_sets_and_samples_not_for_csv():
    app = circle_app()
    async with app.run_test(size=(100, 40)) as pilot:
        form = app.query_one(ConfigForm)
        assert not shown(form, "data.classes") and shown(form, "data.samples")
        form.editors["data.dataset"].value = "blobs"
        await pilot.pause()
        assert shown(form, "data.classes")
        form.editors["data.dataset"].value = "csv"
        await pilot.pause()
        assert not shown(form, "data.classes") and not shown(form, "data.samples")


@run_async
async def test_the_preset_chooser_clears_when_the_setup_leaves_the_preset():
    app = make_app(preset_config("circle"), session_options=STEADY)
    async with app.run_test(size=(100, 40)) as pilot:
        chooser = app.query_one("#preset", Choice)
        assert chooser.value == "circle"
        app.query_one(ConfigForm).editors["train.lr"].value = "0.5"
        await pilot.pause()
        assert chooser.value is None


@run_async
async def test_choosing_a_preset_replans_the_model_and_names_the_view():
    """A filled form is announced once: the Model panel plans the preset's network (a CNN for
    shapes) and the output tab is named for its data."""
    app = make_app(preset_config("circle"), session_options=STEADY)
    async with app.run_test(size=(120, 40)) as pilot:
        app.query_one("#preset", Choice).value = "shapes"
        await pilot.pause()
        assert "conv 8 -> 16" in str(app.query_one("#summary-text").render())
        assert app.views.titles[1] == "Images"
