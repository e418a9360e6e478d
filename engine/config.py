"""The run configuration: one typed object that the presets, TOML files, CLI flags and the TUI
forms all read and write, with one table of field rules so that every door validates alike."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from engine import catalog
from engine.errors import InputError


@dataclass
class ModelConfig:
    """The network: an MLP whose input and output sizes follow from the data."""

    hidden: list[int] = field(default_factory=lambda: [4])  # hidden layer sizes; [] is a linear model
    activation: str = "relu"  # after every hidden layer
    output_activation: str = "none"  # none | sigmoid | softmax
    outputs: int = 0  # output units; 0 means from the data (classes for cross_entropy, else 1)
    kind: str = "mlp"  # mlp | cnn (image data only: conv blocks, then the hidden layers)
    channels: list[int] = field(default_factory=lambda: [8, 16])  # cnn: output channels of each conv block


@dataclass
class DataConfig:
    """Which data set, how much of it, and how it is cut into batches."""

    dataset: str = "circle"
    samples: int = 100  # training points; the test set comes on top of these
    noise: float = 0.0  # data-set specific noise level (0 keeps the tutorial's draws)
    classes: int = 3  # for the multi-class sets (blobs, spiral)
    test_fraction: float = 0.2  # share of all points held out for testing
    batch_size: int = 0  # 0 means full batch, as in the tutorial
    shuffle: bool = True  # reshuffle the training set each epoch (minibatches only)
    drop_last: bool = False  # drop the last, incomplete batch
    seed: int = 42  # seeds torch before anything is drawn
    # Tables (dataset = csv): files with the same columns, combined one after another.
    paths: list[str] = field(default_factory=list)
    target: str = ""  # the column to predict; empty means the last column
    task: str = "auto"  # auto | regression | classification
    categorical: str = "onehot"  # text feature columns: onehot (few values) | error
    missing: str = "drop"  # rows with empty/NA/NaN/null cells: drop | error
    # Images: torchvision sets (mnist, fashion-mnist), a folder tree (images) or shapes.
    images: str = ""  # dataset = images: a folder with one sub-folder per class
    data_root: str = ""  # where mnist/fashion-mnist live; empty means ~/.cache/nntui
    download: bool = False  # let torchvision fetch mnist/fashion-mnist into data_root
    num_workers: int = 0  # DataLoader worker processes for image data
    resize: int = 0  # Resize images to this square size; 0 keeps their size (shapes/mnist: 28)
    normalize: bool = True  # Normalize with the data set's mean and std
    hflip: bool = False  # training only: RandomHorizontalFlip
    rotation: float = 0.0  # training only: RandomRotation by up to this many degrees
    resized_crop: bool = False  # training only: RandomResizedCrop back to the image size


@dataclass
class TrainConfig:
    """Loss, optimizer and the length of the run."""

    loss: str = "mse"
    optimizer: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.0  # SGD and RMSprop
    weight_decay: float = 0.0
    clip_grad: float = 0.0  # clip the gradient norm to this before each step; 0 is off
    epochs: int = 100
    log_interval: int = 10  # print a line every this many epochs
    device: str = "auto"


@dataclass
class RunConfig:
    """Everything a run needs; `nntui config` prints it as TOML."""

    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def copy(self) -> RunConfig:
        return from_dict(to_dict(self))


@dataclass(frozen=True)
class FieldSpec:
    """The rule for one field: its type, allowed values and the help line everyone shows."""

    section: str
    name: str
    kind: type
    help: str
    choices: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    low_open: bool = False  # True: value must be > low rather than >= low
    item: type = int  # list fields: int (layer/channel sizes) or str (file paths)
    # The data sources that read this field (catalog.DatasetInfo.source, or "source:kind" for one
    # kind of them); () = all.
    sources: tuple[str, ...] = ()

    def applies_to(self, dataset: str) -> bool:
        """Whether this field matters for a data set (forms hide the rest)."""
        info = catalog.DATASETS.get(dataset)
        return (not self.sources or info is None or info.source in self.sources
                or f"{info.source}:{info.kind}" in self.sources)

    @property
    def metavar(self) -> str:
        """The placeholder a CLI option or a form shows for the value."""
        if self.choices:
            return "|".join(self.choices)
        if self.kind is list:
            return "FILES" if self.item is str else "SIZES"
        return {int: "INT", float: "FLOAT", str: "TEXT", bool: "BOOL"}[self.kind]

    @property
    def path(self) -> str:
        return f"{self.section}.{self.name}"

    def allowed(self) -> str:
        """The allowed values in words, for error messages and help."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.kind is bool:
            return "true or false"
        if self.kind is list:
            if self.item is str:
                return "comma-separated file paths, or empty"
            return "comma-separated layer sizes from 1 to 4096, or empty"
        if self.kind is str:
            return "any text"
        low = "" if self.low is None else ("> " if self.low_open else ">= ") + _num(self.low)
        high = "" if self.high is None else "<= " + _num(self.high)
        return " and ".join(p for p in (low, high) if p) or "any number"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


