"""What the engine reports for image classifiers: the confusion matrix counted with each test
evaluation, and a few fixed test images as grey levels with the model's guesses."""

from __future__ import annotations

import torch

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.data.preprocess import ImageSpec
from engine.loop.events import Snapshot
from engine.loop.image_samples import SAMPLE_IMAGES, count_confusion, grey_levels
from engine.loop.session import TrainingSession
from engine.loop.trainer import Trainer
from engine.loop.views import image_report


def shapes(**values) -> Trainer:
    return Trainer(with_values(preset_config("shapes"), {"data.samples": 200, "train.device": "cpu", **values}))


def test_confusion_counts_true_against_predicted():
    """Row i, column j counts the images of class i guessed as j."""
    counts = count_confusion(torch.tensor([0, 0, 1, 2, 2]), torch.tensor([0, 1, 1, 2, 0]), 3)
    assert counts.tolist() == [[1, 1, 0], [0, 1, 0], [1, 0, 1]]


def test_grey_levels_undo_normalisation_and_colour():
    """Normalised inputs come back as 0..1 grey; RGB becomes luminance; large pictures are averaged down to 28."""
    spec = ImageSpec("L", (2, 2), (0.5,), (0.5,))
    assert grey_levels(torch.tensor([[[[-1.0, 1.0], [0.0, 3.0]]]]), spec) == [[[0.0, 1.0], [0.5, 1.0]]]
    rgb = grey_levels(torch.ones(1, 3, 56, 56) * torch.tensor([1.0, 0.0, 0.0]).reshape(1, 3, 1, 1),
                      ImageSpec("RGB", (56, 56)))
    assert len(rgb[0]) == 28 and len(rgb[0][0]) == 28 and rgb[0][0][0] == 0.299


def test_no_report_before_the_test_set_is_evaluated():
    """The report comes with a test evaluation; synthetic data never has one."""
    trainer = shapes()
    assert image_report(trainer) is None
    assert image_report(Trainer(preset_config("circle"))) is None


def test_report_matches_the_evaluation():
    """The matrix covers the whole test set, its diagonal is the accuracy, and the pictures are the first test images."""
    trainer = shapes()
    trainer.train_epoch()
    _, accuracy = trainer.evaluate()
    report = image_report(trainer)
    assert report is not None and report.epoch == 1
    total = sum(map(sum, report.confusion))
    assert total == trainer.test_samples and len(report.confusion) == 4
    assert sum(report.confusion[i][i] for i in range(4)) / total == accuracy
    assert len(report.pixels) == SAMPLE_IMAGES and len(report.pixels[0]) == 28 and len(report.pixels[0][0]) == 28
    assert all(0.0 <= v <= 1.0 for row in report.pixels[0] for v in row)
    assert report.truth == tuple(trainer.images.test.labels[:SAMPLE_IMAGES].tolist())
    assert len(report.predicted) == SAMPLE_IMAGES and set(report.predicted) <= {0, 1, 2, 3}


def test_session_snapshot_carries_the_report():
    """A finished shapes run's last snapshot holds the image report, as plain lists."""
    snapshots: list[Snapshot] = []
    config = with_values(preset_config("shapes"), {"data.samples": 200, "train.epochs": 1, "train.device": "cpu"})
    session = TrainingSession(config, lambda e: snapshots.append(e) if isinstance(e, Snapshot) else None,
                              snapshot_interval_s=None, eval_interval_s=None)
    session.start()
    assert session.join(60)
    report = snapshots[-1].images
    assert report is not None and isinstance(report.confusion[0][0], int) and isinstance(report.pixels[0][0][0], float)
