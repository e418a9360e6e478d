"""Image sets as tensors: decoded once, batched by slicing a permutation on the device, and turned
into inputs per batch. Their batches are the very tensors the tutorial's per-picture pipeline
(ToTensor, Normalize, a shuffled DataLoader) collates, and a run on them reports the numbers of a
run on DataLoaders, to the last digit."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch.utils.data import DataLoader, Subset
from torchvision import datasets, transforms

import engine.data.image_tensors as image_tensors
from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.schema import DataConfig
from engine.data.image_tensors import decoded_bytes
from engine.data.images import load_images
from engine.data.shapes import ShapesDataset
from engine.loop.image_batches import ImageBatches
from engine.loop.trainer import Trainer
from tests.test_images import make_folder, write_idx

CPU = torch.device("cpu")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """Tiny MNIST files (37 training, 11 test pictures) and a folder of PNGs."""
    write_idx(tmp_path / "MNIST" / "raw", "train", [(i * 7) % 10 for i in range(37)])
    write_idx(tmp_path / "MNIST" / "raw", "t10k", [i % 10 for i in range(11)])
    make_folder(tmp_path / "pics", per_class=9)
    return tmp_path


CASES = {  # test id -> data settings (the root and folder are the fixture's)
    "mnist-all-shuffled": {"dataset": "mnist", "samples": 0, "batch_size": 8, "normalize": "0.5"},
    "mnist-first-dropping": {"dataset": "mnist", "samples": 30, "batch_size": 7, "drop_last": True},
    "mnist-resized-in-order": {"dataset": "mnist", "samples": 0, "batch_size": 5, "shuffle": False, "resize": 20},
    "shapes-full-batch": {"dataset": "shapes", "samples": 24, "batch_size": 0, "normalize": "none"},
    "folder-resized": {"dataset": "images", "batch_size": 4, "resize": 12, "test_fraction": 0.25},
}


def data_config(name: str, root: Path) -> DataConfig:
    return DataConfig(**{"data_root": str(root), "images": str(root / "pics"), "seed": 7, **CASES[name]})


def tutorial_sets(cfg: DataConfig) -> tuple:
    """The two splits as the tutorial builds them: each picture through Resize, ToTensor and
    Normalize (torchvision's own classes, nothing of nntui's but the split)."""
    spec = load_images(cfg).spec
    steps = ([transforms.Resize(spec.size)] if cfg.resize or cfg.dataset == "images" else []) + [transforms.ToTensor()]
    if spec.mean:
        steps.append(transforms.Normalize(spec.mean, spec.std))
    transform = transforms.Compose(steps)
    if cfg.dataset == "mnist":
        train = datasets.MNIST(cfg.data_root, train=True, transform=transform)
        test = datasets.MNIST(cfg.data_root, train=False, transform=transform)
        n = cfg.samples or len(train)
        return Subset(train, range(n)), test
    if cfg.dataset == "shapes":
        return ShapesDataset(cfg.samples, cfg.seed, transform), ShapesDataset(6, cfg.seed + 1, transform)
    pictures = datasets.ImageFolder(cfg.images, transform=transform)
    order = torch.randperm(len(pictures), generator=torch.Generator().manual_seed(cfg.seed)).tolist()
    n_test = round(len(order) * cfg.test_fraction)
    return Subset(pictures, order[n_test:]), Subset(pictures, order[:n_test])


@pytest.mark.parametrize("name", list(CASES))
def test_cached_batches_are_the_tutorial_dataloaders_batches(name: str, files: Path) -> None:
    """Two epochs of cached training batches equal, bit for bit and in order, those of a DataLoader
    over the tutorial's per-picture transforms with the same batch size, shuffling and generator."""
    cfg = data_config(name, files)
    batches = ImageBatches(load_images(cfg), cfg, CPU, torch.Generator().manual_seed(cfg.seed))
    assert batches.cached
    train, _ = tutorial_sets(cfg)
    loader = DataLoader(train, batch_size=cfg.batch_size or len(train), shuffle=cfg.shuffle, drop_last=cfg.drop_last,
                        generator=torch.Generator().manual_seed(cfg.seed))
    for _ in range(2):
        ours = [(batches.inputs(pixels, train=True), labels) for pixels, labels in batches.train_batches()]
        theirs = list(loader)
        assert len(ours) == len(theirs) == batches.batches_per_epoch()
        for (x, y), (tx, ty) in zip(ours, theirs):
            assert torch.equal(x, tx) and torch.equal(y, ty)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
@pytest.mark.parametrize("name", ["mnist-all-shuffled", "mnist-resized-in-order", "folder-resized"])
def test_cached_batches_on_the_gpu_are_the_dataloaders_batches_moved_there(name: str, files: Path) -> None:
    """On a GPU the pixels live there, and the batches made there (÷ 255 and Normalize on the
    device) are bit for bit the tutorial's, made on the host and copied over."""
    cfg = data_config(name, files)
    cuda = torch.device("cuda")
    batches = ImageBatches(load_images(cfg), cfg, cuda, torch.Generator().manual_seed(cfg.seed))
    assert batches.cached and batches.train.pixels.device.type == "cuda"
    train, _ = tutorial_sets(cfg)
    loader = DataLoader(train, batch_size=cfg.batch_size or len(train), shuffle=cfg.shuffle, drop_last=cfg.drop_last,
                        generator=torch.Generator().manual_seed(cfg.seed))
    for (pixels, labels), (tx, ty) in zip(batches.train_batches(), loader):
        assert torch.equal(batches.inputs(pixels, train=True), tx.to(cuda)) and torch.equal(labels, ty.to(cuda))


