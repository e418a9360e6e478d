"""Training-speed rows measured in this process: the tutorial's linear regression and minibatches
against a DataLoader (the shapes CNN's row is benchmarks/cnn_rows.py)."""

from __future__ import annotations

import time

from measure import Row, interleaved


def linreg_vs_tutorial() -> Row:
    import torch
    from torch import nn

    from engine.config.presets import preset_config
    from engine.loop.session import TrainingSession

    def tutorial() -> float:
        began = time.perf_counter()
        torch.manual_seed(42)
        X = torch.randn(100, 2)
        Y = X @ torch.tensor([2.0, 3.0]) + 4.0 + torch.randn(100) * 0.1
        model = nn.Linear(2, 1)
        criterion = nn.MSELoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        for epoch in range(1000):
            model.train()
            loss = criterion(model(X).squeeze(), Y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if (epoch + 1) % 100 == 0:
                loss.item()
        return time.perf_counter() - began

    def engine() -> float:
        began = time.perf_counter()
        session = TrainingSession(preset_config("linreg"), lambda event: None, snapshot_interval_s=None,
                                  eval_interval_s=None)
        session.start()
        session.join()
        return time.perf_counter() - began

    engine()  # warm up (and let the engine choose its thread count, which the tutorial then shares)
    tutorial()
    ours, theirs = interleaved(engine, tutorial, 15)
    return Row("linreg, full batch, 1000 epochs", "engine time (s)", ours, theirs, ours / theirs,
               "<= 1.10x the tutorial's loop", ours / theirs <= 1.10,
               "the linreg preset through a TrainingSession against the tutorial's own loop, 15 runs each, "
               "alternated")


def minibatch_vs_dataloader() -> Row:
    from torch import nn

    from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig

    config = RunConfig(ModelConfig(hidden=[16, 16], output_activation="none"),
                       DataConfig(dataset="moons", samples=10_000, noise=0.1, batch_size=32, test_fraction=0.0),
                       TrainConfig(loss="bce_logits", optimizer="sgd", lr=0.1, epochs=20))

    def tutorial() -> float:
        return moons_like_dataloader_seconds(
            lambda: nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1)), 20)

    def engine() -> float:
        return engine_seconds(config, 20)

    ours, theirs = interleaved(engine, tutorial, 3)
    speedup = theirs / ours
    return Row("2-16-16-1 MLP, 10k samples, batch 32, 20 epochs", "engine time (s)", ours, theirs, speedup,
               ">= 5x faster than TensorDataset+DataLoader", speedup >= 5,
               "sliced minibatches and the autograd-free MLP step against a DataLoader over the same tensors")


def moons_like_dataloader_seconds(make_model, epochs: int) -> float:
    """The tutorial's loop over 10k XOR-labelled points, batch 32, SGD lr 0.1, BCEWithLogitsLoss,
    through TensorDataset+DataLoader, with the model `make_model()` builds: the baseline of the
    rows comparing nntui's minibatch loop with what a reader would write."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    torch.manual_seed(0)
    X = torch.randn(10_000, 2)
    Y = (X[:, 0] * X[:, 1] > 0).float().unsqueeze(1)
    model = make_model()
    criterion = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    loader = DataLoader(TensorDataset(X, Y), batch_size=32, shuffle=True)
    began = time.perf_counter()
    for _ in range(epochs):
        for inputs, labels in loader:
            loss = criterion(model(inputs), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return time.perf_counter() - began


def engine_seconds(config, epochs: int) -> float:
    """`epochs` of nntui's Trainer on `config`, the data and model built before the clock starts."""
    from engine.loop.trainer import Trainer

    trainer = Trainer(config)
    began = time.perf_counter()
    for _ in range(epochs):
        trainer.train_epoch()
    return time.perf_counter() - began
