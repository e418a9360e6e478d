"""The CNN's gradients without autograd (engine.models.cnn_step) train to exactly the weights that
`loss.backward()` and the same optimizer train to.

Each case trains two copies of one CNN side by side, one through autograd, the other through
`CnnGradients` and the same optimizer's step, and compares every parameter bit for bit after every
step, on batches of uneven size, on pictures whose flat patches tie the pooling's windows, with odd
sizes that the pooling cuts, in both memory layouts."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig
from engine.loop.trainer import Trainer
from engine.models.cnn import build_image_model
from engine.models.cnn_step import cnn_gradients_for
from engine.models.optim import make_optimizer
from engine.models.regularization import penalty_for, weights_of
from engine.models.task import LOSS_LAYERS

SHAPE = (2, 13, 10)  # channels, height, width: 13 and the second block's 5 leave an edge the pooling cuts
BATCHES = (16, 16, 5, 1, 16)
LAYOUTS = [torch.contiguous_format, torch.channels_last]


def _pictures(rows: int) -> torch.Tensor:
    """Four grey levels, so that neighbours are often equal, and a flat background in the corner."""
    g = torch.Generator().manual_seed(5)
    x = torch.randint(0, 4, (rows, *SHAPE), generator=g).float() / 3 - 0.5
    x[:, :, :6, :6] = -0.5
    return x


def _targets(loss: str, rows: int, outputs: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(6)
    if loss == "cross_entropy":
        return torch.randint(0, outputs, (rows,), generator=g)
    if loss == "bce_logits":
        return torch.randint(0, 2, (rows, outputs), generator=g).float()
    return torch.randn(rows, outputs, generator=g)


def _assert_same_training(model_cfg: ModelConfig, train_cfg: TrainConfig, layout: torch.memory_format,
                          outputs: int = 3, clip: float = 0.0) -> None:
    """`train_cfg`'s penalty, if any, is what autograd differentiates with the loss."""
    torch.manual_seed(3)
    reference = build_image_model(model_cfg, SHAPE, outputs).to(memory_format=layout)
    fast = build_image_model(model_cfg, SHAPE, outputs).to(memory_format=layout)
    fast.load_state_dict(reference.state_dict())
    loss_fn = LOSS_LAYERS[train_cfg.loss]()
    ref_opt, fast_opt = make_optimizer(reference.parameters(), train_cfg), make_optimizer(fast.parameters(), train_cfg)
    penalty = penalty_for(train_cfg.regularization, train_cfg.reg_rate)
    gradients = cnn_gradients_for(fast, loss_fn, fast_opt, penalty)
    assert gradients is not None
    X = _pictures(sum(BATCHES)).contiguous(memory_format=layout)
    Y = _targets(train_cfg.loss, len(X), outputs)
    seen = 0
    for number, rows in enumerate(BATCHES):
        xb, yb = X[seen : seen + rows], Y[seen : seen + rows]
        seen += rows
        ref_opt.zero_grad()
        ref_loss = loss_fn(reference(xb), yb)
        (ref_loss if penalty is None else penalty.objective(ref_loss, weights_of(reference))).backward()
        fast_loss = gradients(xb, yb)
        for model in (reference, fast) if clip else ():
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        ref_opt.step()
        fast_opt.step()
        assert torch.equal(fast_loss, ref_loss.detach()), f"loss differs at step {number}"
        for (name, a), b in zip(reference.named_parameters(), fast.parameters(), strict=True):
            assert torch.equal(a, b), f"{name} differs after step {number}: {(a - b).abs().max()}"
            assert a.grad.stride() == b.grad.stride(), f"{name}'s gradient is laid out otherwise"


CNN = ModelConfig(hidden=[8], kind="cnn", channels=[4, 6])


