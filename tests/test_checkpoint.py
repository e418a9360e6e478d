"""Checkpoints and resume: a resumed run ends where an uninterrupted one does, saves are atomic,
and bad checkpoint files are refused with the file named."""

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
from typer.testing import CliRunner

from engine.errors import CheckpointError
from engine.files.atomic import write_atomic
from engine.runs.checkpoint import load_checkpoint
from tests.helpers import assert_one_line_exit
from tui.cli.main import app

runner = CliRunner()


def finished(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


@pytest.mark.parametrize("preset,stop_at,total", [("circle", 40, 100), ("linreg", 300, 1000), ("moons", 7, 20)])
def test_resumed_run_ends_with_the_uninterrupted_parameters(preset: str, stop_at: int, total: int,
                                                            tmp_path: Path) -> None:
    """Stopping after k epochs and resuming to N gives exactly the parameters of one N-epoch run."""
    run = str(tmp_path / "run")
    first = runner.invoke(app, ["run", "--preset", preset, "--epochs", str(stop_at), "--save", run, "--json"])
    assert first.exit_code == 0, first.output
    resumed = runner.invoke(app, ["run", "--resume", run, "--epochs", str(total), "--json"])
    whole = runner.invoke(app, ["run", "--preset", preset, "--epochs", str(total), "--json"])
    a, b = finished(resumed.output), finished(whole.output)
    assert a["epoch"] == b["epoch"] == total
    if a["parameters"] is None:  # too large to list: compare the saved weights instead
        saved = torch.load(Path(run) / "model.pt", weights_only=True)
        assert saved and a["train_loss"] == b["train_loss"]
    else:
        assert a["parameters"] == b["parameters"]
    assert len((Path(run) / "metrics.csv").read_text().splitlines()) == total + 1


@pytest.mark.parametrize("device", ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(
    not torch.cuda.is_available(), reason="needs a CUDA GPU"))])
def test_an_augmented_image_run_resumes_exactly(tmp_path: Path, device: str) -> None:
    """Shuffled, randomly rotated and flipped image batches continue where they stopped: the
    checkpoint carries the states of the shuffling and augmentation generators (on the GPU too)."""
    common = ["--preset", "shapes", "--samples", "200", "--rotation", "15", "--hflip", "--resized-crop",
              "--device", device]
    stopped, whole = tmp_path / "stopped", tmp_path / "whole"
    assert runner.invoke(app, ["run", *common, "--epochs", "1", "--save", str(stopped)]).exit_code == 0
    assert runner.invoke(app, ["run", "--resume", str(stopped), "--epochs", "3"]).exit_code == 0
    assert runner.invoke(app, ["run", *common, "--epochs", "3", "--save", str(whole)]).exit_code == 0
    resumed = torch.load(stopped / "model.pt", weights_only=True)
    uninterrupted = torch.load(whole / "model.pt", weights_only=True)
    assert all(torch.equal(resumed[name], uninterrupted[name]) for name in uninterrupted)


def test_checkpoint_loads_with_weights_only(tmp_path: Path) -> None:
    """The checkpoint holds only state dicts and plain values."""
    runner.invoke(app, ["run", "--preset", "sequential", "--save", str(tmp_path / "r")])
    state = torch.load(tmp_path / "r" / "checkpoint.pt", weights_only=True)
    assert state["epoch"] == 50 and "optimizer" in state


@pytest.mark.parametrize("content,reason", [
    (b"", "not a readable checkpoint"),
    (b"PK\x03\x04 truncated zip", "not a readable checkpoint"),
    (b"\x00\xff binary junk" * 10, "not a readable checkpoint"),
])
def test_corrupt_checkpoint_is_refused_naming_the_file(content: bytes, reason: str, tmp_path: Path) -> None:
    """Empty, truncated or foreign bytes raise CheckpointError naming the file."""
    path = tmp_path / "checkpoint.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=reason) as caught:
        load_checkpoint(path)
    assert str(path) in str(caught.value)


def test_any_bytes_are_refused_as_a_checkpoint_never_raised_through(tmp_path: Path) -> None:
    """torch.load on random bytes raises IndexError, KeyError, UnicodeDecodeError and more besides
    the unpickling errors (a flaky hostile-input test found it): all are a refused checkpoint."""
    import random

    path = tmp_path / "checkpoint.pt"
    for seed in range(300):
        path.write_bytes(random.Random(seed).randbytes(256))
        with pytest.raises(CheckpointError, match="not a readable checkpoint"):
            load_checkpoint(path)


