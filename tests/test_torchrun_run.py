"""`nntui run --nproc-per-node N` trains under torchrun, in real processes (two ranks on the CPU,
Gloo): it ends with the weights and loss of the `nntui export --ddp` script on as many ranks, a
Ctrl+C to the launcher stops every rank at one epoch and the folder resumes to those same weights,
and a rank killed with kill -9 ends the run as failed, naming it. Those tests start processes (tens
of seconds on a loaded machine) and carry the `torchrun` mark; the refusals below them need none."""

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

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.export.ddp.script import export_ddp_script
from tests.helpers import start_until
from tests.own_code.files import DATA, NET, write
from tests.test_export_ddp import final_loss, torchrun
from tui.cli.main import app

NNTUI = [sys.executable, "-m", "tui.cli"]
EPOCHS = 300
BATCH = 64  # per rank: 4 batches of each rank's 200 samples, 5 collectives an epoch
XOR = ["--preset", "xor", "--epochs", str(EPOCHS), "--log-interval", "50", "--batch-size", str(BATCH)]
ENV = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}


def _run(folder: Path, *extra: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*NNTUI, "run", *XOR, "--nproc-per-node", "2", "--save", str(folder), *extra],
                          capture_output=True, text=True, timeout=timeout, env=ENV)


def _start(folder: Path, *extra: str) -> subprocess.Popen:
    """A two-rank run, returned once rank 0 has printed its first logged epoch."""
    return start_until([*NNTUI, "run", *XOR, "--nproc-per-node", "2", "--save", str(folder), *extra], "Epoch [50/",
                       env=ENV)


def _weights(folder: Path) -> list[torch.Tensor]:
    return list(torch.load(folder / "model.pt").values())


def _end(folder: Path) -> dict:
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if '"event": "end"' in line][-1]


def _start_record(folder: Path) -> dict:
    """The folder's last start record (a resume appends one)."""
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if '"event": "start"' in line][-1]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[torch.Tensor], float]:
    """The DDP export of the same run on two ranks: its final weights and loss."""
    config = with_values(preset_config("xor"), {"train.epochs": EPOCHS, "train.log_interval": 50,
                                                "data.batch_size": BATCH})
    result, weights = torchrun(export_ddp_script(config), tmp_path_factory.mktemp("export"), 2)
    assert result.returncode == 0, result.stderr[-3000:]
    return weights[0], final_loss(result.stdout)


@pytest.mark.torchrun
def test_two_ranks_record_the_numbers_of_the_ddp_export(tmp_path: Path, exported) -> None:
    """xor in shuffled minibatches on two ranks ends on the export's weights, bit for bit, and its
    loss; rank 0 alone prints, and the folder reads as a completed run."""
    result = _run(tmp_path / "run")
    assert result.returncode == 0, result.stderr[-3000:]
    weights, loss = exported
    assert all(torch.equal(a, b) for a, b in zip(_weights(tmp_path / "run"), weights))
    assert _end(tmp_path / "run")["train_loss"] == pytest.approx(loss, rel=1e-6)
    assert result.stdout.count("Recording in") == 1 and result.stdout.count(f"Epoch [{EPOCHS}/") == 1
    assert result.stderr == ""
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # the other rank wrote nothing
    assert _start_record(tmp_path / "run")["world_size"] == 2


@pytest.mark.torchrun
def test_ctrl_c_stops_every_rank_at_one_epoch_and_the_folder_resumes_to_the_same_weights(
        tmp_path: Path, exported) -> None:
    """SIGINT to the launcher ends the run as stopped with exit 130; a plain `--resume FOLDER`
    continues it on the 2 processes its folder recorded, to the weights of the uninterrupted run."""
    folder = tmp_path / "run"
    process = _start(folder)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err[-3000:]
    end = _end(folder)
    assert end["status"] == "stopped" and 50 <= end["epoch"] < EPOCHS
    resumed = subprocess.run([*NNTUI, "run", "--resume", str(folder)], capture_output=True, text=True, timeout=300,
                             env=ENV)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "Resuming on 2 processes under torchrun" in resumed.stderr
    assert _start_record(folder)["world_size"] == 2 and _start_record(folder)["resumed_at"] == end["epoch"]
    assert _end(folder)["status"] == "completed"
    assert all(torch.equal(a, b) for a, b in zip(_weights(folder), exported[0]))


