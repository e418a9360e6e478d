"""The MLP step without autograd writes exactly the weights autograd and the optimizer write.

Each case trains two copies of one model side by side, one through `loss.backward()` and
`optimizer.step()`, the other through `MlpStep`, and compares every parameter bit for bit after
every step, on batches of uneven size (the last batch of an epoch is often short). With an L1 or L2
penalty, autograd differentiates `loss + rate * penalty` and the step adds its own gradient."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from engine.config.schema import ModelConfig, TrainConfig
from engine.loop.batching import batch_sizes, weighted_mean
from engine.models.mlp import build_mlp
from engine.models.mlp_step import mlp_step_for
from engine.models.optim import make_optimizer
from engine.models.regularization import penalty_for, weights_of
from engine.models.task import LOSS_LAYERS

BATCHES = (32, 32, 7, 1, 32)


def _data(loss: str, features: int, outputs: int, rows: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(7)
    X = torch.randn(rows, features, generator=g)
    if loss == "cross_entropy":
        return X, torch.randint(0, outputs, (len(X),), generator=g)
    if loss in ("bce", "bce_logits"):
        return X, torch.randint(0, 2, (len(X), outputs), generator=g).float()
    return X, torch.randn(len(X), outputs, generator=g)


def _pair(model_cfg: ModelConfig, features: int, outputs: int) -> tuple[nn.Sequential, nn.Sequential]:
    torch.manual_seed(3)
    reference = build_mlp(model_cfg, features, outputs)
    fast = build_mlp(model_cfg, features, outputs)
    fast.load_state_dict(reference.state_dict())
    return reference, fast


def _assert_same_training(model_cfg: ModelConfig, train_cfg: TrainConfig, features: int = 3,
                          outputs: int = 2, clip: bool = False, batches: tuple[int, ...] = BATCHES,
                          resumed_from: TrainConfig | None = None) -> None:
    """`resumed_from`: both optimizers load the state of one built with these settings first,
    as resuming a checkpoint does."""
    reference, fast = _pair(model_cfg, features, outputs)
    loss_fn = LOSS_LAYERS[train_cfg.loss]()
    ref_opt = make_optimizer(reference.parameters(), train_cfg)
    fast_opt = make_optimizer(fast.parameters(), train_cfg)
    if resumed_from is not None:
        saved = make_optimizer(reference.parameters(), resumed_from).state_dict()
        ref_opt.load_state_dict(saved)
        fast_opt.load_state_dict(saved)

    def clip_fast() -> None:
        nn.utils.clip_grad_norm_(fast.parameters(), train_cfg.clip_grad)

    penalty = penalty_for(train_cfg.regularization, train_cfg.reg_rate)
    step = mlp_step_for(fast, loss_fn, fast_opt, clip_fast if clip else None, penalty)
    assert step is not None
    X, Y = _data(train_cfg.loss, features, outputs, sum(batches))
    seen = 0
    for number, rows in enumerate(batches):
        xb, yb = X[seen : seen + rows], Y[seen : seen + rows]
        seen += rows
        ref_loss = loss_fn(reference(xb), yb)
        ref_opt.zero_grad()
        (ref_loss if penalty is None else penalty.objective(ref_loss, weights_of(reference))).backward()
        if clip:
            nn.utils.clip_grad_norm_(reference.parameters(), train_cfg.clip_grad)
        ref_opt.step()
        fast_loss = step(xb, yb)
        assert torch.equal(fast_loss, ref_loss.detach()), f"loss differs at step {number}"
        for (name, a), b in zip(reference.state_dict().items(), fast.state_dict().values()):
            assert torch.equal(a, b), f"{name} differs after step {number}: {(a - b).abs().max()}"


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu", "gelu"])
def test_each_hidden_activation_trains_as_autograd_does(activation: str) -> None:
    _assert_same_training(ModelConfig(hidden=[8, 5], activation=activation),
                          TrainConfig(loss="bce_logits", optimizer="sgd", lr=0.5))


@pytest.mark.parametrize(("loss", "output_activation"), [
    ("mse", "none"), ("huber", "none"), ("bce", "sigmoid"), ("bce_logits", "none"),
    ("cross_entropy", "none"), ("cross_entropy", "softmax"), ("mse", "sigmoid"),
])
def test_each_loss_trains_as_autograd_does(loss: str, output_activation: str) -> None:
    _assert_same_training(ModelConfig(hidden=[6], output_activation=output_activation),
                          TrainConfig(loss=loss, optimizer="sgd", lr=0.3), outputs=3)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw", "rmsprop"])
def test_each_optimizer_steps_as_with_autograd(optimizer: str) -> None:
    _assert_same_training(ModelConfig(hidden=[8, 8]),
                          TrainConfig(loss="cross_entropy", optimizer=optimizer, lr=0.05), outputs=3)


@pytest.mark.parametrize(("momentum", "weight_decay"), [(0.9, 0.0), (0.0, 0.01), (0.5, 0.1)])
def test_sgd_with_momentum_or_decay_steps_as_with_autograd(momentum: float, weight_decay: float) -> None:
    _assert_same_training(ModelConfig(hidden=[4]),
                          TrainConfig(loss="mse", optimizer="sgd", lr=0.1, momentum=momentum,
                                      weight_decay=weight_decay))


def test_gradient_clipping_runs_before_the_optimizer_step() -> None:
    _assert_same_training(ModelConfig(hidden=[8]), TrainConfig(loss="mse", optimizer="sgd", lr=0.5, clip_grad=0.01),
                          clip=True)


def test_a_single_linear_layer_trains_as_autograd_does() -> None:
    _assert_same_training(ModelConfig(hidden=[]), TrainConfig(loss="mse", optimizer="sgd", lr=0.01),
                          features=2, outputs=1)


@pytest.mark.parametrize("regularization", ["l1", "l2"])
@pytest.mark.parametrize(("optimizer", "rate"), [("sgd", 0.03), ("sgd", 7.0), ("adam", 0.001), ("rmsprop", 0.3)])
def test_a_penalty_on_the_weights_trains_as_autograd_does(regularization: str, optimizer: str, rate: float) -> None:
    """L1 and L2 penalties, small rates and large, with plain SGD and with optimizers that keep state."""
    _assert_same_training(ModelConfig(hidden=[8, 5], activation="tanh"),
                          TrainConfig(loss="mse", optimizer=optimizer, lr=0.05, regularization=regularization,
                                      reg_rate=rate))


def test_a_penalty_with_momentum_decay_and_clipping_trains_as_autograd_does() -> None:
    """The penalty's gradient is in place before clipping and before the optimizer's own decay."""
    _assert_same_training(ModelConfig(hidden=[6]), TrainConfig(loss="cross_entropy", optimizer="sgd", lr=0.2,
                                                                momentum=0.9, weight_decay=0.01, clip_grad=0.05,
                                                                regularization="l2", reg_rate=0.1),
                          outputs=3, clip=True)


@pytest.mark.parametrize("regularization", ["l1", "l2"])
def test_a_trainer_with_a_penalty_ends_where_autograd_ends(regularization: str) -> None:
    """A Trainer's epochs with and without the fast step, penalty on: same losses, same weights."""
    from engine.config.schema import DataConfig, RunConfig
    from engine.loop.trainer import Trainer

    config = RunConfig(ModelConfig(hidden=[8, 8]), DataConfig(dataset="xor", samples=200, batch_size=16),
                       TrainConfig(loss="bce_logits", optimizer="sgd", lr=0.1, epochs=3, regularization=regularization,
                                   reg_rate=0.01))
    fast, slow = Trainer(config), Trainer(config)
    assert fast._fast_step is not None and fast._fast_step.penalty is not None
    slow._fast_step = None
    for _ in range(3):
        assert fast.train_epoch() == slow.train_epoch()
    for a, b in zip(fast.model.parameters(), slow.model.parameters()):
        assert torch.equal(a, b)


