"""The user's own data (data.dataset = module): a map-style Dataset returning (x, y), or a function
returning one or a (train, test) pair, from data.module with data.args. One set is split by
data.test_fraction with the run's seed (its own generator: the draws of the model's weights stay
as they were). Every item is read once into tensors (the fast path image sets have: slices, no
DataLoader per batch); the task follows the targets unless data.task says."""

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
from engine.config.problems import ConfigError, Problem, shown
from engine.config.schema import DataConfig
from engine.data.image_tensors import MEMORY_SHARE, memory_available
from engine.errors import DataError
from engine.files.reading import size_text

FIELD = "data.module"


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


def _item(dataset: Any, index: int, label: str) -> tuple[torch.Tensor, torch.Tensor]:
    item = call_user(dataset.__getitem__, FIELD, f"{label}[{index}] raised", index)
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        raise DataError(f"{FIELD}: {label}[{index}] returns {shown(item)} ({type(item).__name__}), not a pair "
                        "(x, y) of tensors or numbers")
    parts = []
    for name, value in zip("xy", item):
        try:
            tensor = torch.as_tensor(value)
        except (TypeError, ValueError, RuntimeError):
            raise DataError(f"{FIELD}: {label}[{index}]'s {name} is {shown(value)}, not a tensor or numbers") from None
        if tensor.dtype not in (torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64) \
                and not tensor.is_floating_point():
            raise DataError(f"{FIELD}: {label}[{index}]'s {name} holds {tensor.dtype}, not real numbers")
        parts.append(tensor.detach().cpu())
    return parts[0], parts[1]


def _read_all(dataset: Any, size: int, label: str, which: str) -> tuple[torch.Tensor, torch.Tensor]:
    """Every item, stacked; one line names the first item whose shape differs from item 0's."""
    xs: list[torch.Tensor] = []
    ys: list[torch.Tensor] = []
    for index in range(size):
        x, y = _item(dataset, index, label + which)
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


def _check_memory(dataset: Any, size: int, label: str) -> None:
    """Refuse a set whose tensors would not fit MEMORY_SHARE of the memory left (item 0 tells)."""
    if size == 0:
        return
    x, y = _item(dataset, 0, label)
    need = size * (x.numel() * 4 + y.numel() * 8)
    room = MEMORY_SHARE * memory_available(torch.device("cpu"))
    if room and need > room:
        raise DataError(f"{FIELD}: {label} would take {size_text(need)} as tensors, more than a quarter of the "
                        f"memory available ({size_text(int(room / MEMORY_SHARE))}): give fewer items")


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


def load_user_sets(cfg: DataConfig, recorded: Mapping[str, Path] | None = None) -> UserSets:
    """The user's data as tensors, split and with its task."""
    train, test, loaded = make_sets(cfg, recorded)
    label = loaded.target.label
    size = _length(train, label, "")
    _check_memory(train, size, label)
    X, labels = _read_all(train, size, label, "")
    if test is None:
        train_rows, test_rows = split_indices(size, cfg.test_fraction, cfg.seed)
        X, labels, X_test, labels_test = X[train_rows], labels[train_rows], X[test_rows], labels[test_rows]
    else:
        test_size = _length(test, label, " (test)")
        X_test, labels_test = _read_all(test, test_size, label, " (test)")
        if test_size and (X_test.shape[1:] != X.shape[1:]):
            raise DataError(f"{FIELD}: the test set's x has shape {tuple(X_test.shape[1:])}, the training set's "
                            f"{tuple(X.shape[1:])}")
        if not test_size:
            X_test, labels_test = X[:0], labels[:0]
    task, classes = infer_task(torch.cat([labels, labels_test]), cfg.task)
    return UserSets(X, labels, X_test, labels_test, task, classes, loaded, split=test is None)

