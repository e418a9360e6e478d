"""The user's own data (data.dataset = module): a map-style Dataset returning (x, y), or a function
returning one or a (train, test) pair, from data.module with data.args. One set is split by
data.test_fraction with the run's seed (its own generator: the draws of the model's weights stay
as they were). A set within the memory bound is read once into tensors (the fast path image sets
have: slices, no DataLoader per batch); a larger one streams through DataLoaders
(engine.data.user_stream). The task follows the targets unless data.task says."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from engine.code.frames import call_user
from engine.code.loader import Loaded, load_target
from engine.code.signature import check_call_args
from engine.config.problems import ConfigError, Problem
from engine.config.schema import DataConfig
from engine.data.image_tensors import MEMORY_SHARE, memory_available
from engine.data.user_item import FIELD, read_item
from engine.data.user_stream import CheckedItems, StreamedSets, scan
from engine.errors import DataError
from engine.files.reading import size_text


@dataclass
class UserSets:
    """A user data set read into tensors: inputs as float32, labels as the targets gave them."""

    X: torch.Tensor
    labels: torch.Tensor
    X_test: torch.Tensor
    labels_test: torch.Tensor
    task: str  # "regression" | "classification"
    classes: int  # 0 for regression
    loaded: Loaded
    split: bool = True  # the test set was cut from one set (False: the user's code gave a (train, test) pair)

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.X.shape[1:])


def _is_dataset(value: Any) -> bool:
    return (hasattr(value, "__getitem__") and hasattr(value, "__len__") and not isinstance(value, torch.Tensor)
            and not isinstance(value, (str, bytes, dict)))


def make_sets(cfg: DataConfig, recorded: Mapping[str, Path] | None = None) -> tuple[Any, Any | None, Loaded]:
    """The user's train set and test set (None: split one), as their code makes them."""
    if not cfg.module:
        raise ConfigError([Problem(FIELD, "data.dataset is module: name your Dataset, e.g. data.py:MyDataset "
                                          "(--data-module data.py:MyDataset)")])
    loaded = load_target(cfg.module, FIELD, recorded)
    obj, label = loaded.value, loaded.target.label
    if not callable(obj) or not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.ismethod(obj)):
        raise ConfigError([Problem(FIELD, f"{label} is {type(obj).__name__}, not a Dataset class or a function")])
    check_call_args(obj, cfg.args, "data.args", label)
    made = call_user(obj, FIELD, f"{label} raised while making the data", **cfg.args)
    if isinstance(made, (tuple, list)) and len(made) == 2 and all(_is_dataset(part) for part in made):
        return made[0], made[1], loaded
    if _is_dataset(made):
        return made, None, loaded
    hint = " (wrap tensors in torch.utils.data.TensorDataset(X, Y))" if isinstance(made, (tuple, torch.Tensor)) else ""
    raise ConfigError([Problem(FIELD, f"{label} gave {type(made).__name__}, not a Dataset (with __len__ and "
                                      f"__getitem__) or a (train, test) pair of them{hint}")])


def _length(dataset: Any, label: str, which: str) -> int:
    size = call_user(len, FIELD, f"len() of {label}{which} raised", dataset)
    if size == 0 and not which:
        raise DataError(f"{FIELD}: {label} is empty (len() is 0): it needs at least one (x, y) item")
    return size


