"""A stop that lands inside a minibatch epoch leaves the trainer in a state an uninterrupted run
passed through: a short epoch is finished, a long one rolled back to its start. Its checkpoint
then resumes to exactly the uninterrupted run's weights."""

from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop import trainer as trainer_module
from engine.loop.state import restore_state, training_state
from engine.loop.trainer import Trainer

EXAMPLES = Path(__file__).parent.parent / "examples"
# A user Dataset over the memory bound (patched tiny below): it streams through a DataLoader.
STREAMED = {"data.dataset": "module", "data.module": f"{EXAMPLES}/data.py:circle", "data.args": {"size": 160},
            "data.batch_size": 16, "train.loss": "bce_logits", "model.output_activation": "none"}

CASES = {  # preset, overrides: shuffled minibatches, an MLP on tensors, a CNN and a user set through DataLoaders
    "moons-mlp": ("moons", {"train.epochs": 6}),
    "spiral-mlp-adam": ("spiral", {"train.epochs": 4}),
    "shapes-cnn": ("shapes", {"train.epochs": 3, "data.samples": 160, "train.device": "cpu"}),
    "moons-onecycle": ("moons", {"train.epochs": 6, "train.schedule": "onecycle"}),  # its lr moves every batch
    "streamed-user-set": ("circle", {**STREAMED, "train.epochs": 4}),
}


@pytest.fixture(autouse=True)
def _user_sets_stream(monkeypatch):
    """Every user data set is over the memory bound, so the streamed cases stream (the others have none)."""
    from engine.data import user_set

    monkeypatch.setattr(user_set, "memory_bound", lambda: 32)


def _trainer(case: str) -> Trainer:
    preset, overrides = CASES[case]
    return Trainer(with_values(preset_config(preset), overrides))


