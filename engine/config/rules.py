"""Whole-configuration checks: every field, then the combinations that cannot run (errors) or
that run but train badly (warnings, worded for a person)."""

from __future__ import annotations

from engine.config import catalog
from engine.config.fields import FIELDS, check_value, get_field
from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig, TrainConfig


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
    sized = info is None or info.source not in ("table", "folder", "code")  # tables and folders: all their rows
    all_images = info is not None and info.source == "torchvision" and config.data.samples == 0
    if info is not None and info.source in ("synthetic", "procedural") and not config.data.samples:
        problems.append(Problem("data.samples", f"0 (all of a set's images) is for mnist and fashion-mnist; "
                                f"'{config.data.dataset}' needs at least 1"))
    if (sized and not all_images and config.data.batch_size and config.data.drop_last
            and config.data.batch_size > config.data.samples):
        problems.append(Problem("data.batch_size", f"with drop_last, a batch of {config.data.batch_size} from "
                                f"{config.data.samples} samples leaves no batch"))
    return problems + _source_problems(config, info) + toolkit_problems(config)


def _source_problems(config: RunConfig, info: catalog.DatasetInfo | None) -> list[Problem]:
    """What the real-data sources need: files for csv, a folder for images, images for a CNN."""
    problems = []
    if info is not None and info.source == "table" and not config.data.paths:
        problems.append(Problem("data.paths", "the csv data set needs at least one file (the paths field, or --data "
                                              "FILE on the command line)"))
    if info is not None and info.source == "folder" and not config.data.images:
        problems.append(Problem("data.images", "the images data set needs a folder (the images field, or --images "
                                               "DIR on the command line)"))
    if config.model.kind == "module" and not config.model.module:
        problems.append(Problem("model.module", "model.kind is module: name your nn.Module, e.g. net.py:Net "
                                                "(--module net.py:Net)"))
    if info is not None and info.source == "code" and not config.data.module:
        problems.append(Problem("data.module", "data.dataset is module: name your Dataset, e.g. data.py:MyDataset "
                                               "(--data-module data.py:MyDataset)"))
    if config.model.kind == "cnn" and (info is None or not info.images):
        problems.append(Problem("model.kind", f"a cnn needs image data; '{config.data.dataset}' is not images: "
                                "use mlp, or one of shapes, mnist, fashion-mnist, images"))
    return problems


def uses_code(config: RunConfig) -> bool:
    """Whether a run imports the user's own code: its model (model.kind = module) or its data
    (data.dataset = module)."""
    return config.model.kind == "module" or config.data.dataset == "module"


def watchers(config: RunConfig) -> list[str]:
    """The fields that watch the test loss, so need a test set and have it measured every epoch."""
    train = config.train
    found = ["train.schedule"] if train.schedule == "plateau" else []
    found += [path for path, on in (("train.early_stop", train.early_stop > 0), ("train.keep_best", train.keep_best),
                                    ("train.restore_best", train.restore_best)) if on]
    return found


def manual_lr_problem(config: RunConfig) -> str | None:
    """Why the lr of a run of `config` cannot be changed by hand while it trains (a schedule sets
    it), or None when it can."""
    schedule = config.train.schedule
    if schedule == "none":
        return None
    return (f"the {schedule} schedule sets the lr during a run (train.schedule); a new train.lr takes effect with "
            "the next run")


ONECYCLE_DIV_FACTOR = 25.0  # OneCycleLR's div_factor (torch's default): its warm-up starts at max_lr / 25


def peak_lr(train: TrainConfig) -> float:
    """OneCycleLR's max_lr: train.schedule_max_lr, or train.lr where that is 0."""
    return train.schedule_max_lr or train.lr


def start_lr(config: RunConfig) -> float:
    """The lr the first epoch of a run of `config` trains with, as its schedule sets it (what a
    screen shows before the run starts): train.lr, or the onecycle warm-up's first lr."""
    if config.train.schedule == "onecycle":
        return peak_lr(config.train) / ONECYCLE_DIV_FACTOR
    return config.train.lr


