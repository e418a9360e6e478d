"""One rule per configuration field (type, allowed values, help line, which data sources read
it), so that every door validates alike, and the functions that check, parse and format a value."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from engine.config import catalog
from engine.config.arg_values import ARGS_ALLOWED, check_args, format_args, parse_pairs, split_pairs
from engine.config.problems import ConfigError, Problem, shown
from engine.config.schema import RunConfig


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
    high_open: bool = False  # True: value must be < high rather than <= high
    item: type = int  # list fields: int (layer/channel sizes) or str (file paths)
    # Older spellings still read (a TOML value or typed text) and the value each stands for.
    aliases: tuple[tuple[Any, Any], ...] = ()
    # The data sources that read this field (catalog.DatasetInfo.source, or "source:kind" for one
    # kind of them); () = all.
    sources: tuple[str, ...] = ()
    schedules: tuple[str, ...] = ()  # the lr schedules (train.schedule) that read this field; () = any
    models: tuple[str, ...] = ()  # the model kinds (model.kind) that read this field; () = any
    option: str = ""  # the CLI option when the name alone would clash ("--data-module"); "" = from the name

    def applies_to(self, dataset: str) -> bool:
        """Whether this field matters for a data set (forms hide the rest); "synthetic:2d" names the
        sets of points (x1, x2)."""
        info = catalog.DATASETS.get(dataset)
        return (not self.sources or info is None or info.source in self.sources
                or f"{info.source}:{info.kind}" in self.sources or f"{info.source}:{info.features}d" in self.sources)

    def matters(self, values: dict[str, Any]) -> bool:
        """Whether this field matters for a configuration's values by path: its data set, and for a
        schedule's setting, the chosen schedule (the form shows only these rows)."""
        schedule = values.get("train.schedule", "none")
        kind = values.get("model.kind", "mlp")
        return (self.applies_to(values["data.dataset"]) and (not self.schedules or schedule in self.schedules)
                and (not self.models or kind in self.models))

    @property
    def metavar(self) -> str:
        """The placeholder a CLI option or a form shows for the value."""
        if self.kind is list and self.choices:
            return "FEATURES"
        if self.choices:
            return "|".join(self.choices)
        if self.kind is list:
            return "FILES" if self.item is str else "SIZES"
        if self.kind is dict:
            return "NAME=VALUE"
        if self.name == "module":
            return "FILE.py:NAME"
        return {int: "INT", float: "FLOAT", str: "TEXT", bool: "BOOL"}[self.kind]

    @property
    def path(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def flag(self) -> str:
        """The command-line option that sets this field ("--batch-size"); `nntui run`, the
        trainer's command line and error messages all spell it this way."""
        return self.option or "--" + self.name.replace("_", "-")

    def allowed(self) -> str:
        """The allowed values in words, for error messages and help."""
        if self.kind is list and self.choices:
            return "comma-separated, any of " + ", ".join(self.choices)
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.kind is bool:
            return "true or false"
        if self.kind is list:
            if self.item is str:
                return "comma-separated file paths, or empty"
            return "comma-separated layer sizes from 1 to 4096, or empty"
        if self.kind is dict:
            return ARGS_ALLOWED
        if self.name == "module":
            return MODULE_ALLOWED
        if self.kind is str:
            return "any text"
        low = "" if self.low is None else ("> " if self.low_open else ">= ") + _num(self.low)
        high = "" if self.high is None else ("< " if self.high_open else "<= ") + _num(self.high)
        return " and ".join(p for p in (low, high) if p) or "any number"


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


IMAGE_SOURCES = ("torchvision", "procedural", "folder")
MODULE_ALLOWED = "a file and a name, FILE.py:NAME, or an importable package.module:NAME"
FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("model", "hidden", list, "hidden layer sizes, e.g. 16,16 (empty: linear model)", models=("mlp", "cnn")),
    FieldSpec("model", "activation", str, "activation after each hidden layer", tuple(catalog.ACTIVATIONS),
              models=("mlp", "cnn")),
    FieldSpec("model", "output_activation", str, "activation on the output layer", tuple(catalog.OUTPUT_ACTIVATIONS),
              models=("mlp", "cnn")),
    FieldSpec("model", "outputs", int, "output units (0: from the data)", low=0, high=1000, models=("mlp", "cnn")),
    FieldSpec("model", "kind", str, "network: mlp, cnn for images, or module (your nn.Module)",
              tuple(catalog.MODEL_KINDS)),
    FieldSpec("model", "channels", list, "cnn: channels of each conv block, e.g. 8,16", sources=IMAGE_SOURCES),
    FieldSpec("model", "module", str, "module: your nn.Module class or function, e.g. net.py:Net", models=("module",)),
    FieldSpec("model", "args", dict, "module: keyword arguments for it, e.g. hidden=32", models=("module",),
              option="--module-arg"),
    FieldSpec("data", "dataset", str, "data set: synthetic, csv or images", tuple(catalog.DATASETS)),
    FieldSpec("data", "samples", int, "training points (mnist, fashion-mnist: 0 = all)", low=0, high=10_000_000,
              sources=("synthetic", "torchvision", "procedural")),
    FieldSpec("data", "noise", float, "noise level of the data set", low=0, high=10, sources=("synthetic",)),
    FieldSpec("data", "classes", int, "classes of blobs and spiral", low=2, high=10,
              sources=("synthetic:multiclass",)),
    FieldSpec("data", "features", list, "2-d sets: what the model takes from each point, e.g. x1^2,x2^2",
              tuple(catalog.FEATURES), item=str, sources=("synthetic:2d",)),
    FieldSpec("data", "test_fraction", float, "share of all points held out for testing", low=0, high=0.9),
    FieldSpec("data", "batch_size", int, "minibatch size (0: full batch)", low=0, high=10_000_000),
    FieldSpec("data", "shuffle", bool, "reshuffle the training set every epoch"),
    FieldSpec("data", "drop_last", bool, "drop the last incomplete batch"),
    FieldSpec("data", "seed", int, "random seed", low=0, high=2**63 - 1),
    FieldSpec("data", "paths", list, "csv: data files with the same columns", item=str, sources=("table",)),
    FieldSpec("data", "target", str, "csv: the column to predict (empty: the last)", sources=("table",)),
    FieldSpec("data", "task", str, "csv, module: what the target is (auto: inferred)",
              ("auto", "regression", "classification"), sources=("table", "code")),
    FieldSpec("data", "categorical", str, "csv: text feature columns", ("onehot", "error"), sources=("table",)),
    FieldSpec("data", "missing", str, "csv: rows with missing cells", ("drop", "error"), sources=("table",)),
    FieldSpec("data", "standardize_target", bool, "csv regression: train on the standardised target "
              "(results stay in its unit)", sources=("table",)),
    FieldSpec("data", "images", str, "images: folder with one sub-folder per class", sources=("folder",)),
    FieldSpec("data", "data_root", str, "mnist/fashion-mnist folder (empty: ~/.cache/nntui)",
              sources=("torchvision",)),
    FieldSpec("data", "download", bool, "let torchvision download mnist/fashion-mnist", sources=("torchvision",)),
    FieldSpec("data", "num_workers", int, "DataLoader worker processes (images; module: a set that streams)",
              low=0, high=64, sources=(*IMAGE_SOURCES, "code")),
    FieldSpec("data", "module", str, "module: your Dataset class or function, e.g. data.py:MyDataset",
              sources=("code",), option="--data-module"),
    FieldSpec("data", "args", dict, "module: keyword arguments for it, e.g. size=100", sources=("code",),
              option="--data-arg"),
    FieldSpec("data", "resize", int, "resize images to this square size (0: keep)", low=0, high=1024,
              sources=IMAGE_SOURCES),
    FieldSpec("data", "normalize", str, "Normalize images: dataset (its mean and std), 0.5 (values in [-1, 1]) or none",
              ("dataset", "0.5", "none"), sources=IMAGE_SOURCES,
              aliases=((True, "dataset"), (False, "none"), ("true", "dataset"), ("false", "none"))),
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
    FieldSpec("train", "regularization", str, "penalty on the weights (not biases) added to the loss",
              tuple(catalog.REGULARIZATIONS)),
    FieldSpec("train", "reg_rate", float, "regularization rate: the penalty's weight", low=0, high=10),
    FieldSpec("train", "clip_grad", float, "clip the gradient norm to this (0: off)", low=0, high=1_000_000),
    FieldSpec("train", "epochs", int, "epochs to train", low=1, high=100_000_000),
    FieldSpec("train", "log_interval", int, "epochs between logged lines", low=1, high=100_000_000),
    FieldSpec("train", "device", str, "where tensors live", tuple(catalog.DEVICES)),
    # The training toolkit: the lr schedule and its settings, early stopping, the best weights.
    FieldSpec("train", "schedule", str, "learning-rate schedule", tuple(catalog.SCHEDULES)),
    FieldSpec("train", "schedule_step_size", int, "step: epochs between two lr cuts", low=1, high=100_000_000,
              schedules=("step",)),
    FieldSpec("train", "schedule_gamma", float, "step: multiply the lr by this at each cut", low=0, high=1,
              low_open=True, schedules=("step",)),
    FieldSpec("train", "schedule_min_lr", float, "cosine: the lr at the end; plateau: the lowest lr", low=0,
              high=100, schedules=("cosine", "plateau")),
    FieldSpec("train", "schedule_max_lr", float, "onecycle: the peak lr (0: train.lr)", low=0, high=100,
              schedules=("onecycle",)),
    FieldSpec("train", "schedule_warmup", float, "onecycle: share of the run rising to the peak", low=0, high=1,
              low_open=True, high_open=True, schedules=("onecycle",)),
    FieldSpec("train", "schedule_factor", float, "plateau: multiply the lr by this at each cut", low=0, high=1,
              low_open=True, high_open=True, schedules=("plateau",)),
    FieldSpec("train", "schedule_patience", int, "plateau: epochs without a better test loss before a cut", low=0,
              high=100_000_000, schedules=("plateau",)),
    FieldSpec("train", "early_stop", int, "stop after this many epochs without a better test loss (0: off)", low=0,
              high=100_000_000),
    FieldSpec("train", "early_stop_delta", float, "early stop: the least fall of the test loss that counts", low=0,
              high=1_000_000),
    FieldSpec("train", "restore_best", bool, "end a completed or early-stopped run on its best epoch's weights"),
    FieldSpec("train", "keep_best", bool, "write best.pt whenever the test loss reaches a new low"),
)
SPECS: dict[str, FieldSpec] = {spec.path: spec for spec in FIELDS}


