"""The run configuration's shape: one typed object that the presets, TOML files, CLI flags and
the trainer's forms all read and write. Defaults live here and nowhere else."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ModelConfig:
    """The network: an MLP whose input and output sizes follow from the data."""

    hidden: list[int] = field(default_factory=lambda: [4])  # hidden layer sizes; [] is a linear model
    activation: str = "relu"  # after every hidden layer
    output_activation: str = "none"  # none | sigmoid | softmax
    outputs: int = 0  # output units; 0 means from the data (classes for cross_entropy, else 1)
    kind: str = "mlp"  # mlp | cnn (image data only: conv blocks, then the hidden layers) | module (your own)
    channels: list[int] = field(default_factory=lambda: [8, 16])  # cnn: output channels of each conv block
    # kind = module: your nn.Module, as "net.py:Net" (a file) or "pkg.mod:Net" (importable); Net is a
    # class or a function returning an nn.Module, called with `args` as keyword arguments.
    module: str = ""
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DataConfig:
    """Which data set, how much of it, and how it is cut into batches."""

    dataset: str = "circle"
    samples: int = 100  # training points; the test set comes on top of these (mnist, fashion-mnist: 0 = all)
    noise: float = 0.0  # data-set specific noise level (0 keeps the tutorial's draws)
    classes: int = 3  # for the multi-class sets (blobs, spiral)
    # 2-D sets: what the model takes from each point (x1, x2), in catalog.FEATURES' order
    features: list[str] = field(default_factory=lambda: ["x1", "x2"])
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
    standardize_target: bool = True  # regression: train on (y - mean) / std, report in y's own unit
    # Images: torchvision sets (mnist, fashion-mnist), a folder tree (images) or shapes.
    images: str = ""  # dataset = images: a folder with one sub-folder per class
    data_root: str = ""  # where mnist/fashion-mnist live; empty means ~/.cache/nntui
    download: bool = False  # let torchvision fetch mnist/fashion-mnist into data_root
    num_workers: int = 0  # DataLoader worker processes: image data, a user Dataset that streams
    resize: int = 0  # Resize images to this square size; 0 keeps their size (shapes/mnist: 28)
    normalize: str = "dataset"  # Normalize: dataset (its own mean and std) | 0.5 (mean and std 0.5) | none
    hflip: bool = False  # training only: RandomHorizontalFlip
    rotation: float = 0.0  # training only: RandomRotation by up to this many degrees
    resized_crop: bool = False  # training only: RandomResizedCrop back to the image size
    # dataset = module: your map-style Dataset returning (x, y), or a function returning one or a
    # (train, test) pair, as "data.py:MyDataset"; called with `args` as keyword arguments.
    module: str = ""
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TrainConfig:
    """Loss, optimizer and the length of the run."""

    loss: str = "mse"
    optimizer: str = "sgd"
    lr: float = 0.01
    momentum: float = 0.0  # SGD and RMSprop
    weight_decay: float = 0.0
    regularization: str = "none"  # none | l1 | l2: a penalty on the weights (not biases) added to the loss
    reg_rate: float = 0.0  # the penalty's weight, as TensorFlow Playground's regularization rate
    clip_grad: float = 0.0  # clip the gradient norm to this before each step; 0 is off
    epochs: int = 100
    log_interval: int = 10  # print a line every this many epochs
    device: str = "auto"
    # The learning-rate schedule (torch.optim.lr_scheduler) and the settings each one reads.
    schedule: str = "none"  # none | step | cosine | onecycle | plateau
    schedule_step_size: int = 30  # step: epochs between two cuts
    schedule_gamma: float = 0.1  # step: the factor of each cut
    schedule_min_lr: float = 0.0  # cosine: the lr at the end of the run; plateau: the lowest lr
    schedule_max_lr: float = 0.0  # onecycle: the peak lr; 0 means train.lr
    schedule_warmup: float = 0.3  # onecycle: the share of the run spent rising to the peak
    schedule_factor: float = 0.1  # plateau: the factor of each cut
    schedule_patience: int = 10  # plateau: epochs without a better test loss before a cut
    # Early stopping and the best weights (the test loss is measured every epoch when any is on).
    early_stop: int = 0  # stop after this many epochs without a test-loss improvement; 0 is off
    early_stop_delta: float = 0.0  # the least fall of the test loss that counts as an improvement
    restore_best: bool = False  # end a completed or early-stopped run on its best epoch's weights
    keep_best: bool = False  # write best.pt (the state dict) whenever the test loss reaches a new low


@dataclass(frozen=True)
class RunConfig:
    """Everything a run needs; `nntui config` prints it as TOML. Frozen, with its sections: a change
    is a new config (`replaced`, engine.config.build.with_values), never an edit under a reader."""

    model: ModelConfig = field(default_factory=ModelConfig)
    data: DataConfig = field(default_factory=DataConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def copy(self) -> RunConfig:
        """A copy whose lists and args are its own (the dataclasses are frozen; what they hold is not)."""
        return copy.deepcopy(self)


def replaced(config: RunConfig, section: str, **values: Any) -> RunConfig:
    """`config` with fields of one section ("train", ...) replaced, unchecked: for values the engine
    itself vouches for (a watched run's length, a file made absolute). engine.config.build.with_values
    checks what a person gave."""
    return dataclasses.replace(config, **{section: dataclasses.replace(getattr(config, section), **values)})



SECTIONS: dict[str, type] = {"model": ModelConfig, "data": DataConfig, "train": TrainConfig}
