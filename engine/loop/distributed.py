"""One rank of a run that torchrun started (`nntui run --nproc-per-node N`): the process group, and
a TrainingSession whose trainer takes its epochs through engine.loop.sharded_epochs, so that each
rank trains on its share of the samples and DistributedDataParallel averages the gradients, as the
`nntui export --ddp` script does, with the same numbers.

A stop cannot be one rank's alone: a rank that left while the others wait in a collective would
hang them. So `stop()` only wishes it; every epoch's one all_reduce carries the wishes with the
loss, and all ranks stop together after the epoch in which any of them wished it. Every rank
builds the same data and weights, trains and evaluates the same way, and so reaches the same
decisions (divergence, early stopping, the best epoch) without asking the others."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig
from engine.errors import InputError
from engine.loop.events import RunStarted
from engine.loop.session import TrainingSession

if TYPE_CHECKING:
    from engine.loop.sharded_epochs import ShardedEpochs

# How long a rank waits in a collective for the others: a rank that dies closes its sockets and the
# others fail at once; this bounds a rank that hangs instead (stopped, swapping, a lost node).
COLLECTIVE_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Ranks:
    """This process's place among the run's processes, as torchrun told it."""

    rank: int  # 0 to world_size - 1; rank 0 reports and records
    world_size: int
    local_rank: int  # this process's GPU on its machine
    backend: str  # gloo (CPU) or nccl (GPUs)


def launched_by_torchrun() -> bool:
    """Whether this process is a rank that torchrun started (it sets RANK, WORLD_SIZE and the rest)."""
    return all(name in os.environ for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"))


def shard_problems(config: RunConfig) -> list[Problem]:
    """Why `config` cannot train on several processes, one problem per field; empty when it can:
    mps, and the onecycle schedule (kept off, as the DDP export keeps it: its steps are batches, and
    would count one rank's share). The epoch schedules (step, cosine, plateau), early stopping and
    the best weights stay: every rank measures the same test loss, so all decide alike."""
    problems = []
    if config.train.device == "mps":
        problems.append(Problem("train.device", "mps has no process-group backend: use auto, cpu (Gloo) or cuda "
                                "(NCCL)"))
    if config.train.schedule == "onecycle":
        problems.append(Problem("train.schedule", "--nproc-per-node steps the lr once an epoch, as the DDP export "
                                "does (step, cosine, plateau); onecycle steps it every batch, and a process takes "
                                "only a share of them: use another schedule"))
    return problems


def check_shardable(config: RunConfig) -> RunConfig:
    """Raise ConfigError naming every field that keeps `config` off several processes."""
    problems = shard_problems(config)
    if problems:
        raise ConfigError(problems)
    return config


def check_resumed_world_size(recorded: int | None, world_size: int) -> None:
    """A resume must train on the processes the run trained on: the samples are dealt out by their
    number, so another number would continue with other batches than the uninterrupted run's."""
    if recorded is not None and recorded != world_size:
        raise InputError(f"world size: the run trained on {recorded} process{'es' if recorded != 1 else ''} and "
                         f"this resume has {world_size}: resume it on {recorded}")


def join_process_group(device_name: str) -> Ranks:
    """Join the run's process group over Gloo, or over NCCL where this rank trains on a GPU (which
    becomes this process's current device, one per local rank)."""
    import torch
    import torch.distributed as dist

    from engine.loop.device import resolve_device

    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    device = resolve_device(device_name)
    if device.type == "mps":
        raise ConfigError([Problem("train.device", "auto picks mps here, which has no process-group backend: use cpu")])
    backend = "gloo"
    if device.type == "cuda":
        torch.cuda.set_device(local_rank)
        backend = "nccl"
    dist.init_process_group(backend, timeout=timedelta(seconds=COLLECTIVE_TIMEOUT_S))
    return Ranks(dist.get_rank(), dist.get_world_size(), local_rank, backend)


def leave_process_group() -> None:
    """Leave the group, so that its threads end here rather than as Python shuts down."""
    import torch.distributed as dist

    if dist.is_initialized():
        dist.destroy_process_group()


class DistributedSession(TrainingSession):
    """A TrainingSession as one rank: its epochs shared out, its stops agreed on by all ranks."""

    def __init__(self, config: RunConfig, *args, **kwargs):
        super().__init__(check_shardable(config), *args, **kwargs)
        self.stop_wished = threading.Event()  # this rank would stop; all do once any does
        self._wished_status = "stopped"
        self.epochs: ShardedEpochs | None = None  # once the trainer is built

    def stop(self, status: str = "stopped") -> None:
        """Wish the run to stop: it stops, on every rank, after the epoch in which one wished it."""
        self._wished_status = status
        self.stop_wished.set()

    def trainer_ready(self, trainer) -> None:
        from engine.loop.sharded_epochs import ShardedEpochs

        self.epochs = ShardedEpochs(trainer, self.stop_wished, self._stop_agreed)
        check_resumed_world_size(getattr(self._resume, "world_size", None), self.epochs.world_size)
        trainer.epoch_runner = self.epochs

    def _started(self, trainer) -> RunStarted:
        assert self.epochs is not None  # (trainer_ready comes first)
        return replace(super()._started(trainer), world_size=self.epochs.world_size)

    def _stop_agreed(self) -> None:
        TrainingSession.stop(self, self._wished_status)

    def release(self) -> None:
        """Let go of DistributedDataParallel's hold on the process group (before leaving it)."""
        if self.epochs is not None:
            self.epochs.release()
        if self.trainer is not None:
            self.trainer.epoch_runner = None
