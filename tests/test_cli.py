"""`nntui` on the command line: outputs, JSON lines, saved runs and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.config.presets import PRESETS
from tui.cli.main import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def test_linreg_prints_tutorial_lines_and_true_weights() -> None:
    """`nntui run --preset linreg` prints Epoch [k/1000] every 100 epochs and the weights vs 2, 3, 4."""
    result = invoke("run", "--preset", "linreg")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("Epoch [")]
    assert [line.split(",")[0] for line in lines] == [f"Epoch [{k}/1000]" for k in range(100, 1001, 100)]
    assert "Epoch [1000/1000], Loss: 0.0081" in result.output
    assert "true: [2, 3]" in result.output and "true: [4]" in result.output


def test_circle_ends_with_a_boundary_drawing() -> None:
    """The circle run prints test accuracy and a character drawing of the decision boundary."""
    result = invoke("run", "--preset", "circle", "--ascii")
    assert result.exit_code == 0, result.output
    assert "Test Accuracy:" in result.output
    drawing = result.output.split("Decision boundary")[1].splitlines()[1:25]
    assert len(drawing) == 24 and all(len(line) == 60 for line in drawing)
    assert any("o" in line for line in drawing)  # training points of class 0


def test_ascii_output_is_seven_bit() -> None:
    """--ascii keeps every character of the output 7-bit."""
    result = invoke("run", "--preset", "blobs", "--ascii", "--epochs", "3", "--plot")
    assert result.exit_code == 0, result.output
    assert result.output.isascii()


def test_json_lines_per_logged_epoch_and_finished() -> None:
    """--json writes one object per logged epoch and a finished object with small parameters."""
    result = invoke("run", "--preset", "circle", "--json")
    objects = [json.loads(line) for line in result.output.splitlines()]
    epochs = [o for o in objects if o["event"] == "epoch"]
    assert [o["epoch"] for o in epochs] == list(range(10, 101, 10))
    assert set(epochs[0]) == {"event", "epoch", "train_loss", "test_loss", "test_accuracy", "lr", "elapsed_s",
                              "health"}
    finished = objects[-1]
    assert finished["event"] == "finished" and finished["status"] == "completed"
    assert set(finished["parameters"]) == {"0.weight", "0.bias", "2.weight", "2.bias"}


def test_json_regression_has_null_accuracy() -> None:
    """Regression runs report test_accuracy as null."""
    result = invoke("run", "--preset", "simple-nn", "--json")
    assert json.loads(result.output.splitlines()[1])["test_accuracy"] is None


def test_options_override_file_which_overrides_preset(tmp_path: Path) -> None:
    """CLI option beats the --config file, which beats the preset."""
    (tmp_path / "run.toml").write_text("[train]\nepochs = 20\nlr = 0.5\n")
    result = invoke("config", "--preset", "linreg", "--config", str(tmp_path / "run.toml"), "--lr", "0.2")
    assert "epochs = 20" in result.output and "lr = 0.2" in result.output
    assert 'dataset = "linear"' in result.output


def test_config_output_loads_back(tmp_path: Path) -> None:
    """`nntui config` prints TOML that `--config` accepts and that runs the same preset."""
    toml = invoke("config", "--preset", "sequential").output
    (tmp_path / "seq.toml").write_text(toml)
    a = invoke("run", "--config", str(tmp_path / "seq.toml"), "--json").output
    b = invoke("run", "--preset", "sequential", "--json").output

    def losses(output: str) -> list:
        return [(o.get("epoch"), o.get("train_loss"), o.get("test_loss")) for o in map(json.loads, output.splitlines())]

    assert losses(a) == losses(b)


def test_save_writes_the_run_files(tmp_path: Path) -> None:
    """--save DIR leaves config.toml, metrics.csv (one row per epoch), model.pt, checkpoint.pt and
    preprocess.json (for `nntui predict`)."""
    result = invoke("run", "--preset", "circle", "--save", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert files == ["checkpoint.pt", "config.toml", "events.jsonl", "metrics.csv", "model.pt", "preprocess.json",
                     "view.json"]
    assert len((tmp_path / "run" / "metrics.csv").read_text().splitlines()) == 101


def test_save_refuses_to_overwrite_without_permission(tmp_path: Path) -> None:
    """A second --save into the same folder is refused with exit 2 unless --overwrite."""
    target = str(tmp_path / "run")
    assert invoke("run", "--preset", "sequential", "--save", target).exit_code == 0
    before = (tmp_path / "run" / "metrics.csv").read_text()
    refused = invoke("run", "--preset", "sequential", "--epochs", "3", "--save", target)
    assert refused.exit_code == 2 and "--overwrite" in refused.output
    assert (tmp_path / "run" / "metrics.csv").read_text() == before
    assert invoke("run", "--preset", "sequential", "--save", target, "--overwrite").exit_code == 0


@pytest.mark.parametrize("args,named", [
    (["--lr", "-1"], "--lr: must be > 0"),
    (["--lr", "abc"], "--lr: must be a number"),
    (["--epochs", "0"], "--epochs: must be >= 1"),
    (["--activation", "swish"], "--activation: must be one of relu"),
    (["--hidden", "4,,x"], "--hidden:"),
    (["--preset", "circel"], "did you mean 'circle'"),
    (["--config", "/nonexistent/run.toml"], "/nonexistent/run.toml: config: no such file"),
    (["--loss", "bce", "--preset", "linreg"], "train.loss" if False else "--loss: bce needs class labels"),
])
def test_bad_input_exits_2_naming_the_option(args: list[str], named: str) -> None:
    """Bad options and files exit 2 with one line naming the option and what is allowed."""
    result = invoke("run", *args)
    assert result.exit_code == 2
    assert named in result.output
    assert "Traceback" not in result.output


def test_diverged_run_exits_1() -> None:
    """A run whose loss blows up exits 1 and says to lower the learning rate."""
    result = invoke("run", "--preset", "linreg", "--lr", "50")
    assert result.exit_code == 1
    assert "lower the learning rate" in result.output


def test_a_diverged_run_s_loss_chart_and_comparison_plot_draw_its_finite_epochs(tmp_path) -> None:
    """The epoch whose loss became inf is recorded; --plot and compare --plot chart the others."""
    folder = tmp_path / "diverged"
    result = invoke("run", "--preset", "linreg", "--lr", "5", "--epochs", "40", "--save", str(folder), "--plot")
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "epoch" in result.stdout.splitlines()[-1]  # the chart's axis label ends the output
    compared = invoke("compare", str(folder), str(folder), "--plot")
    assert compared.exit_code == 0 and "Traceback" not in compared.output, compared.output


def test_presets_lists_every_preset_with_task_and_epochs() -> None:
    """`nntui presets` has a row per preset with its task, model and epochs."""
    result = invoke("presets")
    assert result.exit_code == 0
    for name, preset in PRESETS.items():
        row = next(line for line in result.output.splitlines() if line.startswith(name + " "))
        assert str(preset.config.train.epochs) in row


def test_help_and_presets_do_not_import_torch() -> None:
    """`nntui --help` and `nntui presets` never load torch or Textual."""
    code = ("import sys; from typer.testing import CliRunner; from tui.cli.main import app; "
            "r = CliRunner(); r.invoke(app, ['--help']); r.invoke(app, ['presets']); r.invoke(app, ['run', '--help']); "
            "print(sorted(m for m in ('torch', 'textual') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_csv_run_names_its_target_classes_and_dropped_rows(tmp_path: Path) -> None:
    """A CSV run's first lines name the target column, the class labels and the rows dropped for missing cells."""
    table = tmp_path / "t.csv"
    table.write_text("a,b,y\n1,2,x\n3,,y\n5,6,x\n7,8,y\n1,1,x\n2,2,y\n3,3,x\n,4,y\n9,9,x\n")
    result = invoke("run", "--data", str(table), "--epochs", "2")
    assert result.exit_code == 0, result.output
    assert "on 'csv' (target 'y')" in result.output
    assert "classes: 0 = x, 1 = y" in result.output
    assert "dropped 2 rows with missing cells" in result.output
