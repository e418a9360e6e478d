"""`nntui export` writes a plain PyTorch script that repeats nntui's run to the last digit.

What each exported script prints is compared with what the engine reports for the same
configuration, on the CPU: every preset (the image one cut short), variants that use the options
no preset does (augmentation, an MLP on pictures, a deep CNN, worker processes), CSV runs on
tables the tests write (classification and regression, one file and two), image runs on an
ImageFolder of PNGs and on MNIST and Fashion-MNIST files the tests write, and runs that diverge,
which the script stops where nntui does.

The scripts run together in one interpreter (tests/script_batch.py), each as `python train.py`
would run it, while the engine trains beside them; one script of each shape (a 2-D set, a CNN
with worker processes, a CSV table, image files, a run that diverges) runs as a process of its own."""

from __future__ import annotations

import ast
import math
import random
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from engine.config.build import with_values
from engine.config.catalog import DATASETS
from engine.config.presets import PRESETS, preset_config
from engine.config.schema import RunConfig
from engine.config.sources import TABLE_START
from engine.errors import DataError
from engine.export.boundary import BOUNDARY_SIZE
from engine.export.script import export_script
from engine.loop.events import RunStarted, Snapshot
from engine.models.layer_sizes import SMALL_WORK
from tests.helpers import train
from tests.script_batch import ScriptBatch, ScriptRun, collected_batch
from tests.test_images import make_folder, write_idx
from tui.cli.export_command import export_command
from tui.cli.headless import epoch_line
from tui.render.boundary_text import boundary_lines

ROOT = Path(__file__).resolve().parent.parent

# Presets whose full run takes more than a second or two are cut short; the rest run in full.
SHORTER = {"linreg": {"train.epochs": 300}, "xor": {"train.epochs": 30}, "moons": {"train.epochs": 30},
           "spiral": {"train.epochs": 20}, "blobs": {"train.epochs": 20},
           "shapes": {"data.samples": 160, "train.epochs": 2}}