def get_field(config: RunConfig, path: str) -> Any:
    section, name = path.split(".")
    return getattr(getattr(config, section), name)


def check_value(spec: FieldSpec, value: Any) -> Any:
    """Return `value` coerced to the field's type, or raise ConfigError naming the field."""

    def bad(message: str) -> ConfigError:
        return ConfigError([Problem(spec.path, message)])

    for old, new in spec.aliases:
        if type(value) is type(old) and value == old:
            value = new
            break

    if spec.kind is dict:
        return check_args(spec.path, value)
    if spec.name == "module" and isinstance(value, str):
        return _import_text(spec, value.strip())
    if spec.kind is list and spec.choices:
        return _chosen(spec, value)
    if spec.kind is list and spec.item is str:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise bad(f"must be a list of file paths, got {shown(value)}")
        return [v.strip() for v in value]
    if spec.kind is list:
        if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
            raise bad(f"must be a list of layer sizes, got {shown(value)}")
        if any(not 1 <= v <= 4096 for v in value):
            raise bad(f"layer sizes must be from 1 to 4096, got {shown(value)}")
        if len(value) > 32:
            raise bad(f"at most 32 hidden layers, got {len(value)}")
        return list(value)
    if spec.kind is bool:
        if not isinstance(value, bool):
            raise bad(f"must be true or false, got {shown(value)}")
        return value
    if spec.kind is str and not spec.choices:
        if not isinstance(value, str):
            raise bad(f"must be text, got {shown(value)}")
        return value.strip()
    if spec.kind is str:
        if not isinstance(value, str) or value not in spec.choices:
            raise bad(f"must be {spec.allowed()}, got {shown(value)}")
        return value
    if spec.kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise bad(f"must be a whole number ({spec.allowed()}), got {shown(value)}")
    elif spec.kind is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad(f"must be a number ({spec.allowed()}), got {shown(value)}")
        value = float(value)
        if not math.isfinite(value):
            raise bad(f"must be a finite number ({spec.allowed()}), got {shown(value)}")
    too_low = spec.low is not None and (value <= spec.low if spec.low_open else value < spec.low)
    too_high = spec.high is not None and (value >= spec.high if spec.high_open else value > spec.high)
    if too_low or too_high:
        raise bad(f"must be {spec.allowed()}, got {_num(value)}")
    return value