@pytest.mark.parametrize("name", ["mnist-all-shuffled", "folder-resized"])
def test_cached_test_batches_are_the_test_loaders(name: str, files: Path) -> None:
    """The test set comes in order, in batches of the training batch size, as the tutorial's
    test loader (batch 64, no shuffle) serves it."""
    cfg = data_config(name, files)
    batches = ImageBatches(load_images(cfg), cfg, CPU, torch.Generator())
    _, test = tutorial_sets(cfg)
    theirs = list(DataLoader(test, batch_size=cfg.batch_size, shuffle=False))
    ours = [(batches.inputs(pixels), labels) for pixels, labels in batches.test_batches()]
    assert len(ours) == len(theirs)
    assert all(torch.equal(x, tx) and torch.equal(y, ty) for (x, y), (tx, ty) in zip(ours, theirs))


def run_numbers(config, epochs: int = 2) -> list:
    trainer = Trainer(config)
    numbers = []
    for _ in range(epochs):
        numbers.append((trainer.train_epoch(), *trainer.evaluate(), trainer.confusion[1].tolist()))
    return numbers


@pytest.mark.parametrize("augment", [{}, {"data.hflip": True, "data.rotation": 20.0, "data.resized_crop": True}],
                         ids=["deterministic", "augmented"])
def test_cached_and_dataloader_paths_report_the_same_numbers(augment: dict, files: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A run on the cached tensors and the same run on DataLoaders (a set over the memory bound)
    report identical losses, accuracies and confusion matrices, augmented or not."""
    config = with_values(preset_config("mnist"), {"data.data_root": str(files), "data.batch_size": 8,
                                                  "train.device": "cpu", "model.channels": [4], **augment})
    cached = run_numbers(config)
    monkeypatch.setattr(image_tensors, "MEMORY_SHARE", 0.0)
    trainer = Trainer(config)
    assert not trainer.images.cached and trainer.images.train_loader is not None
    assert run_numbers(config) == cached


def test_sets_beyond_the_memory_bound_keep_dataloaders_with_workers(files: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Pixels over a quarter of the available memory are not decoded up front: DataLoaders with
    the configured worker processes read them instead."""
    cfg = DataConfig(dataset="images", images=str(files / "pics"), resize=64, num_workers=2, test_fraction=0.25)
    data = load_images(cfg)
    assert decoded_bytes(data) == 18 * 3 * 64 * 64
    monkeypatch.setattr(image_tensors, "memory_available", lambda device: 4 * decoded_bytes(data) - 1)
    batches = ImageBatches(data, cfg, CPU, torch.Generator())
    assert not batches.cached and batches.train_loader.num_workers == 2
    monkeypatch.setattr(image_tensors, "memory_available", lambda device: 4 * decoded_bytes(data))
    assert ImageBatches(data, cfg, CPU, torch.Generator()).cached


def test_pixels_stay_bytes_until_a_batch_is_made(files: Path) -> None:
    """The cached set holds uint8 pixels (a quarter of float32's memory); MNIST's are torchvision's own."""
    cfg = data_config("mnist-all-shuffled", files)
    batches = ImageBatches(load_images(cfg), cfg, CPU, torch.Generator())
    assert batches.train.pixels.dtype == torch.uint8 and batches.train.pixels.shape == (37, 1, 28, 28)
    assert batches.test.labels.tolist() == [i % 10 for i in range(11)]


def test_a_cnn_on_the_cpu_trains_channels_last(files: Path) -> None:
    """The CPU's convolutions are fastest channels-last: the CNN's weights and its input batches
    take that layout (the exported script too, which test_export runs to the same losses)."""
    trainer = Trainer(with_values(preset_config("mnist"), {"data.data_root": str(files), "train.device": "cpu"}))
    pixels, _ = next(trainer.images.train_batches())
    assert trainer.model[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert trainer.images.inputs(pixels).is_contiguous(memory_format=torch.channels_last)
    mlp = Trainer(with_values(preset_config("mnist"), {"data.data_root": str(files), "train.device": "cpu",
                                                       "model.kind": "mlp"}))
    assert not mlp.images.channels_last


def test_an_mlp_on_pictures_takes_the_autograd_free_step_with_autograd_s_weights(files: Path) -> None:
    """Flattened pictures through an MLP train with the fast MLP step, to the very weights autograd gives."""
    config = with_values(preset_config("mnist"), {"data.data_root": str(files), "train.device": "cpu",
                                                  "model.kind": "mlp", "model.hidden": [16], "data.batch_size": 8})
    fast, plain = Trainer(config), Trainer(config)
    assert fast._fast_step is not None
    plain._fast_step = None
    assert [fast.train_epoch() for _ in range(2)] == [plain.train_epoch() for _ in range(2)]
    assert all(torch.equal(a, b) for a, b in zip(fast.model.parameters(), plain.model.parameters()))
