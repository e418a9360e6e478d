"""Which models the Network view draws unit by unit: nntui's MLP, and a user's module only where its
traced forward is provably one chain of Linear layers and activations; otherwise the reason, in words."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop.neurons import network_note, neuron_maps
from engine.loop.trainer import Trainer
from engine.models.linear_stack import linear_stack

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "net.py"


def _examples():
    spec = importlib.util.spec_from_file_location("examples_net", EXAMPLES)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Leaky(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.drop, self.fc2 = nn.Linear(2, 5), nn.Dropout(0.2), nn.Linear(5, 3)

    def forward(self, x):
        return F.softmax(self.fc2(self.drop(F.leaky_relu(self.fc1(x), 0.2))), dim=1)


class Skip(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(2, 2), nn.Linear(2, 2)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x))) + x


class Counting(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc, self.calls = nn.Linear(2, 1), 0

    def forward(self, x):
        self.calls += 1
        return self.fc(x) if x.sum() > 0 else -self.fc(x)


def _described(stack) -> list[tuple[int, int, str]]:
    return [(linear.in_features, linear.out_features, type(act).__name__ if act is not None else "")
            for linear, act in stack.layers]


def test_the_tutorial_s_simple_nn_is_its_two_linear_layers_with_the_relu_between() -> None:
    """torch.relu called in forward counts as the first layer's activation, the output has none."""
    model = _examples().SimpleNN()
    stack = linear_stack(model)
    assert _described(stack) == [(2, 2, "ReLU"), (2, 1, "")]
    assert stack.layers[0][0] is model.fc1 and stack.layers[1][0] is model.fc2


def test_calls_with_arguments_become_the_same_activation_and_a_dropout_is_passed_over() -> None:
    """F.leaky_relu(h, 0.2) is a LeakyReLU(0.2), F.softmax(h, dim=1) a Softmax(dim=1); Dropout draws as nothing."""
    stack = linear_stack(Leaky())
    assert _described(stack) == [(2, 5, "LeakyReLU"), (5, 3, "Softmax")]
    assert stack.layers[0][1].negative_slope == 0.2 and stack.layers[1][1].dim == 1


def test_a_user_sequential_holding_another_layer_is_refused_naming_it() -> None:
    """A BatchNorm1d between the Linear layers is not an activation: the reason names it."""
    stack = linear_stack(nn.Sequential(nn.Linear(2, 4), nn.BatchNorm1d(4), nn.Linear(4, 1)))
    assert stack.layers is None and stack.why_not == "its forward uses a BatchNorm1d (1) between its layers"


def test_a_skip_connection_is_refused_as_not_one_chain() -> None:
    """The input added to the output again is said as such, not drawn as a stack it is not."""
    stack = linear_stack(Skip())
    assert stack.layers is None and "not a single chain of layers: the output of x is used 2 times" in stack.why_not


def test_a_forward_that_branches_on_its_data_is_refused_and_the_model_is_left_as_it_was() -> None:
    """Control flow on the inputs cannot be traced; the tracing ran on a copy (the counter is untouched)."""
    model = Counting()
    stack = linear_stack(model)
    assert stack.layers is None and stack.why_not.startswith("its forward cannot be followed without running it")
    assert model.calls == 0


def test_a_user_module_s_neuron_maps_are_its_own_layers_over_the_plane(tmp_path: Path, monkeypatch) -> None:
    """examples/net.py:MLP on circle gets maps for inputs, its hidden layer and the output, and no note."""
    monkeypatch.chdir(EXAMPLES.parents[1])
    config = with_values(preset_config("circle"), {
        "model.kind": "module", "model.module": "examples/net.py:MLP", "model.args": {"hidden": 5},
        "train.loss": "bce_logits", "model.output_activation": "none", "train.epochs": 1})
    trainer = Trainer(config)
    maps = neuron_maps(trainer)
    assert [(layer.name, layer.units, layer.activation) for layer in maps.layers] == [
        ("inputs", 2, ""), ("hidden 1", 5, "relu"), ("output", 1, "")]
    assert network_note(trainer, config) == ""


def test_a_user_module_that_is_not_a_stack_gets_the_reason_for_the_network_view(tmp_path: Path,
                                                                                monkeypatch) -> None:
    """The note names the module as the user wrote it and says why; no maps are made."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.py").write_text("import torch\nfrom torch import nn\n\n\nclass Skip(nn.Module):\n"
                                     "    def __init__(self):\n        super().__init__()\n"
                                     "        self.fc = nn.Linear(2, 2)\n        self.out = nn.Linear(2, 1)\n\n"
                                     "    def forward(self, x):\n        return self.out(self.fc(x) + x)\n",
                                     encoding="utf-8")
    config = with_values(preset_config("circle"), {
        "model.kind": "module", "model.module": "net.py:Skip", "train.loss": "bce_logits",
        "model.output_activation": "none", "train.epochs": 1})
    trainer = Trainer(config)
    assert neuron_maps(trainer) is None
    assert network_note(trainer, config) == (
        "The Network view draws a stack of Linear layers and activations used in order; net.py:Skip is not one: "
        "its forward is not a single chain of layers: the output of x is used 2 times (a skip connection?).")