# Options no preset uses, so that every part of the script generator runs at least once.
VARIANTS = {
    "circle-ce-dropped-batches": ("circle", {
        "train.loss": "cross_entropy", "model.outputs": 2, "data.batch_size": 16, "data.drop_last": True,
        "data.noise": 0.1, "train.optimizer": "rmsprop", "train.momentum": 0.5, "train.weight_decay": 0.01,
        "train.epochs": 15, "train.log_interval": 4}),
    "spiral-full-batch-softmax": ("spiral", {
        "data.batch_size": 0, "model.output_activation": "softmax", "model.outputs": 4, "train.optimizer": "adamw",
        "train.device": "cpu", "train.epochs": 25, "train.log_interval": 5}),
    "blobs-deep-unshuffled": ("blobs", {
        "model.hidden": [8, 8, 8, 8], "model.activation": "leaky_relu", "data.shuffle": False,
        "train.optimizer": "sgd", "train.momentum": 0.9, "train.lr": 0.05, "data.classes": 3, "train.epochs": 10,
        "train.log_interval": 3}),
    "linear-gelu-no-test-set": ("linreg", {
        "model.hidden": [6, 3], "model.activation": "gelu", "train.loss": "huber", "data.noise": 0.0,
        "data.test_fraction": 0.0, "train.epochs": 40}),
    "moons-mse-varied-layers": ("moons", {
        "train.loss": "mse", "model.hidden": [5, 7, 3, 9], "model.activation": "sigmoid", "train.epochs": 10,
        "train.log_interval": 1}),
    "xor-clipped-gradients": ("xor", {"train.clip_grad": 0.5, "train.epochs": 8, "train.log_interval": 2}),
    "random-minibatches-l1": ("simple-nn", {
        "data.batch_size": 4, "train.loss": "l1", "data.samples": 30, "train.epochs": 20, "train.log_interval": 5}),
    "shapes-augmented-mlp": ("shapes", {
        "model.kind": "mlp", "model.hidden": [16], "data.hflip": True, "data.rotation": 20.0, "data.samples": 120,
        "data.batch_size": 16, "data.drop_last": True, "train.optimizer": "sgd", "train.momentum": 0.9,
        "train.epochs": 3}),
    # The training toolkit: each lr schedule, early stopping, best.pt and restore_best.
    "moons-onecycle-early-stop-best": ("moons", {
        "train.schedule": "onecycle", "train.schedule_warmup": 0.2, "train.lr": 0.05, "train.early_stop": 3,
        "train.restore_best": True, "train.keep_best": True, "train.epochs": 40}),
    "circle-cosine-restore-best": ("circle", {
        "train.schedule": "cosine", "train.schedule_min_lr": 0.01, "train.restore_best": True}),
    "xor-step": ("xor", {
        "train.schedule": "step", "train.schedule_step_size": 3, "train.schedule_gamma": 0.5, "train.epochs": 12,
        "train.log_interval": 3}),
    "spiral-plateau-early-stop-delta": ("spiral", {
        "train.schedule": "plateau", "train.schedule_patience": 1, "train.schedule_factor": 0.5,
        "train.schedule_min_lr": 0.002, "train.epochs": 25, "train.early_stop": 4, "train.early_stop_delta": 0.01}),
    "linreg-plateau-full-batch": ("linreg", {
        "train.schedule": "plateau", "train.schedule_patience": 2, "train.epochs": 300, "train.keep_best": True}),
    "shapes-onecycle-keep-best": ("shapes", {
        "train.schedule": "onecycle", "data.samples": 160, "train.epochs": 2, "train.keep_best": True}),
    "circle-squared-features-linear-l2": ("circle", {
        "data.features": ["x1^2", "x2^2"], "model.hidden": [], "train.regularization": "l2", "train.reg_rate": 0.01}),
    "moons-every-feature-l1-adam": ("moons", {
        "data.features": ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"], "train.regularization": "l1",
        "train.reg_rate": 0.001, "train.epochs": 10, "train.log_interval": 5}),
    "gauss-regression-minibatches-l2": ("xor", {
        "data.dataset": "gauss", "train.loss": "mse", "data.noise": 0.1, "train.regularization": "l2",
        "train.reg_rate": 0.003, "train.epochs": 10, "train.log_interval": 5}),
    "plane-model-first-features": ("simple-nn", {
        "data.dataset": "plane", "data.features": ["x1", "x1*x2", "sin(x2)"], "data.samples": 50,
        "train.epochs": 30}),
    "random-features-model-first": ("simple-nn", {"data.features": ["x1^2", "sin(x1)"], "data.batch_size": 4}),
    "shapes-cnn-l1": ("shapes", {
        "train.regularization": "l1", "train.reg_rate": 0.0001, "data.samples": 64, "train.epochs": 1}),
    "shapes-deep-cnn-cropped-workers": ("shapes", {
        "model.channels": [4, 4, 4, 4], "model.hidden": [], "data.resize": 32, "data.resized_crop": True,
        "data.normalize": False, "data.num_workers": 2, "data.shuffle": False, "data.batch_size": 0,
        "data.samples": 64, "data.test_fraction": 0.0, "train.device": "cpu", "train.clip_grad": 1.0,
        "train.epochs": 2}),
}


def configs() -> dict[str, RunConfig]:
    """Every preset that needs no files (some cut short) and every variant, by test id."""
    found = {name: with_values(preset_config(name), SHORTER.get(name, {})) for name in PRESETS
             if DATASETS[PRESETS[name].config.data.dataset].source != "torchvision"}
    for name, (preset, values) in VARIANTS.items():
        found[name] = with_values(preset_config(preset), values)
    return found


CONFIGS = configs()


