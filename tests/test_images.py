"""Image data: tiny MNIST/Fashion-MNIST IDX files read by the real torchvision classes, an
ImageFolder of generated PNGs, resizing and normalisation, the offline shapes set and the CNN."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.problems import ConfigError
from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig, replaced
from engine.data.image_tensors import InputMaker
from engine.data.images import load_images
from engine.data.shapes import ShapesDataset
from engine.errors import DataError
from engine.loop.trainer import Trainer


def write_idx(raw: Path, prefix: str, labels: list[int]) -> None:
    """The IDX files torchvision's MNIST reads: big-endian header, then uint8 pixels or labels."""
    raw.mkdir(parents=True, exist_ok=True)
    n = len(labels)
    pixels = np.zeros((n, 28, 28), dtype=np.uint8)
    for i, label in enumerate(labels):
        pixels[i, 2 * label : 2 * label + 3, 5:20] = 255  # a bar whose height encodes the label
    (raw / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">iiii", 0x803, n, 28, 28) + pixels.tobytes())
    (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">ii", 0x801, n) + bytes(labels))


@pytest.mark.parametrize(("dataset", "folder"), [("mnist", "MNIST"), ("fashion-mnist", "FashionMNIST")])
def test_torchvision_sets_read_idx_files_from_the_data_root(tmp_path: Path, dataset: str, folder: str) -> None:
    """MNIST and FashionMNIST load the test's own IDX files through torchvision, held as uint8 pixels."""
    write_idx(tmp_path / folder / "raw", "train", [i % 10 for i in range(12)])
    write_idx(tmp_path / folder / "raw", "t10k", [i % 10 for i in range(4)])
    data = load_images(DataConfig(dataset=dataset, data_root=str(tmp_path), samples=10, test_fraction=0.5))
    assert (len(data.train), len(data.test)) == (10, 4)
    image, label = data.train.dataset[3]
    assert image.shape == (1, 28, 28) and image.dtype == torch.uint8 and label == 3
    assert data.train.pixels is not None and torch.equal(data.train.pixels[3], image)
    assert InputMaker(data.spec, torch.device("cpu"))(image).min().item() < 0  # the mean moved black below 0
    assert len(data.spec.labels) == 10


@pytest.mark.parametrize("dataset", ["mnist", "fashion-mnist"])
def test_torchvision_sets_use_all_their_images_with_samples_zero(tmp_path: Path, dataset: str) -> None:
    """samples 0 takes every training and test picture, whatever test_fraction says."""
    folder = "MNIST" if dataset == "mnist" else "FashionMNIST"
    write_idx(tmp_path / folder / "raw", "train", [i % 10 for i in range(23)])
    write_idx(tmp_path / folder / "raw", "t10k", [i % 10 for i in range(7)])
    data = load_images(DataConfig(dataset=dataset, data_root=str(tmp_path), samples=0, test_fraction=0.5))
    assert (len(data.train), len(data.test)) == (23, 7)
    no_test = load_images(DataConfig(dataset=dataset, data_root=str(tmp_path), samples=0, test_fraction=0.0))
    assert (len(no_test.train), len(no_test.test)) == (23, 0)


@pytest.mark.parametrize(("normalize", "low", "high"), [("dataset", -0.1307 / 0.3081, (1 - 0.1307) / 0.3081),
                                                        ("0.5", -1.0, 1.0), ("none", 0.0, 1.0)])
def test_normalize_choices_set_the_input_range(tmp_path: Path, normalize: str, low: float, high: float) -> None:
    """dataset uses MNIST's mean and std, 0.5 maps pixels to [-1, 1] (the tutorial), none keeps [0, 1]."""
    write_idx(tmp_path / "MNIST" / "raw", "train", [0, 1])
    write_idx(tmp_path / "MNIST" / "raw", "t10k", [0])
    data = load_images(DataConfig(dataset="mnist", data_root=str(tmp_path), samples=0, normalize=normalize))
    x = InputMaker(data.spec, torch.device("cpu"))(data.train.pixels)
    assert x.min().item() == pytest.approx(low) and x.max().item() == pytest.approx(high)


def test_missing_torchvision_data_says_where_and_how(tmp_path: Path) -> None:
    """Without the files and without --download, the error names the folder and --download."""
    with pytest.raises(DataError) as caught:
        load_images(DataConfig(dataset="mnist", data_root=str(tmp_path)))
    message = str(caught.value)
    assert str(tmp_path / "MNIST" / "raw") in message and "--download" in message


