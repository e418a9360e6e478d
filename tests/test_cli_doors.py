"""The command line's answers at its doors: output nobody reads, conflicting or impossible options,
JSON that stays JSON, and summaries that stay readable for many classes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.config.presets import preset_config
from engine.loop.events import ImageReport, RunFinished, RunStarted, Snapshot
from tests.helpers import assert_one_line_exit
from tui.cli.main import app
from tui.cli.summary import json_safe, summary_lines

runner = CliRunner()
NNTUI = [sys.executable, "-m", "tui.cli"]


@pytest.mark.parametrize("command", [["presets"], ["config", "--preset", "spiral"]])
def test_a_reader_that_leaves_early_is_not_an_error(command: list[str]) -> None:
    """`nntui presets | head -1`: the closed pipe ends the command with exit 0 and no message."""
    process = subprocess.Popen([*NNTUI, *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before anything is written
    assert process.wait(timeout=60) == 0
    assert process.stderr.read() == b""


def test_a_closed_stdout_is_not_an_error() -> None:
    """`nntui run -p linreg >&-`: nothing to print to; the run still completes with exit 0."""
    done = subprocess.run(" ".join(NNTUI) + " run -p linreg --epochs 20 >&-", shell=True, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["--dataset", "circle"], ("--data trains on CSV files", "--dataset is circle")),
    (["--dataset", "mnist"], ("--data trains on CSV files", "--dataset is mnist")),
])
def test_data_files_with_another_data_set_are_a_conflict(args: list[str], words: tuple[str, ...],
                                                         tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,0\n2,1\n")
    assert_one_line_exit(runner.invoke(app, ["run", "--data", str(table), *args]), 2, *words)


@pytest.mark.parametrize("device", ["cuda", "mps"])
def test_a_device_this_machine_lacks_is_bad_input_naming_the_devices(device: str) -> None:
    import torch

    if device == "cuda" and torch.cuda.is_available():
        pytest.skip("this machine has a CUDA GPU")
    result = runner.invoke(app, ["run", "-p", "circle", "--device", device])
    assert_one_line_exit(result, 2, "--device", f"{device} was asked for", "devices found:", "cpu")


def test_json_never_holds_bare_nan_and_says_why() -> None:
    """A diverging run's JSON parses with a strict parser: null plus a reason, and the cause is in
    the finished object and on stderr."""
    result = runner.invoke(app, ["run", "-p", "linreg", "--lr", "50", "--json", "--log-interval", "1"])
    assert result.exit_code == 1
    objects = [json.loads(line, parse_constant=lambda name: pytest.fail(f"bare {name}"))
               for line in result.stdout.splitlines()]
    last_epoch = [o for o in objects if o["event"] == "epoch"][-1]
    assert last_epoch["train_loss"] is None and "train_loss was inf" in last_epoch["reason"]
    assert objects[-1]["status"] == "diverged" and "lower the learning rate" in objects[-1]["reason"]
    assert "nntui: diverged: the loss became inf" in result.stderr


def test_json_safe_nulls_nested_non_finite_numbers() -> None:
    safe = json_safe({"parameters": {"w": [[1.0, float("nan")]]}, "x": float("-inf")})
    assert safe["parameters"]["w"] == [[1.0, None]] and safe["x"] is None
    assert safe["reason"] == "parameters.w was nan; x was -inf"


def test_a_summary_of_many_classes_lists_accuracies_not_the_matrix() -> None:
    """A 40-class confusion matrix would be 1,600 counts wide; the summary gives each class's accuracy."""
    classes = 40
    confusion = [[5 if i == j else 0 for j in range(classes)] for i in range(classes)]
    started = RunStarted(preset_config("shapes"), "multiclass", "cpu", "", 1, 1, 1,
                         labels=tuple(f"c{i}" for i in range(classes)))
    snapshot = Snapshot(1, images=ImageReport(1, confusion, [], (), ()))
    lines = summary_lines(RunFinished("completed", 1, 0.1, 0.1, 1.0), started, snapshot)
    assert any("accuracy of each class" in line for line in lines)
    assert max(len(line) for line in lines) <= 100 and len(lines) < 30
