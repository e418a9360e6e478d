"""What the live views of an image classifier need from the engine: the confusion matrix, counted
on the device while the test set is evaluated, and a few fixed test images, picked and turned into
grey levels once, then run through the model at each snapshot (a handful of images: no cost)."""

from __future__ import annotations

import torch
from torch import nn

from engine.data.preprocess import ImageSpec
from engine.loop.events import ImageReport
from engine.models.task import Task

SAMPLE_IMAGES = 8  # test images sent with each snapshot; a view shows as many as fit
MAX_SIDE = 28  # larger pictures are averaged down to this many pixels a side
LUMA = (0.299, 0.587, 0.114)  # RGB to grey, ITU-R BT.601


def count_confusion(labels: torch.Tensor, predicted: torch.Tensor, classes: int) -> torch.Tensor:
    """A [true][predicted] matrix of counts, as a tensor on the labels' device (no host sync)."""
    pairs = labels.reshape(-1).long() * classes + predicted.reshape(-1).long()
    return torch.bincount(pairs, minlength=classes * classes).reshape(classes, classes)


def grey_levels(images: torch.Tensor, spec: ImageSpec) -> list[list[list[float]]]:
    """A batch of model inputs (N, C, H, W) as [image][row][column] grey levels from 0 to 1:
    normalisation undone, colour turned to luminance, large pictures averaged down."""
    x = images.detach().float().cpu()
    if spec.mean:
        x = x * torch.tensor(spec.std).reshape(1, -1, 1, 1) + torch.tensor(spec.mean).reshape(1, -1, 1, 1)
    if x.shape[1] == 3:
        x = (x * torch.tensor(LUMA).reshape(1, 3, 1, 1)).sum(dim=1, keepdim=True)
    height, width = x.shape[2:]
    if max(height, width) > MAX_SIDE:
        x = nn.functional.adaptive_avg_pool2d(x, (min(height, MAX_SIDE), min(width, MAX_SIDE)))
    return x[:, 0].clamp(0.0, 1.0).double().round(decimals=3).tolist()


class ImageSamples:
    """A few test images as the model takes them (on the device), their classes and grey levels."""

    def __init__(self, inputs: torch.Tensor, labels: torch.Tensor, spec: ImageSpec):
        self.inputs = inputs
        self.truth = tuple(int(label) for label in labels.tolist())
        self.pixels = grey_levels(inputs, spec)

    @torch.no_grad()
    def report(self, model: nn.Module, task: Task, epoch: int, confusion: torch.Tensor) -> ImageReport:
        """The model's guess for each sample now, beside the confusion counted at `epoch`."""
        predicted = task.probabilities(model(self.inputs)).argmax(dim=1)
        return ImageReport(epoch, confusion.cpu().tolist(), self.pixels, self.truth, tuple(predicted.cpu().tolist()))
