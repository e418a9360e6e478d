"""What the live views draw, computed from a trainer's model between epochs: the decision
boundary over a grid, the image classifier's report, regression predictions and small state
dicts as lists. Plain values out (events cross threads); no tensors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from engine.loop.events import BoundaryGrid, ImageReport

if TYPE_CHECKING:
    from engine.loop.trainer import Trainer

PARAMETER_LIST_LIMIT = 1000  # state dicts up to this many values are reported as lists


@torch.no_grad()
def boundary_grid(trainer: Trainer, columns: int, rows: int) -> BoundaryGrid | None:
    """Class probabilities at the centre of each cell of a columns x rows grid."""
    if trainer.bounds is None or not trainer.task.is_classification:
        return None
    (x0, x1), (y0, y1) = trainer.bounds
    xs = x0 + (torch.arange(columns, dtype=torch.float32) + 0.5) * ((x1 - x0) / columns)
    ys = y1 - (torch.arange(rows, dtype=torch.float32) + 0.5) * ((y1 - y0) / rows)
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    grid = torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1).to(trainer.device)
    trainer.model.eval()
    probs = trainer.task.probabilities(trainer.model(grid)).reshape(rows, columns, -1).permute(2, 0, 1)
    return BoundaryGrid((x0, x1), (y0, y1), probs.cpu().tolist())

@torch.no_grad()
def image_report(trainer: Trainer) -> ImageReport | None:
    """Image classifiers, once the test set has been evaluated: its confusion matrix and a few
    fixed test images with the model's guesses. Tables with classes (no 2-D boundary to draw):
    the matrix alone, from one pass over the test rows."""
    if trainer.images is None and trainer.task.is_classification and trainer.bounds is None and trainer.test_samples:
        from engine.loop.image_samples import count_confusion

        trainer.model.eval()
        guesses = trainer.task.probabilities(trainer.model(trainer.X_test)).argmax(dim=1)
        confusion = count_confusion(trainer.Y_test.reshape(-1), guesses, trainer.task.classes)
        return ImageReport(trainer.epoch, confusion.cpu().tolist(), [], (), ())
    if trainer.images is None or trainer.confusion is None or not trainer.test_samples:
        return None
    if trainer.samples_picked is None:
        from engine.loop.image_samples import SAMPLE_IMAGES, ImageSamples

        pixels, labels = trainer.images.first_test(SAMPLE_IMAGES)
        trainer.samples_picked = ImageSamples(trainer.images.inputs(pixels), labels, trainer.preprocess.image)
    trainer.model.eval()
    return trainer.samples_picked.report(trainer.model, trainer.task, *trainer.confusion)

def parameters_as_lists(trainer: Trainer) -> dict[str, Any] | None:
    """The state dict as nested lists when it is small enough to print."""
    if trainer.parameter_count > PARAMETER_LIST_LIMIT:
        return None
    return {name: value.detach().cpu().tolist() for name, value in trainer.model.state_dict().items()}

@torch.no_grad()
def test_predictions(trainer: Trainer, limit: int = 200) -> tuple[tuple[float, float], ...]:
    """(target, prediction) pairs on the test set, for regression views."""
    if trainer.task.is_classification or not trainer.test_samples or trainer.X_test is None:
        return ()
    trainer.model.eval()
    X, Y = trainer.X_test[:limit], trainer.Y_test[:limit]
    pairs = torch.stack([Y[:, 0], trainer.model(X)[:, 0]], dim=1)
    return tuple((t, p) for t, p in pairs.cpu().tolist())
