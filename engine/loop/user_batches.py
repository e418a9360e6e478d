"""A streamed user set's batches (engine.data.user_stream): DataLoaders over the user's Dataset
with the run's batch_size, shuffle, drop_last and num_workers, as the image path's DataLoaders
read a set too large to decode. Each epoch's order comes from a generator seeded from the run's
seed and the epoch's number, so an epoch's batches (and its workers' seeds) are known from the
epoch alone: a rolled-back, resumed or re-run epoch reads exactly the batches it read first, and
the LR finder's passes change nothing that training draws.

The first training batch, read in order, is kept: the dry run, the health of the layers and the
finite-outputs check look at it rather than at the whole set (which is not in memory); so is the
first test batch, which the regression views plot."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader

from engine.config.schema import DataConfig
from engine.data.images import EVAL_BATCH
from engine.data.user_stream import ItemStacker, StreamedSets, quiet_worker, raise_failed
from engine.loop.batching import batch_sizes
from engine.loop.events import FitScores
from engine.models.task import Task


@dataclass(frozen=True)
class TestFigures:
    """One evaluation of a streamed test set."""

    loss: float
    accuracy: float | None  # classification only
    confusion: torch.Tensor | None  # [true][predicted] counts on the device; classification only
    scores: FitScores | None  # regression only


Batch = tuple[torch.Tensor, torch.Tensor]  # float32 inputs and the task's targets, on the device


def epoch_seed(seed: int, epoch: int) -> int:
    """The seed of epoch `epoch`'s shuffle: a hash of (seed, epoch), so nearby seeds and epochs
    give unrelated orders."""
    digest = hashlib.sha256(f"nntui-stream:{seed}:{epoch}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1  # a non-negative int64


class UserBatches:
    """A streamed user set's training and test batches on one device."""

    def __init__(self, sets: StreamedSets, cfg: DataConfig, device: torch.device, task: Task):
        self.cfg, self.device, self.task, self.sets = cfg, device, task, sets
        self.train_samples, self.test_samples = len(sets.train), len(sets.test)  # type: ignore[arg-type]
        self.train_size = cfg.batch_size
        self.note = sets.note
        label = sets.loaded.target.label
        stack = ItemStacker(sets.sample_shape, sets.target_shape, label, "data.module")
        pin = device.type == "cuda"
        self._order = torch.Generator()
        self.train_loader = DataLoader(sets.train, batch_size=self.train_size, shuffle=cfg.shuffle,
                                       drop_last=cfg.drop_last, num_workers=cfg.num_workers, generator=self._order,
                                       collate_fn=stack, worker_init_fn=quiet_worker, pin_memory=pin)
        self._test_seed = torch.Generator()  # the test loader draws its workers' seeds from its own
        self.test_loader = DataLoader(sets.test, batch_size=cfg.batch_size or EVAL_BATCH,
                                      num_workers=cfg.num_workers, generator=self._test_seed, collate_fn=stack,
                                      worker_init_fn=quiet_worker, pin_memory=pin)
        # Every loader has a generator of its own: one without draws from torch's (dropout's, ...).
        self._in_order = {False: DataLoader(sets.train, batch_size=self.train_size, collate_fn=stack,
                                            generator=torch.Generator()),
                          True: DataLoader(sets.test, batch_size=cfg.batch_size, collate_fn=stack,
                                           generator=torch.Generator())}
        self._first: dict[bool, Batch] = {}

    def batches_per_epoch(self) -> int:
        return len(batch_sizes(self.train_samples, self.train_size, self.cfg.drop_last))

    def train_batches(self, epoch: int) -> Iterator[Batch]:
        """Epoch `epoch`'s training batches (1 is the first), shuffled when the run shuffles."""
        self._order.manual_seed(epoch_seed(self.cfg.seed, epoch))
        yield from self._moved(self.train_loader)

    def test_batches(self) -> Iterator[Batch]:
        """The test set in order."""
        self._test_seed.manual_seed(self.cfg.seed)
        yield from self._moved(self.test_loader)

    def first_batch(self, test: bool = False) -> Batch:
        """The first training (or test) batch in the set's order, read once, in this process."""
        if test not in self._first:
            self._first[test] = next(iter(self._moved(self._in_order[test])))
        return self._first[test]

    @torch.no_grad()
    def evaluate(self, model: torch.nn.Module, loss_fn: torch.nn.Module) -> TestFigures:
        """The test set's loss, in batches: with the accuracy and confusion matrix of a classifier,
        the fit scores of a regression, all counted on the device (one host sync at the end)."""
        from engine.loop.image_samples import count_confusion

        task = self.task
        model.eval()
        loss_sum = torch.zeros((), device=self.device)
        classes = task.classes
        confusion = torch.zeros((classes, classes), dtype=torch.long, device=self.device) if classes else None
        sums = torch.zeros(5, dtype=torch.float64, device=self.device)  # e², |e|, y, y², n of the first target
        for X, Y in self.test_batches():
            outputs = model(X)
            loss_sum = loss_sum + loss_fn(outputs, Y) * len(X)
            if confusion is not None:
                confusion += count_confusion(Y, task.probabilities(outputs).argmax(dim=1), classes)
            else:
                errors, actual = (outputs[:, 0] - Y[:, 0]).double(), Y[:, 0].double()
                sums += torch.stack([errors.square().sum(), errors.abs().sum(), actual.sum(), actual.square().sum(),
                                     torch.tensor(float(len(X)), dtype=torch.float64, device=self.device)])
        n = self.test_samples
        loss = loss_sum.item() / n
        if confusion is not None:
            return TestFigures(loss, confusion.diagonal().sum().item() / n, confusion, None)
        squared, absolute, total, total_squares, count = sums.tolist()
        spread = total_squares - total * total / count
        scores = FitScores(math.sqrt(squared / count), absolute / count, 1 - squared / spread if spread > 0 else None)
        return TestFigures(loss, None, None, scores)

    def _moved(self, loader: DataLoader) -> Iterator[Batch]:
        for batch in loader:
            X, labels = raise_failed(batch)
            yield X.to(self.device, non_blocking=True), self.task.targets(labels.to(self.device, non_blocking=True))
