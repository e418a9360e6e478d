"""A user Dataset too large for the memory bound, kept as the user's Dataset and read through
DataLoaders (engine.loop.user_batches) rather than materialised. Its items are checked as the
materialised path checks them (a pair of tensors or numbers, every shape item 0's), once in a scan
that also reads the targets for the task, and again as each batch is collated. An error raised in
the user's __getitem__ travels back from a DataLoader worker as plain values (`Failed`), so the
run ends on the same one line with the user's frames as it does without workers."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from engine.code.frames import UserCodeError, UserFrame
from engine.code.loader import Loaded
from engine.data.user_item import read_item
from engine.errors import InputError

SCAN_BATCH = 256  # items per batch of the one pass that checks the items and reads the targets


@dataclass
class StreamedSets:
    """A user data set left as Datasets: what to read, what it holds, and why it streams."""

    train: Dataset
    test: Dataset
    task: str  # "regression" | "classification"
    classes: int  # 0 for regression
    loaded: Loaded
    sample_shape: tuple[int, ...]
    target_shape: tuple[int, ...]
    need: int  # bytes the set would take as tensors
    bound: int  # bytes the memory bound allows
    split: bool = True

    @property
    def note(self) -> str:
        """The start record's warning: why this run is slower than a materialised one."""
        from engine.files.reading import size_text

        items = len(self.train) + len(self.test)  # type: ignore[arg-type]
        return (f"streaming {items} items through a DataLoader: over the memory bound of {size_text(self.bound)} "
                f"(as tensors they would take {size_text(self.need)})")


@dataclass(frozen=True)
class Failed:
    """An item the user's code could not give, as plain values that cross from a worker process."""

    field: str
    message: str
    frames: tuple[UserFrame, ...] = ()
    user_code: bool = True

    @classmethod
    def of(cls, err: InputError, field: str) -> Failed:
        if isinstance(err, UserCodeError):
            return cls(str(err.problems[0].path), err.headline, err.frames)
        return cls(field, str(err), (), False)

    def error(self) -> InputError:
        from engine.errors import DataError

        return UserCodeError(self.field, self.message, self.frames) if self.user_code else DataError(self.message)


class CheckedItems(Dataset):
    """The user's Dataset, each item checked and made (index, x, y) tensors; a refused item is a Failed."""

    def __init__(self, dataset: Any, label: str, field: str):
        self.dataset, self.label, self.field = dataset, label, field

    def __len__(self) -> int:
        return len(self.dataset)

    def __getitem__(self, index: int) -> tuple[int, torch.Tensor, torch.Tensor] | Failed:
        try:
            return (index, *read_item(self.dataset, index, self.label))
        except InputError as err:
            return Failed.of(err, self.field)


class ItemStacker:
    """A DataLoader's collate_fn: the checked items of a batch stacked as float32 inputs and targets,
    every shape compared with item 0's; the batch's first Failed item in place of a refused batch."""

    def __init__(self, sample_shape: tuple[int, ...] | None, target_shape: tuple[int, ...] | None, label: str,
                 field: str):
        self.sample_shape, self.target_shape, self.label, self.field = sample_shape, target_shape, label, field

    def __call__(self, items: list) -> tuple[torch.Tensor, torch.Tensor] | Failed:
        for item in items:
            if isinstance(item, Failed):
                return item
        for index, x, y in items:
            for name, value, want in (("x", x, self.sample_shape), ("y", y, self.target_shape)):
                if want is not None and tuple(value.shape) != want:
                    return Failed(self.field, f"{self.label}[{index}]'s {name} has shape {tuple(value.shape)}, item "
                                              f"0's {want}: every item needs the same shapes", (), False)
        return torch.stack([x for _, x, _ in items]).to(torch.float32), torch.stack([y for _, _, y in items])


def raise_failed(batch: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """A collated batch, or the error of the item that refused it."""
    if isinstance(batch, Failed):
        raise batch.error()
    return batch


def quiet_worker(_: int) -> None:
    """A worker's start: Ctrl+C reaches the whole process group, and the main process alone decides
    what it means (a stop at a batch boundary), so a worker does not die of it mid-batch."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def scan(items: CheckedItems, workers: int) -> tuple[tuple[int, ...], tuple[int, ...], torch.Tensor]:
    """One pass over every item: the shapes (item 0's), and the targets, which the task follows.
    Refuses the first item that is not a pair of tensors, has another shape, or holds NaN."""
    from engine.errors import DataError

    first = items[0]
    if isinstance(first, Failed):
        raise first.error()
    shapes = (tuple(first[1].shape), tuple(first[2].shape))
    label, field = items.label, items.field
    # Its own generator: a loader without one draws its workers' seed from torch's, which the
    # model's initial weights are drawn from next.
    loader = DataLoader(items, batch_size=SCAN_BATCH, num_workers=workers, generator=torch.Generator(),
                        collate_fn=ItemStacker(*shapes, label, field), worker_init_fn=quiet_worker)
    targets, seen = [], 0
    for batch in loader:
        X, y = raise_failed(batch)
        finite = torch.isfinite(X.reshape(len(X), -1)).all(dim=1)
        if not bool(finite.all()):
            raise DataError(f"{field}: {label}[{seen + int((~finite).nonzero()[0])}]'s x holds NaN or infinity")
        targets.append(y)
        seen += len(X)
    return shapes[0], shapes[1], torch.cat(targets)