IMAGE_SOURCES = ("torchvision", "procedural", "folder")
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("model", "hidden", list, "hidden layer sizes, e.g. 16,16 (empty: linear model)"),
    FieldSpec("model", "activation", str, "activation after each hidden layer", tuple(catalog.ACTIVATIONS)),
    FieldSpec("model", "output_activation", str, "activation on the output layer", tuple(catalog.OUTPUT_ACTIVATIONS)),
    FieldSpec("model", "outputs", int, "output units (0: from the data)", low=0, high=1000),
    FieldSpec("model", "kind", str, "network: mlp, or cnn for images", tuple(catalog.MODEL_KINDS),
              sources=IMAGE_SOURCES),
    FieldSpec("model", "channels", list, "cnn: channels of each conv block, e.g. 8,16", sources=IMAGE_SOURCES),
    FieldSpec("data", "dataset", str, "data set: synthetic, csv or images", tuple(catalog.DATASETS)),
    FieldSpec("data", "samples", int, "training points", low=1, high=10_000_000,
              sources=("synthetic", "torchvision", "procedural")),
    FieldSpec("data", "noise", float, "noise level of the data set", low=0, high=10, sources=("synthetic",)),
    FieldSpec("data", "classes", int, "classes of blobs and spiral", low=2, high=10,
              sources=("synthetic:multiclass",)),
    FieldSpec("data", "test_fraction", float, "share of all points held out for testing", low=0, high=0.9),
    FieldSpec("data", "batch_size", int, "minibatch size (0: full batch)", low=0, high=10_000_000),
    FieldSpec("data", "shuffle", bool, "reshuffle the training set every epoch"),
    FieldSpec("data", "drop_last", bool, "drop the last incomplete batch"),
    FieldSpec("data", "seed", int, "random seed", low=0, high=2**63 - 1),
    FieldSpec("data", "paths", list, "csv: data files with the same columns", item=str, sources=("table",)),
    FieldSpec("data", "target", str, "csv: the column to predict (empty: the last)", sources=("table",)),
    FieldSpec("data", "task", str, "csv: what the target is (auto: inferred)", ("auto", "regression", "classification"),
              sources=("table",)),
    FieldSpec("data", "categorical", str, "csv: text feature columns", ("onehot", "error"), sources=("table",)),
    FieldSpec("data", "missing", str, "csv: rows with missing cells", ("drop", "error"), sources=("table",)),
    FieldSpec("data", "images", str, "images: folder with one sub-folder per class", sources=("folder",)),
    FieldSpec("data", "data_root", str, "mnist/fashion-mnist folder (empty: ~/.cache/nntui)",
              sources=("torchvision",)),
    FieldSpec("data", "download", bool, "let torchvision download mnist/fashion-mnist", sources=("torchvision",)),
    FieldSpec("data", "num_workers", int, "DataLoader worker processes (images)", low=0, high=64,
              sources=IMAGE_SOURCES),
    FieldSpec("data", "resize", int, "resize images to this square size (0: keep)", low=0, high=1024,
              sources=IMAGE_SOURCES),
    FieldSpec("data", "normalize", bool, "normalize images with the data set's mean and std", sources=IMAGE_SOURCES),
    FieldSpec("data", "hflip", bool, "augment: random horizontal flips (training only)", sources=IMAGE_SOURCES),
    FieldSpec("data", "rotation", float, "augment: random rotation in degrees (training only)", low=0, high=180,
              sources=IMAGE_SOURCES),
    FieldSpec("data", "resized_crop", bool, "augment: random resized crops (training only)",
              sources=IMAGE_SOURCES),
    FieldSpec("train", "loss", str, "loss function", tuple(catalog.LOSSES)),
    FieldSpec("train", "optimizer", str, "optimizer", tuple(catalog.OPTIMIZERS)),
    FieldSpec("train", "lr", float, "learning rate", low=0, high=100, low_open=True),
    FieldSpec("train", "momentum", float, "momentum (SGD, RMSprop)", low=0, high=1, low_open=False),
    FieldSpec("train", "weight_decay", float, "L2 weight decay", low=0, high=1),
    FieldSpec("train", "clip_grad", float, "clip the gradient norm to this (0: off)", low=0, high=1_000_000),
    FieldSpec("train", "epochs", int, "epochs to train", low=1, high=100_000_000),
    FieldSpec("train", "log_interval", int, "epochs between logged lines", low=1, high=100_000_000),
    FieldSpec("train", "device", str, "where tensors live", tuple(catalog.DEVICES)),
)
SPECS: dict[str, FieldSpec] = {spec.path: spec for spec in FIELDS}
SECTIONS: dict[str, type] = {"model": ModelConfig, "data": DataConfig, "train": TrainConfig}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a configuration, tied to the field that holds it."""

    path: str
    message: str
    source: str = ""  # the file it came from, if any

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.path}: {self.message}"


class ConfigError(InputError):
    """A configuration that cannot run; `problems` names every offending field."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def get_field(config: RunConfig, path: str) -> Any:
    section, name = path.split(".")
    return getattr(getattr(config, section), name)


