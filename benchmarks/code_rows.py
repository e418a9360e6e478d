"""Your own code's row: a user's MLP module from a file, trained by nntui on its in-memory path
(sliced minibatches, no DataLoader), against the same module in a hand-written DataLoader loop."""

from __future__ import annotations

import tempfile
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

    ours, theirs = interleaved(engine, hand_written, 3)
    speedup = theirs / ours
    return Row(f"user Net module (2-16-16-1) from a file, 10k samples, batch 32, {EPOCHS} epochs", "engine time (s)",
               ours, theirs, speedup, ">= 3x faster than TensorDataset+DataLoader", speedup >= 3,
               "nntui's sliced minibatches with the user's module (autograd: it is not a Sequential) against the "
               "same module in a hand-written DataLoader loop")


if __name__ == "__main__":
    row = user_module_vs_dataloader()
    print(f"{row.workload}: nntui {row.value:.3f} s, DataLoader {row.baseline:.3f} s, {row.ratio:.2f}x "
          f"(target {row.target}: {'met' if row.met else 'not met'})")
