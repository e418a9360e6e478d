"""A checkpoint's lr-schedule and best-epoch states are checked before a resumed run takes them: a
spoiled or missing one is refused in one line naming the field (exit 2), and the folder is left
as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from tests.helpers import assert_one_line_exit
from tui.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory) -> Path:
    """A moons run with a step schedule and the best weights, 3 epochs of what may become more."""
    folder = tmp_path_factory.mktemp("runs") / "moons"
    result = runner.invoke(app, ["run", "--preset", "moons", "--epochs", "3", "--schedule", "step",
                                 "--schedule-step-size", "2", "--keep-best", "--save", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _copy(saved_run: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    folder.mkdir()
    for part in saved_run.iterdir():
        (folder / part.name).write_bytes(part.read_bytes())
    return folder


def _spoiled(state: dict, field: str, change) -> dict:
    section, _, key = field.partition(".")
    if not key:
        state[section] = change(state[section])
    else:
        state[section][key] = change(state[section][key])
    return state


SPOILED = {
    "schedule-setting": ("schedule.step_size", lambda v: 5, "schedule.step_size: 5 differs from the run's"),
    "schedule-progress": ("schedule.last_epoch", lambda v: -4, "schedule.last_epoch: must be a whole number >= 0"),
    "schedule-last-lr": ("schedule._last_lr", lambda v: [float("nan")], "schedule._last_lr: must be 1 finite"),
    "schedule-foreign": ("schedule", lambda v: {"T_max": 3}, "schedule: not the state of the step schedule"),
    "schedule-missing": ("schedule", lambda v: None, "schedule: the checkpoint holds no schedule's state"),
    "schedule-not-a-dict": ("schedule", lambda v: [1, 2], "schedule: must be a state dict"),
    "best-epoch": ("best.epoch", lambda v: 99, "best.epoch: must be a whole number from 0 to 3"),
    "best-loss": ("best.loss", lambda v: float("nan"), "best.loss: must be a number"),
    "best-weights-nan": ("best.weights", lambda w: {k: torch.full_like(t, float("nan")) for k, t in w.items()},
                         "holds non-finite values"),
    "best-weights-shape": ("best.weights", lambda w: {k: t[:1] for k, t in w.items()}, "must be a tensor of shape"),
    "best-missing": ("best", lambda v: None, "best: the checkpoint holds no best epoch's state"),
}


@pytest.mark.parametrize("name", SPOILED)
def test_a_spoiled_schedule_or_best_state_is_refused_naming_it(name: str, saved_run: Path, tmp_path: Path) -> None:
    """Each part of the toolkit's state is checked against the run before it is used."""
    folder = _copy(saved_run, tmp_path)
    field, change, words = SPOILED[name]
    state = torch.load(folder / "checkpoint.pt", weights_only=True)
    torch.save(_spoiled(state, field, change), folder / "checkpoint.pt")
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert_one_line_exit(runner.invoke(app, ["run", "--resume", str(folder), "--epochs", "5"]), 2, "checkpoint.pt",
                         words)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_the_unspoiled_checkpoint_resumes(saved_run: Path, tmp_path: Path) -> None:
    """The same folder, untouched, resumes (the refusals above are the spoiling's)."""
    folder = _copy(saved_run, tmp_path)
    result = runner.invoke(app, ["run", "--resume", str(folder), "--epochs", "5"])
    assert result.exit_code == 0, result.output


def test_a_step_run_whose_lr_fell_to_zero_resumes(tmp_path: Path) -> None:
    """StepLR's gamma**n underflows to 0 in a long run (0.1 * 0.1**324 epochs in); the checkpoint
    of such a run is one an uninterrupted run passed through, so it resumes (issue 26)."""
    folder = tmp_path / "run"
    first = runner.invoke(app, ["run", "--preset", "circle", "--epochs", "3", "--schedule", "step",
                                "--schedule-step-size", "1", "--schedule-gamma", "1e-300", "--save", str(folder)])
    assert first.exit_code == 0, first.output
    assert torch.load(folder / "checkpoint.pt", weights_only=True)["lr"] == 0.0
    resumed = runner.invoke(app, ["run", "--resume", str(folder), "--epochs", "5"])
    assert resumed.exit_code == 0, resumed.output
