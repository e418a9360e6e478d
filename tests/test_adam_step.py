"""The Adam step without Optimizer.step's machinery leaves params and optimizer state exactly as
torch's Adam and AdamW do, after every step, and hands every setting it does not reproduce back
to torch's own step."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
import torch
from torch import nn

from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig
from engine.loop.trainer import Trainer
from engine.models import adam_step
from engine.models.adam_step import adam_step_for, covers, step_from_grads, torch_verified
from engine.models.mlp_step import mlp_step_for

STATE_KEYS = ("step", "exp_avg", "exp_avg_sq")
# Element counts that put values in the vectorised loops' bodies and in their scalar tails.
SHAPES = [(16, 2), (16,), (16, 16), (1,), (7, 3), (33,), (5, 60)]
OptimizerFactory = Callable[[list[nn.Parameter]], torch.optim.Optimizer]


def _twins(shapes=SHAPES, dtype=torch.float32) -> tuple[list[nn.Parameter], list[nn.Parameter]]:
    g = torch.Generator().manual_seed(11)
    ours = [nn.Parameter(torch.randn(s, generator=g, dtype=dtype)) for s in shapes]
    return ours, [nn.Parameter(p.detach().clone()) for p in ours]


def _assert_same(ours: torch.optim.Optimizer, theirs: torch.optim.Optimizer, when: str) -> None:
    """Params, state values, dtypes and devices, and the order a checkpoint lists the state in."""
    assert list(ours.state_dict()["state"]) == list(theirs.state_dict()["state"]), f"state order differs {when}"
    for a, b in zip(ours.param_groups[0]["params"], theirs.param_groups[0]["params"], strict=True):
        assert torch.equal(a, b), f"a parameter differs {when}: {(a - b).abs().max()}"
        assert list(ours.state[a]) == list(theirs.state[b]), f"state keys differ {when}"
        for key in STATE_KEYS:
            x, y = ours.state[a][key], theirs.state[b][key]
            assert x.dtype == y.dtype and x.device == y.device and torch.equal(x, y), f"{key} differs {when}"


def _train_side_by_side(make: OptimizerFactory, steps: int = 150, dtype=torch.float32) -> None:
    """The same random gradients into both optimizers; compared after every step."""
    ours_params, theirs_params = _twins(dtype=dtype)
    ours, theirs = make(ours_params), make(theirs_params)
    fast = adam_step_for(ours)
    assert fast is not None
    g = torch.Generator().manual_seed(5)
    for number in range(steps):
        grads = [torch.randn(p.shape, generator=g, dtype=dtype) * 10 ** float(torch.randint(-4, 3, (), generator=g))
                 for p in ours_params]
        for p, grad in zip(theirs_params, grads):
            p.grad = grad.clone()
        theirs.step()
        assert fast.step(ours_params, grads)
        _assert_same(ours, theirs, f"after step {number}")


@pytest.mark.parametrize("make", [
    lambda ps: torch.optim.Adam(ps, lr=0.01),
    lambda ps: torch.optim.Adam(ps, lr=0.3, betas=(0.5, 0.9), eps=1e-3),
    lambda ps: torch.optim.Adam(ps, lr=0.001, weight_decay=0.01),
    lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0),
    lambda ps: torch.optim.AdamW(ps, lr=0.05, weight_decay=0.1),
    lambda ps: torch.optim.Adam(ps, lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, foreach=False),
], ids=["adam", "adam-betas-eps", "adam-decay", "adamw", "adamw-decay", "adam-decoupled"])
def test_each_step_leaves_params_and_state_as_torch_does(make: OptimizerFactory) -> None:
    _train_side_by_side(make)


def test_float64_parameters_step_as_torch_steps_them() -> None:
    _train_side_by_side(lambda ps: torch.optim.Adam(ps, lr=0.02, weight_decay=0.001), steps=40, dtype=torch.float64)


def _mlp_twins() -> tuple[nn.Sequential, nn.Sequential]:
    torch.manual_seed(3)
    reference = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
    fast = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
    fast.load_state_dict(reference.state_dict())
    return reference, fast


def _assert_mlp_step_trains_as_torch(make: OptimizerFactory, steps: int = 60, resume: bytes | None = None) -> None:
    """Autograd and torch's step on one twin, the MLP step on the other, compared after every batch;
    `resume`: both first load this saved optimizer state, as `--resume` does."""
    reference, fast = _mlp_twins()
    ref_opt, fast_opt = make(list(reference.parameters())), make(list(fast.parameters()))
    if resume is not None:  # each reads its own copy (loading keeps the file's tensors, not copies)
        for model, optimizer in ((reference, ref_opt), (fast, fast_opt)):
            saved = torch.load(io.BytesIO(resume))
            model.load_state_dict(saved["model"])
            optimizer.load_state_dict(saved["optimizer"])
    loss_fn = nn.BCEWithLogitsLoss()
    step = mlp_step_for(fast, loss_fn, fast_opt)
    assert step is not None
    g = torch.Generator().manual_seed(9)
    for number in range(steps):
        x = torch.randn(32 if number % 7 else 5, 2, generator=g)
        y = (x[:, :1] * x[:, 1:] > 0).float()
        loss = loss_fn(reference(x), y)
        ref_opt.zero_grad()
        loss.backward()
        ref_opt.step()
        assert torch.equal(step(x, y), loss.detach())
        _assert_same(fast_opt, ref_opt, f"after batch {number}")


def _checkpoint_of_torchs_steps(make: OptimizerFactory, steps: int) -> bytes:
    """A model and optimizer trained by autograd and torch's Adam alone (the old path), saved."""
    model, _ = _mlp_twins()
    optimizer = make(list(model.parameters()))
    for _ in range(steps):
        x = torch.randn(32, 2)
        optimizer.zero_grad()
        nn.functional.mse_loss(model(x), x[:, :1]).backward()
        optimizer.step()
    buffer = io.BytesIO()
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict()}, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("make", [lambda ps: torch.optim.Adam(ps, lr=0.01),
                                  lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.05)], ids=["adam", "adamw"])
