"""Augmentation of whole batches on their device: each picture gets draws of its own, from the
run's own generator, and only training batches are changed."""

from __future__ import annotations

import torch
from torchvision.transforms import v2

from engine.config.schema import DataConfig
from engine.data.augment import augment, augment_generator
from engine.data.images import load_images
from engine.loop.image_batches import ImageBatches


def arrows(n: int) -> torch.Tensor:
    """n copies of a picture that is not its own mirror image: a bright left column."""
    images = torch.zeros(n, 1, 8, 8)
    images[:, :, 2:6, 1] = 1.0
    return images


def generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_torchvision_v2_flips_a_batch_as_one_picture() -> None:
    """The reason for drawing per picture: v2's RandomHorizontalFlip flips all of a batch or none of it."""
    torch.manual_seed(0)
    batch = arrows(16)
    for _ in range(8):
        flipped = (v2.RandomHorizontalFlip()(batch) != batch).flatten(1).any(dim=1)
        assert flipped.all() or not flipped.any()


def test_each_picture_is_flipped_on_its_own_draw() -> None:
    """In one batch some pictures are mirrored and the others left as they were."""
    batch = arrows(64)
    out = augment(batch, generator(), hflip=True, rotation=0.0, resized_crop=False)
    mirrored = torch.tensor([torch.equal(o, b.flip(-1)) for o, b in zip(out, batch)])
    kept = torch.tensor([torch.equal(o, b) for o, b in zip(out, batch)])
    assert (mirrored | kept).all() and 10 < mirrored.sum() < 54


def test_rotation_turns_each_picture_by_its_own_angle_with_nearest_pixels() -> None:
    """Turned pictures keep their size and take only values they had (or black corners), and the
    angles differ from picture to picture."""
    batch = torch.rand(32, 1, 12, 12)
    out = augment(batch, generator(), hflip=False, rotation=30.0, resized_crop=False)
    assert out.shape == batch.shape
    for o, b in zip(out, batch):
        assert set(o.unique().tolist()) <= set(b.unique().tolist()) | {0.0}
    assert len({tuple(o.flatten().tolist()) for o in out}) > 16


def test_resized_crops_keep_the_size_and_the_value_range() -> None:
    """A crop scaled back by bilinear interpolation stays within the picture's own range."""
    batch = torch.rand(16, 3, 10, 10)
    out = augment(batch, generator(), hflip=False, rotation=0.0, resized_crop=True)
    assert out.shape == batch.shape
    assert out.min() >= 0.0 and out.max() <= 1.0 and not torch.equal(out, batch)


def test_the_same_generator_state_gives_the_same_batch() -> None:
    """Augmentation is a function of the generator's state: seeded alike, it repeats; drawn on, it differs."""
    batch = torch.rand(8, 1, 12, 12)
    g = generator(3)
    first = augment(batch, g, hflip=True, rotation=15.0, resized_crop=True)
    second = augment(batch, g, hflip=True, rotation=15.0, resized_crop=True)
    assert torch.equal(first, augment(batch, generator(3), hflip=True, rotation=15.0, resized_crop=True))
    assert not torch.equal(first, second)


def test_the_generator_is_seeded_apart_from_shuffling() -> None:
    """The augmentation's generator starts from seed + 1, so its draws are not the shuffler's."""
    cfg = DataConfig(dataset="shapes", seed=5, hflip=True)
    draws = torch.rand(4, generator=augment_generator(cfg, torch.device("cpu")))
    assert torch.equal(draws, torch.rand(4, generator=generator(6)))


def test_only_training_batches_are_augmented() -> None:
    """Test batches are the plain normalised pictures; training batches of the same pictures are changed."""
    cfg = DataConfig(dataset="shapes", samples=16, batch_size=16, shuffle=False, hflip=True, rotation=40.0,
                     test_fraction=0.5)
    plain_cfg = DataConfig(dataset="shapes", samples=16, batch_size=16, shuffle=False, test_fraction=0.5)
    batches = ImageBatches(load_images(cfg), cfg, torch.device("cpu"), generator())
    plain = ImageBatches(load_images(plain_cfg), plain_cfg, torch.device("cpu"), generator())
    pixels, _ = next(batches.train_batches())
    assert not torch.equal(batches.inputs(pixels, train=True), batches.inputs(pixels))
    assert torch.equal(batches.inputs(pixels), plain.inputs(pixels, train=True))
