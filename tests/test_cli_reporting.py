"""What `nntui` says about a run and itself: the --json stream, the progress bar, the start lines,
--help, the options `nntui tui` takes, and list fields with empty parts."""

from __future__ import annotations

import io
import json
import time

import pytest
from typer.testing import CliRunner

from tui.cli import main
from tui.cli.headless import HeadlessOptions, _Printer

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(main.app, list(args))


def json_objects(*args: str) -> list[dict]:
    result = invoke("run", *args, "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_json_starts_with_a_started_object() -> None:
    """The first --json object says what is about to train: task, data, samples, parameters, device."""
    first = json_objects("--preset", "circle", "--epochs", "10", "--no-save")[0]
    assert first == {"event": "started", "task": "binary", "dataset": "circle", "train_samples": 100,
                     "test_samples": 25, "parameters": 17, "device": "cpu", "epochs": 10}


def test_json_names_the_run_folder_at_the_start_and_the_end(tmp_path) -> None:
    objects = json_objects("--preset", "circle", "--epochs", "3", "--save", str(tmp_path / "run"))
    assert objects[0]["folder"] == objects[-1]["folder"] == str(tmp_path / "run")


def test_json_epochs_carry_learning_rate_and_elapsed_time() -> None:
    """Each epoch object has the learning rate it trained with and the seconds since training began."""
    epochs = [o for o in json_objects("--preset", "circle", "--epochs", "20") if o["event"] == "epoch"]
    assert [o["lr"] for o in epochs] == [0.1, 0.1]
    assert 0 <= epochs[0]["elapsed_s"] <= epochs[1]["elapsed_s"]


def test_progress_bar_shows_rate_and_time_left() -> None:
    """The headless bar shows epochs per second and the ETA, measured from the start of training."""
    out = io.StringIO()
    printer = _Printer(out, HeadlessOptions(progress=True))
    printer.began = (time.monotonic() - 2.0, 0)
    printer.bar(50, 100)
    shown = out.getvalue()
    assert "50/100" in shown and "25 epochs/s" in shown and "ETA 0:02" in shown


def test_synthetic_runs_name_no_target_or_classes() -> None:
    """A synthetic set's start line has no `(target 'label')` and no `classes: 0 = 0, 1 = 1` line."""
    result = invoke("run", "--preset", "circle", "--epochs", "2")
    assert result.exit_code == 0, result.output
    assert "target" not in result.output and "classes:" not in result.output


@pytest.mark.parametrize("command", [["run"], ["predict"], ["export"], ["tui"], []])
def test_flags_show_as_flags_in_help(command: list[str]) -> None:
    """--help shows --json, --ascii, --overwrite, --help and the --x/--no-x fields as bare flags, never `<bool>`."""
    result = runner.invoke(main.app, [*command, "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output and "--help" in result.output


def test_tui_takes_every_field_option(monkeypatch: pytest.MonkeyPatch) -> None:
    """`nntui tui --preset circle --lr 0.05 --hidden 8,8` opens the trainer with those values."""
    from tui.cli import tui_command

    opened = []
    monkeypatch.setattr(tui_command, "launch_tui", lambda config, ascii_only, *_: opened.append((config, ascii_only)))
    result = invoke("tui", "--preset", "circle", "--lr", "0.05", "--hidden", "8,8", "--no-shuffle", "--ascii")
    assert result.exit_code == 0, result.output
    config, ascii_only = opened[0]
    assert (config.train.lr, config.model.hidden, config.data.shuffle, ascii_only) == (0.05, [8, 8], False, True)


def test_tui_refuses_a_bad_field_option_like_run() -> None:
    """A bad option to `nntui tui` exits 2 naming it, before any screen opens."""
    result = invoke("tui", "--lr", "-1")
    assert result.exit_code == 2 and "--lr: must be > 0" in result.output


@pytest.mark.parametrize("text", ["16,,16", "16,", ",16"])
def test_empty_layer_size_is_refused(text: str) -> None:
    """`--hidden 16,,16` is a slip, not 16,16: exit 2 naming the option and the empty part."""
    result = invoke("run", "--hidden", text)
    assert result.exit_code == 2 and "--hidden:" in result.output and "empty size" in result.output
