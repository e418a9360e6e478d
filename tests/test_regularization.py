"""L1 and L2 regularization (train.regularization, train.reg_rate) as TensorFlow Playground adds it:
a penalty on the weights, never the biases, joining the loss the optimizer minimises, while the
loss reported stays the data's. It is not the optimizer's weight decay. (The fast MLP step's
bit-for-bit agreement with autograd is in tests/test_mlp_step.py; the exported script's in
tests/test_export.py.)"""

from __future__ import annotations

import pytest
import torch
from torch import nn

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.problems import ConfigError
from engine.config.rules import warnings
from engine.config.schema import ModelConfig
from engine.loop.trainer import Trainer
from engine.models.mlp import build_mlp
from engine.models.regularization import Penalty, penalty, weights_of
from tests.helpers import train


def test_the_penalty_takes_every_layers_weight_and_no_bias() -> None:
    """A 2-4-3-1 MLP's penalty runs over its three weight matrices only."""
    model = build_mlp(ModelConfig(hidden=[4, 3]), 2, 1)
    assert [tuple(w.shape) for w in weights_of(model)] == [(4, 2), (3, 4), (1, 3)]


@pytest.mark.parametrize(("kind", "expected"), [("l1", lambda w: w.abs().sum()), ("l2", lambda w: (w**2).sum() / 2)])
def test_l1_sums_sizes_and_l2_halves_the_squares(kind: str, expected) -> None:
    """Playground's penalties: sum |w| for L1, sum w²/2 for L2."""
    weights = [torch.tensor([[1.0, -2.0]]), torch.tensor([[3.0]])]
    assert penalty(weights, kind).item() == pytest.approx(sum(expected(w).item() for w in weights))


@pytest.mark.parametrize("kind", ["l1", "l2"])
def test_the_penalty_gradient_without_autograd_equals_autograds(kind: str) -> None:
    """Penalty.gradient equals autograd's derivative of rate * penalty, bit for bit."""
    weight = torch.randn(5, 3, generator=torch.Generator().manual_seed(1), requires_grad=True)
    term = Penalty(kind, 0.37)
    (expected,) = torch.autograd.grad(term.rate * penalty([weight], kind), [weight])
    assert torch.equal(term.gradient(weight.detach(), torch.ones(())), expected)


def _one_step(values: dict) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor], float]:
    """The parameters before and after one full-batch SGD step of a circle run, and its loss."""
    config = with_values(preset_config("circle"), {"train.epochs": 1, **values})
    trainer = Trainer(config)
    before = {name: p.detach().clone() for name, p in trainer.model.named_parameters()}
    loss = trainer.train_epoch()
    after = {name: p.detach().clone() for name, p in trainer.model.named_parameters()}
    return before, after, loss


def test_l2_pulls_the_weights_toward_zero_and_leaves_the_biases_alone() -> None:
    """Against the same step without it, L2 moves each weight by lr * rate * w more and each bias not at all."""
    before, plain, _ = _one_step({})
    _, regular, _ = _one_step({"train.regularization": "l2", "train.reg_rate": 0.5})
    for name in before:
        extra = regular[name] - plain[name]
        if name.endswith("bias"):
            assert torch.equal(extra, torch.zeros_like(extra)), name
        else:
            assert torch.allclose(extra, -0.1 * 0.5 * before[name], atol=1e-6), name


def test_weight_decay_shrinks_the_biases_too() -> None:
    """The optimizer's weight decay is another thing: it moves the biases as well."""
    _, plain, _ = _one_step({})
    _, decayed, _ = _one_step({"train.weight_decay": 0.5})
    assert not torch.equal(plain["0.bias"], decayed["0.bias"])


def test_the_reported_loss_is_the_datas_alone() -> None:
    """An epoch's loss is the same with a penalty: it is measured before the step and leaves the penalty out."""
    _, _, plain = _one_step({})
    _, _, regular = _one_step({"train.regularization": "l1", "train.reg_rate": 3.0})
    assert regular == plain


def test_a_cnn_penalises_its_convolutions_too() -> None:
    """An image model's conv weights are weights: they are in the penalty, their biases are not."""
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2, 1))
    assert [tuple(w.shape) for w in weights_of(model)] == [(2, 1, 3, 3), (1, 2)]


@pytest.mark.parametrize(("path", "value"), [("train.regularization", "l3"), ("train.reg_rate", 11.0),
                                             ("train.reg_rate", -0.1)])
def test_a_bad_penalty_or_rate_is_refused_naming_the_field(path: str, value: object) -> None:
    """The kind is one of none, l1, l2 and the rate is from 0 to 10."""
    with pytest.raises(ConfigError, match=path):
        with_values(preset_config("circle"), {path: value})


@pytest.mark.parametrize(("kind", "rate", "words"), [("l2", 0.0, "no penalty is added"),
                                                     ("none", 0.01, "the rate does nothing")])
def test_a_penalty_without_a_rate_or_a_rate_without_a_penalty_is_warned(kind: str, rate: float, words: str) -> None:
    """Either half alone does nothing, and the warning says so."""
    config = with_values(preset_config("circle"), {"train.regularization": kind, "train.reg_rate": rate})
    assert any(words in warning for warning in warnings(config))


def test_a_penalty_that_blows_up_a_sigmoid_classifier_ends_diverged_not_failed() -> None:
    """L2 at rate 10 with lr 5 blows the weights up until the outputs are NaN; BCELoss then refuses
    its NaN input with an error, and the run ends as diverged, naming both rates, not as failed."""
    config = with_values(preset_config("circle"), {"train.regularization": "l2", "train.reg_rate": 10.0,
                                                   "train.lr": 5.0, "train.epochs": 30})
    end = train(config).end
    assert end.status == "diverged"
    assert "became non-finite in epoch" in end.message
    assert "train.lr, now 5" in end.message and "train.reg_rate, now 10" in end.message


def test_a_run_without_a_penalty_is_told_to_lower_the_lr_alone() -> None:
    """The regularization rate is named only where a penalty is on."""
    from engine.loop.divergence import what_to_lower

    assert what_to_lower(1.0, "none", 0.5) == "the learning rate (train.lr, now 1)"
    assert what_to_lower(1.0, "l2", 0.0) == "the learning rate (train.lr, now 1)"
    assert what_to_lower(0.5, "l1", 10.0).endswith("or the regularization rate (train.reg_rate, now 10)")
