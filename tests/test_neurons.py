"""The Network view's values: every unit's output over the input plane, computed by the engine for
MLPs on 2-D sets. The maps must be the model's own activations (caught here with forward hooks on
a plain forward pass of the whole model), the inputs row its input features over the raw plane,
wide layers cut to their first 16 units with their size, and the bars the outgoing weights' norms."""

from __future__ import annotations

import torch
from torch import nn

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.data.features import feature_columns
from engine.loop.events import Snapshot
from engine.loop.neurons import NEURON_GRID, neuron_focus, neuron_maps
from engine.loop.plane import plane_grid
from engine.loop.trainer import Trainer
from tests.helpers import train


def _trained(values: dict, epochs: int = 5) -> Trainer:
    trainer = Trainer(with_values(preset_config("xor"), values))
    for _ in range(epochs):
        trainer.train_epoch()
    return trainer


def _hooked_outputs(model: nn.Sequential, inputs: torch.Tensor) -> list[torch.Tensor]:
    """What each unit outputs in the model's own forward pass: the activation after each linear
    layer (the linear layer itself where none follows)."""
    modules = list(model)
    last_of_each = [i if i + 1 == len(modules) or isinstance(modules[i + 1], nn.Linear) else i + 1
                    for i, m in enumerate(modules) if isinstance(m, nn.Linear)]
    seen: list[torch.Tensor] = []
    hooks = [modules[i].register_forward_hook(lambda _m, _i, out: seen.append(out)) for i in last_of_each]
    with torch.no_grad():
        model(inputs)
    for hook in hooks:
        hook.remove()
    return seen


def test_every_units_map_is_the_models_own_activation() -> None:
    """Hidden and output maps equal the activations of model(grid), unit for unit, bit for bit."""
    trainer = _trained({"model.output_activation": "sigmoid", "train.loss": "bce"})
    maps = neuron_maps(trainer)
    grid = plane_grid(trainer.bounds, NEURON_GRID, NEURON_GRID)
    expected = _hooked_outputs(trainer.model, grid)
    assert [layer.name for layer in maps.layers] == ["inputs", "hidden 1", "hidden 2", "output"]
    assert [layer.activation for layer in maps.layers] == ["", "tanh", "tanh", "sigmoid"]
    for layer, outputs in zip(maps.layers[1:], expected):
        got = torch.tensor(layer.maps).reshape(layer.units, -1).t()
        assert torch.equal(got, outputs)


def test_the_inputs_row_holds_the_features_over_the_raw_plane() -> None:
    """With features x1², x1·x2 the first row is those two columns of the grid's raw points."""
    trainer = _trained({"data.features": ["x1^2", "x1*x2"]})
    maps = neuron_maps(trainer)
    grid = plane_grid(trainer.bounds, NEURON_GRID, NEURON_GRID)
    inputs = maps.layers[0]
    assert inputs.labels == ("x1^2", "x1*x2") and (maps.x_range, maps.y_range) == trainer.bounds
    assert torch.equal(torch.tensor(inputs.maps).reshape(2, -1).t(), feature_columns(grid, ["x1^2", "x1*x2"]))


def test_a_wide_layer_sends_its_first_16_units_and_its_size() -> None:
    """A 40-unit layer reports 40 units, 16 maps and 16 outgoing sizes."""
    maps = neuron_maps(_trained({"model.hidden": [40]}, epochs=1))
    hidden = maps.layers[1]
    assert (hidden.units, len(hidden.maps), len(hidden.outgoing)) == (40, 16, 16)


def test_the_bars_are_the_norms_of_each_units_outgoing_weights() -> None:
    """A unit's outgoing size is the L2 norm of its column in the next layer's weights; the output has none."""
    trainer = _trained({})
    maps = neuron_maps(trainer)
    for index, layer in enumerate(maps.layers[:-1]):
        following = trainer.model[2 * index].weight  # layers 0, 2, 4 are the linear ones
        assert layer.outgoing == following.norm(dim=0).tolist()
    assert maps.layers[-1].outgoing == []


def test_a_picked_unit_comes_on_the_boundarys_finer_grid() -> None:
    """neuron_focus is the unit's activation over a columns x rows grid; a unit that is not there gives None."""
    trainer = _trained({})
    focus = neuron_focus(trainer, 2, 5, 30, 12)
    outputs = _hooked_outputs(trainer.model, plane_grid(trainer.bounds, 30, 12))
    assert torch.equal(torch.tensor(focus.values).reshape(-1), outputs[1][:, 5])
    assert neuron_focus(trainer, 2, 8, 30, 12) is None and neuron_focus(trainer, 4, 0, 30, 12) is None


def test_sets_that_are_not_planes_draw_no_network() -> None:
    """Ten inputs (the sequential set) leave nothing to draw over a plane."""
    assert neuron_maps(Trainer(preset_config("sequential"))) is None


def test_a_sessions_snapshots_carry_the_maps_and_the_picked_unit() -> None:
    """The session's last snapshot has every layer, and the picked unit's finer grid at the boundary's size."""
    recorder = train(with_values(preset_config("circle"), {"train.epochs": 3}), boundary_size=(20, 10))
    snapshot = recorder.of(Snapshot)[-1]
    assert [layer.units for layer in snapshot.neurons.layers] == [2, 4, 1] and snapshot.focus is None
    from engine.loop.session import TrainingSession

    session = TrainingSession(with_values(preset_config("circle"), {"train.epochs": 3}), recorder,
                              snapshot_interval_s=None, boundary_size=(20, 10))
    session.picked_neuron = (1, 3)
    session.start()
    assert session.join(60)
    focus = recorder.of(Snapshot)[-1].focus
    assert (focus.layer, focus.unit, len(focus.values), len(focus.values[0])) == (1, 3, 10, 20)


def test_a_finished_run_redraws_its_views_for_a_new_pick() -> None:
    """refresh_views answers a pick made after the run ended with a fresh snapshot (on the caller's thread)."""
    from engine.loop.session import TrainingSession

    recorder = train(with_values(preset_config("circle"), {"train.epochs": 2}))
    session = TrainingSession(with_values(preset_config("circle"), {"train.epochs": 2}), recorder,
                              snapshot_interval_s=None)
    session.start()
    assert session.join(60)
    session.picked_neuron = (0, 1)
    session.refresh_views()
    assert recorder.events[-1].focus.unit == 1 and recorder.events[-1].epoch == 2