def test_the_mlp_step_trains_as_autograd_and_torchs_adam(make: OptimizerFactory) -> None:
    _assert_mlp_step_trains_as_torch(make)


def test_a_resume_from_a_checkpoint_of_torchs_steps_continues_as_torch_would() -> None:
    make = lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.001)  # noqa: E731
    _assert_mlp_step_trains_as_torch(make, steps=30, resume=_checkpoint_of_torchs_steps(make, 17))


@pytest.mark.parametrize("make", [
    lambda ps: torch.optim.Adam(ps, lr=0.01, amsgrad=True),
    lambda ps: torch.optim.Adam(ps, lr=0.01, maximize=True),
    lambda ps: torch.optim.Adam(ps, lr=0.01, foreach=True),
    lambda ps: torch.optim.Adam(ps, lr=torch.tensor(0.01)),
    lambda ps: torch.optim.AdamW(ps, lr=0.01, amsgrad=True, weight_decay=0.1),
    lambda ps: torch.optim.Adam([{"params": ps[:2]}, {"params": ps[2:], "lr": 0.1}], lr=0.01),
    lambda ps: torch.optim.Adam(ps, lr=0.01, fused=True),
    lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(torch.tensor(0.9), torch.tensor(0.999))),
    lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=torch.tensor(0.1)),
    lambda ps: torch.optim.Adam(ps, lr=0.01, eps=torch.tensor(1e-8)),
], ids=["amsgrad", "maximize", "foreach", "tensor-lr", "adamw-amsgrad", "two-groups", "fused", "tensor-betas",
        "tensor-decay", "tensor-eps"])