def make_folder(root: Path, per_class: int = 5) -> Path:
    for name, shade in (("cats", 40), ("dogs", 220)):
        (root / name).mkdir(parents=True)
        for i in range(per_class):
            Image.new("RGB", (40, 30), (shade, i * 10, 0)).save(root / name / f"{i}.png")
    return root


def test_image_folder_splits_and_resizes_pngs(tmp_path: Path) -> None:
    """An ImageFolder of PNGs gives its class names, a seeded split and 28x28 RGB tensors."""
    root = make_folder(tmp_path / "pics")
    data = load_images(DataConfig(dataset="images", images=str(root), test_fraction=0.2))
    assert data.spec.labels == ("cats", "dogs")
    assert (len(data.train), len(data.test)) == (8, 2)
    assert data.train.dataset[0][0].shape == (3, 28, 28)


def test_missing_image_folder_is_named(tmp_path: Path) -> None:
    """--images with no such folder says so."""
    with pytest.raises(DataError, match="no such folder"):
        load_images(DataConfig(dataset="images", images=str(tmp_path / "none")))


def test_resize_changes_the_model_input(tmp_path: Path) -> None:
    """data.resize sets the size the images reach the model at (decoded through the Dataset)."""
    data = load_images(DataConfig(dataset="shapes", samples=4, resize=16))
    assert data.train.dataset[0][0].shape == (1, 16, 16) and data.train.pixels is None
    assert data.spec.shape == (1, 16, 16)


def test_shapes_are_seeded_and_balanced() -> None:
    """The same seed draws the same pictures, one class after another."""
    a, b = ShapesDataset(8, seed=3), ShapesDataset(8, seed=3)
    assert np.array_equal(a.data, b.data) and a.targets == [0, 1, 2, 3, 0, 1, 2, 3]


def shapes_config(**model) -> RunConfig:
    return RunConfig(ModelConfig(**{"hidden": [32], "output_activation": "none", "kind": "cnn", **model}),
                     DataConfig(dataset="shapes", samples=800, batch_size=32, seed=42),
                     TrainConfig(loss="cross_entropy", optimizer="adam", lr=0.01, epochs=3, device="cpu"))


def test_cnn_learns_shapes_to_90_percent() -> None:
    """A small CNN reaches at least 90 % test accuracy on shapes in three short epochs."""
    trainer = Trainer(shapes_config())
    assert isinstance(trainer.model[0], torch.nn.Conv2d)
    for _ in range(3):
        trainer.train_epoch()
    _, accuracy = trainer.evaluate()
    assert accuracy >= 0.9


def test_worker_processes_load_the_batches_one_process_would() -> None:
    """num_workers only moves loading into processes: without augmentation, the same batches in the
    same shuffled order, so the same losses to the last digit."""
    losses = {}
    for workers in (0, 2):
        config = replaced(shapes_config(), "data", samples=160, num_workers=workers)
        trainer = Trainer(config)
        losses[workers] = [trainer.train_epoch() for _ in range(2)]
    assert losses[2] == losses[0]


def test_mlp_flattens_images_and_loader_respects_drop_last() -> None:
    """The MLP takes flattened pictures; drop_last drops the incomplete batch."""
    config = replaced(shapes_config(kind="mlp"), "data", samples=70, drop_last=True)
    trainer = Trainer(config)
    assert isinstance(trainer.model[0], torch.nn.Flatten) and trainer.batches_per_epoch() == 2
    assert trainer.train_epoch() is not None and trainer.epoch == 1


def test_stop_is_checked_before_each_image_batch() -> None:
    """should_stop ends an image epoch before its first batch."""
    trainer = Trainer(shapes_config(kind="mlp"))
    assert trainer.train_epoch(lambda: True) is None and trainer.epoch == 0


def test_too_many_conv_blocks_are_refused() -> None:
    """Channels that would pool the picture below one pixel are refused naming the field."""
    with pytest.raises(DataError, match="model.channels"):
        Trainer(shapes_config(channels=[4, 4, 4, 4, 4, 4]))


def test_cnn_needs_image_data() -> None:
    """model.kind cnn on a synthetic set is a config error naming model.kind."""
    with pytest.raises(ConfigError, match="model.kind"):
        with_values(preset_config("circle"), {"model.kind": "cnn"})
