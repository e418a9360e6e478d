"""The training-only augmentation as source code, for `engine.export.images`: engine.data.augment
written out for a reader, a generator of its own and an `augment` function making the very tensor
calls of engine.data.augment.augment in the very order (only the steps the run uses), so that an
exported script flips, turns and crops each batch as nntui does, draw for draw."""

from __future__ import annotations

from engine.data.augment import CROP_RATIO, CROP_SCALE
from engine.export.plan import ScriptPlan


def augment_source(plan: ScriptPlan) -> str:
    """Module-level source: the generator, then `augment(images)`."""
    data = plan.config.data
    where = "device" if plan.uses_device else ""
    lines = ["# The augmentation draws from a generator of its own (next to the shuffling one), on the",
             "# device, so that every picture of a batch gets its own flip, angle and crop there",
             f"augment_generator = torch.Generator({where}).manual_seed({data.seed + 1})",
             "", "",
             "def augment(images):",
             '    """Change each picture of a batch at random, all at once on its device."""',
             "    n, device = len(images), images.device"]
    if data.hflip:
        lines += ["    # Mirror each picture left to right with probability 0.5",
                  "    flip = torch.rand(n, generator=augment_generator, device=device) < 0.5",
                  "    images = torch.where(flip.reshape(n, 1, 1, 1), images.flip(-1), images)"]
    if data.rotation or data.resized_crop:
        lines += _warp(data.rotation, data.resized_crop)
    else:
        lines += ["    return images"]
    return "\n".join(lines)


def _fraction(value: float) -> str:
    """3/4 as "3 / 4": the expression whose float is the constant's."""
    from fractions import Fraction

    ratio = Fraction(value).limit_denominator(100)
    assert ratio.numerator / ratio.denominator == value
    return f"{ratio.numerator} / {ratio.denominator}"


def _warp(rotation: float, crop: bool) -> list[str]:
    """The rotation and the resized crop as one affine warp of the batch."""
    lines = []
    if rotation:
        lines += [f"    # Turn each picture by an angle from -{rotation:g} to {rotation:g} degrees",
                  "    turns = torch.rand(n, generator=augment_generator, device=device)",
                  f"    angle = (turns * 2 - 1) * math.radians({rotation!r})"]
    else:
        lines += ["    angle = torch.zeros(n, device=device)  # no turn"]
    if crop:
        (low_scale, high_scale), (low_ratio, high_ratio) = CROP_SCALE, CROP_RATIO
        lines += [f"    # Crop {low_scale:.0%} to {high_scale:.0%} of each picture's area, {_fraction(low_ratio)} to "
                  f"{_fraction(high_ratio)} as wide as high,",
                  "    # anywhere inside it, and scale the crop back to the picture's size",
                  "    draws = torch.rand(n, 4, generator=augment_generator, device=device)",
                  f"    area = {low_scale!r} + ({high_scale!r} - {low_scale!r}) * draws[:, 0]",
                  f"    low, high = math.log({_fraction(low_ratio)}), math.log({_fraction(high_ratio)})",
                  "    ratio = torch.exp(low + (high - low) * draws[:, 1])",
                  "    width = (area * ratio).sqrt().clamp(max=1.0)",
                  "    height = (area / ratio).sqrt().clamp(max=1.0)",
                  "    x0 = (draws[:, 2] * 2 - 1) * (1 - width)",
                  "    y0 = (draws[:, 3] * 2 - 1) * (1 - height)"]
    else:
        lines += ["    width = height = torch.ones(n, device=device)  # the whole picture",
                  "    x0 = y0 = torch.zeros(n, device=device)"]
    mode = "bilinear" if crop else "nearest"
    return lines + [
        "    # Where each output pixel is read from, in -1..1 coordinates: the crop's point, turned",
        "    cos, sin = angle.cos(), angle.sin()",
        "    theta = torch.stack(",
        "        [",
        "            torch.stack([cos * width, -sin * height, cos * x0 - sin * y0], dim=1),",
        "            torch.stack([sin * width, cos * height, sin * x0 + cos * y0], dim=1),",
        "        ],",
        "        dim=1,",
        "    )",
        "    grid = nn.functional.affine_grid(theta, list(images.shape), align_corners=False)",
        "    return nn.functional.grid_sample(",
        f'        images, grid, mode="{mode}", padding_mode="zeros", align_corners=False',
        "    )"]
