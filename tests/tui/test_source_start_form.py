"""The trainer's side of a real source's starting setup: choosing a data set in the form gives
the configuration `nntui run --dataset NAME` runs (the command line's side is
tests/test_source_start.py)."""

from __future__ import annotations

import pytest

from engine.config.presets import preset_config
from engine.config.sources import FIRST_PRESET
from tests.tui.conftest import STEADY, run_async
from tui.app import make_app
from tui.cli.resolve import resolve_config
from tui.widgets.choice import Choice
from tui.widgets.config_form import ConfigForm


@pytest.mark.parametrize("dataset", ("mnist", "shapes"))
@run_async
async def test_choosing_a_picture_set_in_the_form_starts_where_the_cli_starts(dataset: str) -> None:
    """The form opened on the first preset, then given DATASET, holds the CLI's `--dataset` start."""
    app = make_app(preset_config(FIRST_PRESET), session_options=STEADY)
    async with app.run_test(size=(100, 40)) as pilot:
        form = app.query_one(ConfigForm)
        form.query_one("#field-data-dataset", Choice).value = dataset
        await pilot.pause()
        assert form.config_or_none() == resolve_config(None, None, {"data.dataset": dataset})
