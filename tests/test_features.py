"""Input features of the 2-D sets (data.features): chosen at every door, computed in the engine from
each raw point before the model, while the plane, the points and the boundary stay raw; a linear
model on x1², x2² separates the circle; a saved run predicts from x1 and x2 by computing them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from engine.config.build import with_values
from engine.config.fields import SPECS, parse_text
from engine.config.presets import preset_config
from engine.config.problems import ConfigError
from engine.config.toml_file import dumps, loads
from engine.data.features import FEATURES, computed_features, feature_columns
from engine.loop.plane import padded_bounds
from engine.loop.trainer import Trainer
from tests.helpers import train
from tui.cli.main import app
from tui.widgets.model_summary import planned_layers, planned_summary

SQUARES = ["x1^2", "x2^2"]


def test_each_feature_computes_what_the_exported_script_writes() -> None:
    """The engine's expression and the script's source line give the very same numbers."""
    points = torch.randn(50, 2, generator=torch.Generator().manual_seed(3)) * 4
    x1, x2 = points[:, 0], points[:, 1]
    for name, (column, code) in FEATURES.items():
        assert torch.equal(column(x1, x2), eval(code, {"torch": torch, "x1": x1, "x2": x2})), name


def test_features_are_kept_in_the_tables_order_whatever_the_spelling() -> None:
    """`x2^2, X1²` and `x1**2,x2**2` both read as x1^2, x2^2."""
    spec = SPECS["data.features"]
    assert parse_text(spec, "x2^2, X1²") == SQUARES
    assert parse_text(spec, "x1**2,x2**2") == SQUARES
    assert parse_text(spec, "sin(x2), x1 * x2, x1") == ["x1", "x1*x2", "sin(x2)"]


@pytest.mark.parametrize(("text", "words"), [("", "at least one feature"), ("x3", "unknown feature 'x3'"),
                                             ("x1,x1", "x1 is named twice")])
def test_an_unknown_repeated_or_missing_feature_is_refused_naming_the_field(text: str, words: str) -> None:
    """Each refusal names data.features and says what is allowed."""
    with pytest.raises(ConfigError, match="data.features") as refused:
        parse_text(SPECS["data.features"], text)
    assert words in str(refused.value)


def test_features_survive_a_toml_file() -> None:
    """`nntui config` writes the features and reading the file back gives the same run."""
    config = with_values(preset_config("circle"), {"data.features": ["x1", "x1*x2", "sin(x1)"]})
    assert tomllib.loads(dumps(config))["data"]["features"] == ["x1", "x1*x2", "sin(x1)"]
    assert loads(dumps(config)) == config


def test_the_features_option_sets_them_and_a_bad_one_exits_2() -> None:
    """`--features "x1^2,x2^2"` reaches the run; a bad feature is one line naming the option."""
    shown = CliRunner().invoke(app, ["config", "--preset", "circle", "--features", "x1^2,x2^2"])
    assert shown.exit_code == 0 and tomllib.loads(shown.stdout)["data"]["features"] == SQUARES
    refused = CliRunner().invoke(app, ["run", "--preset", "circle", "--features", "x1^3"])
    assert refused.exit_code == 2
    assert refused.stderr.count("\n") == 1 and "--features" in refused.stderr and "x1^3" in refused.stderr


def test_a_linear_model_on_squared_inputs_separates_the_circle() -> None:
    """Circle with features x1², x2² and no hidden layer reaches at least 95 % test accuracy."""
    config = with_values(preset_config("circle"), {"data.features": SQUARES, "model.hidden": [], "train.lr": 1.0,
                                                   "data.samples": 400})
    end = train(config).end
    assert end.status == "completed" and end.test_accuracy >= 0.95


def test_the_model_takes_the_features_while_the_plane_stays_raw() -> None:
    """The first layer is as wide as the features; bounds, points and the drawn grid are the raw points'."""
    config = with_values(preset_config("circle"), {"data.features": ["x1^2", "x2^2", "x1*x2"]})
    trainer = Trainer(config)
    torch.manual_seed(config.data.seed)
    raw, _ = _circle(config.data.samples)
    assert trainer.model[0].in_features == 3
    assert torch.equal(trainer.X, feature_columns(raw, ["x1^2", "x2^2", "x1*x2"]))
    assert trainer.bounds == padded_bounds(raw)
    assert [p[:2] for p in trainer.train_points] == [tuple(row) for row in raw.tolist()]


def _circle(n: int) -> tuple[torch.Tensor, torch.Tensor]:
    data = torch.randn(n, 2)
    return data, (data[:, 0] ** 2 + data[:, 1] ** 2 < 1).float()


def test_the_default_features_and_sets_that_are_not_planes_compute_nothing() -> None:
    """x1, x2 is the point itself; a 10-input set or a CSV table ignores the field."""
    assert computed_features(preset_config("circle").data) == ()
    sequential = with_values(preset_config("sequential"), {"data.features": SQUARES})
    assert computed_features(sequential.data) == ()
    assert Trainer(sequential).model[0].in_features == 10


def test_the_planned_model_shows_the_input_width_and_the_features() -> None:
    """Before a run, the Model view plans 3 inputs for three features and names them."""
    config = with_values(preset_config("xor"), {"data.features": ["x1", "x2", "x1*x2"]})
    assert planned_layers(config) == [3, 8, 8, 1]
    assert "inputs: x1, x2, x1·x2 of each point (x1, x2)" in planned_summary(config).plain
    assert not SPECS["data.features"].applies_to("csv") and SPECS["data.features"].applies_to("gauss")


def test_a_saved_run_predicts_from_x1_x2_by_computing_its_features(tmp_path: Path) -> None:
    """predict reads x1, x2 columns and feeds the model their features, as training did."""
    run = tmp_path / "run"
    result = CliRunner().invoke(app, ["run", "--preset", "circle", "--features", "x1^2,x2^2", "--hidden", "",
                                      "--epochs", "20", "--save", str(run)])
    assert result.exit_code == 0, result.output
    rows = tmp_path / "points.csv"
    rows.write_text("x1,x2\n0,0\n2.5,-2\n")
    answers = [json.loads(line) for line in
               CliRunner().invoke(app, ["predict", str(run), str(rows), "--json"]).stdout.splitlines()]
    model = torch.nn.Linear(2, 1)
    model.load_state_dict({k.removeprefix("0."): v for k, v in torch.load(run / "model.pt").items()})
    with torch.no_grad():
        p1 = torch.sigmoid(model(feature_columns(torch.tensor([[0.0, 0.0], [2.5, -2.0]]), SQUARES)))[:, 0].tolist()
    expected = ["1" if p >= 0.5 else "0" for p in p1]
    assert [a["label"] for a in answers] == expected
    assert [a["probability"] for a in answers] == pytest.approx([max(p, 1 - p) for p in p1])
