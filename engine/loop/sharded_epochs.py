"""A rank's epochs, as the `nntui export --ddp` script trains them: a DistributedSampler deals each
rank its share of the training rows (reshuffled every epoch by the epoch's number, the same way on
every rank, so that a resumed run deals as an uninterrupted one), the rank steps through its share
in minibatches of data.batch_size (or all at once for a full batch) through DistributedDataParallel,
which averages the ranks' gradients, and one all_reduce per epoch sums the ranks' losses together
with their wishes to stop."""

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


class ShardedEpochs:
    """Trainer.train_epoch for one rank (Trainer.epoch_runner): it always finishes the epoch, as a
    stop is agreed at its end, not taken mid-epoch by one rank."""

    def __init__(self, trainer, stop_wished: threading.Event, stop_agreed: Callable[[], None]):
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel
        from torch.utils.data import DistributedSampler

        if trainer.images is not None:
            raise ConfigError([Problem("data.dataset", "--nproc-per-node shares out tensor data (synthetic sets, CSV "
                                       "tables, your Dataset's rows), not pictures: use nntui export --ddp")])
        if trainer.stream is not None:
            raise ConfigError([Problem("data.module", "--nproc-per-node shares out tensor data, and your Dataset "
                                       "is over the memory bound, so it streams: use nntui export --ddp")])
        self.trainer, self.stop_wished, self.stop_agreed = trainer, stop_wished, stop_agreed
        self.world_size = dist.get_world_size()
        data = trainer.config.data
        n = trainer.train_samples
        if n < self.world_size:
            raise ConfigError([Problem("data.samples", f"{n} training samples cannot be shared out among "
                                       f"{self.world_size} processes: each needs at least one of its own")])
        self.minibatch = 0 < data.batch_size < n
        self.shuffled = self.minibatch and data.shuffle
        self.sampler = DistributedSampler(range(n), shuffle=self.shuffled, seed=data.seed)
        self.share_size = len(self.sampler)
        self.sizes = batch_sizes(self.share_size, data.batch_size, data.drop_last) if self.minibatch else \
            [self.share_size]
        if not self.sizes:
            raise ConfigError([Problem("data.batch_size", f"with drop_last, a batch of {data.batch_size} from each "
                                       f"process's {self.share_size} samples leaves no batch")])
        gpu = [torch.cuda.current_device()] if trainer.device.type == "cuda" else None  # the local rank's
        self.ddp = DistributedDataParallel(trainer.model, device_ids=gpu)
        self._rows = None if self.shuffled else self._share()

    def _share(self) -> tuple[torch.Tensor, torch.Tensor]:
        share = torch.tensor(list(self.sampler), device=self.trainer.device)
        return self.trainer.X[share], self.trainer.Y[share]

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
        X, Y = self._rows if self._rows is not None else self._share()
        epoch_loss = torch.zeros((), device=trainer.device)
        seen = 0
        for rows in self.sizes:
            loss = trainer._train_step(X[seen : seen + rows], Y[seen : seen + rows], forward=self.ddp)
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
