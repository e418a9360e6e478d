"""CSV tables: task inference, standardisation, one-hot encoding, missing cells, several files,
and an error naming file, line and column for each way a table can be wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch.utils.data import ConcatDataset

from engine.config.schema import DataConfig
from engine.data.csv_table import MAX_CATEGORIES, combine, load_table
from engine.errors import DataError


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return str(path)


def table_file(tmp_path: Path, name: str = "data.csv", rows: int = 40) -> str:
    lines = ["size,colour,kind"]
    lines += [f"{i},{'red' if i % 2 else 'blue'},{'big' if i >= rows // 2 else 'small'}" for i in range(rows)]
    return write(tmp_path / name, "\n".join(lines) + "\n")


def cfg(paths: list[str], **changes) -> DataConfig:
    return DataConfig(**{"dataset": "csv", "paths": paths, "test_fraction": 0.25, **changes})


def error_of(config: DataConfig) -> str:
    with pytest.raises(DataError) as caught:
        load_table(config)
    return str(caught.value)


def test_text_target_is_classification_with_sorted_labels(tmp_path: Path) -> None:
    """A text target gives a classifier whose labels are the sorted distinct values."""
    table = load_table(cfg([table_file(tmp_path)]))
    assert table.schema.task == "classification"
    assert table.schema.labels == ("big", "small")
    assert table.labels.dtype == torch.long and len(table.labels) + len(table.labels_test) == 40


def test_last_column_is_the_default_target(tmp_path: Path) -> None:
    """Without data.target the last column is predicted."""
    assert load_table(cfg([table_file(tmp_path)])).schema.target == "kind"


def test_numeric_target_with_many_values_is_regression(tmp_path: Path) -> None:
    """Numbers with many distinct values make a regression target, kept as floats."""
    path = write(tmp_path / "r.csv", "x,y\n" + "".join(f"{i},{i * 0.5 + 0.1}\n" for i in range(50)))
    table = load_table(cfg([path]))
    assert table.schema.task == "regression" and table.labels.dtype == torch.float32


def test_few_integers_make_classes_and_task_can_be_forced(tmp_path: Path) -> None:
    """A target of few whole numbers is classification; data.task regression overrides it."""
    path = write(tmp_path / "c.csv", "x,y\n" + "".join(f"{i},{i % 3}\n" for i in range(30)))
    assert load_table(cfg([path])).schema.labels == ("0", "1", "2")
    assert load_table(cfg([path], task="regression")).schema.task == "regression"


def test_numeric_features_are_standardised_with_training_statistics(tmp_path: Path) -> None:
    """The numeric column's mean and std come from the training rows, which end up mean 0, std 1."""
    table = load_table(cfg([table_file(tmp_path)], target="kind"))
    size = table.schema.columns[0]
    assert size.name == "size" and size.kind == "numeric"
    train_sizes = table.X[:, 0] * size.std + size.mean
    assert train_sizes.mean().item() == pytest.approx(size.mean, abs=1e-4)
    assert table.X[:, 0].mean().item() == pytest.approx(0, abs=1e-5)
    assert table.X[:, 0].std(unbiased=False).item() == pytest.approx(1, abs=1e-4)
    assert table.X_test[:, 0].mean().item() != pytest.approx(0, abs=1e-3)  # test rows are not re-centred


def test_text_features_are_one_hot(tmp_path: Path) -> None:
    """A text column with few values becomes one 0/1 column per value."""
    table = load_table(cfg([table_file(tmp_path)]))
    colour = table.schema.columns[1]
    assert colour.categories == ("blue", "red") and table.X.shape[1] == 3
    assert set(table.X[:, 1:].sum(dim=1).tolist()) == {1.0}


def test_text_column_with_too_many_values_is_refused(tmp_path: Path) -> None:
    """An id-like text column is refused with its name and distinct count."""
    n = MAX_CATEGORIES + 5
    path = write(tmp_path / "id.csv", "id,y\n" + "".join(f"user{i},{i % 2}\n" for i in range(n)))
    message = error_of(cfg([path]))
    assert "column 'id'" in message and f"{n} distinct" in message


