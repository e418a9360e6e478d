"""The threaded loop does what its controls say: pause, step, stop, reset, learning-rate changes,
and it ends as diverged or failed rather than raising."""

from __future__ import annotations

import time

import torch

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.schema import RunConfig
from engine.loop.events import EpochEnded, RunFailed, RunFinished, RunStarted, Snapshot
from engine.loop.session import TrainingSession
from tests.helpers import Recorder, train


def long_circle(epochs: int = 1_000_000) -> RunConfig:
    return with_values(preset_config("circle"), {"train.epochs": epochs})


def started_session(config: RunConfig, **options) -> tuple[TrainingSession, Recorder]:
    recorder = Recorder()
    session = TrainingSession(config, recorder, **options)
    session.start()
    return session, recorder


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_run_reports_start_epochs_and_completion(quick_circle: RunConfig) -> None:
    """A run reports RunStarted, one EpochEnded per epoch and RunFinished(completed)."""
    recorder = train(quick_circle)
    assert isinstance(recorder.events[0], RunStarted)
    assert [e.epoch for e in recorder.epochs] == [1, 2, 3, 4, 5]
    assert recorder.end.status == "completed"


def test_started_event_has_summary_and_parameter_count(quick_circle: RunConfig) -> None:
    """RunStarted carries print(model) and the parameter count (2*4+4 + 4*1+1 = 17)."""
    started = train(quick_circle).of(RunStarted)[0]
    assert "Linear(in_features=2, out_features=4" in started.summary
    assert started.parameter_count == 17


def test_pause_holds_the_epoch() -> None:
    """After pause the epoch count stays put."""
    session, _ = started_session(long_circle())
    wait_for(lambda: len(session.history) >= 3)
    session.pause()
    assert session.wait_until_held()
    held = len(session.history)
    time.sleep(0.2)
    assert len(session.history) == held
    assert session.state == "paused"
    session.stop()
    session.join(5)


def test_step_trains_exactly_one_epoch() -> None:
    """Each step from a paused run adds exactly one epoch."""
    session, _ = started_session(long_circle())
    session.pause()
    session.wait_until_held()
    before = len(session.history)
    for expected in (before + 1, before + 2):
        session.step()
        assert session.wait_until_held()
        assert len(session.history) == expected
    session.stop()
    session.join(5)


def test_step_from_idle_trains_the_first_epoch_only() -> None:
    """Stepping a run that was never started builds it and trains epoch 1, then holds."""
    recorder = Recorder()
    session = TrainingSession(long_circle(), recorder)
    session.step()
    wait_for(lambda: len(session.history) == 1)
    assert session.wait_until_held()
    time.sleep(0.1)
    assert [e.epoch for e in recorder.epochs] == [1]
    session.stop()
    session.join(5)


def test_stop_finishes_as_stopped() -> None:
    """Stop ends a running run promptly with status stopped."""
    session, recorder = started_session(long_circle())
    wait_for(lambda: len(session.history) >= 2)
    session.stop()
    assert session.join(2)
    assert recorder.end.status == "stopped"


def test_reset_returns_to_idle_and_the_next_run_starts_fresh() -> None:
    """After reset the history is empty and a new start repeats the same first losses."""
    session, recorder = started_session(long_circle())
    wait_for(lambda: len(session.history) >= 5)
    first = list(session.history.train_loss[:3])
    session.reset()
    assert session.state == "idle" and len(session.history) == 0
    session.start()
    wait_for(lambda: len(session.history) >= 3)
    assert list(session.history.train_loss[:3]) == first
    session.stop()
    session.join(5)


def test_learning_rate_change_applies_from_the_next_epoch() -> None:
    """set_lr during a run shows in later epochs' lr without a reset."""
    session, recorder = started_session(long_circle())
    wait_for(lambda: len(session.history) >= 2)
    session.set_lr(0.5)
    wait_for(lambda: any(e.lr == 0.5 for e in recorder.epochs))
    session.stop()
    session.join(5)
    lrs = [e.lr for e in recorder.epochs]
    first_new = lrs.index(0.5)
    assert set(lrs[:first_new]) == {0.1} and set(lrs[first_new:]) == {0.5}


def test_huge_learning_rate_diverges_with_a_hint() -> None:
    """A non-finite loss ends the run as diverged, naming the epoch and the learning rate."""
    config = with_values(preset_config("linreg"), {"train.lr": 50.0})
    end = train(config).end
    assert isinstance(end, RunFinished) and end.status == "diverged"
    assert f"epoch {end.epoch}" in end.message and "lower the learning rate" in end.message


def test_engine_error_ends_as_failed() -> None:
    """An exception inside the training thread is reported as RunFailed, not raised."""
    config = with_values(preset_config("circle"), {"train.device": "cuda"})
    import torch

    if torch.cuda.is_available():  # pragma: no cover - only on a GPU machine
        return
    end = train(config).end
    assert isinstance(end, RunFailed) and "cuda" in end.error