def _read_all(dataset: Any, size: int, label: str, which: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Every item, stacked; one line names the first item whose shape differs from item 0's."""
    xs: list[torch.Tensor] = []
    ys: list[torch.Tensor] = []
    for index in range(size):
        x, y = read_item(dataset, index, label + which)
        if xs and (x.shape != xs[0].shape or y.shape != ys[0].shape):
            name, first, now = ("x", xs[0], x) if x.shape != xs[0].shape else ("y", ys[0], y)
            raise DataError(f"{FIELD}: {label}{which}[{index}]'s {name} has shape {tuple(now.shape)}, item 0's "
                            f"{tuple(first.shape)}: every item needs the same shapes")
        xs.append(x)
        ys.append(y)
    if not xs:
        return torch.zeros(0), torch.zeros(0)
    X = torch.stack(xs).to(torch.float32)
    if not bool(torch.isfinite(X).all()):
        row = int((~torch.isfinite(X.reshape(len(X), -1))).any(dim=1).nonzero()[0])
        raise DataError(f"{FIELD}: {label}{which}[{row}]'s x holds NaN or infinity")
    return X, torch.stack(ys)


def memory_bound() -> int:
    """Bytes a user set may take as tensors: MEMORY_SHARE of the memory available (0: unknown)."""
    return int(MEMORY_SHARE * memory_available(torch.device("cpu")))


def tensor_bytes(dataset: Any, size: int, label: str) -> int:
    """What the set would take as tensors (float32 inputs, int64 targets), as item 0 tells."""
    if size == 0:
        return 0
    x, y = read_item(dataset, 0, label)
    return size * (x.numel() * 4 + y.numel() * 8)


def split_indices(size: int, fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded permutation cut into train and test indices; the test share is rounded and leaves
    at least one training item."""
    order = torch.randperm(size, generator=torch.Generator().manual_seed(seed))
    n_test = min(int(round(size * fraction)), size - 1)
    return order[n_test:], order[:n_test]


def infer_task(labels: torch.Tensor, wanted: str) -> tuple[str, int]:
    """(task, classes) of the targets: whole-number targets (integer dtype, or floats that are all
    0 or 1, as the tutorial's MyDataset gives) are classes, other numbers regression, unless
    data.task says which."""
    if labels.numel() == 0:
        return ("regression", 0) if wanted != "classification" else ("classification", 2)
    whole = not labels.is_floating_point() or bool(((labels == 0) | (labels == 1)).all())
    task = wanted if wanted != "auto" else ("classification" if whole else "regression")
    if task == "regression":
        return task, 0
    if labels[0].numel() != 1:
        raise DataError(f"{FIELD}: classification needs one class index per item; y has shape "
                        f"{tuple(labels.shape[1:])} (set data.task = regression for several targets)")
    values = labels.reshape(-1).double()
    if not bool((values == values.round()).all()) or float(values.min()) < 0:
        raise DataError(f"{FIELD}: data.task is classification, and the targets are not class indices 0, 1, 2, ...")
    top = int(values.max())
    if top >= 10_000:
        raise DataError(f"{FIELD}: the targets name class {top}; nntui takes at most 10000 classes")
    return task, max(top + 1, 2)


@dataclass
class MadeSets:
    """The user's Datasets as their code made them, sized from item 0: what decides whether they are
    read into tensors or streamed, known before any other item is read."""

    train: Any
    test: Any | None  # None: one set, split by data.test_fraction
    loaded: Loaded
    size: int
    test_size: int
    need: int  # bytes the set would take as tensors
    bound: int  # bytes the memory bound allows (0: unknown, no bound)

    @property
    def streams(self) -> bool:
        return bool(self.bound) and self.need > self.bound


def make_user_sets(cfg: DataConfig, recorded: Mapping[str, Path] | None = None) -> MadeSets:
    """The user's Datasets made and sized, every item but the first left unread."""
    train, test, loaded = make_sets(cfg, recorded)
    label = loaded.target.label
    size = _length(train, label, "")
    test_size = _length(test, label, " (test)") if test is not None else 0
    return MadeSets(train, test, loaded, size, test_size, tensor_bytes(train, size + test_size, label), memory_bound())


def load_user_sets(cfg: DataConfig, recorded: Mapping[str, Path] | None = None) -> UserSets | StreamedSets:
    """The user's data, split and with its task: as tensors, or as Datasets to stream where the
    tensors would be over the memory bound."""
    return read_user_sets(make_user_sets(cfg, recorded), cfg)


def read_user_sets(made: MadeSets, cfg: DataConfig) -> UserSets | StreamedSets:
    """Every item of the made sets read (or, streamed, checked in one scan), split and with its task."""
    train, test, loaded, size, test_size = made.train, made.test, made.loaded, made.size, made.test_size
    if made.streams:
        return _streamed(cfg, train, test, loaded, made.need, made.bound)
    label = loaded.target.label
    X, labels = _read_all(train, size, label, "")
    if test is None:
        train_rows, test_rows = split_indices(size, cfg.test_fraction, cfg.seed)
        X, labels, X_test, labels_test = X[train_rows], labels[train_rows], X[test_rows], labels[test_rows]
    else:
        X_test, labels_test = _read_all(test, test_size, label, " (test)")
        for name, theirs, ours in (("x", X_test, X), ("y", labels_test, labels)):
            if test_size and theirs.shape[1:] != ours.shape[1:]:
                raise DataError(f"{FIELD}: the test set's {name} has shape {tuple(theirs.shape[1:])}, the training "
                                f"set's {tuple(ours.shape[1:])}")
        if not test_size:
            X_test, labels_test = X[:0], labels[:0]
    task, classes = infer_task(torch.cat([labels, labels_test]), cfg.task)
    return UserSets(X, labels, X_test, labels_test, task, classes, loaded, split=test is None)


def _streamed(cfg: DataConfig, train: Any, test: Any | None, loaded: Loaded, need: int, bound: int) -> StreamedSets:
    """The user's Datasets checked in one pass and split as the tensors would be, to stream."""
    from torch.utils.data import Dataset, Subset

    label = loaded.target.label
    if not cfg.batch_size:
        raise ConfigError([Problem("data.batch_size", f"0 (the whole set in one batch) needs {label} in memory, and "
                                   f"as tensors it would take {size_text(need)}, over the memory bound of "
                                   f"{size_text(bound)}: give a batch size")])
    items = CheckedItems(train, label, FIELD)
    shape, target_shape, labels = scan(items, cfg.num_workers)
    train_set: Dataset
    test_set: Dataset
    if test is None:
        train_rows, test_rows = split_indices(len(items), cfg.test_fraction, cfg.seed)
        train_set, test_set = Subset(items, train_rows.tolist()), Subset(items, test_rows.tolist())
    else:
        checked_test = CheckedItems(test, label + " (test)", FIELD)
        test_set, test_labels = checked_test, labels[:0]
        if len(checked_test):
            test_shape, test_target, test_labels = scan(checked_test, cfg.num_workers)
            for name, theirs, ours in (("x", test_shape, shape), ("y", test_target, target_shape)):
                if theirs != ours:
                    raise DataError(f"{FIELD}: the test set's {name} has shape {theirs}, the training set's {ours}")
        labels, train_set = torch.cat([labels, test_labels]), items
    task, classes = infer_task(labels, cfg.task)
    return StreamedSets(train_set, test_set, task, classes, loaded, shape, target_shape, need, bound,
                        split=test is None)
