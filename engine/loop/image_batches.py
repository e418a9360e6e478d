"""An image run's batches. A set whose pixels fit in memory is decoded once into uint8 tensors on
the run's device and cut into batches by slicing a seeded permutation, as the in-memory sets are;
a larger one is read by DataLoaders (with `num_workers` processes). Both give uint8 batches on the
device, in the same order, and `inputs` turns either into the model's inputs: to float, the
training-only augmentation, Normalize, and for a CNN on the CPU the channels-last layout (a
pixel's channels side by side), which the CPU's convolutions are fastest with.

The cached path takes each epoch's order from a DataLoader over the indices alone, with the
run's shuffling generator: it draws what a DataLoader's pass over the pictures draws (a seed for
its workers, the permutation, whatever a torch version adds), so its batches are that loader's,
and an exported script that loads the pictures through torchvision and a DataLoader sees the
same batches. The order crosses to the device once an epoch, never per batch."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset

from engine.config.schema import DataConfig
from engine.data.augment import augment, augment_generator, augmented
from engine.data.image_tensors import ImageTensors, InputMaker, decode, fits
from engine.data.images import EVAL_BATCH, ImageData
from engine.loop.batching import batch_sizes

Batch = tuple[torch.Tensor, torch.Tensor]  # uint8 pixels (N, C, H, W) and int64 labels, on the device


class ImageBatches:
    """The two splits of an image set as batches on one device."""

    def __init__(self, data: ImageData, cfg: DataConfig, device: torch.device, shuffle_generator: torch.Generator,
                 channels_last: bool = False):
        self.cfg, self.device, self.spec = cfg, device, data.spec
        self.channels_last = channels_last
        self.shuffle_generator = shuffle_generator
        self.augment_generator = augment_generator(cfg, device) if augmented(cfg) else None
        self.make_inputs = InputMaker(data.spec, device)
        self.train_size = cfg.batch_size or max(len(data.train), 1)
        self.test_size = cfg.batch_size or EVAL_BATCH  # the tutorial's test loader batches as its training one
        self.train_samples, self.test_samples = len(data.train), len(data.test)
        self.cached = fits(data, device)
        self.train: ImageTensors | None = None
        self.test: ImageTensors | None = None
        self.train_loader: DataLoader | None = None
        self.test_loader: DataLoader | None = None
        if self.cached:
            self.train = decode(data.train, data.spec.shape, device, cfg.num_workers)
            self.test = decode(data.test, data.spec.shape, device, cfg.num_workers)
            self.order_loader = DataLoader(_Indices(self.train_samples), batch_size=self.train_size,
                                           shuffle=cfg.shuffle, drop_last=cfg.drop_last,
                                           generator=shuffle_generator, collate_fn=_as_is)
        else:
            pin = device.type == "cuda"
            self.train_loader = DataLoader(data.train.dataset, batch_size=self.train_size, shuffle=cfg.shuffle,
                                           drop_last=cfg.drop_last, num_workers=cfg.num_workers,
                                           generator=shuffle_generator, pin_memory=pin)
            # Its own generator: each pass draws a worker seed from the loader's generator (from the
            # global one without it), so an evaluation would otherwise shift later batches.
            self.test_loader = DataLoader(data.test.dataset, batch_size=self.test_size, num_workers=cfg.num_workers,
                                          generator=torch.Generator(), pin_memory=pin)

    def batches_per_epoch(self) -> int:
        return len(batch_sizes(self.train_samples, self.train_size, self.cfg.drop_last))

    def train_batches(self) -> Iterator[Batch]:
        """One epoch's training batches, shuffled when the run shuffles."""
        if self.train is None:
            yield from self._moved(self.train_loader)  # type: ignore[arg-type]
            return
        pixels, labels = self.train.pixels, self.train.labels
        batches = list(self.order_loader)
        if not batches:
            return
        order = torch.cat(batches).to(self.device)
        start = 0
        for rows in map(len, batches):
            if self.cfg.shuffle:
                picked = order[start : start + rows]
                yield pixels.index_select(0, picked), labels.index_select(0, picked)
            else:
                yield pixels[start : start + rows], labels[start : start + rows]
            start += rows

    def test_batches(self) -> Iterator[Batch]:
        """The test set in order."""
        if self.test is None:
            yield from self._moved(self.test_loader)  # type: ignore[arg-type]
            return
        for start in range(0, len(self.test), self.test_size):
            yield self.test.pixels[start : start + self.test_size], self.test.labels[start : start + self.test_size]

    def first_test(self, count: int) -> Batch:
        """The first `count` test pictures, for the live views."""
        if self.test is not None:
            return self.test.pixels[:count], self.test.labels[:count]
        items = [self.test_loader.dataset[i] for i in range(min(count, self.test_samples))]  # type: ignore[union-attr]
        pixels = torch.stack([image for image, _ in items]).to(self.device)
        return pixels, torch.tensor([int(label) for _, label in items], device=self.device)

    def inputs(self, pixels: torch.Tensor, train: bool = False) -> torch.Tensor:
        """uint8 pixels as the model's inputs: floats from 0 to 1, augmented (training batches of
        an augmented run), normalised, laid out as the model wants them."""
        x = self.make_inputs.to_float(pixels)
        if train and self.augment_generator is not None:
            x = augment(x, self.augment_generator, self.cfg.hflip, self.cfg.rotation, self.cfg.resized_crop)
        x = self.make_inputs.normalize(x)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x

    def _moved(self, loader: DataLoader) -> Iterator[Batch]:
        for pixels, labels in loader:
            yield pixels.to(self.device, non_blocking=True), labels.to(self.device, non_blocking=True)


class _Indices(Dataset):
    """0..n-1, fetched a batch at a time (DataLoader calls __getitems__ with a batch's indices)."""

    def __init__(self, n: int):
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int) -> int:
        return index

    def __getitems__(self, indices: list[int]) -> torch.Tensor:
        return torch.tensor(indices, dtype=torch.int64)


def _as_is(batch: Any) -> Any:
    """The collate step of `_Indices`, whose __getitems__ already made the batch one tensor (typed
    Any: DataLoader declares a collate of lists)."""
    return batch