def test_categorical_error_refuses_text_features(tmp_path: Path) -> None:
    """--categorical error refuses any text feature, naming line and column."""
    message = error_of(cfg([table_file(tmp_path)], categorical="error"))
    assert "line 2, column 'colour'" in message and "'blue'" in message


def test_missing_cells_are_dropped_and_counted(tmp_path: Path) -> None:
    """Rows with empty, NA, NaN or null cells are dropped by default, and counted."""
    path = write(tmp_path / "m.csv", "x,y\n1,a\n,b\n3,NA\nNaN,a\nnull,b\n6,b\n7,a\n8,b\n")
    table = load_table(cfg([path], test_fraction=0.0))
    assert table.dropped == 4 and len(table.X) == 4


def test_missing_error_names_the_first_line(tmp_path: Path) -> None:
    """--missing error refuses the first incomplete row by line and column."""
    path = write(tmp_path / "m.csv", "x,y\n1,a\n2,b\n3,NA\n")
    assert "m.csv, line 4, column 'y': missing value" in error_of(cfg([path], missing="error"))


@pytest.mark.parametrize(("text", "changes", "fragment"), [
    ("", {}, "empty file"),
    ("x,y\n", {}, "no data rows"),
    ("x,y\n1,2\n3\n", {}, "line 3: 1 cells, but the header has 2"),
    ("x,y\n1,2\n3,4\n", {"target": "price"}, "no column 'price' (columns: x, y)"),
    ("x,y\n1,2\n3,oops\n", {"task": "regression"}, "line 3, column 'y': 'oops' is not a number"),
    ("x,x\n1,2\n", {}, "column 'x' appears twice"),
])
def test_bad_tables_name_file_line_and_column(tmp_path: Path, text: str, changes: dict, fragment: str) -> None:
    """Each broken table is refused with the file and the place."""
    path = write(tmp_path / "bad.csv", text)
    message = error_of(cfg([path], **changes))
    assert message.startswith(path) and fragment in message


def test_missing_file_is_named(tmp_path: Path) -> None:
    """A path that does not exist is named."""
    assert "no such file" in error_of(cfg([str(tmp_path / "nope.csv")]))


def test_two_files_are_one_concat_dataset(tmp_path: Path) -> None:
    """Several files with the same columns are joined with ConcatDataset, rows of both used."""
    a, b = table_file(tmp_path, "a.csv", 40), table_file(tmp_path, "b.csv", 20)
    header, joined, _ = combine([a, b])
    assert isinstance(joined, ConcatDataset) and len(joined) == 60 and joined.cumulative_sizes == [40, 60]
    assert joined[45].file == b and joined[45].line == 7
    table = load_table(cfg([a, b]))
    assert len(table.X) + len(table.X_test) == 60


def test_files_with_different_columns_are_refused(tmp_path: Path) -> None:
    """A second file with other columns is refused, naming it and the first column that differs."""
    a = table_file(tmp_path, "a.csv")
    b = write(tmp_path / "b.csv", "size,kind\n1,big\n")
    assert error_of(cfg([a, b])).startswith(f"{b}, line 1: column 2 is 'kind', not 'colour'")


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_a_table_with_another_delimiter_is_sniffed_and_read(delimiter: str, tmp_path: Path) -> None:
    """Semicolons (Excel where the decimal mark is a comma), tabs and bars are read as columns,
    not as one column; the schema keeps the delimiter for predict and export."""
    rows = "".join(f"{i}{delimiter}{i % 3}{delimiter}{'ab'[i % 2]}\n" for i in range(30))
    path = write(tmp_path / "semi.csv", f"x{delimiter}z{delimiter}label\n{rows}")
    table = load_table(cfg([path], target="label"))
    assert table.schema.features == 2 and table.schema.delimiter == delimiter
    assert table.schema.labels == ("a", "b")


def test_a_one_column_table_is_refused_naming_the_delimiters(tmp_path: Path) -> None:
    path = write(tmp_path / "colon.csv", "x:y\n" + "".join(f"{i}:{i % 2}\n" for i in range(10)))
    assert "one column ('x:y')" in error_of(cfg([path])) and "semicolons, tabs or bars" in error_of(cfg([path]))