def _import_text(spec: FieldSpec, text: str) -> str:
    """An import string's shape (the file and the name are found when it is imported)."""
    if not text:
        return text
    where, colon, name = text.rpartition(":")
    if not colon or not where or not name.isidentifier() or len(text) > 4096:
        raise ConfigError([Problem(spec.path, f"must be {MODULE_ALLOWED}, got {shown(text)}")])
    return text


def _chosen(spec: FieldSpec, value: Any) -> list[str]:
    """A list of choices (input features) in the table's order, each named once; x1², x1**2 and
    spaces are read as x1^2."""
    def bad(message: str) -> ConfigError:
        return ConfigError([Problem(spec.path, message)])

    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise bad(f"must be a list, {spec.allowed()}; got {shown(value)}")
    names = [v.replace(" ", "").lower().replace("²", "^2").replace("**2", "^2") for v in value]
    for name in names:
        if name not in spec.choices:
            raise bad(f"unknown feature {name!r}: {spec.allowed()}")
        if names.count(name) > 1:
            raise bad(f"{name} is named twice")
    if not names:
        raise bad(f"needs at least one feature: {spec.allowed()}")
    return [choice for choice in spec.choices if choice in names]


def parse_text(spec: FieldSpec, text: str) -> Any:
    """Turn what a person typed (a CLI flag, a form field) into a checked value."""
    raw = text.strip()
    if spec.kind is dict:
        return parse_pairs(spec.path, split_pairs(raw))
    if spec.kind is list and spec.item is str:
        value: Any = [p.strip() for p in raw.split(",") if p.strip()]
    elif spec.kind is list:
        # Commas separate sizes (spaces around them, or alone, too); "16,,16" is a slip, not 16,16
        parts = re.split(r"\s*,\s*|\s+", raw) if raw else []
        if "" in parts:
            raise ConfigError([Problem(spec.path, f"must be {spec.allowed()}, got {text!r} (an empty size "
                                                  "between commas)")])
        try:
            value = [int(p) for p in parts]
        except ValueError:
            raise ConfigError([Problem(spec.path, f"must be {spec.allowed()}, got {shown(text)}")]) from None
    elif spec.kind is bool:
        lowered = raw.lower()
        if lowered in ("true", "yes", "on", "1"):
            value = True
        elif lowered in ("false", "no", "off", "0"):
            value = False
        else:
            raise ConfigError([Problem(spec.path, f"must be true or false, got {shown(text)}")])
    elif spec.kind is int:
        try:
            value = int(raw)
        except ValueError:
            message = f"must be a whole number ({spec.allowed()}), got {shown(text)}"
            raise ConfigError([Problem(spec.path, message)]) from None
    elif spec.kind is float:
        try:
            value = float(raw)
        except ValueError:
            raise ConfigError([Problem(spec.path, f"must be a number ({spec.allowed()}), got {shown(text)}")]) from None
    else:
        value = raw
    return check_value(spec, value)


def format_value(value: Any) -> str:
    """The text a form field or a CLI flag shows for a value; `parse_text` reads it back."""
    if isinstance(value, dict):
        return format_args(value)
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
