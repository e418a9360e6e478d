"""One run's data, model and optimizer, trained an epoch at a time. Knows nothing of threads:
the session drives it, and a `should_stop` callable is checked before every batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

from engine.catalog import DATASETS
from engine.config import RunConfig, validate
from engine.datasets import TRUE_BIAS, TRUE_WEIGHT, draw, test_size
from engine.device import resolve_device
from engine.events import BoundaryGrid
from engine.model import build_mlp, parameter_count
from engine.optim import make_optimizer, set_learning_rate
from engine.task import make_loss, task_for

# Models this small train fastest on one thread; more threads only contend with the UI thread.
SMALL_WORK = 2_000_000  # parameters x rows per batch
PARAMETER_LIST_LIMIT = 1000  # state dicts up to this many values are reported as lists


class Trainer:
    """Everything a run holds. Construction draws the data and the initial weights."""

    def __init__(self, config: RunConfig):
        self.config = validate(config)
        data_cfg = config.data
        self.task = task_for(config)
        self.device = resolve_device(config.train.device)
        info = DATASETS[data_cfg.dataset]
        outputs = self.task.output_units(config.model.outputs)

        # The order of draws is the tutorial's: data then model, or model then data.
        torch.manual_seed(data_cfg.seed)
        if info.model_first:
            self.model = build_mlp(config.model, info.features, outputs)
            X, labels = draw(data_cfg, data_cfg.samples)
        else:
            X, labels = draw(data_cfg, data_cfg.samples)
            self.model = build_mlp(config.model, info.features, outputs)
        # The test set comes after the tutorial's own draws, so it cannot change them.
        n_test = test_size(data_cfg)
        X_test, labels_test = draw(data_cfg, n_test) if n_test else (X[:0], labels[:0])

        self.parameter_count = parameter_count(self.model)
        batch_rows = data_cfg.batch_size or data_cfg.samples
        if self.device.type == "cpu" and self.parameter_count * batch_rows < SMALL_WORK:
            torch.set_num_threads(1)

        self.bounds = _padded_bounds(X) if info.features == 2 else None
        self.train_points = _points(X, labels) if info.features == 2 and self.task.is_classification else ()
        self.test_points = _points(X_test, labels_test) if self.train_points else ()
        self.reference = ({"weight": list(TRUE_WEIGHT), "bias": TRUE_BIAS}
                          if data_cfg.dataset == "linear" else None)

        self.model.to(self.device)
        self.X = X.to(self.device)
        self.Y = self.task.targets(labels).to(self.device)
        self.X_test = X_test.to(self.device)
        self.Y_test = self.task.targets(labels_test).to(self.device)
        self.loss_fn = make_loss(self.task)
        self.optimizer = make_optimizer(self.model.parameters(), config.train)
        self.shuffle_generator = torch.Generator().manual_seed(data_cfg.seed)
        self.lr = config.train.lr
        self.epoch = 0

    @property
    def train_samples(self) -> int:
        return len(self.X)

    @property
    def test_samples(self) -> int:
        return len(self.X_test)

    def set_lr(self, lr: float) -> None:
        self.lr = lr
        set_learning_rate(self.optimizer, lr)

    def batches_per_epoch(self) -> int:
        n, size = self.train_samples, self.config.data.batch_size or self.train_samples
        return n // size if self.config.data.drop_last else -(-n // size)

    def train_epoch(self, should_stop: Callable[[], bool] = lambda: False) -> float | None:
        """Train one epoch; return its mean loss, or None when stopped part-way."""
        model, loss_fn, optimizer = self.model, self.loss_fn, self.optimizer
        model.train()
        n = self.train_samples
        size = self.config.data.batch_size or n
        X, Y = self.X, self.Y
        if size >= n:  # full batch, the tutorial's case: nothing to slice or weigh
            if should_stop():
                return None
            loss = loss_fn(model(X), Y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            self.epoch += 1
            return loss.item()
        if size < n and self.config.data.shuffle:
            # One gather per epoch, then contiguous slices: far cheaper than a gather per batch.
            order = torch.randperm(n, generator=self.shuffle_generator).to(self.device)
            X, Y = X[order], Y[order]
        total = None
        seen = 0
        for _ in range(self.batches_per_epoch()):
            if should_stop():
                return None
            xb, yb = X[seen : seen + size], Y[seen : seen + size]
            loss = loss_fn(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            weighted = loss.detach() * len(xb)
            total = weighted if total is None else total + weighted
            seen += len(xb)
        self.epoch += 1
        return (total / seen).item()

    @torch.no_grad()
    def evaluate(self) -> tuple[float | None, float | None]:
        """Loss and (for classification) accuracy on the test set; None where there is none."""
        if not self.test_samples:
            return None, None
        self.model.eval()
        outputs = self.model(self.X_test)
        loss = self.loss_fn(outputs, self.Y_test).item()
        if not self.task.is_classification:
            return loss, None
        return loss, self.task.correct(outputs, self.Y_test).item() / self.test_samples

    @torch.no_grad()
    def boundary(self, columns: int, rows: int) -> BoundaryGrid | None:
        """Class probabilities at the centre of each cell of a columns x rows grid."""
        if self.bounds is None or not self.task.is_classification:
            return None
        (x0, x1), (y0, y1) = self.bounds
        xs = x0 + (torch.arange(columns, dtype=torch.float32) + 0.5) * ((x1 - x0) / columns)
        ys = y1 - (torch.arange(rows, dtype=torch.float32) + 0.5) * ((y1 - y0) / rows)
        yy, xx = torch.meshgrid(ys, xs, indexing="ij")
        grid = torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1).to(self.device)
        self.model.eval()
        probs = self.task.probabilities(self.model(grid)).reshape(rows, columns, -1)
        return BoundaryGrid((x0, x1), (y0, y1), probs.cpu().tolist())

    def parameters_as_lists(self) -> dict[str, Any] | None:
        """The state dict as nested lists when it is small enough to print."""
        if self.parameter_count > PARAMETER_LIST_LIMIT:
            return None
        return {name: value.detach().cpu().tolist() for name, value in self.model.state_dict().items()}

    @torch.no_grad()
    def predictions(self, limit: int = 200) -> tuple[tuple[float, float], ...]:
        """(target, prediction) pairs on the test set, for regression views."""
        if self.task.is_classification or not self.test_samples:
            return ()
        self.model.eval()
        X, Y = self.X_test[:limit], self.Y_test[:limit]
        pairs = torch.stack([Y[:, 0], self.model(X)[:, 0]], dim=1)
        return tuple((t, p) for t, p in pairs.cpu().tolist())


def _padded_bounds(X: torch.Tensor) -> tuple[tuple[float, float], tuple[float, float]]:
    """The tutorial's plotting range: the data's extent plus one on every side."""
    lo, hi = X.min(dim=0).values.tolist(), X.max(dim=0).values.tolist()
    return (lo[0] - 1, hi[0] + 1), (lo[1] - 1, hi[1] + 1)


def _points(X: torch.Tensor, labels: torch.Tensor) -> tuple[tuple[float, float, float], ...]:
    rows = torch.cat([X[:, :2], labels.float().reshape(-1, 1)], dim=1).tolist()
    return tuple((x, y, c) for x, y, c in rows)
