"""A rank's epochs, as the `nntui export --ddp` script trains them: a DistributedSampler deals each
rank its share of the training rows (reshuffled every epoch by the epoch's number, the same way on
every rank, so that a resumed run deals as an uninterrupted one), the rank steps through its share
in minibatches of data.batch_size (or all at once for a full batch) through DistributedDataParallel,
which averages the ranks' gradients, and one all_reduce per epoch sums the ranks' losses together
with their wishes to stop. An image set's pictures are dealt the same way (in the run's order,
shuffled or not, as the script's DataLoader takes them) and batched as that DataLoader batches them."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

import torch

from engine.config.problems import ConfigError, Problem
from engine.loop.batching import batch_sizes


class RanksParted(RuntimeError):
    """A collective failed in an epoch: another rank died, or left the run without the others."""


def _parted(err: RuntimeError, epoch: int) -> RuntimeError:
    """A backend's error (Gloo's or NCCL's, with their source paths and advice) as a line saying
    what happened; any other error as it is."""
    text = str(err)
    if not re.search(r"gloo|nccl", text, re.IGNORECASE):
        return err
    found = re.search(r"\] (.+?)(?:\. This is typically|$)", text.splitlines()[0])
    reason = found.group(1) if found else text.splitlines()[0]
    return RanksParted(f"another rank left the run in epoch {epoch} (it died or stopped): {reason}")


def samples_field(dataset: str) -> str:
    """The field that holds a data set's training samples: a table's rows are its files' (less
    data.test_fraction), a Dataset's are its module's, a synthetic set draws data.samples."""
    return {"csv": "data.paths", "module": "data.module"}.get(dataset, "data.samples")


class ShardedEpochs:
    """Trainer.train_epoch for one rank (Trainer.epoch_runner): it always finishes the epoch, as a
    stop is agreed at its end, not taken mid-epoch by one rank."""

    def __init__(self, trainer, stop_wished: threading.Event, stop_agreed: Callable[[], None]):
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel
        from torch.utils.data import DistributedSampler

        if trainer.stream is not None:
            raise ConfigError([Problem("data.module", "--nproc-per-node shares out tensor data, and your Dataset "
                                       "is over the memory bound, so it streams: use nntui export --ddp")])
        self.trainer, self.stop_wished, self.stop_agreed = trainer, stop_wished, stop_agreed
        self.world_size = dist.get_world_size()
        data = trainer.config.data
        n = trainer.train_samples
        if n < self.world_size:
            raise ConfigError([Problem(samples_field(data.dataset), f"{n} training samples cannot be shared out "
                                       f"among {self.world_size} processes: each needs at least one of its own")])
        self.minibatch = 0 < data.batch_size < n
        # Pictures are dealt in the run's order, as the script's DataLoader takes them; rows only in minibatches
        self.shuffled = data.shuffle if trainer.images is not None else self.minibatch and data.shuffle
        # (a range is all a sampler reads of a dataset: its length)
        self.sampler: DistributedSampler[int] = DistributedSampler(range(n), shuffle=self.shuffled,  # type: ignore[arg-type]
                                                                   seed=data.seed)
        self.share_size = len(self.sampler)
        self.sizes = batch_sizes(self.share_size, data.batch_size, data.drop_last) if self.minibatch else \
            [self.share_size]
        if not self.sizes:
            raise ConfigError([Problem("data.batch_size", f"with drop_last, a batch of {data.batch_size} from each "
                                       f"process's {self.share_size} samples leaves no batch")])
        gpu = [torch.cuda.current_device()] if trainer.device.type == "cuda" else None  # the local rank's
        self.ddp: DistributedDataParallel | None = DistributedDataParallel(trainer.model, device_ids=gpu)
        self.pictures = None if trainer.images is None else RankPictures(trainer.images, self.sampler, self.sizes)
        self._rows = None if self.shuffled or self.pictures is not None else self._share()

    def _share(self) -> tuple[torch.Tensor, torch.Tensor]:
        share = torch.tensor(list(self.sampler), device=self.trainer.device)
        return self.trainer.X[share], self.trainer.Y[share]

    def _batches(self):
        """This epoch's batches of the rank's share: model inputs and targets."""
        if self.pictures is not None:
            images, task = self.trainer.images, self.trainer.task
            for pixels, labels in self.pictures.batches():
                yield images.inputs(pixels, train=True), task.targets(labels)
            return
        X, Y = self._rows if self._rows is not None else self._share()
        seen = 0
        for rows in self.sizes:
            yield X[seen : seen + rows], Y[seen : seen + rows]
            seen += rows

    def __call__(self, should_stop: Callable[[], bool]) -> float:
        """One epoch on this rank's share; its loss, the mean over every rank's samples."""
        try:
            return self._epoch()
        except RuntimeError as err:
            parted = _parted(err, self.trainer.epoch + 1)
            if parted is err:
                raise
            raise parted from err

    def _epoch(self) -> float:
        import torch.distributed as dist

        trainer = self.trainer
        if not trainer.model.training:
            trainer.model.train()
        if self.shuffled:
            self.sampler.set_epoch(trainer.epoch)  # the epoch about to run, counted from 0
        epoch_loss = torch.zeros((), device=trainer.device)
        seen = 0
        for xb, yb in self._batches():  # (a picture MLP's Flatten is in the model DDP calls)
            rows = len(xb)
            loss = trainer._train_step(xb, yb, forward=self.ddp)
            epoch_loss = epoch_loss + loss * rows if self.minibatch else loss * rows
            seen += rows
        wish = torch.ones((), device=trainer.device) if self.stop_wished.is_set() else \
            torch.zeros((), device=trainer.device)
        summed = torch.stack([epoch_loss, wish])
        dist.all_reduce(summed)  # the ranks' losses and wishes, on every rank
        trainer.epoch += 1
        if summed[1].item() > 0:
            self.stop_agreed()
        return (summed[0] / (seen * self.world_size)).item()

    def release(self) -> None:
        """Drop DistributedDataParallel, which holds on to the process group."""
        self.ddp = None


class RankPictures:
    """A rank's share of an image set's training pictures, an epoch at a time, in the batches the
    `--ddp` script's DataLoader makes of its DistributedSampler's indices: uint8 pixels and labels on
    the device, sliced from the decoded set, or read by a DataLoader where the set stays on disk."""

    def __init__(self, images, sampler, sizes: list[int]):
        self.images, self.sampler, self.sizes = images, sampler, sizes
        self.loader = None
        if images.train is None:  # too large to decode: a DataLoader over the rank's pictures
            from torch.utils.data import DataLoader

            cfg = images.cfg
            self.loader = DataLoader(images.train_loader.dataset, batch_size=sizes[0], sampler=sampler,
                                     drop_last=cfg.drop_last, num_workers=cfg.num_workers,
                                     generator=torch.Generator(), pin_memory=images.device.type == "cuda")

    def batches(self):
        device = self.images.device
        if self.loader is not None:
            for pixels, labels in self.loader:
                yield pixels.to(device, non_blocking=True), labels.to(device, non_blocking=True)
            return
        share = torch.tensor(list(self.sampler), device=device)
        pixels, labels = self.images.train.pixels, self.images.train.labels
        seen = 0
        for rows in self.sizes:
            picked = share[seen : seen + rows]
            yield pixels.index_select(0, picked), labels.index_select(0, picked)
            seen += rows