SHAPES = {"train.optimizer": "sgd", "train.momentum": 0.0, "train.lr": 0.05, "data.samples": 64, "train.epochs": 2,
          "train.device": "cpu", "data.batch_size": 8}
SHAPES_OPTIONS = ["--preset", "shapes", "--optimizer", "sgd", "--momentum", "0", "--lr", "0.05", "--samples", "64",
                  "--epochs", "2", "--device", "cpu", "--batch-size", "8"]


@pytest.mark.torchrun
def test_two_ranks_share_out_an_image_set_as_the_ddp_export_does(tmp_path: Path) -> None:
    """The shapes CNN in shuffled, augmented minibatches on two ranks ends on the weights and loss
    of the `--ddp` export on two ranks (each rank's pictures, batches and random flips and turns
    the script's)."""
    config = with_values(preset_config("shapes"), {**SHAPES, "data.hflip": True, "data.rotation": 10.0})
    script, weights = torchrun(export_ddp_script(config), tmp_path / "export", 2)
    assert script.returncode == 0, script.stderr[-3000:]
    folder = tmp_path / "run"
    result = subprocess.run([*NNTUI, "run", *SHAPES_OPTIONS, "--hflip", "--rotation", "10", "--nproc-per-node", "2",
                             "--save", str(folder)],
                            capture_output=True, text=True, timeout=300, env=ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(_weights(folder)) == len(weights[0]) > 0
    assert all(torch.equal(a, b) for a, b in zip(_weights(folder), weights[0]))
    assert _end(folder)["train_loss"] == pytest.approx(final_loss(script.stdout), rel=1e-6)


SCHEDULES = {
    "step": {"train.schedule": "step", "train.schedule_step_size": 10, "train.schedule_gamma": 0.5},
    "plateau": {"train.schedule": "plateau", "train.schedule_patience": 0, "train.schedule_factor": 0.5,
                "train.lr": 0.1},
}


@pytest.mark.torchrun
@pytest.mark.parametrize("name", list(SCHEDULES))
def test_an_epoch_schedule_moves_the_lr_on_every_rank_as_the_ddp_export_does(tmp_path: Path, name: str) -> None:
    """xor in shuffled minibatches on two ranks under a step or plateau schedule (the test loss
    each rank measures) ends on the weights and loss of the `--ddp` export, its lr cut on the way."""
    values = {**SCHEDULES[name], "train.epochs": 40, "train.log_interval": 10, "data.batch_size": BATCH}
    script, weights = torchrun(export_ddp_script(with_values(preset_config("xor"), values)), tmp_path / "export", 2)
    assert script.returncode == 0, script.stderr[-3000:]
    options = [f"--{path.split('.')[1].replace('_', '-')}={value}" for path, value in values.items()]
    folder = tmp_path / "run"
    result = subprocess.run([*NNTUI, "run", "--preset", "xor", *options, "--nproc-per-node", "2", "--save",
                             str(folder)], capture_output=True, text=True, timeout=300, env=ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(_weights(folder)) == len(weights[0]) > 0
    assert all(torch.equal(a, b) for a, b in zip(_weights(folder), weights[0]))
    assert _end(folder)["train_loss"] == pytest.approx(final_loss(script.stdout), rel=1e-6)
    assert '"event": "lr"' in (folder / "events.jsonl").read_text(encoding="utf-8")


# Your module on your Dataset, split, in shuffled minibatches. (nntui's MLP on a (train, test) pair
# in one batch ends equal too, checked once by hand: its data blocks are the plain script's, which
# tests/test_export_user_data.py runs; a case here costs ~20 s on a loaded machine.)
OWN_CODE = ["--module", "{tmp}/net.py:Net", "--module-arg", "hidden=6", "--data-module", "{tmp}/data.py:Points",
            "--data-arg", "size=96", "--loss", "bce_logits", "--batch-size", "16", "--epochs", "20", "--device", "cpu"]


@pytest.mark.torchrun
def test_two_ranks_on_the_user_s_dataset_record_the_numbers_of_the_ddp_export(tmp_path: Path) -> None:
    """A run on your own Dataset on two ranks ends on the weights, bit for bit, and the loss of its
    `--ddp` export on two ranks: every rank imports the files, reads and splits the same items."""
    write(tmp_path, "net.py", NET)
    write(tmp_path, "data.py", DATA)
    options = [option.format(tmp=tmp_path) for option in OWN_CODE]
    exported = CliRunner().invoke(app, ["export", *options, "--ddp", "-o", str(tmp_path / "train.py")])
    assert exported.exit_code == 0, exported.output
    script, weights = torchrun((tmp_path / "train.py").read_text(encoding="utf-8"), tmp_path / "export", 2)
    assert script.returncode == 0, script.stderr[-3000:]
    folder = tmp_path / "run"
    result = subprocess.run([*NNTUI, "run", *options, "--nproc-per-node", "2", "--save", str(folder)],
                            capture_output=True, text=True, timeout=300, env=ENV)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(_weights(folder)) == len(weights[0]) > 0
    assert all(torch.equal(a, b) for a, b in zip(_weights(folder), weights[0]))
    assert _end(folder)["train_loss"] == pytest.approx(final_loss(script.stdout), rel=1e-6)


def _rank_pid(launcher: int, rank: int) -> int:
    """The pid of the launcher's child that torchrun made `rank`."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            environ = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if parent == launcher and f"RANK={rank}".encode() in environ:
            return int(entry.name)
    pytest.fail(f"no rank {rank} under the launcher")


@pytest.mark.torchrun
def test_a_rank_killed_mid_run_ends_it_as_failed_naming_the_rank(tmp_path: Path) -> None:
    """kill -9 on rank 1: within seconds the launcher exits 1 naming rank 1, and rank 0's folder
    records the run as failed, saying that another rank left it."""
    folder = tmp_path / "run"
    process = _start(folder, "--epochs", "100000")  # (the last --epochs counts) long enough to be killed
    os.kill(_rank_pid(process.pid, 1), signal.SIGKILL)
    began = time.monotonic()
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert time.monotonic() - began < 60
    assert "rank 1" in err and "SIGKILL" in err
    end = _end(folder)
    assert end["status"] == "failed" and "another rank left the run" in end["message"]


# -- refused before any process starts ------------------------------------------------------------


REFUSED = {
    "no processes": (["--nproc-per-node", "0"], "--nproc-per-node: must be at least 1"),
    "machines without processes": (["--nnodes", "2"], "--nnodes: only with --nproc-per-node"),
    "machines with nowhere to meet": (["--nproc-per-node", "2", "--nnodes", "2"], "add --rdzv-endpoint"),
    "a range upside down": (["--nproc-per-node", "2", "--nnodes", "4:2"], "--nnodes: a number of machines"),
    "an endpoint without a host": (["--nproc-per-node", "2", "--rdzv-endpoint", ":x"], "--rdzv-endpoint: HOST:PORT"),
    "a schedule by the batch": (["--nproc-per-node", "2", "--schedule", "onecycle"],
                                "--schedule: --nproc-per-node steps the lr once an epoch"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_what_cannot_run_on_several_processes_is_refused_in_one_line(name: str, tmp_path: Path) -> None:
    """Bad torchrun options and configurations the ranks cannot share out: one line, exit 2, no folder."""
    args, message = REFUSED[name]
    result = CliRunner().invoke(app, ["run", *args, "--runs-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    assert not list(tmp_path.iterdir())


def test_the_trainer_refuses_nproc_per_node_in_one_line() -> None:
    """The interactive trainer is one process: `nntui --nproc-per-node 2` says so and exits 2."""
    result = CliRunner().invoke(app, ["--nproc-per-node", "2"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "nntui: error: --nproc-per-node: the trainer runs in one process; train on several with nntui run "
        "--nproc-per-node N"]
