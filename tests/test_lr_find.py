"""The LR finder: fastai's sweep (exponential from 1e-7 to 10 over at most 100 batches, smoothed
loss, a stop at 4x its best), its suggestions on a hand-made curve with a known valley, the model
left as it was, and `nntui lr-find`'s plot and JSON."""

from __future__ import annotations

import json
import math

import pytest
import torch
from typer.testing import CliRunner

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop.lr_find import find_lr, suggestions, valley_index
from engine.loop.trainer import Trainer
from tests.helpers import assert_one_line_exit
from tui.cli.main import app

runner = CliRunner()
LRS = [1e-7 * 1e8 ** (i / 100) for i in range(100)]  # the sweep's 100 lrs


def valley_curve() -> list[float]:
    """100 points: flat at 1.0 (0-29), a slow fall to 0.80 (30-49), a faster one to 0.42 (50-69) with a
    cliff of 0.2 between 60 and 61, then a climb. The longest falling run is one flat point and the
    40 falling ones; fastai's rule puts the valley a third plus a sixth of 41 points past its start."""
    curve = [1.0] * 30
    curve += [1 - 0.01 * (i - 29) for i in range(30, 50)]
    for i in range(50, 70):
        curve.append(curve[-1] - (0.2 if i == 61 else 0.01))
    curve += [curve[-1] + 0.05 * (i - 69) for i in range(70, 100)]
    return curve


def test_the_valley_rule_finds_the_known_valley() -> None:
    """Of the kept points (10-94), the run ends at point 69 (kept 59) and is 41 long, so it starts at
    kept 18; the valley is kept 18 + 13 + 6 = 37: point 47, 18 points down the fall."""
    kept = valley_curve()[10:95]
    assert valley_index(kept) == 37
    valley, minimum, steep = suggestions(LRS, valley_curve(), 100)
    assert valley == LRS[47]


def test_minimum_and_steep_are_the_lowest_point_and_the_cliff() -> None:
    """minimum/10 is a tenth of the lr at the lowest loss (point 69); steep the lr where the curve
    falls fastest (the cliff from 60 to 61)."""
    _, minimum, steep = suggestions(LRS, valley_curve(), 100)
    assert minimum == LRS[69] / 10
    assert steep == LRS[60]


def test_points_after_a_nan_are_left_out_of_the_suggestions() -> None:
    """A NaN ends the curve the suggestions read, as in fastai."""
    curve = valley_curve()
    curve[66] = math.nan
    _, minimum, _ = suggestions(LRS, curve, 100)
    assert minimum == LRS[65] / 10


def test_too_few_points_give_no_suggestion() -> None:
    """A sweep that diverged at once leaves nothing to suggest from."""
    assert suggestions(LRS[:12], valley_curve()[:12], 100) == (None, None, None)


def test_the_sweep_grows_the_lr_exponentially_from_1e_7() -> None:
    """Every batch multiplies the lr by (10 / 1e-7) ** (1 / 100), from 1e-7; a small full-batch set
    repeats its epoch for each of the 100 batches."""
    finding = find_lr(Trainer(preset_config("circle")))
    assert finding.ended == "done" and len(finding.lrs) == 100
    assert finding.lrs[0] == 1e-7
    ratios = [b / a for a, b in zip(finding.lrs, finding.lrs[1:])]
    assert all(math.isclose(r, 1e8 ** 0.01, rel_tol=1e-9) for r in ratios)


def test_the_sweep_stops_when_the_smoothed_loss_passes_4x_its_best() -> None:
    """linreg's loss explodes at a large lr: the sweep ends there, its last point over 4x the best."""
    finding = find_lr(Trainer(preset_config("linreg")))
    assert finding.ended == "diverged" and len(finding.lrs) < 100
    assert finding.losses[-1] > 4 * min(finding.losses[:-1])
    assert all(b <= 4 * min(finding.losses[: i + 1]) for i, b in enumerate(finding.losses[:-1]))


def test_the_smoothed_loss_is_fastai_s_debiased_average() -> None:
    """The first point is the first batch's loss itself (the average is debiased)."""
    trainer = Trainer(preset_config("circle"))
    with torch.no_grad():
        first = trainer.loss_fn(trainer.model(trainer.X), trainer.Y).item()
    assert math.isclose(find_lr(trainer).losses[0], first, rel_tol=1e-6)


@pytest.mark.parametrize("preset", ["moons", "shapes"])
def test_the_model_is_left_as_it_was(preset: str) -> None:
    """After the sweep, training goes exactly as if it had not run: weights, optimizer and random
    states are put back (shuffled minibatches and an image DataLoader alike)."""
    config = with_values(preset_config(preset), {"data.samples": 160, "train.device": "cpu"} if preset == "shapes"
                         else {})
    swept, plain = Trainer(config), Trainer(config)
    find_lr(swept, batches=12)
    swept.train_epoch(), plain.train_epoch()
    for name, tensor in plain.model.state_dict().items():
        assert torch.equal(swept.model.state_dict()[name], tensor), name
    assert swept.lr == plain.lr


def test_lr_find_prints_the_curve_and_the_suggestions() -> None:
    """`nntui lr-find --preset moons` draws the curve (log x, the valley marked) and names the three
    suggestions and the command that trains at the valley."""
    result = runner.invoke(app, ["lr-find", "--preset", "moons", "--ascii"])
    assert result.exit_code == 0, result.output
    assert "1e-7" in result.output and "learning rate (log scale)" in result.output and "@" in result.output
    assert "Suggested lr (valley, @): " in result.output and "minimum/10" in result.output and "steep" in result.output
    assert "Train with it: nntui run --preset moons --lr " in result.output


def test_lr_find_json_holds_the_points_and_the_suggestions() -> None:
    """--json prints one object: every point (lr, smoothed loss) and the three suggestions."""
    result = runner.invoke(app, ["lr-find", "--preset", "circle", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert len(found["points"]) == 100 and found["points"][0]["lr"] == 1e-7
    assert set(found["suggestions"]) == {"valley", "minimum", "steep"} and found["suggestions"]["valley"] > 0


def test_lr_find_takes_the_run_options_and_refuses_bad_ones() -> None:
    """Field options are those of `nntui run`; a bad one is refused in one line naming it."""
    assert_one_line_exit(runner.invoke(app, ["lr-find", "--preset", "moons", "--batch-size", "-3"]), 2, "--batch-size")
    assert_one_line_exit(runner.invoke(app, ["lr-find", "--start-lr", "1", "--end-lr", "0.1"]), 2, "--start-lr")
