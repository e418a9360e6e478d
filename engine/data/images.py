"""Image data sets as torchvision reads them: MNIST and FashionMNIST, an ImageFolder of the user's
own pictures, and the offline `shapes` set. Each split serves its pictures decoded (resized where
asked, as uint8 tensors); turning them into the model's inputs (to float, augmentation, Normalize)
is done on whole batches by `engine.data.image_tensors` and `engine.data.augment`."""

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

EVAL_BATCH = 256  # test images per evaluation batch when training takes the whole set at once
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
class ImageSplit:
    """One split: a Dataset of (uint8 C x H x W tensor, class) pairs, and, where the whole split
    already lies in memory at the size the model takes (MNIST, shapes), those pixels and labels."""

    dataset: Dataset
    pixels: torch.Tensor | None = None  # uint8 (N, C, H, W)
    labels: torch.Tensor | None = None  # int64 (N,)

    def __len__(self) -> int:
        return len(self.dataset)  # type: ignore[arg-type]


@dataclass
class ImageData:
    """The two splits, and how one picture becomes the model's input."""

    train: ImageSplit
    test: ImageSplit
    spec: ImageSpec


def data_root(cfg: DataConfig) -> Path:
    return Path(cfg.data_root).expanduser() if cfg.data_root else CACHE_ROOT


def normalization(cfg: DataConfig) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Normalize's mean and std per channel: the data set's own, 0.5 (the tutorial's MNIST), or none."""
    if cfg.normalize == "none":
        return (), ()
    mean, std = NORMALIZE[cfg.dataset]
    return ((0.5,) * len(mean), (0.5,) * len(std)) if cfg.normalize == "0.5" else (mean, std)


def image_spec(cfg: DataConfig, mode: str, native: int, labels: tuple[str, ...]) -> ImageSpec:
    size = cfg.resize or native
    mean, std = normalization(cfg)
    return ImageSpec(mode, (size, size), tuple(mean), tuple(std), labels)


def make_transform(spec: ImageSpec) -> transforms.Compose:
    """Resize, ToTensor and Normalize: one picture file as the model takes it (`predict`)."""
    steps: list = [transforms.Resize(spec.size), transforms.ToTensor()]
    if spec.mean:
        steps.append(transforms.Normalize(spec.mean, spec.std))
    return transforms.Compose(steps)


def pixel_transform(spec: ImageSpec, resize: bool) -> transforms.Compose:
    """What each picture goes through before batching: Resize (where its size differs) and
    PILToTensor, which keeps the bytes; ToTensor's division and Normalize come per batch."""
    return transforms.Compose([*([transforms.Resize(spec.size)] if resize else []), transforms.PILToTensor()])


def load_images(cfg: DataConfig) -> ImageData:
    """The configured image set's train and test splits."""
    source = DATASETS[cfg.dataset].source
    if source == "procedural":
        return _shapes(cfg)
    if source == "torchvision":
        return _torchvision(cfg)
    return _folder(cfg)


def _shapes(cfg: DataConfig) -> ImageData:
    spec = image_spec(cfg, "L", SHAPE_SIZE, ShapesDataset.classes)
    resize = bool(cfg.resize) and cfg.resize != SHAPE_SIZE
    splits = []
    for n, seed in ((cfg.samples, cfg.seed), (test_size(cfg), cfg.seed + 1)):
        shapes = ShapesDataset(n, seed, transform=pixel_transform(spec, resize))
        pixels = None if resize else torch.from_numpy(shapes.data).unsqueeze(1)
        splits.append(ImageSplit(shapes, pixels, None if resize else torch.tensor(shapes.targets)))
    train, test = splits
    return ImageData(train, test, spec)


def _torchvision(cfg: DataConfig) -> ImageData:
    root = data_root(cfg)
    cls = TORCHVISION[cfg.dataset]
    spec = image_spec(cfg, "L", 28, tuple(cls.classes))
    resize = bool(cfg.resize) and cfg.resize != 28
    try:
        train = cls(str(root), train=True, transform=pixel_transform(spec, resize), download=cfg.download)
        test = cls(str(root), train=False, transform=pixel_transform(spec, resize), download=cfg.download)
    except RuntimeError as err:
        raise _missing(cfg, cls, root, err) from None
    n_train = len(train) if not cfg.samples else min(cfg.samples, len(train))
    n_test = (len(test) if not cfg.samples else test_size(cfg)) if cfg.test_fraction else 0
    return ImageData(_first(train, n_train, resize), _first(test, n_test, resize), spec)


def _missing(cfg: DataConfig, cls: type, root: Path, err: RuntimeError) -> DataError:
    raw = root / cls.__name__ / "raw"
    if cfg.download:
        return DataError(f"{cfg.dataset}: download into {raw} failed ({err})")
    names = ", ".join(Path(name).stem for name, _ in cls.resources)  # type: ignore[attr-defined]
    return DataError(f"{cfg.dataset}: not found in {raw} (expects {names}); run again with --download to fetch it "
                     "there, or copy the files there yourself (--data-root DIR picks another folder)")


def _first(dataset: datasets.MNIST, n: int, resize: bool) -> ImageSplit:
    """The first n pictures of a torchvision set, whose `data` holds them all as uint8 already."""
    subset = dataset if n >= len(dataset) else Subset(dataset, range(n))
    if resize:
        return ImageSplit(subset)
    return ImageSplit(subset, dataset.data[:n].unsqueeze(1), dataset.targets[:n])


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
    pictures = datasets.ImageFolder(str(root), transform=pixel_transform(spec, resize=True), loader=load_rgb)
    order = torch.randperm(len(probe), generator=torch.Generator().manual_seed(cfg.seed)).tolist()
    n_test = round(len(order) * cfg.test_fraction)
    if n_test >= len(order):
        raise DataError(f"{root}: {len(order)} images leave none for training")
    return ImageData(ImageSplit(Subset(pictures, order[n_test:])), ImageSplit(Subset(pictures, order[:n_test])), spec)
