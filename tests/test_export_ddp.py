"""`nntui export --ddp` writes a script for torchrun that trains on several processes with
DistributedDataParallel.

The scripts run under `torchrun --standalone` with Gloo on the CPU, unchanged: a small wrapper runs
each rank's script and then saves that rank's final weights. Two ranks must end with identical
weights and, with SGD, with those of one process at twice the batch (the DDP script itself on one
rank where the sampler shuffles, nntui's own engine where it does not). Those tests start
processes (a few seconds each) and carry the `torchrun` mark: `pytest -m "not torchrun"` skips them.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import typer
from typer.testing import CliRunner

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.problems import ConfigError
from engine.config.schema import RunConfig
from engine.export.ddp.script import export_ddp_script
from engine.export.script import export_script
from engine.loop.trainer import Trainer
from tests.test_export import (
    CONFIGS,
    CSV_RUNS,
    IMAGE_FILE_RUNS,
    assert_clean_standalone,
    cli,  # noqa: F401  (a fixture)
    csv_config,
    pictures,  # noqa: F401  (a fixture)
    write_tables,
)

# Runs the script as torchrun started it, then saves the rank's weights: the script stays as exported.
# It leaves with os._exit: a Gloo process's teardown by torch, after the script has ended, aborts now
# and then (about 1 run in 100 on a loaded machine), which would fail a test for no fault of the script.
RANK_WEIGHTS = '''\
import os
import runpy
import sys

import torch

names = runpy.run_path(sys.argv[1], run_name="__main__")
torch.save(names["model"].state_dict(), f"rank{os.environ['RANK']}.pt")
sys.stdout.flush()
sys.stderr.flush()
os._exit(0)
'''

TOLERANCE = 1e-6  # float32 sums in another order (seen: 6e-8 at most): ranks add their halves of a batch, then average


def torchrun(source: str, folder: Path, processes: int) -> tuple[subprocess.CompletedProcess, list[list[torch.Tensor]]]:
    """Run `source` as train.py under `torchrun --standalone` with `processes` ranks on the CPU (no
    GPU is visible); the result, and each rank's final weights in the order the model made them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "train.py").write_text(source, encoding="utf-8")
    (folder / "rank_weights.py").write_text(RANK_WEIGHTS, encoding="utf-8")
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={processes}",
               "rank_weights.py", "train.py"]
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=300)
    weights = [list(torch.load(path).values()) for path in sorted(folder.glob("rank*.pt"))]
    return result, weights


def final_loss(stdout: str) -> float:
    """The `Final train loss: ...` that the script printed, exactly once."""
    found = re.findall(r"Final train loss: (\S+)", stdout)
    assert len(found) == 1, stdout
    return float(found[0])


def largest_difference(a: list[torch.Tensor], b: list[torch.Tensor]) -> float:
    assert [t.shape for t in a] == [t.shape for t in b]
    return max((x - y).abs().max().item() for x, y in zip(a, b))


def engine_run(config: RunConfig) -> tuple[list[torch.Tensor], float]:
    """nntui's own single-process training of `config`: its final weights and last epoch's loss."""
    trainer = Trainer(config)
    for _ in range(config.train.epochs):
        loss = trainer.train_epoch()
    return [p.detach().cpu() for p in trainer.model.parameters()], loss


def assert_two_ranks_agree(source: str, folder: Path) -> tuple[subprocess.CompletedProcess, list[torch.Tensor]]:
    """Two ranks end with bit-identical weights, which rank 0 alone saved and reported."""
    result, weights = torchrun(source, folder, 2)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(weights) == 2
    assert all(torch.equal(a, b) for a, b in zip(*weights))
    saved = list(torch.load(folder / "model.pt").values())
    assert all(torch.equal(a, b) for a, b in zip(weights[0], saved))
    return result, weights[0]


# -- two ranks against one process at twice the batch -------------------------------------------

SGD = {"train.optimizer": "sgd", "train.momentum": 0.0}


# Shuffled runs, with one rank's batch: the DistributedSampler's order is the same for one rank and two.
SHUFFLED = {
    "xor-minibatches": (with_values(preset_config("xor"), {
        **SGD, "train.lr": 0.1, "train.epochs": 8, "train.log_interval": 4}), 16),
    "shapes-cnn-minibatches": (with_values(preset_config("shapes"), {
        **SGD, "train.lr": 0.05, "data.samples": 64, "train.epochs": 2, "train.device": "cpu"}), 8),
}