def test_snapshots_carry_the_boundary_grid(quick_circle: RunConfig) -> None:
    """2-D classifiers report one probability plane per class, of the requested size."""
    recorder = train(quick_circle, snapshot_interval_s=0.0, boundary_size=(12, 7))
    planes = recorder.of(Snapshot)[-1].boundary.probabilities
    assert len(planes) == 2 and len(planes[0]) == 7 and len(planes[0][0]) == 12
    assert all(abs(p0 + p1 - 1) < 1e-5 for r0, r1 in zip(*planes) for p0, p1 in zip(r0, r1))


def test_minibatches_with_drop_last_see_whole_batches_only() -> None:
    """With drop_last each epoch trains floor(n / batch) batches; without, one more."""
    from engine.loop.trainer import Trainer

    base = with_values(preset_config("moons"), {"data.samples": 100, "data.batch_size": 32})
    assert Trainer(with_values(base, {"data.drop_last": True})).batches_per_epoch() == 3
    assert Trainer(base).batches_per_epoch() == 4


def test_shuffle_changes_the_order_but_not_the_seeded_result() -> None:
    """Shuffled minibatch runs repeat exactly under one seed and differ from unshuffled ones."""
    base = with_values(preset_config("moons"), {"train.epochs": 3})
    a = [e.train_loss for e in train(base).epochs]
    b = [e.train_loss for e in train(base).epochs]
    c = [e.train_loss for e in train(with_values(base, {"data.shuffle": False})).epochs]
    assert a == b and a != c


def test_epoch_events_carry_plain_values(quick_circle: RunConfig) -> None:
    """Events hold floats and ints only, never tensors."""
    for event in train(quick_circle).of(EpochEnded):
        for value in (event.train_loss, event.test_loss, event.test_accuracy, event.samples_per_s):
            assert value is None or type(value) is float


class ScriptedLoss(torch.nn.Module):
    """A loss that reports a scripted value per call, as Lightning's divergence tests do; one call
    may also make every gradient infinite while the loss stays finite."""

    def __init__(self, values, infinite_gradient_at=None):
        super().__init__()
        self.values, self.calls, self.infinite_gradient_at = list(values), 0, infinite_gradient_at

    def forward(self, outputs, targets):
        value = self.values[min(self.calls, len(self.values) - 1)]
        self.calls += 1
        if self.calls == self.infinite_gradient_at:
            outputs = InfiniteGradient.apply(outputs)
        return (outputs - targets).pow(2).mean() * 0 + value + outputs.sum() * 1e-3


class InfiniteGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        return grad * float("inf")


def scripted(monkeypatch, loss: ScriptedLoss, **changes) -> RunConfig:
    """A full-batch linreg run without a test set whose loss is `loss`."""
    import engine.loop.trainer

    monkeypatch.setattr(engine.loop.trainer, "make_loss", lambda task: loss)
    return with_values(preset_config("linreg"), {"data.test_fraction": 0.0, "train.epochs": 10,
                                                 "train.log_interval": 1, **changes})


def test_scripted_nan_loss_stops_at_that_epoch(monkeypatch) -> None:
    """A NaN in the loss sequence ends the run as diverged at exactly that epoch."""
    end = train(scripted(monkeypatch, ScriptedLoss([1.0, 0.9, 0.8, float("nan"), 0.5]))).end
    assert end.status == "diverged" and end.epoch == 4 and "the loss became nan at epoch 4" in end.message


def test_infinite_gradient_with_finite_loss_is_caught_at_the_next_check(monkeypatch) -> None:
    """Weights made non-finite by a gradient are reported as diverged, naming the cause."""
    end = train(scripted(monkeypatch, ScriptedLoss([1.0], infinite_gradient_at=3))).end
    assert end.status == "diverged" and end.epoch == 3
    assert "weights became non-finite by epoch 3" in end.message and "clip" in end.message


def test_clipping_refuses_a_non_finite_gradient_norm(monkeypatch) -> None:
    """With clip_grad set, an infinite gradient norm stops the run in that epoch instead of NaN-ing the weights."""
    end = train(scripted(monkeypatch, ScriptedLoss([1.0], infinite_gradient_at=2), **{"train.clip_grad": 1.0})).end
    assert end.status == "diverged" and end.epoch == 1
    assert "gradient norm became non-finite in epoch 2" in end.message


def test_clipping_bounds_the_gradient_norm() -> None:
    """After a clipped step no gradient norm exceeds clip_grad."""
    from engine.loop.trainer import Trainer

    trainer = Trainer(with_values(preset_config("linreg"), {"train.clip_grad": 0.01, "train.lr": 0.5}))
    trainer.train_epoch()
    norm = torch.linalg.vector_norm(torch.stack([p.grad.norm() for p in trainer.model.parameters()]))
    assert norm <= 0.01 + 1e-6
