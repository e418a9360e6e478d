"""What the live views draw, computed from a trainer's model between epochs: the decision
boundary over a grid (the fitted surface for 2-D regression), the image classifier's report,
regression predictions and small state dicts as lists. Plain values out (events cross threads);
no tensors. The neurons' maps are engine.loop.neurons', the layers' health engine.loop.health's."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import torch

from engine.config.schema import RunConfig
from engine.loop.events import BoundaryGrid, FitScores, ImageReport, RunStarted, SurfaceGrid
from engine.loop.plane import plane_grid

if TYPE_CHECKING:
    from engine.loop.trainer import Trainer

PARAMETER_LIST_LIMIT = 1000  # state dicts up to this many values are reported as lists


@torch.no_grad()
def boundary_grid(trainer: Trainer, columns: int, rows: int) -> BoundaryGrid | None:
    """Class probabilities at the centre of each cell of a columns x rows grid."""
    if trainer.bounds is None or not trainer.task.is_classification:
        return None
    grid = plane_grid(trainer.bounds, columns, rows).to(trainer.device)
    trainer.model.eval()
    outputs = trainer.model(trainer.model_inputs(grid))
    probs = trainer.task.probabilities(outputs).reshape(rows, columns, -1).permute(2, 0, 1)
    return BoundaryGrid(*trainer.bounds, probs.cpu().tolist())


@torch.no_grad()
def surface_grid(trainer: Trainer, columns: int, rows: int) -> SurfaceGrid | None:
    """A 2-D regression model's prediction at the centre of each cell, in the target's own unit."""
    if trainer.bounds is None or trainer.task.is_classification:
        return None
    grid = plane_grid(trainer.bounds, columns, rows).to(trainer.device)
    trainer.model.eval()
    scale, shift = _target_unit(trainer)
    values = trainer.model(trainer.model_inputs(grid))[:, 0].double() * scale + shift
    return SurfaceGrid(*trainer.bounds, values.reshape(rows, columns).cpu().tolist())


@torch.no_grad()
def image_report(trainer: Trainer) -> ImageReport | None:
    """Image classifiers, once the test set has been evaluated: its confusion matrix and a few
    fixed test images with the model's guesses. Tables with classes (no 2-D boundary to draw):
    the matrix alone, from one pass over the test rows; a user Dataset whose items are pictures
    (C, H, W with 1 or 3 channels) has its first test pictures too. A streamed user set's matrix is
    its last evaluation's."""
    if trainer.stream is not None:
        if trainer.confusion is None or not trainer.test_samples:
            return None
        return _user_report(trainer, *trainer.stream.first_batch(test=True), *trainer.confusion)
    if trainer.images is None and trainer.task.is_classification and trainer.bounds is None and trainer.test_samples:
        from engine.loop.image_samples import count_confusion

        trainer.model.eval()
        X_test, Y_test = trainer.test_rows()
        guesses = trainer.task.probabilities(trainer.model(X_test)).argmax(dim=1)
        confusion = count_confusion(Y_test.reshape(-1), guesses, trainer.task.classes)
        return _user_report(trainer, X_test, Y_test, trainer.epoch, confusion)
    if trainer.images is None or trainer.confusion is None or not trainer.test_samples:
        return None
    if trainer.samples_picked is None:
        from engine.loop.image_samples import SAMPLE_IMAGES, ImageSamples

        pixels, labels = trainer.images.first_test(SAMPLE_IMAGES)
        spec = trainer.preprocess.image
        assert spec is not None, "an image run's preprocessing is an image spec"
        trainer.samples_picked = ImageSamples(trainer.images.inputs(pixels), labels, spec)
    trainer.model.eval()
    return trainer.samples_picked.report(trainer.model, trainer.task, *trainer.confusion)


