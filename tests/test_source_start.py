"""The command line's side of a real source's starting setup: `--dataset` without a preset starts
where engine.config.sources says (the trainer's form side is tests/tui/test_source_start_form.py)."""

from __future__ import annotations

import pytest

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.sources import source_config, source_start
from tui.cli.resolve import resolve_config

PICTURE_SETS = ("mnist", "fashion-mnist", "shapes")


@pytest.mark.parametrize("dataset", PICTURE_SETS)
def test_dataset_on_the_command_line_starts_from_the_engines_start(dataset: str) -> None:
    """`nntui run --dataset NAME` runs the engine's start for NAME with the data set set."""
    start = source_config(dataset)
    assert start is not None
    assert resolve_config(None, None, {"data.dataset": dataset}) == with_values(start, {"data.dataset": dataset})


@pytest.mark.parametrize("dataset", ("mnist", "fashion-mnist"))
def test_an_mnist_set_starts_from_its_own_preset(dataset: str) -> None:
    """MNIST and Fashion-MNIST start as their presets do, not as the shapes preset's CNN."""
    start = source_config(dataset)
    assert start is not None and with_values(start, {"data.dataset": dataset}) == preset_config(dataset)


def test_an_image_folder_starts_from_the_shapes_preset_keeping_its_folder() -> None:
    """A picture folder takes the shapes preset's training fields but not a folder of its own."""
    start = source_start("images")
    assert start is not None
    assert start["model.kind"] == "cnn" and start["data.batch_size"] == preset_config("shapes").data.batch_size
    assert "data.images" not in start and "data.data_root" not in start


def test_a_table_starts_with_the_loss_its_task_calls_for() -> None:
    """A CSV table with a numeric target starts with mse; a synthetic set has no start of its own."""
    start = source_start("csv", "regression")
    assert start is not None and start["train.loss"] == "mse" and start["model.hidden"] == [16, 16]
    assert source_start("circle") is None