def start_script(source: str, tmp_path: Path) -> subprocess.Popen:
    """Write `source` to train.py and start it with Python; its output is read with `printed`."""
    path = tmp_path / "train.py"
    path.write_text(source, encoding="utf-8")
    return subprocess.Popen([sys.executable, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=tmp_path)


def printed(process: subprocess.Popen | ScriptRun) -> list[str]:
    """The lines a started script (or one run in the batch) printed, once it has ended well."""
    ran = process if isinstance(process, ScriptRun) else ended(process)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.splitlines()


def ended(process: subprocess.Popen) -> ScriptRun:
    """How a started script ended, and what it printed."""
    stdout, stderr = process.communicate(timeout=120)
    return ScriptRun(process.returncode, stdout, stderr)


# The scripts run as processes of their own, one of each shape: the other tests' scripts run in the batch.
ALONE = {"circle", "shapes-deep-cnn-cropped-workers", "csv-regression-two-files", "images-folder-augmented"}


@pytest.fixture(scope="module")
def scripts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScriptBatch]:
    """The scripts of this module's collected tests that need no process of their own, running in
    one interpreter, in the order the tests run."""
    batch = collected_batch(request.session.items, sys.modules[__name__], tmp_path_factory.mktemp("scripts"),
                            BATCHED, ALONE)
    yield batch
    batch.close()


def batched(batch: ScriptBatch, name: str) -> ScriptRun | None:
    """The run of the script `name` in the batch, or None for one that starts alone (ALONE)."""
    return None if name in ALONE else batch.result(name)


def test_every_preset_is_covered_and_one_runs_in_full() -> None:
    """The cases include every preset, images too (MNIST's on files the tests write), and at least
    one at its full length."""
    on_files = {preset for preset, _ in IMAGE_FILE_RUNS.values()}
    assert {"shapes", "mnist", "fashion-mnist"} <= set(PRESETS) and set(PRESETS) <= set(CONFIGS) | on_files
    assert any(CONFIGS[name] == preset_config(name) for name in CONFIGS if name in PRESETS)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_exported_script_repeats_the_run(name: str, tmp_path: Path, scripts: ScriptBatch) -> None:
    """The script prints nntui's log lines and final loss exactly, and its test results and boundary."""
    assert_script_repeats(CONFIGS[name], name, tmp_path, ran=batched(scripts, name))


def assert_script_repeats(config: RunConfig, name: str, tmp_path: Path, source: str | None = None,
                          ran: ScriptRun | None = None) -> None:
    """Run the exported script (`source`, or `config` exported) and the engine side by side and
    compare what they report; `ran`: the script's run in a batch, where it did not start alone."""
    source = source if source is not None else export_script(config, name)
    script = start_script(source, tmp_path) if ran is None else ran  # runs while the engine trains
    recorder = train(config, boundary_size=BOUNDARY_SIZE)
    end = recorder.end
    lines = printed(script)

    started = recorder.of(RunStarted)[0]  # the engine's threads: one for small work, as the script has it
    one_thread = started.parameter_count * (config.data.batch_size or started.train_samples) < SMALL_WORK
    assert ("torch.set_num_threads(1)" in source) == one_thread
    assert [line for line in lines if line.startswith("Epoch [")] == [
        epoch_line(e) for e in recorder.epochs if e.logged]
    if end.status == "early-stopped":  # the script stops at the same epoch, for the same reason
        reason = end.message.split(", whose weights")[0]
        assert f"Early stop at epoch {end.epoch}: {reason}" in lines
    final = [float(m[1]) for line in lines if (m := re.fullmatch(r"Final train loss: (\S+)", line))]
    assert final == [end.train_loss]
    if end.test_accuracy is not None:
        assert f"Test loss: {end.test_loss:.4f}, Test accuracy: {end.test_accuracy:.2%}" in lines
    elif end.test_loss is not None:
        assert f"Test loss: {end.test_loss:.4f}" in lines
        r2 = "nan" if end.scores.r2 is None else f"{end.scores.r2:.4f}"
        assert f"Test RMSE: {end.scores.rmse:.4f}  MAE: {end.scores.mae:.4f}  R^2: {r2}" in lines
    else:
        assert not any(line.startswith("Test loss") for line in lines)

    grid = recorder.of(Snapshot)[-1].boundary
    if grid is None:
        assert "Decision boundary (x1 across, x2 up):" not in lines
    else:
        points = recorder.of(RunStarted)[0].train_points
        expected = boundary_lines(grid.probabilities, grid.x_range, grid.y_range, points, ascii_only=True)
        start = lines.index("Decision boundary (x1 across, x2 up):") + 1
        assert lines[start:start + len(expected)] == expected


