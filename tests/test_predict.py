"""`nntui predict`: a saved run's model applied to new CSV rows and image files with the run's
own preprocessing, and `nntui run --data` choosing a loss from the target column."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from engine.data.shapes import ShapesDataset
from tui.cli.main import app


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


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
    assert len(rows) == 40 and isinstance(rows[0]["value"], float)
    assert (rows[0]["file"], rows[0]["line"]) == (str(data), 2)


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


def iris_run(tmp_path: Path) -> Path:
    """A saved classifier of iris.csv's species from width and colour."""
    run = tmp_path / "run"
    result = invoke("run", "--data", str(iris(tmp_path / "iris.csv")), "--epochs", "30", "--save", str(run))
    assert result.exit_code == 0, result.output
    return run


def test_bad_rows_are_reported_by_line_and_the_others_predicted(tmp_path: Path) -> None:
    """A missing cell and an unseen category spoil their own rows only: the rest are answered, exit 1."""
    run = iris_run(tmp_path)
    new = tmp_path / "new.csv"
    new.write_text("width,colour\n0.0,red\n1.0,\n2.0,green\n2.0,blue\n")
    result = invoke("predict", str(run), str(new))
    assert result.exit_code == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [f"{new}, line 2", f"{new}, line 5"]
    assert f"{new}, line 3, column 'colour': missing value" in result.stderr
    assert f"{new}, line 4, column 'colour': unknown value 'green'" in result.stderr


def test_strict_refuses_the_input_at_its_first_bad_row(tmp_path: Path) -> None:
    """--strict keeps the old all-or-nothing answer: exit 2 naming the first bad row, nothing printed."""
    run = iris_run(tmp_path)
    new = tmp_path / "new.csv"
    new.write_text("width,colour\n0.0,red\n1.0,\n")
    result = invoke("predict", str(run), str(new), "--strict")
    assert result.exit_code == 2 and "line 3, column 'colour': missing value" in result.stderr
    assert result.stdout == ""


def test_a_dash_reads_rows_from_standard_input(tmp_path: Path) -> None:
    """`nntui predict RUN -` reads CSV rows from stdin and names them `stdin, line N`."""
    run = iris_run(tmp_path)
    result = invoke("predict", str(run), "-", stdin="width,colour\n0.0,red\n2.0,blue\n")
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["stdin, line 2", "stdin, line 3"]


def test_proba_gives_every_class_probability(tmp_path: Path) -> None:
    """--proba adds each class's probability, summing to one, in text and JSON."""
    run = iris_run(tmp_path)
    new = tmp_path / "new.csv"
    new.write_text("width,colour\n0.0,red\n")
    row = json.loads(invoke("predict", str(run), str(new), "--json", "--proba").stdout)
    assert set(row["probabilities"]) == {"setosa", "versicolor", "virginica"}
    assert abs(sum(row["probabilities"].values()) - 1) < 1e-5
    assert row["probabilities"][row["label"]] == row["probability"]
    text = invoke("predict", str(run), str(new), "--proba").stdout
    assert "setosa " in text and "versicolor " in text and "virginica " in text


def test_output_writes_input_rows_with_predictions_appended(tmp_path: Path) -> None:
    """--output FILE keeps every input row, appends the class and probability, and leaves a bad row's answer empty."""
    import csv

    run = iris_run(tmp_path)
    new, out = tmp_path / "new.csv", tmp_path / "answers.csv"
    new.write_text("width,colour\n0.0,red\n1.0,\n2.0,blue\n")
    result = invoke("predict", str(run), str(new), "--output", str(out))
    assert result.exit_code == 1 and result.stdout == ""
    rows = list(csv.reader(out.open()))
    assert rows[0] == ["width", "colour", "prediction", "probability"]
    assert [r[:2] for r in rows[1:]] == [["0.0", "red"], ["1.0", ""], ["2.0", "blue"]]
    assert rows[1][2] == "setosa" and 0 < float(rows[1][3]) <= 1 and rows[2][2:] == ["", ""]
