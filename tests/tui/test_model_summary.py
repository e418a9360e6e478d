"""The Model panel's plan before a run: the same layers and parameter count the engine builds,
conv blocks described for a CNN, and sizes only the data can tell marked as unknown."""

from __future__ import annotations

import pytest

from engine.config.build import with_values
from engine.config.presets import PRESETS, preset_config
from engine.models.cnn import build_image_model
from engine.models.mlp import build_mlp, parameter_count
from tui.widgets.model_summary import image_shape, planned_count, planned_layers, planned_outputs, planned_summary


@pytest.mark.parametrize("name", [name for name in PRESETS if PRESETS[name].config.model.kind == "mlp"])
def test_plan_counts_what_the_engine_builds_for_synthetic_sets(name):
    """For every synthetic preset the planned count is the built MLP's."""
    config = preset_config(name)
    sizes = planned_layers(config)
    assert planned_count(config) == parameter_count(build_mlp(config.model, sizes[0], sizes[-1]))


@pytest.mark.parametrize("values", [{}, {"model.kind": "mlp"}, {"data.resize": 32}, {"data.dataset": "mnist"},
                                    {"data.dataset": "fashion-mnist", "model.hidden": [64]},
                                    {"model.channels": [4, 8, 8]}, {"data.dataset": "images", "data.images": "x"}])
def test_plan_counts_what_the_engine_builds_for_images(values):
    """CNN and MLP on pictures: the planned count is the built model's (folder classes aside)."""
    config = with_values(preset_config("shapes"), values)
    outputs = planned_outputs(config) or 5
    built = parameter_count(build_image_model(config.model, image_shape(config), outputs))
    if config.data.dataset == "images":
        assert planned_count(config) is None and planned_layers(config)[-1] is None
    else:
        assert planned_count(config) == built


def test_shapes_plan_describes_the_conv_blocks():
    """The shapes preset's plan names its input, conv blocks and 784 -> 32 -> 4 head, not an MLP on 784 inputs."""
    text = planned_summary(preset_config("shapes")).plain
    assert "input 1x28x28 pictures" in text and "conv 8 -> 16" in text and "16x7x7" in text
    assert "784 -> 32 -> 4 " in text and "26500 parameters" in text


def test_csv_plan_says_the_sizes_come_from_the_file():
    """A CSV's feature count and classes are unknown until it is read, and the plan says so."""
    config = with_values(preset_config("blobs"), {"data.dataset": "csv", "data.paths": ["table.csv"]})
    text = planned_summary(config).plain
    assert text.splitlines()[1].startswith("? -> 8 -> ?")
    assert "feature columns" in text and "class of the target column" in text
    assert "parameters counted once the data is read" in text


def test_too_many_conv_blocks_are_named_in_the_plan():
    """Blocks that pool the picture below a pixel are reported instead of counted."""
    config = with_values(preset_config("shapes"), {"model.channels": [4] * 6})
    assert "below one pixel" in planned_summary(config).plain and planned_count(config) is None


def test_a_plan_without_hidden_layers_names_no_hidden_activation():
    """A linear model on circle's squared features is `2 -> 1`, with no hidden layer, not `relu hidden`."""
    config = with_values(preset_config("circle"), {"model.hidden": [], "data.features": ["x1^2", "x2^2"]})
    text = planned_summary(config).plain
    assert "2 -> 1  no hidden layer, sigmoid output" in text and "relu" not in text


def test_the_health_table_explains_dead_units_only_where_a_relu_can_have_them():
    """The footnote on dead ReLU units shows under a ReLU network, not under a linear one."""
    from engine.loop.health import model_health
    from engine.loop.trainer import Trainer
    from tui.render.health_text import health_text

    relu = health_text(model_health(Trainer(preset_config("circle")))).plain
    linear = health_text(model_health(Trainer(with_values(preset_config("circle"), {"model.hidden": []})))).plain
    assert "dead: ReLU units" in relu and "dead: ReLU units" not in linear


def test_the_planned_inputs_read_as_the_form_writes_them():
    """x1² in Unicode, as the form's toggles show it; x1^2 under --ascii."""
    config = with_values(preset_config("circle"), {"data.features": ["x1^2", "x1*x2"]})
    assert "inputs: x1², x1·x2 of each point" in planned_summary(config).plain
    assert "inputs: x1^2, x1*x2 of each point" in planned_summary(config, ascii_only=True).plain
