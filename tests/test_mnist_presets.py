"""The tutorial's MNIST section as presets: `mnist` and `fashion-mnist` load the data as it does,
offline unless told, and a torchvision set trains on all of its images unless --samples is given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.config.build import from_dict
from engine.config.presets import PRESETS, preset_config
from tests.helpers import assert_one_line_exit
from tests.test_images import write_idx
from tui.cli.main import app

runner = CliRunner()
FOLDERS = {"mnist": "MNIST", "fashion-mnist": "FashionMNIST"}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """Tiny MNIST and Fashion-MNIST files: 23 training and 7 test pictures each."""
    for folder in FOLDERS.values():
        write_idx(tmp_path / folder / "raw", "train", [i % 10 for i in range(23)])
        write_idx(tmp_path / folder / "raw", "t10k", [i % 10 for i in range(7)])
    return tmp_path


def started(*args: str) -> dict:
    """The run's first JSON line after `nntui run ... --json --epochs 1`, and that it ended well."""
    result = runner.invoke(app, ["run", *args, "--json", "--epochs", "1", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("name", list(FOLDERS))
def test_presets_load_the_data_as_the_tutorial_does(name: str) -> None:
    """ToTensor then Normalize((0.5,), (0.5,)), shuffled training batches of 64, all the images, a small CNN."""
    config = preset_config(name)
    assert (config.data.dataset, config.data.normalize, config.data.samples) == (name, "0.5", 0)
    assert (config.data.batch_size, config.data.shuffle, config.data.drop_last) == (64, True, False)
    assert config.model.kind == "cnn" and config.train.loss == "cross_entropy" and config.train.epochs <= 5
    assert PRESETS[name].tutorial


@pytest.mark.parametrize("name", list(FOLDERS))
def test_preset_trains_on_every_picture_of_the_files(name: str, root: Path) -> None:
    """`nntui run --preset mnist --data-root DIR` reads the IDX files there and uses all 23 + 7 pictures."""
    result = runner.invoke(app, ["run", "--preset", name, "--data-root", str(root), "--epochs", "1", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "23 train / 7 test samples" in result.output and "Test Accuracy:" in result.output


@pytest.mark.parametrize("name", list(FOLDERS))
def test_missing_files_name_the_folder_and_download(name: str, tmp_path: Path) -> None:
    """Offline by default: without the files the run exits 2 naming the folder and --download."""
    result = runner.invoke(app, ["run", "--preset", name, "--data-root", str(tmp_path)])
    assert_one_line_exit(result, 2, str(tmp_path / FOLDERS[name] / "raw"), "--download")


def test_dataset_option_alone_starts_from_the_preset(root: Path) -> None:
    """`--dataset mnist` without a preset is the mnist preset: all the pictures, the tutorial's loaders."""
    result = runner.invoke(app, ["config", "--dataset", "mnist", "--data-root", str(root)])
    assert result.exit_code == 0, result.output
    assert 'normalize = "0.5"' in result.stdout and "samples = 0" in result.stdout and "batch_size = 64" in result.stdout


def test_switching_another_preset_to_mnist_takes_all_its_images(root: Path) -> None:
    """`--preset shapes --dataset mnist` trains on every MNIST picture, not the shapes preset's 1,200."""
    result = runner.invoke(app, ["config", "--preset", "shapes", "--dataset", "mnist"])
    assert "samples = 0" in result.stdout
    end = started("--preset", "shapes", "--dataset", "mnist", "--data-root", str(root))
    assert end["event"] == "finished" and end["status"] == "completed"


def test_samples_given_keeps_the_first_pictures(root: Path) -> None:
    """--samples N still keeps the first N training pictures."""
    result = runner.invoke(app, ["run", "--preset", "shapes", "--dataset", "mnist", "--samples", "10",
                                 "--data-root", str(root), "--epochs", "1", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "10 train / 2 test samples" in result.output


def test_all_samples_is_only_for_torchvision_sets() -> None:
    """samples 0 on a drawn set is refused naming the field."""
    result = runner.invoke(app, ["run", "--preset", "circle", "--samples", "0"])
    assert_one_line_exit(result, 2, "--samples", "mnist")


def test_older_boolean_normalize_is_still_read() -> None:
    """A TOML file written before normalize had three values reads true as dataset, false as none."""
    base = preset_config("shapes")
    assert from_dict({"data": {"normalize": True}}, base=base).data.normalize == "dataset"
    assert from_dict({"data": {"normalize": False}}, base=base).data.normalize == "none"


def test_presets_list_says_all_images() -> None:
    """`nntui presets` shows the MNIST presets' data as all of the set."""
    result = runner.invoke(app, ["presets"])
    assert "mnist (all)" in result.stdout and "fashion-mnist (all)" in result.stdout