@pytest.mark.torchrun
@pytest.mark.parametrize("name", list(SHUFFLED))
def test_shuffled_minibatches_on_two_ranks_match_one_rank_at_twice_the_batch(name: str, tmp_path: Path) -> None:
    """xor (device auto, on the CPU) and the shapes CNN (cut short), in shuffled minibatches on two
    ranks, end where the same script on one rank with twice the batch does."""
    config, batch = SHUFFLED[name]
    result, weights = assert_two_ranks_agree(export_ddp_script(with_values(config, {"data.batch_size": batch})),
                                             tmp_path / "two")
    single, [reference] = torchrun(export_ddp_script(with_values(config, {"data.batch_size": 2 * batch})),
                                   tmp_path / "one", 1)
    assert single.returncode == 0, single.stderr[-3000:]
    assert largest_difference(weights, reference) < TOLERANCE
    assert final_loss(result.stdout) == pytest.approx(final_loss(single.stdout), abs=TOLERANCE)
    assert result.stdout.count("Epoch [") == single.stdout.count("Epoch [") == 2  # rank 0 alone prints


# Full-batch runs, split into two shards: the ranks' averaged gradient is nntui's full-batch one.
FULL_BATCH = {
    "circle": {},
    # every rank adds the same penalty, and the boundary is drawn over the points, not their features
    "circle-squared-features-linear-l2": {"data.features": ["x1^2", "x2^2"], "model.hidden": [],
                                          "train.regularization": "l2", "train.reg_rate": 0.01, "train.epochs": 50},
    # the user's own nn.Module, imported by every rank from its file
    "circle-your-mlp": {"model.kind": "module", "model.module": f"{Path(__file__).parent.parent}/examples/net.py:MLP",
                        "train.loss": "bce_logits", "train.epochs": 50},
}


@pytest.mark.torchrun
@pytest.mark.parametrize("name", list(FULL_BATCH))
def test_full_batch_on_two_ranks_matches_nntui(name: str, tmp_path: Path) -> None:
    """Circle's full batch (as the preset, as a linear model on squared features with an L2 penalty,
    and as the user's MLP from examples/net.py), split into two shards, ends where nntui's full batch does."""
    config = with_values(preset_config("circle"), {"train.device": "cpu", **FULL_BATCH[name]})
    result, weights = assert_two_ranks_agree(export_ddp_script(config, "circle"), tmp_path)
    reference, loss = engine_run(config)
    assert largest_difference(weights, reference) < TOLERANCE
    assert final_loss(result.stdout) == pytest.approx(loss, abs=TOLERANCE)
    assert "Decision boundary (x1 across, x2 up):" in result.stdout


@pytest.mark.torchrun
def test_csv_run_on_two_ranks_matches_nntui_at_twice_the_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV run in unshuffled minibatches of 8 (114 rows: the last batch short) on two ranks ends
    where nntui's run with batches of 16 does."""
    monkeypatch.chdir(tmp_path)
    write_tables(tmp_path)
    config = with_values(csv_config("csv-text-classes-minibatches"), {
        **SGD, "train.lr": 0.2, "data.shuffle": False, "train.device": "cpu", "train.epochs": 4})
    result, weights = assert_two_ranks_agree(export_ddp_script(with_values(config, {"data.batch_size": 8})), tmp_path)
    reference, loss = engine_run(with_values(config, {"data.batch_size": 16}))
    assert largest_difference(weights, reference) < TOLERANCE
    assert final_loss(result.stdout) == pytest.approx(loss, abs=TOLERANCE)


@pytest.mark.torchrun
def test_diverging_ranks_stop_together_and_rank_zero_says_why(tmp_path: Path) -> None:
    """linreg at lr 50 ends on both ranks at nntui's epoch, exit status 1, with one message."""
    config = with_values(preset_config("linreg"), {"train.lr": 50.0, "train.device": "cpu"})
    trainer = Trainer(config)
    epoch = next(e for e in range(1, 1001) if not math.isfinite(trainer.train_epoch()))
    result, weights = torchrun(export_ddp_script(config), tmp_path, 2)
    assert result.returncode == 1 and not weights
    messages = re.findall(r"Diverged at epoch (\d+): the loss became", result.stderr)
    assert messages == [str(epoch)]


# -- the script's text --------------------------------------------------------------------------


def _uses_unshared_toolkit(config: RunConfig) -> bool:
    """onecycle, early stopping or the best weights, which a DDP script does not write (an epoch schedule it does)."""
    train = config.train
    return train.schedule == "onecycle" or bool(train.early_stop) or train.keep_best or train.restore_best


DDP_CONFIGS = {name: config for name, config in CONFIGS.items() if not _uses_unshared_toolkit(config)}
TOOLKIT_CONFIGS = {name: config for name, config in CONFIGS.items() if _uses_unshared_toolkit(config)}