def test_settings_it_does_not_reproduce_take_torchs_step(make: OptimizerFactory) -> None:
    params, _ = _twins()
    optimizer = make(params)
    assert not covers(optimizer)
    fast = adam_step_for(optimizer)
    before = [p.detach().clone() for p in params]
    assert fast is None or not fast.step(params, [torch.ones_like(p) for p in params])
    assert all(torch.equal(a, b) for a, b in zip(params, before)) and not optimizer.state
    if len(optimizer.param_groups) == 1:
        _assert_mlp_step_trains_as_torch(make, steps=12)


@pytest.mark.parametrize("setting", ["capturable", "differentiable"])
def test_settings_torch_cannot_step_on_the_cpu_are_left_to_torch_too(setting: str) -> None:
    """(torch's own step refuses these for CPU parameters; the fast step must not take them instead)"""
    params, _ = _twins()
    optimizer = torch.optim.Adam(params, lr=0.01, **{setting: True})
    fast = adam_step_for(optimizer)
    assert not covers(optimizer) and (fast is None or not fast.step(params, [torch.ones_like(p) for p in params]))
    assert not optimizer.state


def test_a_step_hook_takes_torchs_step_so_that_it_runs() -> None:
    params, _ = _twins()
    optimizer = torch.optim.Adam(params, lr=0.01)
    calls = []
    optimizer.register_step_post_hook(lambda *args: calls.append(1))
    assert not covers(optimizer)
    _assert_mlp_step_trains_as_torch(lambda ps: _hooked(torch.optim.Adam(ps, lr=0.01), calls), steps=3)
    assert len(calls) == 6  # both twins' three steps


def _hooked(optimizer: torch.optim.Optimizer, calls: list) -> torch.optim.Optimizer:
    optimizer.register_step_post_hook(lambda *args: calls.append(1))
    return optimizer


def test_a_resumed_setting_it_does_not_reproduce_takes_torchs_step() -> None:
    """amsgrad loaded from a checkpoint over an optimizer built without it: torch's step, torch's state."""
    params, twins = _twins()
    saved = torch.optim.Adam(twins, lr=0.01, amsgrad=True).state_dict()
    optimizer = torch.optim.Adam(params, lr=0.01)
    fast = adam_step_for(optimizer)
    assert fast is not None and covers(optimizer)
    optimizer.load_state_dict(saved)
    assert not covers(optimizer) and not fast.step(params, [torch.ones_like(p) for p in params])


def test_parameters_at_different_step_counts_take_torchs_step() -> None:
    params, _ = _twins()
    optimizer = torch.optim.Adam(params, lr=0.01)
    fast = adam_step_for(optimizer)
    assert fast is not None and fast.step(params, [torch.ones_like(p) for p in params])
    optimizer.state[params[0]]["step"] += 1
    before = [p.detach().clone() for p in params]
    assert not fast.step(params, [torch.ones_like(p) for p in params])
    assert all(torch.equal(a, b) for a, b in zip(params, before))


def test_parameters_of_mixed_dtypes_or_off_the_cpu_get_no_fast_step() -> None:
    mixed = [nn.Parameter(torch.zeros(3)), nn.Parameter(torch.zeros(3, dtype=torch.float64))]
    meta = [nn.Parameter(torch.zeros(3, device="meta"))]
    complex_ = [nn.Parameter(torch.zeros(3, dtype=torch.complex64))]
    for params in (mixed, meta, complex_):
        assert adam_step_for(torch.optim.Adam(params)) is None
    assert adam_step_for(torch.optim.RMSprop([nn.Parameter(torch.zeros(3))])) is None


def test_only_the_torch_release_it_was_checked_against_gets_the_fast_step(monkeypatch: pytest.MonkeyPatch) -> None:
    assert torch_verified("2.14.1") and torch_verified("2.14.1+cpu") and not torch_verified("2.15.0")
    monkeypatch.setattr(torch, "__version__", "2.15.0")
    assert adam_step_for(torch.optim.Adam([nn.Parameter(torch.zeros(3))])) is None


