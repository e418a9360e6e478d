"""Image data sets and their transforms: torchvision's MNIST and FashionMNIST, an ImageFolder of
the user's own pictures, and the offline `shapes` set. Train and test sets share one
preprocessing pipeline; augmentation is added to the training set only."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch.utils.data import Dataset, Subset
from torchvision import datasets, transforms

from engine.config.catalog import DATASETS
from engine.config.schema import DataConfig
from engine.data.picture_file import load_rgb
from engine.data.preprocess import ImageSpec
from engine.data.shapes import SHAPE_SIZE, ShapesDataset
from engine.data.synthetic import test_size
from engine.errors import DataError

EVAL_BATCH = 256  # test images per evaluation batch
CACHE_ROOT = Path.home() / ".cache" / "nntui"
FOLDER_SIZE = 28  # ImageFolder pictures come in any size; without data.resize they become this square
# The data sets' own means and stds (ImageFolder: the ImageNet values the tutorial uses).
NORMALIZE = {
    "mnist": ((0.1307,), (0.3081,)),
    "fashion-mnist": ((0.2860,), (0.3530,)),
    "shapes": ((0.5,), (0.5,)),
    "images": ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
}
TORCHVISION = {"mnist": datasets.MNIST, "fashion-mnist": datasets.FashionMNIST}


@dataclass
class ImageData:
    """The two splits as Datasets, and how one picture becomes the model's input."""

    train: Dataset
    test: Dataset
    spec: ImageSpec


def data_root(cfg: DataConfig) -> Path:
    return Path(cfg.data_root).expanduser() if cfg.data_root else CACHE_ROOT


def image_spec(cfg: DataConfig, mode: str, native: int, labels: tuple[str, ...]) -> ImageSpec:
    size = cfg.resize or native
    mean, std = NORMALIZE[cfg.dataset] if cfg.normalize else ((), ())
    return ImageSpec(mode, (size, size), tuple(mean), tuple(std), labels)


def make_transform(spec: ImageSpec, cfg: DataConfig | None = None, train: bool = False,
                   resize: bool = True) -> transforms.Compose:
    """Resize, training-only augmentation, ToTensor and Normalize, in the tutorial's order.
    `resize` False skips Resize for sets whose pictures already have the size."""
    steps: list = [transforms.Resize(spec.size)] if resize else []
    if train and cfg is not None:
        if cfg.hflip:
            steps.append(transforms.RandomHorizontalFlip())
        if cfg.rotation:
            steps.append(transforms.RandomRotation(cfg.rotation))
        if cfg.resized_crop:
            steps.append(transforms.RandomResizedCrop(spec.size, scale=(0.7, 1.0), antialias=True))
    steps.append(transforms.ToTensor())
    if spec.mean:
        steps.append(transforms.Normalize(spec.mean, spec.std))
    return transforms.Compose(steps)


def load_images(cfg: DataConfig) -> ImageData:
    """The configured image set's train and test splits."""
    source = DATASETS[cfg.dataset].source
    if source == "procedural":
        spec = image_spec(cfg, "L", SHAPE_SIZE, ShapesDataset.classes)
        resize = bool(cfg.resize)
        train = ShapesDataset(cfg.samples, cfg.seed, transform=make_transform(spec, cfg, True, resize))
        test = ShapesDataset(test_size(cfg), cfg.seed + 1, transform=make_transform(spec, resize=resize))
        return ImageData(train, test, spec)
    if source == "torchvision":
        return _torchvision(cfg)
    return _folder(cfg)


def _torchvision(cfg: DataConfig) -> ImageData:
    root = data_root(cfg)
    cls = TORCHVISION[cfg.dataset]
    spec = image_spec(cfg, "L", 28, tuple(cls.classes))
    try:
        resize = bool(cfg.resize)
        train = cls(str(root), train=True, transform=make_transform(spec, cfg, True, resize), download=cfg.download)
        test = cls(str(root), train=False, transform=make_transform(spec, resize=resize), download=cfg.download)
    except RuntimeError as err:
        raw = root / cls.__name__ / "raw"
        if cfg.download:
            raise DataError(f"{cfg.dataset}: download into {raw} failed ({err})") from None
        names = ", ".join(Path(name).stem for name, _ in cls.resources)
        raise DataError(f"{cfg.dataset}: not found in {raw} (expects {names}); run again with --download to "
                        f"fetch it there, or copy the files there yourself (--data-root DIR picks another "
                        "folder)") from None
    return ImageData(_first(train, cfg.samples), _first(test, test_size(cfg)), spec)


def _first(dataset: Dataset, n: int) -> Dataset:
    return dataset if n >= len(dataset) else Subset(dataset, range(n))  # type: ignore[arg-type]


def _folder(cfg: DataConfig) -> ImageData:
    """An ImageFolder tree split by test_fraction with a seeded permutation."""
    root = Path(cfg.images).expanduser()
    if not root.is_dir():
        raise DataError(f"{root}: no such folder (--images DIR needs one sub-folder of pictures per class)")
    try:
        probe = datasets.ImageFolder(str(root))
    except (FileNotFoundError, RuntimeError) as err:
        raise DataError(f"{root}: not an image folder tree ({err})") from None
    if len(probe.classes) < 2:
        raise DataError(f"{root}: {len(probe.classes)} class folder(s); a classifier needs at least two")
    spec = image_spec(cfg, "RGB", FOLDER_SIZE, tuple(probe.classes))
    train_set = datasets.ImageFolder(str(root), transform=make_transform(spec, cfg, train=True), loader=load_rgb)
    test_set = datasets.ImageFolder(str(root), transform=make_transform(spec), loader=load_rgb)
    order = torch.randperm(len(probe), generator=torch.Generator().manual_seed(cfg.seed)).tolist()
    n_test = round(len(order) * cfg.test_fraction)
    if n_test >= len(order):
        raise DataError(f"{root}: {len(order)} images leave none for training")
    return ImageData(Subset(train_set, order[n_test:]), Subset(test_set, order[:n_test]), spec)