@pytest.mark.parametrize("name", list(DDP_CONFIGS))
def test_ddp_script_is_clean_standalone_python(name: str, tmp_path: Path) -> None:
    """Every preset's and variant's DDP script compiles, passes ruff's checks and formatter, and
    imports only what the plain script does, and os."""
    config = DDP_CONFIGS[name]
    allowed = {"torch", "math", "os", "torchvision", "numpy", "PIL"}
    assert_clean_standalone(export_ddp_script(config, name), tmp_path, allowed)


def test_ddp_csv_and_image_file_scripts_are_clean_standalone_python(pictures: Path) -> None:  # noqa: F811
    """DDP scripts of CSV runs (one file and two) and of ImageFolder and MNIST runs pass ruff too."""
    write_tables(pictures)
    for name in CSV_RUNS:
        assert_clean_standalone(export_ddp_script(csv_config(name)), pictures, {"torch", "math", "os", "csv"})
    for preset, values in IMAGE_FILE_RUNS.values():
        source = export_ddp_script(with_values(preset_config(preset), values))
        assert_clean_standalone(source, pictures, {"torch", "torchvision", "math", "os"})


@pytest.mark.parametrize("device", ["auto", "cpu", "cuda"])
def test_ddp_script_picks_the_backend_for_its_device(device: str) -> None:
    """Gloo on the CPU, NCCL with one GPU per rank on CUDA, and both under auto."""
    source = export_ddp_script(with_values(preset_config("moons"), {"train.device": device}))
    assert ('dist.init_process_group("gloo")' in source) == (device != "cuda")
    assert ('dist.init_process_group("nccl")' in source) == (device != "cpu")
    assert ('device = torch.device("cuda", local_rank)' in source) == (device != "cpu")


def test_ddp_script_is_refused_on_mps() -> None:
    """MPS has no process-group backend: the device field is named."""
    with pytest.raises(ConfigError, match="train.device: a DDP script runs on auto, cpu or cuda"):
        export_ddp_script(with_values(preset_config("circle"), {"train.device": "mps"}))


def test_ddp_script_without_torchrun_says_how_to_start_it(tmp_path: Path) -> None:
    """Started with plain python, the script exits 1 naming the torchrun command line."""
    path = tmp_path / "train_ddp.py"
    path.write_text(export_ddp_script(preset_config("linreg")), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    result = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip() == "Start it with torchrun: torchrun --nproc-per-node 2 train_ddp.py"


# -- the command ---------------------------------------------------------------------------------


def test_export_ddp_writes_the_ddp_script_and_says_how_to_run_it(cli: typer.Typer, tmp_path: Path) -> None:  # noqa: F811
    """`export --ddp -o FILE` writes the DDP script for the options and names the torchrun command."""
    target = tmp_path / "train.py"
    result = CliRunner().invoke(cli, ["export", "-p", "moons", "--batch-size", "64", "--ddp", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text() == export_ddp_script(with_values(preset_config("moons"), {"data.batch_size": 64}), "moons")
    assert f"torchrun --nproc-per-node 2 {target}" in result.stderr
    assert target.read_text() != export_script(preset_config("moons"), "moons")


def test_export_ddp_refuses_mps_naming_the_option(cli: typer.Typer) -> None:  # noqa: F811
    """--ddp with --device mps exits 2 with one line naming --device, and writes no script."""
    result = CliRunner().invoke(cli, ["export", "-p", "circle", "--ddp", "--device", "mps"])
    assert result.exit_code == 2 and not result.stdout
    assert result.stderr.strip().splitlines() == [
        "nntui: error: --device: a DDP script runs on auto, cpu or cuda (Gloo on the CPU, NCCL on CUDA); "
        "mps has no process-group backend"]


@pytest.mark.parametrize("name", list(TOOLKIT_CONFIGS))
def test_ddp_export_refuses_onecycle_early_stopping_and_best_weights_by_field(name: str) -> None:
    """A DDP script steps its lr once an epoch, trains every epoch and ends on the last weights: a
    run with onecycle, early stopping, keep_best or restore_best is refused, each field named,
    rather than exported wrong (an epoch schedule alone is exported)."""
    config = TOOLKIT_CONFIGS[name]
    train = config.train
    with pytest.raises(ConfigError) as caught:
        export_ddp_script(config, name)
    named = {problem.path for problem in caught.value.problems}
    expected = {path for path, used in (("train.schedule", train.schedule == "onecycle"),
                                        ("train.early_stop", bool(train.early_stop)),
                                        ("train.keep_best", train.keep_best),
                                        ("train.restore_best", train.restore_best)) if used}
    assert named == expected