def check_value(spec: FieldSpec, value: Any) -> Any:
    """Return `value` coerced to the field's type, or raise ConfigError naming the field."""

    def bad(message: str) -> ConfigError:
        return ConfigError([Problem(spec.path, message)])

    if spec.kind is list and spec.item is str:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad(f"must be a list of file paths, got {value!r}")
        return [v.strip() for v in value]
    if spec.kind is list:
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise bad(f"must be a list of layer sizes, got {value!r}")
        if any(not 1 <= v <= 4096 for v in value):
            raise bad(f"layer sizes must be from 1 to 4096, got {value!r}")
        if len(value) > 32:
            raise bad(f"at most 32 hidden layers, got {len(value)}")
        return list(value)
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise bad(f"must be true or false, got {value!r}")
        return value
    if spec.kind is str and not spec.choices:
        if not isinstance(value, str):
            raise bad(f"must be text, got {value!r}")
        return value.strip()
    if spec.kind is str:
        if not isinstance(value, str) or value not in spec.choices:
            raise bad(f"must be {spec.allowed()}, got {value!r}")
        return value
    if spec.kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise bad(f"must be a whole number ({spec.allowed()}), got {value!r}")
    elif spec.kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad(f"must be a number ({spec.allowed()}), got {value!r}")
        value = float(value)
        if not math.isfinite(value):
            raise bad(f"must be a finite number ({spec.allowed()}), got {value!r}")
    too_low = spec.low is not None and (value <= spec.low if spec.low_open else value < spec.low)
    too_high = spec.high is not None and value > spec.high
    if too_low or too_high:
        raise bad(f"must be {spec.allowed()}, got {_num(value)}")
    return value


