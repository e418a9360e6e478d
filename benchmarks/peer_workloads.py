"""The peer rows' workloads: the same training loop through nntui and through what a user would
pick instead, each a process of its own (one torch thread), timing the loop alone: data, model
and trainer are built before the clock, every run with fresh weights.

    python benchmarks/peer_workloads.py PEER WORKLOAD [--root DIR] [--repeats N]

PEER is nntui, sliced (a hand-written loop over a shuffled tensor's slices: the limit), lightning
(Lightning's Trainer, no logger, checkpointing, progress bar or summary), keras (Keras 3's fit on
the torch backend) or skorch. WORKLOAD is moons (10,000 points, 2-16-16-1, Adam lr 0.01, batch 32,
10 epochs) or mnist (one epoch of 60,000 MNIST-shaped pictures from the IDX files in --root,
784-128-10, Adam lr 0.001, batch 64). Every peer trains nntui's own tensors. It prints one JSON
line: {"seconds": [...], "median", "loss": the last run's loss over all the rows after training,
computed alike for every peer}, or {"missing": why} when the peer's
package is not installed (the `bench` extra has them all)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]
os.environ.setdefault("KERAS_BACKEND", "torch")  # before anything imports keras

PACKAGES = {"lightning": "lightning", "keras": "keras", "skorch": "skorch"}


@dataclass
class Workload:
    """What every peer trains: nntui's tensors, the layer sizes, the loss and the loop's settings."""

    X: object  # torch.Tensor, float32 rows
    Y: object  # torch.Tensor: (n, 1) float32 targets for moons, (n,) int64 classes for mnist
    sizes: list[int]
    classes: bool  # cross-entropy on classes, else BCE with logits
    lr: float
    batch: int
    epochs: int
    nntui_config: object  # the RunConfig nntui trains


def moons() -> Workload:
    from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig
    from engine.loop.trainer import Trainer

    config = RunConfig(ModelConfig(hidden=[16, 16], output_activation="none"),
                       DataConfig(dataset="moons", samples=10_000, noise=0.1, batch_size=32, test_fraction=0.0),
                       TrainConfig(loss="bce_logits", optimizer="adam", lr=0.01, epochs=10))
    trainer = Trainer(config)
    return Workload(trainer.X, trainer.Y, [2, 16, 16, 1], False, 0.01, 32, 10, config)


def mnist(root: Path) -> Workload:
    from image_workloads import BATCH, HIDDEN, LR, nntui_config

    from engine.loop.trainer import Trainer

    config = nntui_config(root, False, "cpu")
    images = Trainer(config).images
    X = images.make_inputs(images.train.pixels).flatten(1).contiguous()
    return Workload(X, images.train.labels.long(), [784, HIDDEN, 10], True, LR, BATCH, 1, config)


def network(w: Workload):
    import torch
    from torch import nn

    layers: list[nn.Module] = []
    for a, b in zip(w.sizes, w.sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    torch.manual_seed(0)
    return nn.Sequential(*layers[:-1])


def loss_of(w: Workload):
    from torch import nn

    return nn.CrossEntropyLoss() if w.classes else nn.BCEWithLogitsLoss()


def run_nntui(w: Workload) -> tuple[float, float]:
    from engine.loop.trainer import Trainer

    trainer = Trainer(w.nntui_config)
    began = time.perf_counter()
    for _ in range(w.epochs):
        trainer.train_epoch()  # reads the epoch's loss: its work is done
    seconds = time.perf_counter() - began
    return seconds, trainer.model


def run_sliced(w: Workload):
    """The limit: a shuffled copy once an epoch, contiguous slices, autograd and torch's Adam."""
    import torch

    model, criterion = network(w), loss_of(w)
    optimizer = torch.optim.Adam(model.parameters(), lr=w.lr)
    generator = torch.Generator().manual_seed(0)
    n = len(w.X)
    began = time.perf_counter()
    for _ in range(w.epochs):
        order = torch.randperm(n, generator=generator)
        X, Y = w.X[order], w.Y[order]
        total = torch.zeros(())
        for start in range(0, n, w.batch):
            loss = criterion(model(X[start:start + w.batch]), Y[start:start + w.batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.detach()
        total.item()  # the epoch's loss, read as nntui reads it
    seconds = time.perf_counter() - began
    return seconds, model


def run_lightning(w: Workload):
    import logging

    import lightning as L
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    logging.getLogger("lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")  # "the train_dataloader does not have many workers", ...

    class Classifier(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net, self.criterion = network(w), loss_of(w)

        def training_step(self, batch, index):
            x, y = batch
            return self.criterion(self.net(x), y)

        def configure_optimizers(self):
            return torch.optim.Adam(self.parameters(), lr=w.lr)

    module = Classifier()
    loader = DataLoader(TensorDataset(w.X, w.Y), batch_size=w.batch, shuffle=True)
    trainer = L.Trainer(max_epochs=w.epochs, accelerator="cpu", devices=1, logger=False, enable_checkpointing=False,
                        enable_progress_bar=False, enable_model_summary=False, num_sanity_val_steps=0)
    began = time.perf_counter()
    trainer.fit(module, loader)
    seconds = time.perf_counter() - began
    return seconds, module.net


def run_keras(w: Workload):
    import keras

    layers = [keras.Input((w.sizes[0],))]
    layers += [keras.layers.Dense(size, activation="relu") for size in w.sizes[1:-1]]
    layers.append(keras.layers.Dense(w.sizes[-1]))
    keras.utils.set_random_seed(0)
    model = keras.Sequential(layers)
    loss = (keras.losses.SparseCategoricalCrossentropy(from_logits=True) if w.classes
            else keras.losses.BinaryCrossentropy(from_logits=True))
    model.compile(optimizer=keras.optimizers.Adam(w.lr), loss=loss)
    X, Y = w.X.numpy(), w.Y.numpy()
    began = time.perf_counter()
    model.fit(X, Y, batch_size=w.batch, epochs=w.epochs, verbose=0, shuffle=True)
    seconds = time.perf_counter() - began
    import torch

    return seconds, lambda inputs: torch.as_tensor(model.predict(inputs.numpy(), batch_size=4096, verbose=0))


def run_skorch(w: Workload):
    import torch
    from skorch import NeuralNet

    net = NeuralNet(network(w), criterion=type(loss_of(w)), optimizer=torch.optim.Adam, lr=w.lr, max_epochs=w.epochs,
                    batch_size=w.batch, train_split=None, iterator_train__shuffle=True, callbacks="disable",
                    device="cpu")
    net.initialize()
    began = time.perf_counter()
    net.partial_fit(w.X, w.Y)
    seconds = time.perf_counter() - began
    return seconds, net.module_


PEERS = {"nntui": run_nntui, "sliced": run_sliced, "lightning": run_lightning, "keras": run_keras,
         "skorch": run_skorch}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("peer", choices=list(PEERS))
    parser.add_argument("workload", choices=["moons", "mnist"])
    parser.add_argument("--root", type=Path, help="mnist: the folder of the MNIST IDX files")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    package = PACKAGES.get(args.peer)
    if package is not None:
        try:
            __import__(package)
        except ImportError:
            print(json.dumps({"missing": f"{package} is not installed (pip install -e '.[bench]')"}))
            return
    import torch

    torch.set_num_threads(1)
    workload = moons() if args.workload == "moons" else mnist(args.root)
    seconds, model = [], None
    for _ in range(args.repeats):
        seconds_of_run, model = PEERS[args.peer](workload)
        seconds.append(seconds_of_run)
    with torch.no_grad():
        loss = loss_of(workload)(model(workload.X), workload.Y).item()
    print(json.dumps({"seconds": seconds, "median": statistics.median(seconds), "loss": loss}))


if __name__ == "__main__":
    main()
