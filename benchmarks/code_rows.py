"""Your own code's rows: a user's MLP module from a file, trained by nntui on its in-memory path
(sliced minibatches, no DataLoader), against the same module in a hand-written DataLoader loop;
and a user Dataset streamed through a DataLoader (as a set over the memory bound is) against the
same set materialised, in items trained per second."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from engine_rows import engine_seconds, moons_like_dataloader_seconds
from measure import Row, interleaved

MODULE = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, hidden: int = 16):
        super().__init__()
        self.fc1 = nn.Linear(2, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.fc3 = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.fc3(torch.relu(self.fc2(torch.relu(self.fc1(x)))))
"""
EPOCHS = 10
DATASET = """
import torch
from torch.utils.data import Dataset


class Points(Dataset):
    def __init__(self, size: int = 4000):
        g = torch.Generator().manual_seed(0)
        self.x = torch.rand(size, 2, generator=g) * 2 - 1
        self.y = (self.x.norm(dim=1) < 0.7).float()

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
"""
STREAM_ITEMS, STREAM_EPOCHS = 4000, 3


def user_module_vs_dataloader() -> Row:

    from engine.code.loader import load_target
    from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig

    folder = Path(tempfile.mkdtemp(prefix="nntui-bench-"))
    (folder / "net.py").write_text(MODULE, encoding="utf-8")
    target = f"{folder}/net.py:Net"
    config = RunConfig(ModelConfig(kind="module", module=target),
                       DataConfig(dataset="moons", samples=10_000, noise=0.1, batch_size=32, test_fraction=0.0),
                       TrainConfig(loss="bce_logits", optimizer="sgd", lr=0.1, epochs=EPOCHS))
    net = load_target(target, "model.module").value

    def hand_written() -> float:
        return moons_like_dataloader_seconds(net, EPOCHS)

    def engine() -> float:
        return engine_seconds(config, EPOCHS)

    def through_autograd() -> float:  # the same run as a module that is not a plain stack trains
        from engine.loop.trainer import Trainer

        trainer = Trainer(config)
        trainer._fast_step = None
        began = time.perf_counter()
        for _ in range(EPOCHS):
            trainer.train_epoch()
        return time.perf_counter() - began

    runs = [(engine(), hand_written(), through_autograd()) for _ in range(3)]  # alternated, as `interleaved`
    ours, theirs, autograd = (statistics.median(run[i] for run in runs) for i in range(3))
    speedup = theirs / ours
    return Row(f"user Net module (2-16-16-1) from a file, 10k samples, batch 32, {EPOCHS} epochs", "engine time (s)",
               ours, theirs, speedup, ">= 3x faster than TensorDataset+DataLoader", speedup >= 3,
               "nntui's sliced minibatches and the MLP's autograd-free step (the user's Net traces, by torch.fx, "
               "to a plain chain of Linear layers and activations) against the same module in a hand-written "
               f"DataLoader loop; a module that is not such a chain keeps autograd: {autograd:.3g} s, "
               f"{theirs / autograd:.2f}x, in the same run (plain SGD stepped without Optimizer.step)")


def streamed_vs_materialised() -> Row:
    """The same user Dataset and MLP, streamed (a memory bound of 32 bytes patched in) and materialised."""
    from unittest import mock

    from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig
    from engine.data import user_set

    folder = Path(tempfile.mkdtemp(prefix="nntui-bench-"))
    (folder / "data.py").write_text(DATASET, encoding="utf-8")
    config = RunConfig(ModelConfig(hidden=[16, 16]),
                       DataConfig(dataset="module", module=f"{folder}/data.py:Points", args={"size": STREAM_ITEMS},
                                  batch_size=32, test_fraction=0.0),
                       TrainConfig(loss="bce_logits", optimizer="sgd", lr=0.1, epochs=STREAM_EPOCHS))

    def streamed() -> float:
        with mock.patch.object(user_set, "memory_bound", lambda: 32):
            return engine_seconds(config, STREAM_EPOCHS)

    def materialised() -> float:
        return engine_seconds(config, STREAM_EPOCHS)

    ours, theirs = interleaved(streamed, materialised, 3)
    items = STREAM_ITEMS * STREAM_EPOCHS
    return Row(f"a user Dataset of {STREAM_ITEMS} (x, y) items, MLP 2-16-16-1, batch 32: streamed vs materialised",
               "engine time (s)", ours, theirs, theirs / ours, "streamed at most 10x slower (ratio >= 0.1)",
               theirs / ours >= 0.1,
               f"streamed {items / ours:,.0f} items/s through a DataLoader (one __getitem__ per item, collated), "
               f"materialised {items / theirs:,.0f} items/s (slices of tensors read once)")


if __name__ == "__main__":
    for row in (user_module_vs_dataloader(), streamed_vs_materialised()):
        print(f"{row.workload}: {row.value:.3f} s against {row.baseline:.3f} s, {row.ratio:.2f}x; {row.note}")