def test_a_parameter_without_a_gradient_is_left_as_torch_leaves_it() -> None:
    """The autograd path's step (step_from_grads) steps only parameters with a gradient; the
    others get no state, as with torch."""
    ours, theirs = _twins()
    ours_opt, theirs_opt = torch.optim.Adam(ours, lr=0.1), torch.optim.Adam(theirs, lr=0.1)
    fast = adam_step_for(ours_opt)
    assert fast is not None
    for _ in range(5):
        for a, b in zip(ours[1:], theirs[1:]):
            a.grad, b.grad = torch.full_like(a, 0.3), torch.full_like(b, 0.3)
        assert step_from_grads(fast)
        theirs_opt.step()
    assert torch.equal(ours[0], theirs[0]) and ours[0] not in ours_opt.state
    for a, b in zip(ours[1:], theirs[1:]):
        assert torch.equal(a, b) and torch.equal(ours_opt.state[a]["exp_avg_sq"], theirs_opt.state[b]["exp_avg_sq"])


def _moons(optimizer: str, batch_size: int = 32, clip_grad: float = 0.0) -> RunConfig:
    return RunConfig(ModelConfig(hidden=[8, 8], output_activation="none"),
                     DataConfig(dataset="moons", samples=300, noise=0.1, batch_size=batch_size),
                     TrainConfig(loss="bce_logits", optimizer=optimizer, lr=0.01, epochs=3, weight_decay=0.001,
                                 clip_grad=clip_grad))


@pytest.mark.parametrize(("optimizer", "batch_size", "clip_grad"), [
    ("adam", 32, 0.0), ("adamw", 32, 0.0), ("adam", 0, 0.0), ("adam", 32, 0.05)],
    ids=["adam", "adamw", "full-batch", "clipped"])
def test_a_trainer_ends_where_torchs_step_ends(optimizer: str, batch_size: int, clip_grad: float) -> None:
    """Epochs with the fast steps and with autograd plus torch's Adam: same losses, weights, state."""
    fast, slow = Trainer(_moons(optimizer, batch_size, clip_grad)), Trainer(_moons(optimizer, batch_size, clip_grad))
    assert fast._fast_step is not None and fast._fast_step.adam is not None
    slow._fast_step, slow._adam = None, None
    for _ in range(3):
        assert fast.train_epoch() == slow.train_epoch()
    _assert_same(fast.optimizer, slow.optimizer, "after three epochs")


def test_the_autograd_path_steps_as_torchs_adam() -> None:
    """A trainer without the MLP step (as a CNN or a user's module trains) and its Adam step."""
    ours, theirs = Trainer(_moons("adam")), Trainer(_moons("adam"))
    ours._fast_step = theirs._fast_step = None
    theirs._adam = None
    for _ in range(2):
        assert ours.train_epoch() == theirs.train_epoch()
    _assert_same(ours.optimizer, theirs.optimizer, "after two epochs")


def test_state_made_in_an_inference_mode_epoch_can_be_stepped_by_torch_later() -> None:
    trainer = Trainer(_moons("adam"))
    assert trainer._fast_step is not None and trainer._fast_step.inference_safe
    trainer.train_epoch()
    state = trainer.optimizer.state
    assert state and not any(s[key].is_inference() for s in state.values() for key in STATE_KEYS)
    for p in trainer.model.parameters():
        p.grad = torch.ones_like(p)
    trainer.optimizer.step()  # in place, outside inference mode


def test_clipping_keeps_the_epoch_out_of_inference_mode() -> None:
    trainer = Trainer(_moons("adam", clip_grad=0.5))
    assert trainer._fast_step is not None and not trainer._fast_step.inference_safe


def test_the_verified_release_is_the_one_installed_here() -> None:
    """Otherwise every Adam run here would silently take torch's slower step."""
    assert adam_step.torch_verified(), f"torch {torch.__version__}: check engine.models.adam_step against it"