def require_test_set(config: RunConfig, test_samples: int) -> None:
    """Refuse a run whose data left no test rows (a small table) when a field watches the test loss."""
    watching = watchers(config)
    if watching and not test_samples:
        raise ConfigError([Problem(watching[0], "watches the test loss, and the test split has no rows: raise "
                                                "data.test_fraction")])


def tracks_best(config: RunConfig) -> bool:
    """Whether a run keeps its best epoch: early stopping or the best weights are on (the plateau
    schedule watches the test loss on its own)."""
    train = config.train
    return train.early_stop > 0 or train.keep_best or train.restore_best


def toolkit_problems(config: RunConfig) -> list[Problem]:
    """The lr schedule, early stopping and the best weights: what each needs of the rest."""
    train = config.train
    problems = []
    if config.data.test_fraction == 0:
        for path in watchers(config):
            what = "the plateau schedule watches" if path == "train.schedule" else "watches"
            problems.append(Problem(path, f"{what} the test loss, and data.test_fraction is 0: hold out a test set "
                                          "(e.g. 0.2)"))
    if train.schedule == "cosine" and train.schedule_min_lr >= train.lr:
        problems.append(Problem("train.schedule_min_lr", f"the cosine schedule anneals from train.lr ({train.lr:g}) "
                                f"down to this: give less than {train.lr:g}"))
    return problems


def warnings(config: RunConfig) -> list[str]:
    """Combinations that run but train badly, worded for a person."""
    out_act, loss = config.model.output_activation, config.train.loss
    found = []
    if config.model.kind == "module":  # the user's module makes its own outputs
        return _regularization_warnings(config)
    if loss == "bce" and out_act != "sigmoid":
        found.append("BCELoss expects probabilities but the output has no Sigmoid: set "
                     "model.output_activation = sigmoid, or use bce_logits")
    if loss in ("bce_logits", "cross_entropy") and out_act != "none":
        name = "BCEWithLogitsLoss" if loss == "bce_logits" else "CrossEntropyLoss"
        found.append(f"{name} applies its own Sigmoid/Softmax; the output's {out_act} squashes it twice: "
                     "set model.output_activation = none")
    if loss == "cross_entropy" and config.model.outputs == 1:
        found.append("CrossEntropyLoss with one output unit always predicts class 0: use 2 or more outputs")
    found.extend(_regularization_warnings(config))
    return found


def _regularization_warnings(config: RunConfig) -> list[str]:
    """A penalty without a rate, or a rate without a penalty, does nothing."""
    kind, rate = config.train.regularization, config.train.reg_rate
    if kind != "none" and rate == 0:
        return [f"train.regularization is {kind} but train.reg_rate is 0: no penalty is added; set a rate "
                "such as 0.001"]
    if kind == "none" and rate > 0:
        return [f"train.reg_rate is {rate:g} but train.regularization is none: the rate does nothing; "
                "choose l1 or l2"]
    return []


def table_problems(target: str, task: str, labels: tuple[str, ...], loss: str) -> list[Problem]:
    """A CSV target (known once its file is read) against the loss: a number needs a regression
    loss, classes a classification one, and more than two classes cross_entropy."""
    name = f"target '{target}'"
    if task == "regression":
        if loss in catalog.REGRESSION_LOSSES:
            return []
        return [Problem("train.loss", f"{name} holds numbers, so this is regression, and {loss} needs classes: "
                                      "use mse (or l1, huber), or set data.task to classification")]
    classes = len(labels)
    shown = ", ".join(labels[:8]) + (", ..." if classes > 8 else "")
    if loss in catalog.REGRESSION_LOSSES:
        return [Problem("train.loss", f"{name} has {classes} classes ({shown}), and {loss} needs a number: use "
                                      "cross_entropy, or set data.task to regression")]
    if loss != "cross_entropy" and classes != 2:
        return [Problem("train.loss", f"{name} has {classes} classes ({shown}); {loss} handles two: use cross_entropy")]
    return []
