"""Headless runs under signals, in real processes: SIGTERM and SIGHUP stop a run at an epoch
boundary, save it and exit with 128 + the signal, like Ctrl+C; after kill -9 the folder reads as
crashed and resumes from its last checkpoint. Either way the resumed run ends with exactly the
parameters of an uninterrupted one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from engine.runs.controls import send_control
from engine.runs.status import read_run

NNTUI = [sys.executable, "-m", "tui.cli"]
LONG_RUN = ["run", "-p", "moons", "--epochs", "100000000", "--log-interval", "50"]


def _start(folder: Path, *extra: str) -> subprocess.Popen:
    process = subprocess.Popen([*NNTUI, *LONG_RUN, "--save", str(folder), *extra], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # trained a few logged epochs: past the first checkpoint
        line = process.stdout.readline()
        if line.startswith("Epoch [150/"):
            return process
    process.kill()
    pytest.fail("the run printed no epochs")


def _finished(args: list[str]) -> dict:
    done = subprocess.run([*NNTUI, *args, "--json"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def _resume_equals_uninterrupted(folder: Path, done: int, tmp_path: Path) -> None:
    total = done + 30
    resumed = _finished(["run", "--resume", str(folder), "--epochs", str(total)])
    whole = _finished(["run", "-p", "moons", "--epochs", str(total), "--save", str(tmp_path / "whole")])
    assert resumed["epoch"] == whole["epoch"] == total
    assert resumed["parameters"] == whole["parameters"]
    a = torch.load(folder / "model.pt", weights_only=True)
    b = torch.load(tmp_path / "whole" / "model.pt", weights_only=True)
    assert all(torch.equal(a[name], b[name]) for name in b)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stopping_signal_saves_the_run_and_exits_128_plus_it(signum: int, tmp_path: Path) -> None:
    folder = tmp_path / "run"
    process = _start(folder)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, err
    assert "Run stopped after" in out
    run = read_run(folder)
    assert run.status == "stopped"
    checkpoint = torch.load(folder / "checkpoint.pt", weights_only=True)
    assert checkpoint["epoch"] == run.epochs_done  # a boundary the run passed through
    _resume_equals_uninterrupted(folder, run.epochs_done, tmp_path)


def test_kill_9_reads_as_crashed_and_resumes_from_the_last_checkpoint(tmp_path: Path) -> None:
    """Paused (a checkpoint is written at a pause), resumed, then killed without a chance to save:
    the folder reads as crashed, and --resume continues from the pause's checkpoint exactly."""
    folder = tmp_path / "run"
    process = _start(folder)
    send_control(folder, "pause")
    deadline = time.monotonic() + 30
    while read_run(folder).status != "paused" and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the writer commits the pause's checkpoint right after the pause record
    paused_at = torch.load(folder / "checkpoint.pt", weights_only=True)["epoch"]
    send_control(folder, "resume")
    while read_run(folder).status != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    run = read_run(folder)
    assert run.status == "crashed"
    assert run.epochs_done > paused_at  # rows past the checkpoint: cut when it resumes
    (folder / ".model.pt.orphan.tmp").write_bytes(b"half a save")  # as a kill in mid-save leaves
    _resume_equals_uninterrupted(folder, paused_at, tmp_path)
    assert not list(folder.glob(".*.tmp"))  # the resumed run's first save cleaned it up


def test_a_signal_during_the_last_save_lets_the_completed_run_finish_saving(monkeypatch, tmp_path: Path) -> None:
    """SIGTERM while the recorder writes the end of a completed run (a large model's save takes a
    second) is only noted: the folder reads completed with its final checkpoint, and the exit is 0.
    Raised there, it left the run crashed at its previous checkpoint or aborted the process."""
    from typer.testing import CliRunner

    from engine.runs.recorder import RunRecorder
    from tui.cli.main import app

    close = RunRecorder.close

    def close_under_a_signal(self, timeout=None):
        os.kill(os.getpid(), signal.SIGTERM)
        return close(self, timeout)

    monkeypatch.setattr(RunRecorder, "close", close_under_a_signal)
    folder = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", "-p", "circle", "--epochs", "5", "--save", str(folder)])
    assert result.exit_code == 0 and result.exception is None, result.output
    assert read_run(folder).status == "completed"
    assert torch.load(folder / "checkpoint.pt", weights_only=True)["epoch"] == 5


def test_a_signal_that_comes_as_the_run_completes_exits_as_completed(monkeypatch, tmp_path: Path) -> None:
    """The exit code agrees with the record: a signal taken just as the end arrived did not stop
    the run (recorded completed, nothing to resume), so it exits 0, not 143."""
    from typer.testing import CliRunner

    from engine.loop.events import RunFinished
    from tui.cli import headless
    from tui.cli.interrupts import Interrupted
    from tui.cli.main import app

    show = headless._show

    def show_then_signal(event, printer, outcome, err):
        show(event, printer, outcome, err)
        if isinstance(event, RunFinished):
            raise Interrupted(signal.SIGTERM)

    monkeypatch.setattr(headless, "_show", show_then_signal)
    folder = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", "-p", "circle", "--epochs", "5", "--save", str(folder)])
    assert read_run(folder).status == "completed"
    assert result.exit_code == 0, result.output
