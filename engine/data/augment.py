"""Training-only augmentation of a whole batch at once, on the batch's device.

torchvision.transforms.v2's random transforms draw one set of parameters per call, so a batch
handed to them is flipped, turned or cropped as a whole. Here every picture gets draws of its own,
as the per-picture transforms draw them: a horizontal flip with probability 0.5
(RandomHorizontalFlip), an angle from [-rotation, rotation] degrees (RandomRotation, nearest
pixel, black corners), a crop of 70-100 % of the area with an aspect ratio from 3/4 to 4/3, scaled
back to the picture's size (RandomResizedCrop, bilinear; a crop wider than the picture is
narrowed to it rather than drawn again). The rotation and crop are one affine warp of the batch
(`affine_grid`, `grid_sample`). The draws come from a generator of the run's own on the device,
so nothing crosses from the host per batch and a checkpoint can hold its state."""

from __future__ import annotations

import math

import torch
from torch.nn import functional

from engine.config.schema import DataConfig

CROP_SCALE = (0.7, 1.0)  # share of the picture's area a resized crop keeps
CROP_RATIO = (3 / 4, 4 / 3)  # width over height of the crop


def augmented(cfg: DataConfig) -> bool:
    """Whether training pictures are changed at random."""
    return bool(cfg.hflip or cfg.rotation or cfg.resized_crop)


def augment_generator(cfg: DataConfig, device: torch.device) -> torch.Generator:
    """The augmentation's own generator, seeded apart from the shuffling one (seed + 1)."""
    return torch.Generator(device=device).manual_seed(cfg.seed + 1)


def augment(images: torch.Tensor, generator: torch.Generator, hflip: bool, rotation: float,
            resized_crop: bool) -> torch.Tensor:
    """A float batch (N, C, H, W) with each picture flipped, turned and cropped at random."""
    n, device = len(images), images.device
    if hflip:
        flip = torch.rand(n, generator=generator, device=device) < 0.5
        images = torch.where(flip.reshape(n, 1, 1, 1), images.flip(-1), images)
    if not (rotation or resized_crop):
        return images
    ones, zeros = torch.ones(n, device=device), torch.zeros(n, device=device)
    angle = zeros
    if rotation:
        angle = (torch.rand(n, generator=generator, device=device) * 2 - 1) * math.radians(rotation)
    width, height, x0, y0 = ones, ones, zeros, zeros  # the crop, in the picture's -1..1 coordinates
    if resized_crop:
        draws = torch.rand(n, 4, generator=generator, device=device)
        area = CROP_SCALE[0] + (CROP_SCALE[1] - CROP_SCALE[0]) * draws[:, 0]
        low, high = math.log(CROP_RATIO[0]), math.log(CROP_RATIO[1])
        ratio = torch.exp(low + (high - low) * draws[:, 1])
        width, height = (area * ratio).sqrt().clamp(max=1.0), (area / ratio).sqrt().clamp(max=1.0)
        x0, y0 = (draws[:, 2] * 2 - 1) * (1 - width), (draws[:, 3] * 2 - 1) * (1 - height)
    cos, sin = angle.cos(), angle.sin()
    # Where each output pixel is read from: the crop's point, turned by the angle
    theta = torch.stack([torch.stack([cos * width, -sin * height, cos * x0 - sin * y0], dim=1),
                         torch.stack([sin * width, cos * height, sin * x0 + cos * y0], dim=1)], dim=1)
    grid = functional.affine_grid(theta, list(images.shape), align_corners=False)
    mode = "bilinear" if resized_crop else "nearest"
    return functional.grid_sample(images, grid, mode=mode, padding_mode="zeros", align_corners=False)