@pytest.mark.parametrize("name", list(CONFIGS))
def test_exported_script_is_clean_standalone_python(name: str, tmp_path: Path) -> None:
    """The script compiles, passes ruff's checks and formatter, and imports only torch and math
    (image runs: torchvision too, and numpy and Pillow to draw the shapes)."""
    config = CONFIGS[name]
    allowed = {"torch", "math", "torchvision", "numpy", "PIL"} if DATASETS[config.data.dataset].images else \
        {"torch", "math"}
    assert_clean_standalone(export_script(config, name), tmp_path, allowed)


def assert_clean_standalone(source: str, tmp_path: Path, allowed: set[str]) -> None:
    """`source` compiles, passes ruff's checks and formatter, and imports only the `allowed` modules."""
    path = tmp_path / "train.py"
    path.write_text(source, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "py_compile", str(path)], check=True, capture_output=True)
    checked = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--config",
                              str(ROOT / "pyproject.toml"), str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    formatted = subprocess.run([sys.executable, "-m", "ruff", "format", "--isolated", "--diff", str(path)],
                               capture_output=True, text=True)
    assert formatted.returncode == 0, formatted.stdout
    modules = {alias.name.split(".")[0] for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module.split(".")[0] for node in ast.walk(ast.parse(source))
                if isinstance(node, ast.ImportFrom) and node.module}
    assert modules <= allowed


def test_script_leaves_out_what_the_run_does_not_use() -> None:
    """A full-batch regression script has no shuffling, accuracy, boundary or device code."""
    source = export_script(with_values(preset_config("linreg"), {"train.device": "cpu"}))
    for absent in ("randperm", "accuracy", "class_probabilities", "boundary", "device", "csv"):
        assert absent not in source, absent
    assert "make_linear_data" in source and "nn.Linear(2, 1)" in source


# -- CSV runs -----------------------------------------------------------------------------------

# Runs on the tables of `write_tables`: options on top of the start that `nntui run --data` takes.
CSV_RUNS = {
    "csv-text-classes-minibatches": (["classes.csv"], {"train.epochs": 12, "train.log_interval": 4}),
    "csv-binary-target-in-the-middle": (["classes.csv"], {
        "data.target": "heavy", "train.loss": "bce_logits", "data.batch_size": 0, "train.optimizer": "sgd",
        "train.lr": 0.5, "model.hidden": [8], "data.test_fraction": 0.3, "train.epochs": 30}),
    "csv-regression-two-files": (["houses_a.csv", "houses_b.csv"], {
        "data.target": "price", "train.loss": "mse", "data.batch_size": 16, "data.drop_last": True,
        "train.epochs": 15, "train.log_interval": 5}),
    "csv-number-classes-no-test-set": (["houses_a.csv", "houses_b.csv"], {
        "data.target": "grade", "model.hidden": [], "data.test_fraction": 0.0, "data.shuffle": False,
        "train.device": "cpu", "train.epochs": 10, "train.log_interval": 1}),
}