def test_plain_sgd_leaves_no_gradients_or_optimizer_state() -> None:
    model = build_mlp(ModelConfig(hidden=[4]), 2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    step = mlp_step_for(model, nn.MSELoss(), optimizer)
    assert step is not None and step.inference_safe
    step(torch.randn(5, 2), torch.randn(5, 1))
    assert all(p.grad is None for p in model.parameters())
    assert optimizer.state_dict()["state"] == {}


@pytest.mark.parametrize("loss_fn", [nn.L1Loss(), nn.MSELoss(reduction="sum"), nn.CrossEntropyLoss(label_smoothing=0.1),
                                     nn.HuberLoss(delta=2.0), nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))])
def test_losses_it_does_not_reproduce_take_autograd(loss_fn: nn.Module) -> None:
    model = build_mlp(ModelConfig(hidden=[4]), 2, 1)
    assert mlp_step_for(model, loss_fn, torch.optim.SGD(model.parameters(), lr=0.1)) is None


@pytest.mark.parametrize("model", [
    nn.Sequential(nn.Linear(2, 4), nn.Dropout(0.5), nn.Linear(4, 1)),
    nn.Sequential(nn.Flatten(), nn.Linear(2, 1)),
    nn.Sequential(nn.Linear(2, 4, bias=False), nn.ReLU(), nn.Linear(4, 1)),
    nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Tanh(), nn.Linear(4, 1)),
    nn.Sequential(nn.ReLU(), nn.Linear(2, 1)),
    nn.Sequential(nn.Linear(2, 4), nn.ReLU(inplace=False), nn.Linear(4, 1), nn.Softmax(dim=0)),
    nn.Linear(2, 1),
])
def test_models_it_does_not_reproduce_take_autograd(model: nn.Module) -> None:
    assert mlp_step_for(model, nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1)) is None


