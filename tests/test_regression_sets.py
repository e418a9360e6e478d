"""TensorFlow Playground's 2-D regression sets, `plane` and `gauss`: drawn uniform in [-6, 6]², their
noise moving where the target is read (not the points), their test share as the other sets';
trainable to a good fit; and drawn by the Fit view as the prediction over the plane (the engine's
surface grid) with the points on top and the test RMSE and R²."""

from __future__ import annotations

import pytest
import torch

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.problems import ConfigError
from engine.config.schema import DataConfig
from engine.data import synthetic
from engine.data.synthetic import GAUSSIANS, draw
from engine.loop.events import RunStarted, Snapshot
from engine.loop.plane import plane_grid
from engine.loop.trainer import Trainer
from engine.loop.views import surface_grid
from tests.helpers import train


def _drawn(dataset: str, noise: float = 0.0, n: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    return draw(DataConfig(dataset=dataset, noise=noise), n)


def test_plane_targets_are_the_sum_of_the_coordinates_over_ten() -> None:
    """Without noise y = (x1 + x2) / 10, for points filling [-6, 6]²."""
    X, y = _drawn("plane")
    assert X.min() >= -6 and X.max() <= 6 and X.min() < -5.5 and X.max() > 5.5
    assert torch.allclose(y[:, 0], (X[:, 0] + X[:, 1]) / 10)


def test_gauss_targets_are_the_signed_height_of_the_tallest_bump() -> None:
    """Near a bump's centre the target is nearly its sign; outside every bump's radius of 2 it is 0."""
    X, y = _drawn("gauss", n=5000)
    for cx, cy, sign in GAUSSIANS:
        near = ((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2).sqrt() < 0.3
        assert near.any() and torch.all(y[near, 0] * sign > 0.8)
    centres = torch.tensor([(x, yy) for x, yy, _ in GAUSSIANS])
    far = torch.cdist(X, centres).min(dim=1).values > 2.0
    assert torch.all(y[far, 0] == 0)
    assert y.min() >= -1 and y.max() <= 1


@pytest.mark.parametrize("dataset", ["plane", "gauss"])
def test_noise_moves_where_the_target_is_read_not_the_points(dataset: str) -> None:
    """The same seed draws the same points at any noise; the targets change."""
    X0, y0 = _drawn(dataset)
    X1, y1 = _drawn(dataset, noise=0.3)
    assert torch.equal(X0, X1) and not torch.equal(y0, y1)


def test_the_test_share_is_drawn_on_top_as_for_the_other_sets() -> None:
    """400 training points with test_fraction 0.2 hold out 100 more."""
    trainer = Trainer(with_values(_regression("gauss"), {"data.samples": 400}))
    assert (trainer.train_samples, trainer.test_samples) == (400, synthetic.test_size(trainer.config.data)) == (400, 100)


def _regression(dataset: str, **values) -> object:
    return with_values(preset_config("moons"), {"data.dataset": dataset, "train.loss": "mse", "data.noise": 0.0,
                                                "data.samples": 400, **values})


def test_a_linear_model_fits_the_plane() -> None:
    """No hidden layer: R² above 0.99 on the test set."""
    end = train(_regression("plane", **{"model.hidden": [], "train.epochs": 60})).end
    assert end.scores.r2 > 0.99


def test_a_small_network_fits_the_gaussian_bumps() -> None:
    """A 2-16-16-1 tanh network reaches R² above 0.9 on the test set."""
    config = _regression("gauss", **{"model.activation": "tanh", "train.epochs": 300, "train.log_interval": 100})
    end = train(config).end
    assert end.status == "completed" and end.scores.r2 > 0.9


def test_a_classification_loss_on_a_regression_set_is_refused() -> None:
    """plane and gauss are regression: bce is refused naming train.loss."""
    with pytest.raises(ConfigError, match="train.loss"):
        with_values(preset_config("circle"), {"data.dataset": "gauss"})


def test_the_surface_is_the_models_prediction_over_the_plane() -> None:
    """surface_grid holds model(grid) at each cell centre, rows from the top; a classifier has none."""
    trainer = Trainer(_regression("gauss", **{"data.features": ["x1", "x2", "x1*x2"]}))
    trainer.train_epoch()
    surface = surface_grid(trainer, 12, 6)
    with torch.no_grad():
        expected = trainer.model(trainer.model_inputs(plane_grid(trainer.bounds, 12, 6)))[:, 0].double()
    assert torch.equal(torch.tensor(surface.values, dtype=torch.float64).reshape(-1), expected)
    assert (surface.x_range, surface.y_range) == trainer.bounds
    assert surface_grid(Trainer(preset_config("circle")), 12, 6) is None


def test_a_run_sends_its_points_with_their_targets_and_the_fit_scores() -> None:
    """RunStarted's points carry each target; snapshots carry the surface and the test RMSE and R²."""
    recorder = train(_regression("plane", **{"train.epochs": 3}))
    started, snapshot = recorder.of(RunStarted)[0], recorder.of(Snapshot)[-1]
    x1, x2, target = started.train_points[0]
    assert target == pytest.approx((x1 + x2) / 10, abs=1e-6)
    assert snapshot.surface is not None and snapshot.boundary is None
    assert snapshot.scores.rmse > 0 and snapshot.scores.r2 is not None


@pytest.mark.parametrize("dataset", ["plane", "gauss"])
def test_choosing_a_regression_set_on_the_command_line_fits_it_with_mse_and_no_output_activation(dataset: str) -> None:
    """`--dataset gauss` on circle's start does not keep bce and a sigmoid, which squash a target
    in [-1, 1] into (0, 1); a loss the user gives is kept."""
    from tui.cli.resolve import resolve_config

    chosen = resolve_config(None, None, {"data.dataset": dataset})
    assert (chosen.train.loss, chosen.model.output_activation) == ("mse", "none")
    assert resolve_config(None, None, {"data.dataset": dataset, "train.loss": "huber"}).train.loss == "huber"