@pytest.mark.parametrize("layout", LAYOUTS, ids=["default", "channels-last"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw", "rmsprop"])
def test_each_optimizer_steps_on_the_gradients_autograd_gives(optimizer: str, layout: torch.memory_format) -> None:
    """Every optimizer nntui makes, on both layouts, trains the CNN as after autograd's backward."""
    _assert_same_training(CNN, TrainConfig(loss="cross_entropy", optimizer=optimizer, lr=0.05, momentum=0.5),
                          layout)


@pytest.mark.parametrize("activation", ["relu", "tanh", "leaky_relu", "gelu"])
@pytest.mark.parametrize("loss", ["cross_entropy", "mse", "bce_logits"])
def test_each_head_and_loss_trains_as_autograd_does(activation: str, loss: str) -> None:
    """The MLP head's activations and the losses the MLP step knows, behind the conv blocks."""
    cfg = ModelConfig(hidden=[8, 5], activation=activation, kind="cnn", channels=[4, 6])
    _assert_same_training(cfg, TrainConfig(loss=loss, optimizer="adam", lr=0.05), torch.channels_last)


@pytest.mark.parametrize("channels", [[3], [4, 6, 5]], ids=["one block", "three blocks"])
def test_one_or_three_conv_blocks_train_as_autograd_does(channels: list[int]) -> None:
    """One block (the pictures' gradient is never asked) and three (13x10 pooled to 1x1)."""
    _assert_same_training(ModelConfig(hidden=[], kind="cnn", channels=channels),
                          TrainConfig(loss="cross_entropy", optimizer="adam", lr=0.05), torch.channels_last)


@pytest.mark.parametrize("regularization", ["l1", "l2"])
def test_a_penalty_on_the_weights_trains_as_autograd_does(regularization: str) -> None:
    """An L1 or L2 penalty's gradient joins each weight's, the conv layers' as the head's."""
    _assert_same_training(CNN, TrainConfig(loss="cross_entropy", optimizer="adam", lr=0.05,
                                           regularization=regularization, reg_rate=0.01), torch.channels_last)


def test_clipping_reads_the_gradients_it_writes() -> None:
    """Gradient clipping between the gradients and the step rescales them as autograd's."""
    _assert_same_training(CNN, TrainConfig(loss="cross_entropy", optimizer="sgd", lr=0.5), torch.channels_last,
                          clip=0.01)


@pytest.mark.parametrize("model", [
    nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, stride=2), nn.MaxPool2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(12, 3)),
    nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.MaxPool2d(2), nn.ReLU(inplace=True), nn.Flatten(),
                  nn.Linear(120, 3)),
    nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.AvgPool2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(120, 3)),
    nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.MaxPool2d(2), nn.ReLU(), nn.Flatten(), nn.Dropout(),
                  nn.Linear(120, 3)),
    nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.MaxPool2d(2), nn.ReLU(), nn.Linear(5, 3)),
    nn.Sequential(nn.Conv2d(2, 4, 3, padding=1, bias=False), nn.MaxPool2d(2), nn.ReLU(), nn.Flatten(),
                  nn.Linear(120, 3)),
    nn.Sequential(nn.Flatten(), nn.Linear(260, 3)),
], ids=["strided", "in-place relu", "average pooling", "dropout", "no flatten", "no bias", "no conv"])
def test_layers_it_does_not_reproduce_take_autograd(model: nn.Sequential) -> None:
    assert cnn_gradients_for(model, nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters())) is None


def test_a_frozen_layer_or_an_optimizer_over_other_parameters_takes_autograd() -> None:
    """Autograd leaves a frozen weight without a gradient, and an optimizer that steps only some
    parameters leaves the rest: the gradients would not be what the step reads."""
    model = build_image_model(CNN, SHAPE, 3)
    assert cnn_gradients_for(model, nn.CrossEntropyLoss(), torch.optim.Adam(model[7:].parameters())) is None
    model[0].weight.requires_grad_(False)
    assert cnn_gradients_for(model, nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters())) is None


@pytest.mark.parametrize("train", [
    TrainConfig(loss="cross_entropy", optimizer="adam", lr=0.02, epochs=2, clip_grad=1.0, device="cpu"),
    TrainConfig(loss="cross_entropy", optimizer="sgd", lr=0.05, epochs=2, regularization="l2", reg_rate=0.01,
                device="cpu"),
], ids=["adam-clipped", "sgd-l2"])
def test_a_trainer_epoch_ends_where_the_autograd_epoch_ends(train: TrainConfig) -> None:
    """The shapes pictures in shuffled batches with a short last one, trained by the Trainer with and
    without the CNN's gradients (channels-last; Adam with clipping, plain SGD with a penalty): the
    same losses and weights."""
    config = RunConfig(ModelConfig(hidden=[16], kind="cnn", channels=[4, 8]),
                       DataConfig(dataset="shapes", samples=120, batch_size=32, seed=3), train)
    fast, slow = Trainer(config), Trainer(config)
    assert fast._cnn_gradients is not None
    slow._cnn_gradients = None
    for _ in range(2):
        assert fast.train_epoch() == slow.train_epoch()
    for a, b in zip(fast.model.parameters(), slow.model.parameters(), strict=True):
        assert torch.equal(a, b)