def _user_report(trainer: Trainer, X: torch.Tensor, Y: torch.Tensor, epoch: int,
                 confusion: torch.Tensor) -> ImageReport:
    """A confusion matrix of rows (a table, a user Dataset), with sample pictures where the rows
    are pictures of 1 or 3 channels (shown as they are: values 0 to 1 are black to white)."""
    trainer.model.eval()
    if X.dim() != 4 or X.shape[1] not in (1, 3):
        return ImageReport(epoch, confusion.cpu().tolist(), [], (), ())
    if trainer.samples_picked is None:
        from engine.data.preprocess import ImageSpec
        from engine.loop.image_samples import SAMPLE_IMAGES, ImageSamples

        spec = ImageSpec("L" if X.shape[1] == 1 else "RGB", tuple(X.shape[2:]))  # type: ignore[arg-type]
        trainer.samples_picked = ImageSamples(X[:SAMPLE_IMAGES], Y[:SAMPLE_IMAGES].reshape(-1).long(), spec)
    return trainer.samples_picked.report(trainer.model, trainer.task, epoch, confusion)

def parameters_as_lists(trainer: Trainer) -> dict[str, Any] | None:
    """The state dict as nested lists when it is small enough to print."""
    if trainer.parameter_count > PARAMETER_LIST_LIMIT:
        return None
    return {name: value.detach().cpu().tolist() for name, value in trainer.model.state_dict().items()}

def _target_unit(trainer: Trainer) -> tuple[float, float]:
    """(std, mean) that turn the model's outputs and targets back into the target's own unit."""
    schema = trainer.preprocess.table
    return (schema.target_std, schema.target_mean) if schema is not None else (1.0, 0.0)


@torch.no_grad()
def test_predictions(trainer: Trainer, limit: int = 200) -> tuple[tuple[float, float], ...]:
    """(target, prediction) pairs on the test set, in the target's own unit, for regression views
    (a streamed user set's: the first batch of its test set)."""
    if trainer.task.is_classification or not trainer.test_samples:
        return ()
    if trainer.stream is not None:
        X, Y = trainer.stream.first_batch(test=True)
        X, Y = X[:limit], Y[:limit]
    elif trainer.X_test is None:
        return ()
    else:
        X_test, Y_test = trainer.test_rows()
        X, Y = X_test[:limit], Y_test[:limit]
    trainer.model.eval()
    scale, shift = _target_unit(trainer)
    pairs = torch.stack([Y[:, 0], trainer.model(X)[:, 0]], dim=1).double() * scale + shift
    return tuple((t, p) for t, p in pairs.cpu().tolist())


@torch.no_grad()
def fit_scores(trainer: Trainer) -> FitScores | None:
    """RMSE, MAE and R² of a regression model on the test set, in the target's own unit (a
    streamed user set's: counted while its last evaluation passed over the test set)."""
    if trainer.stream is not None:
        return trainer.stream_scores
    if trainer.task.is_classification or not trainer.test_samples or trainer.X_test is None:
        return None
    trainer.model.eval()
    scale, shift = _target_unit(trainer)
    X_test, Y_test = trainer.test_rows()
    predicted = trainer.model(X_test)[:, 0].double() * scale + shift
    actual = Y_test[:, 0].double() * scale + shift
    errors = predicted - actual
    squared, absolute, spread = torch.stack([errors.square().sum(), errors.abs().sum(),
                                             (actual - actual.mean()).square().sum()]).tolist()  # one sync
    n = len(actual)
    return FitScores(math.sqrt(squared / n), absolute / n, 1 - squared / spread if spread > 0 else None)


def run_started(config: RunConfig, trainer: Trainer) -> RunStarted:
    """What the views need once the model is built and the data read: sizes, points, names."""
    from engine.config.catalog import DATASETS
    from engine.config.rules import warnings
    from engine.loop.neurons import network_note

    # A synthetic set's columns and classes are only numbered (x1, x2, label 0, 1): nothing to name
    named = not DATASETS[config.data.dataset].synthetic
    table = trainer.preprocess.table
    return RunStarted(
        config=config.copy(), task=trainer.task.kind, device=str(trainer.device),
        summary=str(trainer.model), parameter_count=trainer.parameter_count,
        train_samples=trainer.train_samples, test_samples=trainer.test_samples,
        warnings=(*warnings(config), *((trainer.stream.note,) if trainer.stream is not None else ())),
        train_points=trainer.train_points,
        test_points=trainer.test_points, reference=trainer.reference,
        target=table.target if table is not None and named else "",
        labels=tuple(trainer.labels) if named else (), dropped_rows=trainer.dropped_rows,
        resumed_at=trainer.epoch, network=network_note(trainer, config))