def write_tables(folder: Path) -> None:
    """Small tables with what the engine's reader handles: spaces around names and cells, blank
    lines, missing cells, text features and targets, whole-number classes, and two files."""
    draw = random.Random(7)
    lines = [" size , colour,heavy,weight ,kind"]
    for i in range(150):
        size, colour, weight = draw.uniform(0, 10), draw.choice(["red", " blue", "green "]), draw.gauss(60, 12)
        score = size + 3 * (colour == "red") + draw.gauss(0, 1)
        kind = ("small", "medium", "large")[max(0, min(2, int(score / 4)))]
        heavy = "yes" if weight + draw.gauss(0, 5) > 60 else "no"
        lines.append(f"{size:.3f},{colour},{heavy},{'NA' if i % 23 == 4 else f'{weight:.2f}'},{kind}")
        if i % 50 == 9:
            lines.append("")
    (folder / "classes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = []
    for i in range(120):
        area, city, rooms = draw.uniform(30, 150), draw.choice(["Berlin", "Paris", "Rome"]), draw.randint(1, 5)
        price = 2.5 * area + 40 * rooms + 100 * (city == "Paris") + draw.gauss(0, 20)
        grade = (1, 2, 10)[min(2, int(price / 200))]  # numbered classes, sorted as numbers: 1, 2, 10
        rows.append(f"{area:.1f},{city},{'' if i == 30 else rooms},{grade},{price:.2f}")
    header = "area,city,rooms,grade,price\n"
    (folder / "houses_a.csv").write_text(header + "\n".join(rows[:70]) + "\n", encoding="utf-8")
    (folder / "houses_b.csv").write_text(header + "\n".join(rows[70:]) + "\n", encoding="utf-8")


def csv_config(name: str) -> RunConfig:
    """A CSV run of CSV_RUNS, from the configuration `nntui run --data` starts with."""
    paths, values = CSV_RUNS[name]
    loss = "mse" if values.get("train.loss") == "mse" else "cross_entropy"
    return with_values(preset_config("circle"), {**TABLE_START, "train.loss": loss, "data.dataset": "csv",
                                                 "data.paths": paths, **values})


@pytest.mark.parametrize("name", list(CSV_RUNS))
def test_exported_csv_script_repeats_the_run(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             scripts: ScriptBatch) -> None:
    """A script exported from a CSV run reads the files itself and prints nntui's losses exactly."""
    monkeypatch.chdir(tmp_path)  # the engine and the script read the same relative paths (the batch: its copy)
    write_tables(tmp_path)
    assert_script_repeats(csv_config(name), name, tmp_path, ran=batched(scripts, name))


@pytest.mark.parametrize("name", list(CSV_RUNS))
def test_exported_csv_script_is_clean_standalone_python(name: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """A CSV script compiles, passes ruff, and imports only torch, math and csv."""
    monkeypatch.chdir(tmp_path)
    write_tables(tmp_path)
    assert_clean_standalone(export_script(csv_config(name)), tmp_path, {"torch", "math", "csv"})


# -- image files -------------------------------------------------------------------------------

# Runs on the pictures of `pictures` in the working folder, which is also the home folder: the
# MNIST presets as they are (their data root aside), and options on top of the shapes preset, as
# `nntui run --images` starts.
IMAGE_FILE_RUNS = {
    "mnist-preset": ("mnist", {"data.data_root": "."}),
    "fashion-mnist-preset": ("fashion-mnist", {"data.data_root": "~"}),
    "images-folder-augmented": ("shapes", {
        "data.dataset": "images", "data.images": "pics", "data.test_fraction": 0.25, "data.batch_size": 4,
        "data.hflip": True, "data.resized_crop": True, "model.channels": [4], "model.hidden": [8],
        "train.epochs": 3}),
    "mnist-first-samples-from-home": ("shapes", {
        "data.dataset": "mnist", "data.data_root": "~", "data.samples": 16, "data.batch_size": 8,
        "model.channels": [4], "model.hidden": [8], "train.optimizer": "rmsprop", "train.epochs": 3}),
    "fashion-mnist-mlp-no-test-set": ("shapes", {
        "data.dataset": "fashion-mnist", "data.data_root": ".", "data.test_fraction": 0.0, "data.samples": 20,
        "model.kind": "mlp", "model.hidden": [8, 8], "data.batch_size": 5, "data.rotation": 10.0,
        "train.epochs": 2}),
    "mnist-resized-all-rotated-flipped": ("mnist", {
        "data.data_root": ".", "data.resize": 20, "data.hflip": True, "data.rotation": 30.0,
        "data.normalize": "dataset", "data.batch_size": 4, "train.epochs": 2}),
}


def image_file_config(name: str) -> RunConfig:
    preset, values = IMAGE_FILE_RUNS[name]
    return with_values(preset_config(preset), values)


@pytest.fixture
def pictures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working and home folder holding an ImageFolder tree of PNGs (two classes) and tiny MNIST
    and Fashion-MNIST files as torchvision reads them (fewer than the MNIST run asks for)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # the engine and the script expand ~ to it
    return draw_pictures(tmp_path)


def draw_pictures(folder: Path) -> Path:
    """The pictures of `pictures`, drawn into `folder`."""
    make_folder(folder / "pics", per_class=8)
    for name in ("MNIST", "FashionMNIST"):
        write_idx(folder / name / "raw", "train", [i % 10 for i in range(14)])
        write_idx(folder / name / "raw", "t10k", [i % 10 for i in range(6)])
    return folder


@pytest.mark.parametrize("name", list(IMAGE_FILE_RUNS))
def test_exported_image_file_script_repeats_the_run(name: str, pictures: Path, scripts: ScriptBatch) -> None:
    """A script exported from an ImageFolder or MNIST run reads the pictures through torchvision,
    from the folders as given, and prints nntui's losses exactly."""
    assert_script_repeats(image_file_config(name), name, pictures, ran=batched(scripts, name))


@pytest.mark.parametrize("name", list(IMAGE_FILE_RUNS))
def test_exported_image_file_script_is_clean_standalone_python(name: str, pictures: Path) -> None:
    """An image file script compiles, passes ruff, and imports only torch, torchvision, math and os."""
    source = export_script(image_file_config(name))
    assert_clean_standalone(source, pictures, {"torch", "torchvision", "math", "os"})


# -- divergence ---------------------------------------------------------------------------------

DIVERGING = {
    "linreg-lr-50": ("linreg", {"train.lr": 50.0}),
    "simple-nn-minibatches-lr-30": ("simple-nn", {"train.lr": 30.0}),
}


def diverging_config(name: str) -> RunConfig:
    preset, values = DIVERGING[name]
    return with_values(preset_config(preset), values)


@pytest.mark.parametrize("name", list(DIVERGING))
def test_diverging_script_stops_where_nntui_does(name: str, tmp_path: Path, scripts: ScriptBatch) -> None:
    """When the loss stops being finite, the script prints the same lines and stops at nntui's epoch."""
    config = diverging_config(name)
    recorder = train(config)
    script = scripts.result(name)
    stdout, stderr = script.stdout, script.stderr

    assert recorder.end.status == "diverged" and script.returncode == 1
    last = recorder.epochs[-1]
    assert recorder.end.epoch == last.epoch and not math.isfinite(last.train_loss)
    assert stderr.splitlines()[-1] == f"Diverged at epoch {last.epoch}: the loss became {last.train_loss}"
    assert f"the loss became {last.train_loss} at epoch {last.epoch}" in recorder.end.message
    assert [line for line in stdout.splitlines() if line.startswith("Epoch [")] == [
        epoch_line(e) for e in recorder.epochs if e.logged]
    assert "Final train loss" not in stdout


def test_script_stops_where_an_overflowing_penalty_makes_bce_refuse_the_outputs(tmp_path: Path) -> None:
    """An L2 penalty at rate 10 and lr 5 blows up circle's weights until BCELoss refuses the outputs:
    nntui ends diverged naming the epoch, and the script stops in that epoch with one line, not a
    traceback."""
    config = with_values(preset_config("circle"), {"train.regularization": "l2", "train.reg_rate": 10.0,
                                                   "train.lr": 5.0, "train.epochs": 30})
    script = start_script(export_script(config), tmp_path)
    end = train(config).end
    _, stderr = script.communicate(timeout=120)

    epoch = int(re.search(r"in epoch (\d+)", end.message).group(1))
    assert end.status == "diverged" and script.returncode == 1
    assert stderr.splitlines()[-1] == f"Diverged in epoch {epoch}: the model's outputs are not finite"


def test_script_stops_on_a_gradient_clipping_cannot_rescue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A non-finite gradient norm under --clip-grad ends the script in the epoch nntui names."""
    monkeypatch.chdir(tmp_path)
    draw = random.Random(0)  # targets near 1e19: a finite loss, but its gradient norm overflows
    rows = "".join(f"{draw.gauss(0, 1):.3f},{draw.uniform(1.2e19, 1.5e19):.6g}\n" for _ in range(50))
    (tmp_path / "huge.csv").write_text("x,y\n" + rows, encoding="utf-8")
    config = with_values(preset_config("circle"), {
        **TABLE_START, "data.dataset": "csv", "data.paths": ["huge.csv"], "train.loss": "mse", "model.hidden": [],
        "train.optimizer": "sgd", "train.clip_grad": 1.0,
        "data.standardize_target": False})
    script = start_script(export_script(config), tmp_path)
    end = train(config).end
    _, stderr = script.communicate(timeout=120)

    assert end.status == "diverged" and "gradient norm became non-finite in epoch 1" in end.message
    assert script.returncode == 1
    assert stderr.splitlines()[-1] == "Diverged in epoch 1: the gradient norm is not finite"


# -- the command -------------------------------------------------------------------------------


@pytest.fixture
def cli() -> typer.Typer:
    """An app holding the export command (and a callback, so that `export` is a subcommand)."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """nntui"""

    app.command("export")(export_command)
    return app


def test_export_prints_the_script_for_the_options(cli: typer.Typer) -> None:
    """Without --output the script goes to stdout, built from the preset and the field options."""
    result = CliRunner().invoke(cli, ["export", "--preset", "xor", "--epochs", "7", "--lr", "0.05"])
    assert result.exit_code == 0, result.output
    expected = export_script(with_values(preset_config("xor"), {"train.epochs": 7, "train.lr": 0.05}), "xor")
    assert result.stdout == expected


def test_export_writes_a_file_and_refuses_to_overwrite_it(cli: typer.Typer, tmp_path: Path) -> None:
    """-o writes the file; a second export to it exits 2 with one line unless --overwrite is given."""
    target = tmp_path / "train.py"
    runner = CliRunner()
    assert runner.invoke(cli, ["export", "-p", "circle", "-o", str(target)]).exit_code == 0
    assert target.read_text() == export_script(preset_config("circle"), "circle")

    refused = runner.invoke(cli, ["export", "-p", "moons", "-o", str(target)])
    assert refused.exit_code == 2
    assert len(refused.stderr.strip().splitlines()) == 1 and "--overwrite" in refused.stderr
    assert target.read_text() == export_script(preset_config("circle"), "circle")

    assert runner.invoke(cli, ["export", "-p", "moons", "-o", str(target), "--overwrite"]).exit_code == 0
    assert target.read_text() == export_script(preset_config("moons"), "moons")


def test_export_rejects_a_bad_option_with_usage_exit(cli: typer.Typer) -> None:
    """An invalid field value exits 2 naming the option, and prints no script."""
    result = CliRunner().invoke(cli, ["export", "--preset", "circle", "--lr", "-1"])
    assert result.exit_code == 2
    assert "--lr" in result.stderr and "import torch" not in result.stdout


def test_export_command_writes_an_image_run(cli: typer.Typer, tmp_path: Path) -> None:
    """`export --images DIR` writes the ImageFolder run that `run` would train (the shapes preset's
    CNN); a folder that is not there exits 2 naming it, as a run would."""
    make_folder(tmp_path / "pics")
    result = CliRunner().invoke(cli, ["export", "--images", str(tmp_path / "pics"), "--epochs", "2"])
    assert result.exit_code == 0, result.output
    assert "datasets.ImageFolder(folder" in result.stdout and "nn.Conv2d(3, 8" in result.stdout
    assert result.stdout == export_script(with_values(preset_config("shapes"), {
        "data.dataset": "images", "data.images": str(tmp_path / "pics"), "train.epochs": 2}))

    missing = CliRunner().invoke(cli, ["export", "--images", str(tmp_path / "nowhere")])
    assert missing.exit_code == 2
    assert "nowhere: no such folder" in missing.stderr and not missing.stdout


def test_export_refuses_an_image_run_the_engine_would_refuse() -> None:
    """What a run refuses, export refuses alike: conv blocks that halve the pictures below a pixel."""
    config = with_values(preset_config("shapes"), {"model.channels": [4] * 5})
    with pytest.raises(DataError, match="5 conv blocks halve 28x28 images below one pixel"):
        export_script(config)


def test_export_command_writes_a_csv_run(cli: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`export --data FILE --target COL` writes the CSV run that `run` would train, loss chosen alike."""
    monkeypatch.chdir(tmp_path)
    write_tables(tmp_path)
    result = CliRunner().invoke(cli, ["export", "--data", "classes.csv", "--target", "weight", "--epochs", "5"])
    assert result.exit_code == 0, result.output
    assert 'rows = read_rows("classes.csv")' in result.stdout and 'TARGET = "weight"' in result.stdout
    assert "nn.MSELoss()" in result.stdout  # a numeric target: regression, as `nntui run` decides

    missing = CliRunner().invoke(cli, ["export", "--data", "nowhere.csv"])
    assert missing.exit_code == 2
    assert "nowhere.csv: no such file" in missing.stderr and not missing.stdout


SAVING = with_values(preset_config("circle"), {"train.epochs": 3})


def test_exported_script_saves_its_model(scripts: ScriptBatch) -> None:
    """The script ends by saving model.pt, a state dict that loads back into its model."""
    import torch

    lines = printed(scripts.result("saving"))
    assert "Saved the model's weights to model.pt" in lines
    state = torch.load(scripts.folder_for("saving") / "model.pt", weights_only=True)
    assert {name: tuple(t.shape) for name, t in state.items()} == {
        "fc1.weight": (4, 2), "fc1.bias": (4,), "fc2.weight": (1, 4), "fc2.bias": (1,)}


def _add_csv_run(batch: ScriptBatch, name: str) -> None:
    folder = batch.folder_for(name)
    write_tables(folder)
    with pytest.MonkeyPatch.context() as patch:  # the export reads the tables, as the script will, from there
        patch.chdir(folder)
        batch.add(name, export_script(csv_config(name), name))


def _add_image_file_run(batch: ScriptBatch, name: str) -> None:
    folder = draw_pictures(batch.folder_for(name))
    with pytest.MonkeyPatch.context() as patch:  # the export reads the pictures, as the script will, from there
        patch.chdir(folder)
        patch.setenv("HOME", str(folder))
        batch.add(name, export_script(image_file_config(name), name), env={"HOME": str(folder)})


# What each test that can take its script from the batch adds to it, given the test's `name`.
BATCHED = {
    "test_exported_script_repeats_the_run": lambda batch, name: batch.add(name, export_script(CONFIGS[name], name)),
    "test_exported_csv_script_repeats_the_run": _add_csv_run,
    "test_exported_image_file_script_repeats_the_run": _add_image_file_run,
    "test_diverging_script_stops_where_nntui_does": lambda batch, name: batch.add(
        name, export_script(diverging_config(name), name)),
    "test_exported_script_saves_its_model": lambda batch, name: batch.add("saving", export_script(SAVING)),
}
