"""`nntui predict`: a saved run's model applied to new CSV rows and image files with the run's
own preprocessing, and `nntui run --data` choosing a loss from the target column."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from engine.data.shapes import ShapesDataset
from tui.cli.main import app


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def iris(path: Path) -> Path:
    lines = ["width,colour,species"]
    lines += [f"{i % 3 + 0.1 * (i % 5)},{'red' if i % 2 else 'blue'},{('setosa', 'versicolor', 'virginica')[i % 3]}"
              for i in range(90)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_csv_run_trains_saves_and_predicts(tmp_path: Path) -> None:
    """--data picks cross_entropy for a text target; predict names a class per row."""
    data, run = iris(tmp_path / "iris.csv"), tmp_path / "run"
    result = invoke("run", "--data", str(data), "--epochs", "30", "--save", str(run))
    assert result.exit_code == 0, result.output
    assert (run / "preprocess.json").is_file()
    assert "cross_entropy" in (run / "config.toml").read_text()
    new = tmp_path / "new.csv"
    new.write_text("width,colour\n0.0,red\n2.0,blue\n")
    lines = invoke("predict", str(run), str(new)).output.splitlines()
    assert lines[0].startswith(f"{new}, line 2: setosa (") and lines[1].startswith(f"{new}, line 3: virginica (")


def test_regression_run_predicts_values_as_json(tmp_path: Path) -> None:
    """A numeric target trains with mse; --json gives one object with a value per row."""
    data, run = tmp_path / "r.csv", tmp_path / "run"
    data.write_text("x,y\n" + "".join(f"{i / 10},{i / 5 + 1}\n" for i in range(40)))
    assert invoke("run", "--data", str(data), "--epochs", "5", "--save", str(run)).exit_code == 0
    assert 'loss = "mse"' in (run / "config.toml").read_text()
    rows = [json.loads(line) for line in invoke("predict", str(run), str(data), "--json").output.splitlines()]
    assert len(rows) == 40 and isinstance(rows[0]["value"], float) and rows[0]["input"].endswith("line 2")


def test_image_run_predicts_png_files(tmp_path: Path) -> None:
    """A shapes run predicts class names with probabilities for PNG files."""
    run = tmp_path / "run"
    result = invoke("run", "--preset", "shapes", "--samples", "200", "--epochs", "1", "--kind", "mlp",
                    "--save", str(run))
    assert result.exit_code == 0, result.output
    picture = tmp_path / "square.png"
    ShapesDataset(2, seed=9)[1][0].save(picture)
    row = json.loads(invoke("predict", str(run), str(picture), "--json").output)
    assert row["label"] in ShapesDataset.classes and 0 < row["probability"] <= 1


def test_synthetic_run_predicts_from_x_columns(tmp_path: Path) -> None:
    """A synthetic preset's run reads inputs from columns x1, x2."""
    run = tmp_path / "run"
    assert invoke("run", "--preset", "circle", "--epochs", "2", "--save", str(run)).exit_code == 0
    rows = tmp_path / "points.csv"
    rows.write_text("x1,x2\n0,0\n3,3\n")
    assert invoke("predict", str(run), str(rows)).output.count("line") == 2


def test_predict_errors_name_the_problem(tmp_path: Path) -> None:
    """A missing run folder and a row without a needed column are usage errors with the reason."""
    assert "no such run folder" in invoke("predict", str(tmp_path / "none"), "a.csv").output
    run = tmp_path / "run"
    invoke("run", "--data", str(iris(tmp_path / "iris.csv")), "--epochs", "1", "--save", str(run))
    bad = tmp_path / "bad.csv"
    bad.write_text("width\n1\n")
    result = invoke("predict", str(run), str(bad))
    assert result.exit_code == 2 and "no column 'colour'" in result.output


def test_bad_csv_target_is_a_usage_error(tmp_path: Path) -> None:
    """An unknown --target stops `nntui run` with the file and the columns."""
    result = invoke("run", "--data", str(iris(tmp_path / "iris.csv")), "--target", "price")
    assert result.exit_code == 2 and "no column 'price'" in result.output
