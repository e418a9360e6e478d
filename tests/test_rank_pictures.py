"""A torchrun rank's share of an image set's training pictures (engine.loop.sharded_epochs): the
same batches whether the set is decoded into tensors or read by a DataLoader (a set over the memory
bound), each rank's the pictures its DistributedSampler deals it. In this process: a sampler takes
its rank and world size as arguments, no process group needed. (The numbers against the `--ddp`
export, on two real ranks: tests/test_torchrun_run.py.)"""

from __future__ import annotations

import pytest
import torch
from torch.utils.data import DistributedSampler

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.data import image_tensors
from engine.loop.batching import batch_sizes
from engine.loop.sharded_epochs import RankPictures
from engine.loop.trainer import Trainer

CONFIG = with_values(preset_config("shapes"), {"data.samples": 40, "train.device": "cpu", "data.batch_size": 8})


def _rank_batches(trainer: Trainer, rank: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Rank `rank` of 2's batches in the third epoch."""
    sampler = DistributedSampler(range(trainer.train_samples), num_replicas=2, rank=rank, shuffle=True, seed=42)
    sampler.set_epoch(2)
    pictures = RankPictures(trainer.images, sampler, batch_sizes(len(sampler), 8, False))
    return list(pictures.batches())


@pytest.mark.parametrize("rank", [0, 1])
def test_decoded_and_dataloader_pictures_give_a_rank_the_same_batches(rank: int,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The decoded set and a DataLoader over the pictures on disk give the rank equal batches."""
    decoded = Trainer(CONFIG)
    assert decoded.images.cached
    monkeypatch.setattr(image_tensors, "MEMORY_SHARE", 0.0)
    loaded = Trainer(CONFIG)
    assert not loaded.images.cached
    expected, got = _rank_batches(decoded, rank), _rank_batches(loaded, rank)
    assert [len(labels) for _, labels in got] == [8, 8, 4]
    assert all(torch.equal(a, b) and torch.equal(x, y) for (a, x), (b, y) in zip(expected, got))


def test_the_two_ranks_train_on_the_pictures_the_sampler_deals_them() -> None:
    """Between them the two ranks see every training picture once in an epoch (40 divide evenly)."""
    trainer = Trainer(CONFIG)
    seen = torch.cat([pixels for rank in (0, 1) for pixels, _ in _rank_batches(trainer, rank)])
    every = trainer.images.train.pixels
    assert len(seen) == len(every) == 40
    assert sorted(map(bytes, seen.flatten(1).numpy())) == sorted(map(bytes, every.flatten(1).numpy()))
