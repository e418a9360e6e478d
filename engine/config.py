"""The run configuration: one typed object that the presets, TOML files, CLI flags and the TUI
forms all read and write, with one table of field rules so that every door validates alike."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from engine import catalog


@dataclass
class ModelConfig:
    """The network: an MLP whose input and output sizes follow from the data."""

    hidden: list[int] = field(default_factory=lambda: [4])  # hidden layer sizes; [] is a linear model
    activation: str = "relu"  # after every hidden layer
    output_activation: str = "none"  # none | sigmoid | softmax
    outputs: int = 0  # output units; 0 means from the data (classes for cross_entropy, else 1)


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


@dataclass
class TrainConfig:
    """Loss, optimizer and the length of the run."""

    loss: str = "mse"
    optimizer: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.0  # SGD and RMSprop
    weight_decay: float = 0.0
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
            return "comma-separated layer sizes from 1 to 4096, or empty"
        low = "" if self.low is None else ("> " if self.low_open else ">= ") + _num(self.low)
        high = "" if self.high is None else "<= " + _num(self.high)
        return " and ".join(p for p in (low, high) if p) or "any number"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("model", "hidden", list, "hidden layer sizes, e.g. 16,16 (empty: linear model)"),
    FieldSpec("model", "activation", str, "activation after each hidden layer", tuple(catalog.ACTIVATIONS)),
    FieldSpec("model", "output_activation", str, "activation on the output layer", tuple(catalog.OUTPUT_ACTIVATIONS)),
    FieldSpec("model", "outputs", int, "output units (0: from the data)", low=0, high=1000),
    FieldSpec("data", "dataset", str, "synthetic data set", tuple(catalog.DATASETS)),
    FieldSpec("data", "samples", int, "training points", low=1, high=10_000_000),
    FieldSpec("data", "noise", float, "noise level of the data set", low=0, high=10),
    FieldSpec("data", "classes", int, "classes of blobs and spiral", low=2, high=10),
    FieldSpec("data", "test_fraction", float, "share of all points held out for testing", low=0, high=0.9),
    FieldSpec("data", "batch_size", int, "minibatch size (0: full batch)", low=0, high=10_000_000),
    FieldSpec("data", "shuffle", bool, "reshuffle the training set every epoch"),
    FieldSpec("data", "drop_last", bool, "drop the last incomplete batch"),
    FieldSpec("data", "seed", int, "random seed", low=0, high=2**63 - 1),
    FieldSpec("train", "loss", str, "loss function", tuple(catalog.LOSSES)),
    FieldSpec("train", "optimizer", str, "optimizer", tuple(catalog.OPTIMIZERS)),
    FieldSpec("train", "lr", float, "learning rate", low=0, high=100, low_open=True),
    FieldSpec("train", "momentum", float, "momentum (SGD, RMSprop)", low=0, high=1, low_open=False),
    FieldSpec("train", "weight_decay", float, "L2 weight decay", low=0, high=1),
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


class ConfigError(ValueError):
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
    if spec.kind is list:
        parts = [p.strip() for p in raw.replace(" ", ",").split(",") if p.strip()]
        try:
            value: Any = [int(p) for p in parts]
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
    kind = catalog.DATASETS[config.data.dataset].kind if config.data.dataset in catalog.DATASETS else None
    loss = config.train.loss
    problems = []
    if kind == "regression" and loss not in catalog.REGRESSION_LOSSES:
        problems.append(Problem("train.loss", f"{loss} needs class labels; data set '{config.data.dataset}' is "
                                f"regression: use one of {', '.join(catalog.REGRESSION_LOSSES)}"))
    if kind == "multiclass" and loss != "cross_entropy":
        problems.append(Problem("train.loss", f"data set '{config.data.dataset}' has {config.data.classes} classes: "
                                "use cross_entropy"))
    n_classes = config.data.classes if kind == "multiclass" else 2
    if loss == "cross_entropy" and 0 < config.model.outputs < n_classes:
        problems.append(Problem("model.outputs", f"cross_entropy needs one output per class: at least the "
                                f"{n_classes} classes of '{config.data.dataset}', got {config.model.outputs}"))
    if loss != "cross_entropy" and config.model.outputs > 1:
        problems.append(Problem("model.outputs", f"{loss} compares one output with one target: use 1 "
                                f"(or 0 for automatic), got {config.model.outputs}"))
    if config.data.batch_size and config.data.drop_last and config.data.batch_size > config.data.samples:
        problems.append(Problem("data.batch_size", f"with drop_last, a batch of {config.data.batch_size} from "
                                f"{config.data.samples} samples leaves no batch"))
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