def _weights(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def _stop_after(batches: int):
    """A should_stop that answers True from the (batches + 1)-th check of an epoch on."""
    seen = {"checks": 0}

    def should_stop() -> bool:
        seen["checks"] += 1
        return seen["checks"] > batches

    return should_stop


def _uninterrupted(case: str, epochs: int) -> list[dict[str, torch.Tensor]]:
    trainer = _trainer(case)
    states = [_weights(trainer)]
    for _ in range(epochs):
        trainer.train_epoch()
        states.append(_weights(trainer))
    return states


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("batches", [1, 3])
def test_a_stop_inside_a_long_epoch_rolls_back_to_its_start(case: str, batches: int, monkeypatch) -> None:
    """With every epoch counted as long, a stop after some batches of epoch 2 returns None and leaves
    the weights of epoch 1, the epoch count at 1."""
    monkeypatch.setattr(trainer_module, "ROLLBACK_AFTER_S", 0.0)
    reference = _uninterrupted(case, 2)
    trainer = _trainer(case)
    assert trainer.train_epoch() is not None
    assert trainer.train_epoch(_stop_after(batches)) is None
    assert trainer.epoch == 1
    assert _same(_weights(trainer), reference[1])


@pytest.mark.parametrize("case", CASES)
def test_a_stop_inside_a_short_epoch_finishes_it(case: str, monkeypatch) -> None:
    """With every epoch counted as short, the stop is left to the epoch's end: epoch 2 completes
    and the weights are those of an uninterrupted second epoch."""
    monkeypatch.setattr(trainer_module, "ROLLBACK_AFTER_S", float("inf"))
    reference = _uninterrupted(case, 2)
    trainer = _trainer(case)
    trainer.train_epoch()
    assert trainer.train_epoch(_stop_after(1)) is not None
    assert trainer.epoch == 2
    assert _same(_weights(trainer), reference[2])


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("rollback", [True, False])
def test_the_checkpoint_of_an_interrupted_epoch_resumes_to_the_uninterrupted_weights(case: str, rollback: bool,
                                                                                   monkeypatch) -> None:
    """Stop inside epoch 2 (rolled back or finished), checkpoint, restore into a fresh trainer and
    train to the end: the weights equal an uninterrupted run's, bit for bit."""
    monkeypatch.setattr(trainer_module, "ROLLBACK_AFTER_S", 0.0 if rollback else float("inf"))
    epochs = CASES[case][1]["train.epochs"]
    reference = _uninterrupted(case, epochs)
    trainer = _trainer(case)
    trainer.train_epoch()
    trainer.train_epoch(_stop_after(2))
    state = training_state(trainer)
    resumed = _trainer(case)
    restore_state(resumed, state, "checkpoint.pt")
    while resumed.epoch < epochs:
        resumed.train_epoch()
    assert _same(_weights(resumed), reference[epochs])


# -- The sweep: whole runs stopped where hypothesis says, resumed from their folder ---------------
#
# A run is stopped (as Ctrl+C, SIGTERM and SIGHUP stop it) or crashes (as kill -9 leaves it: the
# last periodic checkpoint, no final one) at an epoch and a phase hypothesis picks, resumed from
# what its folder then holds, interrupted again, and resumed to the end. Its final weights, status
# and best epoch must be those of the same run uninterrupted, bit for bit.

SWEEP = {  # full batch and minibatch, MLP and CNN, every schedule, early stopping and the best weights
    "step-full-batch-lr-to-zero": ("circle", {"train.epochs": 6, "train.schedule": "step",
                                              "train.schedule_step_size": 1, "train.schedule_gamma": 1e-300}),
    "step-minibatch": ("moons", {"train.epochs": 6, "train.schedule": "step", "train.schedule_step_size": 2}),
    "cosine-full-batch": ("circle", {"train.epochs": 7, "train.schedule": "cosine"}),
    "onecycle-minibatch": ("moons", {"train.epochs": 5, "train.schedule": "onecycle"}),
    "plateau-full-batch": ("circle", {"train.epochs": 8, "train.schedule": "plateau", "train.schedule_patience": 0,
                                      "train.lr": 2.0}),
    "early-stop-best-minibatch": ("spiral", {"train.epochs": 8, "train.early_stop": 1, "train.keep_best": True,
                                             "train.restore_best": True, "train.log_interval": 3}),
    "cnn-step-best": ("shapes", {"train.epochs": 3, "data.samples": 96, "data.batch_size": 32, "train.device": "cpu",
                                 "train.schedule": "step", "train.schedule_step_size": 1, "train.keep_best": True}),
    "streamed-onecycle-best": ("circle", {**STREAMED, "train.epochs": 5, "train.schedule": "onecycle",
                                          "train.keep_best": True, "train.early_stop": 2}),
}

# Where a stop lands in epoch `epoch`: before it starts, after some of its batches (the epoch then
# rolled back or finished), after its EpochEnded event (with its schedule step and lr event), while
# it is held by a pause, or a crash right after a periodic checkpoint was taken.
PHASES = ("before", "inside-rolled-back", "inside-finished", "after-event", "held", "crash-after-checkpoint")


def _sweep_config(case: str):
    preset, overrides = SWEEP[case]
    return with_values(preset_config(preset), {"train.log_interval": 2, **overrides})


def _final(session) -> tuple[dict[str, torch.Tensor], str, int | None, int]:
    result = session.result
    assert result is not None and not hasattr(result, "traceback"), getattr(result, "message", result)
    return _weights(session.trainer), result.status, result.best_epoch, result.epoch


_REFERENCES: dict[str, tuple] = {}


def _reference(case: str) -> tuple:
    """The uninterrupted run, without a folder (computed once per case)."""
    from engine.loop.session import TrainingSession

    if case not in _REFERENCES:
        session = TrainingSession(_sweep_config(case), snapshot_interval_s=None, eval_interval_s=None)
        session.start()
        assert session.join(120)
        _REFERENCES[case] = _final(session)
    return _REFERENCES[case]


class _Interrupter:
    """A listener that interrupts its session at (epoch, phase), on the engine thread."""

    def __init__(self, epoch: int, phase: str, batches: int):
        self.epoch, self.phase, self.batches = epoch, phase, batches
        self.session = None
        self.recorder = None
        self.held = False
        self.crashed = False

    def __call__(self, event) -> None:
        from engine.loop.events import EpochEnded, Held, RunStarted

        session = self.session
        if isinstance(event, RunStarted):
            self._wrap_steps(session.trainer)
        elif isinstance(event, Held) and self.phase == "held":
            self.held = True
            session.stop()
        elif type(event) is EpochEnded:
            if self.phase == "before" and event.epoch == self.epoch - 1:
                session.stop()
            elif self.phase == "after-event" and event.epoch == self.epoch:
                session.stop()
            elif self.phase == "held" and event.epoch == self.epoch:
                session.pause()
            elif self.phase == "crash-after-checkpoint" and event.epoch == self.epoch:
                self.recorder._want_state = True  # the writer's periodic checkpoint, due at the next epoch
            elif self.phase == "crash-after-checkpoint" and event.epoch == self.epoch + 1:
                self.crashed = True
                raise RuntimeError("crash")  # the run ends failed: no final checkpoint, as after kill -9

    def _wrap_steps(self, trainer) -> None:
        if not self.phase.startswith("inside"):
            return
        step, seen = trainer._train_step, {"batches": 0}

        def counted(xb, yb):
            loss = step(xb, yb)
            if trainer.epoch == self.epoch - 1:  # within epoch `self.epoch`
                seen["batches"] += 1
                if seen["batches"] == self.batches:
                    self.session.stop()
            return loss

        trainer._train_step = counted


def _segment(config, folder, resume, stop: tuple[int, str, int] | None):
    """One stretch of the run, recorded in `folder`; interrupted at `stop` where given."""
    from engine.loop.session import TrainingSession
    from engine.runs.recorder import RunRecorder

    interrupter = _Interrupter(*stop) if stop is not None else None
    session = TrainingSession(config, interrupter, snapshot_interval_s=None, eval_interval_s=None, resume=resume)
    recorder = RunRecorder(folder, session, checkpoint_every_s=1e9).open(continuing=resume is not None)
    if interrupter is not None:
        interrupter.session, interrupter.recorder = session, recorder
    session.start()
    assert session.join(120)
    assert recorder.close(30) and not recorder.errors, recorder.errors
    return session, interrupter


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
@pytest.mark.parametrize("case", SWEEP)
def test_a_run_interrupted_anywhere_twice_resumes_to_the_uninterrupted_weights(case: str, data, tmp_path) -> None:
    from engine.runs.folder import load_run

    epochs = SWEEP[case][1]["train.epochs"]
    stops = data.draw(st.lists(st.tuples(st.integers(1, epochs), st.sampled_from(PHASES), st.integers(1, 3)),
                               min_size=1, max_size=2), label="stops (epoch, phase, batches)")
    folder = Path(tempfile.mkdtemp(dir=tmp_path))  # one per example: hypothesis reuses tmp_path
    config, resume = _sweep_config(case), None
    for stop in stops:
        rollback = 0.0 if stop[1] == "inside-rolled-back" else float("inf")
        with mock.patch.object(trainer_module, "ROLLBACK_AFTER_S", rollback):
            session, interrupter = _segment(config, folder, resume, stop)
        if not interrupter.crashed and session.result.status in ("completed", "early-stopped"):
            break  # it ended before the stop was due
        resume = load_run(folder)
        config = resume.config
    else:
        session, _ = _segment(config, folder, resume, None)
    weights, status, best_epoch, epoch = _final(session)
    want_weights, want_status, want_best, want_epoch = _reference(case)
    assert (status, epoch, best_epoch) == (want_status, want_epoch, want_best)
    assert _same(weights, want_weights)