def test_an_optimizer_over_other_parameters_takes_autograd() -> None:
    model = build_mlp(ModelConfig(hidden=[4]), 2, 1)
    params = list(model.parameters())
    optimizer = torch.optim.SGD(params[:2], lr=0.1)
    assert mlp_step_for(model, nn.MSELoss(), optimizer) is None


def test_epoch_loss_has_the_digits_of_accumulating_tensors() -> None:
    g = torch.Generator().manual_seed(1)
    losses = list(torch.rand(313, generator=g) * 3)
    sizes = batch_sizes(10_000, 32, drop_last=False)
    total = None
    for loss, rows in zip(losses, sizes):
        weighted = loss * rows
        total = weighted if total is None else total + weighted
    assert weighted_mean(losses, sizes) == (total / sum(sizes)).item()


def test_a_diverged_epoch_loss_is_inf_or_nan_without_warnings(recwarn: pytest.WarningsRecorder) -> None:
    assert weighted_mean([torch.tensor(3e38), torch.tensor(3e38)], [32, 32]) == float("inf")
    assert weighted_mean([torch.tensor(float("nan"))], [4]) != weighted_mean([torch.tensor(float("nan"))], [4])
    assert not recwarn.list


@pytest.mark.parametrize(("n", "size", "drop_last", "expected"), [
    (10, 4, False, [4, 4, 2]), (10, 4, True, [4, 4]), (8, 4, False, [4, 4]), (8, 4, True, [4, 4]),
])
def test_batch_sizes_end_with_the_remainder_unless_dropped(n: int, size: int, drop_last: bool,
                                                           expected: list[int]) -> None:
    assert batch_sizes(n, size, drop_last) == expected


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_trainer_epoch_ends_where_the_autograd_epoch_ends(optimizer: str) -> None:
    """Shuffled minibatches with a short last batch, trained by the Trainer with and without the
    fast step: the same epoch losses and the same weights."""
    from engine.config.schema import DataConfig, RunConfig
    from engine.loop.trainer import Trainer

    config = RunConfig(ModelConfig(hidden=[16, 16]),
                       DataConfig(dataset="moons", samples=500, noise=0.2, batch_size=32),
                       TrainConfig(loss="bce_logits", optimizer=optimizer, lr=0.05, epochs=3))
    fast, slow = Trainer(config), Trainer(config)
    assert fast._fast_step is not None
    slow._fast_step = None
    for _ in range(3):
        assert fast.train_epoch() == slow.train_epoch()
    for a, b in zip(fast.model.parameters(), slow.model.parameters()):
        assert torch.equal(a, b)


def test_a_batch_of_one_through_a_width_one_layer_trains_as_autograd_does() -> None:
    """Autograd multiplies a 1x1 input's gradient the other way round; so must the fast step."""
    _assert_same_training(ModelConfig(hidden=[1, 300], activation="tanh"),
                          TrainConfig(loss="mse", optimizer="sgd", lr=0.01), batches=(1,) * 20)


@pytest.mark.parametrize("saved", [TrainConfig(optimizer="sgd", lr=0.1, momentum=0.9),
                                   TrainConfig(optimizer="sgd", lr=0.1, weight_decay=0.1)])
def test_resuming_follows_the_checkpoints_sgd_settings(saved: TrainConfig) -> None:
    """Resuming loads the checkpoint's optimizer settings over the configured plain SGD; the
    steps then use them, as optimizer.step() does."""
    _assert_same_training(ModelConfig(hidden=[4]), TrainConfig(loss="mse", optimizer="sgd", lr=0.1),
                          resumed_from=saved)
