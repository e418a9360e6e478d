"""What the training loop tells its listeners. Plain values only (floats, tuples, nested lists),
never tensors, so an event can cross a thread or be printed as JSON as it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.config.schema import RunConfig
from engine.loop.network_events import ModelHealth, NeuronFocus, NeuronMaps


@dataclass(frozen=True)
class RunStarted:
    """The model is built and the data drawn; training is about to begin."""

    config: RunConfig
    task: str  # "regression" | "binary" | "multiclass"
    device: str
    summary: str  # print(model)
    parameter_count: int
    train_samples: int
    test_samples: int
    warnings: tuple[str, ...] = ()
    # 2-D inputs only: (x, y, label) of each point (its target for regression), drawn over the plane.
    train_points: tuple[tuple[float, float, float], ...] = ()
    test_points: tuple[tuple[float, float, float], ...] = ()
    # The data set's true parameters where a linear model can be compared with them (weight, bias).
    reference: dict[str, Any] | None = None
    target: str = ""  # a table's target column
    labels: tuple[str, ...] = ()  # class names in output order, where the data names them
    dropped_rows: int = 0  # table rows left out for missing cells
    resumed_at: int = 0  # the epochs a resumed run had done before (its checkpoint's); 0 for a new run
    network: str = ""  # why the Network view cannot draw this model on a plane ("" where it can, or no plane)
    world_size: int = 1  # the processes training it together (torchrun's ranks, engine.loop.distributed)
    # The test curve is a score, not a loss (a TensorBoard accuracy tag drawn as it): its best is its highest.
    best_is_highest: bool = False


@dataclass(slots=True)  # not frozen: a frozen init costs microseconds, and this one runs every epoch
class EpochEnded:
    """One epoch done. `test_loss` is None on epochs the test set was not evaluated."""

    epoch: int
    epochs: int
    train_loss: float
    test_loss: float | None
    test_accuracy: float | None
    samples_per_s: float
    elapsed_s: float
    lr: float
    logged: bool  # a log-interval epoch (or the last one)
    health: ModelHealth | None = None  # measured at logged epochs (MLPs on in-memory data)


@dataclass(frozen=True)
class BoundaryGrid:
    """Class probabilities on a regular grid over the inputs; rows go from top (high y) down.
    One plane per class: 160 lists of floats for an 80x80 binary grid, not 6,400 tiny lists
    (turning a tensor into the latter took 5 ms, the former 0.1 ms)."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    probabilities: list[list[list[float]]]  # [class][row][column]


@dataclass(frozen=True)
class SurfaceGrid:
    """A 2-D regression model's prediction on a regular grid over the inputs, in the target's own
    unit; rows go from top (high y) down."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    values: list[list[float]]  # [row][column]


@dataclass(frozen=True)
class ImageReport:
    """Image classifiers: the test set's confusion matrix at its last evaluation, and a few fixed
    test images with the model's current guess for each (no images for a table's classes). Pixels
    are grey levels from 0 (black) to 1, at most 28x28, so a view can draw them without knowing the
    data set's normalisation."""

    epoch: int  # the epoch whose test evaluation counted `confusion`
    confusion: list[list[int]]  # [true class][predicted class] counts over the whole test set
    pixels: list[list[list[float]]]  # [image][row][column]
    truth: tuple[int, ...]  # each image's class
    predicted: tuple[int, ...]  # the model's class for each image, at the snapshot's epoch


@dataclass(frozen=True)
class FitScores:
    """How well a regression model fits the test set, in the target's own unit (a CSV target is
    standardised for training; these are measured after undoing it)."""

    rmse: float  # root mean squared error
    mae: float  # mean absolute error
    r2: float | None  # coefficient of determination; None when the test targets are all equal


@dataclass(frozen=True)
class Snapshot:
    """What the live views draw, taken at a bounded rate rather than every epoch."""

    epoch: int
    boundary: BoundaryGrid | None = None
    parameters: dict[str, Any] | None = None  # state dict as nested lists, small models only
    predictions: tuple[tuple[float, float], ...] = ()  # regression: (target, prediction) on the test set
    images: ImageReport | None = None  # image classifiers only
    scores: FitScores | None = None  # regression with a test set only
    surface: SurfaceGrid | None = None  # 2-D regression: the prediction over the plane
    neurons: NeuronMaps | None = None  # MLPs on 2-D sets: every unit over the plane
    focus: NeuronFocus | None = None  # the picked unit on a finer grid, when one is picked
    health: ModelHealth | None = None  # the latest measurement (MLPs on in-memory data)


@dataclass(frozen=True)
class Held:
    """The loop waits between epochs (paused, or after a step): the model is still, at `epoch`."""

    epoch: int


@dataclass(frozen=True)
class Resumed:
    """A pause ended; training goes on from `epoch`."""

    epoch: int


@dataclass(frozen=True)
class LrChanged:
    """A new learning rate takes effect from the epoch after `epoch`."""

    epoch: int
    lr: float
    previous: float


@dataclass(frozen=True)
class RunFinished:
    """The run ended: completed, early-stopped, stopped by the caller, or diverged (non-finite loss)."""

    status: str  # a RunStatus: completed, early-stopped, stopped, pruned, diverged (crashed, ended when watched)
    epoch: int
    train_loss: float | None
    test_loss: float | None  # of the weights the run ends with (the best epoch's under restore_best)
    test_accuracy: float | None
    message: str = ""  # why it ended so (diverged, early-stopped) and whether the best weights were restored
    parameters: dict[str, Any] | None = None
    scores: FitScores | None = None  # regression with a test set, unless diverged
    best_epoch: int | None = None  # the lowest test loss among the epochs that measured one, and its epoch
    best_test_loss: float | None = None


@dataclass(frozen=True)
class RunFailed:
    """An exception ended the run; `error` is the message a person reads."""

    error: str
    epoch: int = 0
    details: str = field(default="", repr=False)  # the traceback, for a log
    bad_input: bool = False  # the user's input was refused (a data file, a checkpoint), not the run
    field: str = ""  # the configuration field at fault ("train.loss"), where one is
    report: str = ""  # the error told by the user's own frames, where it came from their code (the dialog's)


Event = RunStarted | EpochEnded | Snapshot | Held | Resumed | LrChanged | RunFinished | RunFailed