def test_files_with_different_delimiters_are_refused(tmp_path: Path) -> None:
    a = write(tmp_path / "a.csv", "x,y\n" + "".join(f"{i},{i % 2}\n" for i in range(10)))
    b = write(tmp_path / "b.csv", "x;y\n" + "".join(f"{i};{i % 2}\n" for i in range(10)))
    assert "b.csv: cells separated by semicolon, but" in error_of(cfg([a, b]))


def test_numbers_too_large_to_standardise_are_a_data_problem_naming_the_column(tmp_path: Path) -> None:
    """1e308 overflows the mean: said as the column's problem, not later as a divergence."""
    path = write(tmp_path / "big.csv", "huge,y\n" + "".join(f"{1e308 if i % 2 else -1e308},{i % 2}\n"
                                                          for i in range(20)))
    assert "column 'huge': numbers too large to standardise" in error_of(cfg([path], target="y"))


def test_a_regression_target_beyond_float32_is_refused_naming_the_line(tmp_path: Path) -> None:
    """Trained on as it is (not standardised), a target of 1e39 would be infinite in float32."""
    path = write(tmp_path / "far.csv", "x,y\n" + "".join(f"{i},{i * 1.5}\n" for i in range(30)) + "31,1e39\n")
    config = cfg([path], target="y", standardize_target=False)
    assert "line 32, column 'y': '1e39' is beyond the range" in error_of(config)


def _thousands(path) -> None:
    """Prices in the thousands: y = 1000 * x + 5000 plus a little noise, over 120 rows."""
    import random

    draw = random.Random(4)
    rows = [(x / 10, 1000 * x / 10 + 5000 + draw.gauss(0, 50)) for x in range(120)]
    path.write_text("x,price\n" + "".join(f"{x},{y:.2f}\n" for x, y in rows))


def test_a_regression_target_is_standardised_and_reported_in_its_own_unit(tmp_path) -> None:
    """A target in the thousands trains like any other; RMSE, MAE and R² come back in its unit."""
    import json

    from typer.testing import CliRunner

    from tui.cli.main import app

    data = tmp_path / "prices.csv"
    _thousands(data)
    result = CliRunner().invoke(app, ["run", "--data", str(data), "--epochs", "60", "--json"])
    assert result.exit_code == 0, result.output
    finished = json.loads(result.stdout.splitlines()[-1])
    assert finished["r2"] > 0.95
    assert 20 < finished["rmse"] < 1000 and finished["mae"] <= finished["rmse"]  # prices, not standard deviations
    assert finished["train_loss"] < 0.1  # the loss is on the standardised target


def test_the_summary_prints_rmse_mae_and_r2(tmp_path) -> None:
    """`nntui run` on a numeric target ends with the test RMSE, MAE and R² (R^2 under --ascii)."""
    from typer.testing import CliRunner

    from tui.cli.main import app

    data = tmp_path / "prices.csv"
    _thousands(data)
    result = CliRunner().invoke(app, ["run", "--data", str(data), "--epochs", "5", "--ascii"])
    assert result.exit_code == 0, result.output
    assert any(line.startswith("Test RMSE: ") and "MAE: " in line and "R^2: " in line for line in result.stdout.splitlines())


def test_predict_answers_a_regression_in_the_targets_unit(tmp_path) -> None:
    """A saved regression run predicts prices, not standardised numbers."""
    from typer.testing import CliRunner

    from tui.cli.main import app

    data, run = tmp_path / "prices.csv", tmp_path / "run"
    _thousands(data)
    assert CliRunner().invoke(app, ["run", "--data", str(data), "--epochs", "60", "--save", str(run)]).exit_code == 0
    new = tmp_path / "new.csv"
    new.write_text("x\n2\n10\n")
    lines = CliRunner().invoke(app, ["predict", str(run), str(new)]).stdout.splitlines()
    values = [float(line.rsplit(": ", 1)[1]) for line in lines]
    assert abs(values[0] - 7000) < 400 and abs(values[1] - 15000) < 400