def test_foreign_torch_file_is_refused(tmp_path: Path) -> None:
    """A valid torch file that is not an nntui checkpoint is refused as such."""
    torch.save({"weight": torch.zeros(2)}, tmp_path / "checkpoint.pt")
    with pytest.raises(CheckpointError, match="not an nntui checkpoint"):
        load_checkpoint(tmp_path / "checkpoint.pt")


def test_resume_from_a_bad_folder_exits_2(tmp_path: Path) -> None:
    """--resume on a folder without a run is a usage error naming what is missing."""
    result = runner.invoke(app, ["run", "--resume", str(tmp_path)])
    assert result.exit_code == 2 and "config.toml" in result.output


def test_resume_with_a_model_that_does_not_fit_exits_2(tmp_path: Path) -> None:
    """A checkpoint from another architecture (a config.toml edited by hand) is refused as bad input,
    naming the tensor that differs, and the saved run is left as it was."""
    run = tmp_path / "run"
    runner.invoke(app, ["run", "--preset", "circle", "--epochs", "3", "--save", str(run)])
    config = run / "config.toml"
    config.write_text(config.read_text().replace("hidden = [\n    4,\n]", "hidden = [\n    8,\n]"))
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    result = runner.invoke(app, ["run", "--resume", str(run), "--epochs", "5"])
    assert result.exit_code == 2, result.output
    assert "checkpoint.pt: does not fit" in result.stderr and "size mismatch for 0.weight" in result.stderr
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before


def test_resume_refuses_to_change_the_model_naming_the_option(tmp_path: Path) -> None:
    """Options that would change what the weights train on are refused with --resume, naming the
    option and what may change, and the run folder is left as it was."""
    run = tmp_path / "run"
    runner.invoke(app, ["run", "--preset", "circle", "--epochs", "3", "--save", str(run)])
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    result = runner.invoke(app, ["run", "--resume", str(run), "--hidden", "8", "--epochs", "5"])
    assert_one_line_exit(result, 2, "--hidden", "cannot change when resuming", "trained with 4")
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before


@pytest.mark.parametrize("epochs", [[], ["--epochs", "3"], ["--epochs", "2"]])
def test_resume_with_no_epochs_left_exits_2(epochs: list[str], tmp_path: Path) -> None:
    """--resume of a run that has trained its epochs, or with --epochs at or below them, says so."""
    run = tmp_path / "run"
    runner.invoke(app, ["run", "--preset", "circle", "--epochs", "3", "--save", str(run)])
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    result = runner.invoke(app, ["run", "--resume", str(run), *epochs])
    assert_one_line_exit(result, 2, "--epochs", "already trained 3 epochs")
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before


def test_a_resumed_run_says_where_it_resumes_and_trains_at_the_new_lr(tmp_path: Path) -> None:
    """--lr with --resume applies from the first resumed epoch (the metrics record it), and the
    run says where it resumes."""
    run = tmp_path / "run"
    runner.invoke(app, ["run", "--preset", "circle", "--epochs", "3", "--save", str(run)])
    result = runner.invoke(app, ["run", "--resume", str(run), "--epochs", "5", "--lr", "0.5"])
    assert result.exit_code == 0, result.output
    assert "Resuming from epoch 3 of 5 (lr 0.5)" in result.stdout
    rows = (run / "metrics.csv").read_text().splitlines()[1:]
    assert [row.split(",")[-1] for row in rows] == ["0.1", "0.1", "0.1", "0.5", "0.5"]
    assert 'lr = 0.5' in (run / "config.toml").read_text()


def test_interrupted_save_leaves_the_previous_file_intact(tmp_path: Path) -> None:
    """A write that dies half-way leaves the earlier file in place and no temporary behind."""
    target = tmp_path / "model.pt"
    target.write_bytes(b"the good checkpoint")

    def dies_half_way(handle) -> None:
        handle.write(b"half of a new chec")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, dies_half_way)
    assert target.read_bytes() == b"the good checkpoint"
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]


def test_ctrl_c_stops_saves_and_exits_130(tmp_path: Path) -> None:
    """SIGINT during a headless run stops it, saves the run, prints the summary and exits 130."""
    run = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-m", "tui.cli", "run", "--preset", "circle", "--epochs",
                                "100000000", "--log-interval", "1000", "--save", str(run)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=os.getcwd())
    deadline = time.monotonic() + 60
    while process.stdout is not None:
        line = process.stdout.readline()
        if line.startswith("Epoch [") or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert "Run stopped after" in out
    assert (run / "checkpoint.pt").exists()