def parse_text(spec: FieldSpec, text: str) -> Any:
    """Turn what a person typed (a CLI flag, a form field) into a checked value."""
    raw = text.strip()
    if spec.kind is list and spec.item is str:
        value: Any = [p.strip() for p in raw.split(",") if p.strip()]
    elif spec.kind is list:
        parts = [p.strip() for p in raw.replace(" ", ",").split(",") if p.strip()]
        try:
            value = [int(p) for p in parts]
        except ValueError:
            raise ConfigError([Problem(spec.path, f"must be {spec.allowed()}, got {text!r}")]) from None
    elif spec.kind is bool:
        lowered = raw.lower()
        if lowered in ("true", "yes", "on", "1"):
            value = True
        elif lowered in ("false", "no", "off", "0"):
            value = False
        else:
            raise ConfigError([Problem(spec.path, f"must be true or false, got {text!r}")])
    elif spec.kind is int:
        try:
            value = int(raw)
        except ValueError:
            raise ConfigError([Problem(spec.path, f"must be a whole number ({spec.allowed()}), got {text!r}")]) from None
    elif spec.kind is float:
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError([Problem(spec.path, f"must be a number ({spec.allowed()}), got {text!r}")]) from None
    else:
        value = raw
    return check_value(spec, value)


def format_value(value: Any) -> str:
    """The text a form field or a CLI flag shows for a value; `parse_text` reads it back."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def with_values(config: RunConfig, values: dict[str, Any]) -> RunConfig:
    """A copy of `config` with fields replaced by path ("train.lr"), each value checked."""
    data = to_dict(config)
    problems: list[Problem] = []
    for path, value in values.items():
        spec = SPECS.get(path)
        if spec is None:
            problems.append(Problem(path, "unknown field"))
            continue
        try:
            data[spec.section][spec.name] = check_value(spec, value)
        except ConfigError as err:
            problems.extend(err.problems)
    if problems:
        raise ConfigError(problems)
    return from_dict(data)


def to_dict(config: RunConfig) -> dict[str, dict[str, Any]]:
    return dataclasses.asdict(config)


def from_dict(data: Any, source: str = "", base: RunConfig | None = None) -> RunConfig:
    """Build and check a RunConfig from nested tables; unknown keys get the nearest valid name.
    Fields the tables leave out come from `base` (the defaults when None)."""
    if not isinstance(data, dict):
        raise ConfigError([Problem("config", "must be a table of [model], [data] and [train]", source)])
    problems: list[Problem] = []
    start = to_dict(base) if base is not None else {}
    sections: dict[str, Any] = {key: cls(**start.get(key, {})) for key, cls in SECTIONS.items()}
    for key, table in data.items():
        if key not in SECTIONS:
            problems.append(Problem(key, _unknown(key, SECTIONS), source))
            continue
        if not isinstance(table, dict):
            problems.append(Problem(key, f"must be a table, got {table!r}", source))
            continue
        names = {f.name for f in dataclasses.fields(SECTIONS[key])}
        values = dict(start.get(key, {}))
        for name, value in table.items():
            path = f"{key}.{name}"
            if name not in names:
                problems.append(Problem(path, _unknown(name, names), source))
                continue
            try:
                values[name] = check_value(SPECS[path], value)
            except ConfigError as err:
                problems.extend(Problem(p.path, p.message, source) for p in err.problems)
        sections[key] = SECTIONS[key](**values)
    if problems:
        raise ConfigError(problems)
    config = RunConfig(**sections)
    cross = cross_problems(config)
    if cross:
        raise ConfigError([Problem(p.path, p.message, source) for p in cross])
    return config


def _unknown(name: str, valid: Any) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else f"; valid: {', '.join(sorted(valid))}"
    return f"unknown key '{name}'{hint}"


def validate(config: RunConfig) -> RunConfig:
    """Check every field and the combinations; raise ConfigError listing all problems."""
    problems: list[Problem] = []
    for spec in FIELDS:
        try:
            check_value(spec, get_field(config, spec.path))
        except ConfigError as err:
            problems.extend(err.problems)
    problems.extend(cross_problems(config))
    if problems:
        raise ConfigError(problems)
    return config


def cross_problems(config: RunConfig) -> list[Problem]:
    """Combinations of valid fields that cannot run."""
    info = catalog.DATASETS.get(config.data.dataset)
    kind = info.kind if info is not None else None
    if kind == "table" and config.data.task != "auto":
        kind = "regression" if config.data.task == "regression" else "classification"
    loss = config.train.loss
    problems = []
    if kind == "regression" and loss not in catalog.REGRESSION_LOSSES:
        problems.append(Problem("train.loss", f"{loss} needs class labels; data set '{config.data.dataset}' is "
                                f"regression: use one of {', '.join(catalog.REGRESSION_LOSSES)}"))
    if kind == "classification" and loss in catalog.REGRESSION_LOSSES:
        problems.append(Problem("train.loss", f"{loss} needs a numeric target; data.task is classification: "
                                "use cross_entropy (or bce_logits for two classes)"))
    classes = (info.classes if info is not None and info.classes else config.data.classes)
    if kind == "multiclass" and loss != "cross_entropy":
        problems.append(Problem("train.loss", f"data set '{config.data.dataset}' has "
                                f"{classes if info is None or info.source != 'folder' else 'several'} classes: "
                                "use cross_entropy"))
    n_classes = classes if kind == "multiclass" and (info is None or info.source != "folder") else 2
    if loss == "cross_entropy" and 0 < config.model.outputs < n_classes:
        problems.append(Problem("model.outputs", f"cross_entropy needs one output per class: at least the "
                                f"{n_classes} classes of '{config.data.dataset}', got {config.model.outputs}"))
    if loss != "cross_entropy" and config.model.outputs > 1:
        problems.append(Problem("model.outputs", f"{loss} compares one output with one target: use 1 "
                                f"(or 0 for automatic), got {config.model.outputs}"))
    sized = info is None or info.source != "table"  # a table trains on all its rows
    if sized and config.data.batch_size and config.data.drop_last and config.data.batch_size > config.data.samples:
        problems.append(Problem("data.batch_size", f"with drop_last, a batch of {config.data.batch_size} from "
                                f"{config.data.samples} samples leaves no batch"))
    return problems + _source_problems(config, info)


def _source_problems(config: RunConfig, info: catalog.DatasetInfo | None) -> list[Problem]:
    """What the real-data sources need: files for csv, a folder for images, images for a CNN."""
    problems = []
    if info is not None and info.source == "table" and not config.data.paths:
        problems.append(Problem("data.paths", "the csv data set needs at least one file (--data FILE)"))
    if info is not None and info.source == "folder" and not config.data.images:
        problems.append(Problem("data.images", "the images data set needs a folder (--images DIR)"))
    if config.model.kind == "cnn" and (info is None or not info.images):
        problems.append(Problem("model.kind", f"a cnn needs image data; '{config.data.dataset}' is not images: "
                                "use mlp, or one of shapes, mnist, fashion-mnist, images"))
    return problems


def warnings(config: RunConfig) -> list[str]:
    """Combinations that run but train badly, worded for a person."""
    out_act, loss = config.model.output_activation, config.train.loss
    found = []
    if loss == "bce" and out_act != "sigmoid":
        found.append("BCELoss expects probabilities but the output has no Sigmoid: set "
                     "model.output_activation = sigmoid, or use bce_logits")
    if loss in ("bce_logits", "cross_entropy") and out_act != "none":
        name = "BCEWithLogitsLoss" if loss == "bce_logits" else "CrossEntropyLoss"
        found.append(f"{name} applies its own Sigmoid/Softmax; the output's {out_act} squashes it twice: "
                     "set model.output_activation = none")
    if loss == "cross_entropy" and config.model.outputs == 1:
        found.append("CrossEntropyLoss with one output unit always predicts class 0: use 2 or more outputs")
    return found
