"""Runs written as TensorBoard event files (`--tensorboard`, $NNTUI_TENSORBOARD, `nntui export-tb`),
read back with the tensorboard package's own EventAccumulator."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.loop.history import MetricsHistory
from engine.runs.metrics_file import load_metrics
from engine.runs.tensorboard.writer import TensorBoardLog, tensorboard_folder
from tests.helpers import assert_one_line_exit
from tui.cli.main import app

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402

runner = CliRunner()


def scalars(folder: Path) -> dict[str, list[tuple[int, float]]]:
    """Every scalar in the event files of `folder`, by tag, as TensorBoard itself reads them."""
    accumulator = event_accumulator.EventAccumulator(str(folder), size_guidance={event_accumulator.SCALARS: 0})
    accumulator.Reload()
    return {tag: [(s.step, s.value) for s in accumulator.Scalars(tag)] for tag in accumulator.Tags()["scalars"]}


def column(history: MetricsHistory, name: str) -> list[tuple[int, float]]:
    return [(epoch, value) for epoch, value in zip(history.epochs, getattr(history, name)) if not math.isnan(value)]


def assert_same(written: list[tuple[int, float]], recorded: list[tuple[int, float]]) -> None:
    """TensorBoard keeps float32: the same steps, and each value within float32's rounding."""
    assert [step for step, _ in written] == [step for step, _ in recorded]
    assert all(math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12) for (_, a), (_, b) in zip(written, recorded))


def test_a_run_with_tensorboard_has_every_epoch_in_its_event_files(tmp_path) -> None:
    """`nntui run --tensorboard` writes each epoch's train and test loss, accuracy and lr, as metrics.csv has them."""
    folder = tmp_path / "run"
    result = runner.invoke(app, ["run", "--preset", "circle", "--epochs", "40", "--log-interval", "5", "--save",
                                 str(folder), "--tensorboard"])
    assert result.exit_code == 0, result.output
    found, history = scalars(folder), load_metrics(folder / "metrics.csv")
    assert len(history) == 40
    for name, tag in (("train_loss", "loss/train"), ("test_loss", "loss/test"), ("test_accuracy", "accuracy/test"),
                      ("lr", "lr")):
        assert_same(found[tag], column(history, name))
    assert any(tag.startswith("health/layer1/") for tag in found)


def test_the_config_is_written_as_hparams(tmp_path) -> None:
    """The run's configuration fields reach TensorBoard's hparams plugin."""
    folder = tmp_path / "run"
    assert runner.invoke(app, ["run", "--preset", "circle", "--epochs", "3", "--lr", "0.05", "--save", str(folder),
                               "--tensorboard"]).exit_code == 0
    accumulator = event_accumulator.EventAccumulator(str(folder))
    accumulator.Reload()
    from tensorboard.plugins.hparams import plugin_data_pb2

    content = accumulator.PluginTagToContent("hparams")["_hparams_/session_start_info"]
    start = plugin_data_pb2.HParamsPluginData.FromString(content).session_start_info
    assert start.hparams["train.lr"].number_value == pytest.approx(0.05)
    assert start.hparams["data.dataset"].string_value == "circle"


def test_the_environment_variable_names_a_folder_for_the_events(tmp_path, monkeypatch) -> None:
    """NNTUI_TENSORBOARD=DIR puts a run's events in DIR/<run folder's name>, without the option."""
    monkeypatch.setenv("NNTUI_TENSORBOARD", str(tmp_path / "tb"))
    folder = tmp_path / "run"
    assert runner.invoke(app, ["run", "--preset", "circle", "--epochs", "3", "--save", str(folder)]).exit_code == 0
    assert len(scalars(tmp_path / "tb" / "run")["loss/train"]) == 3
    assert not list(folder.glob("events.out.tfevents.*"))


def test_the_variable_switched_on_or_off() -> None:
    """1/true/on mean the run folder; empty, 0 and off mean no events; the option wins over the variable."""
    run = Path("runs/r")
    assert tensorboard_folder(run, environ={"NNTUI_TENSORBOARD": "1"}) == run
    assert tensorboard_folder(run, environ={"NNTUI_TENSORBOARD": "off"}) is None
    assert tensorboard_folder(run, environ={}) is None
    assert tensorboard_folder(run, True, environ={}) == run
    assert tensorboard_folder(run, chosen="tb", environ={"NNTUI_TENSORBOARD": "0"}) == Path("tb/r")


def test_tensorboard_without_a_run_folder_is_refused() -> None:
    """--tensorboard with --no-save has nothing to record from: one line, exit 2."""
    result = runner.invoke(app, ["run", "--preset", "circle", "--epochs", "2", "--no-save", "--tensorboard"])
    assert_one_line_exit(result, 2, "--tensorboard", "--no-save")


def test_a_fast_run_writes_at_most_the_rate_and_keeps_tested_and_last_epochs(tmp_path) -> None:
    """Ten thousand epochs gained at once: about a second's worth of rows, every tested epoch, the last one."""
    history = MetricsHistory()
    history.extend_rows([(e, 1.0 / e, 0.5 if e % 1000 == 0 else math.nan, math.nan, 0.01) for e in range(1, 10_001)])
    from engine.config.presets import preset_config

    log = TensorBoardLog(tmp_path / "tb", history, rows_per_s=200)
    log.open(preset_config("circle"))
    log.write()
    log.close()
    steps = [step for step, _ in scalars(tmp_path / "tb")["loss/train"]]
    assert len(steps) <= 200 + 10 + 1
    assert {1000 * k for k in range(1, 11)} <= set(steps) and steps[-1] == 10_000


def test_export_tb_converts_recorded_runs_one_folder_each(tmp_path) -> None:
    """`nntui export-tb A B -o DIR` writes every epoch of each run into DIR/A and DIR/B."""
    for name, epochs in (("a", 7), ("b", 4)):
        assert runner.invoke(app, ["run", "--preset", "circle", "--epochs", str(epochs), "--save",
                                   str(tmp_path / name)]).exit_code == 0
    result = runner.invoke(app, ["export-tb", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(tmp_path / "tb")])
    assert result.exit_code == 0, result.output
    assert len(scalars(tmp_path / "tb" / "a")["loss/train"]) == 7
    assert_same(scalars(tmp_path / "tb" / "b")["loss/train"], column(load_metrics(tmp_path / "b/metrics.csv"),
                                                                     "train_loss"))


def test_export_tb_refuses_a_folder_it_already_wrote_and_goes_on(tmp_path) -> None:
    """A destination holding events, or a folder that is no run: one line each, the other runs still exported."""
    assert runner.invoke(app, ["run", "--preset", "circle", "--epochs", "2", "--save", str(tmp_path / "a")]).exit_code == 0
    assert runner.invoke(app, ["export-tb", str(tmp_path / "a"), "-o", str(tmp_path / "tb")]).exit_code == 0
    before = sorted((tmp_path / "tb" / "a").iterdir())
    result = runner.invoke(app, ["export-tb", str(tmp_path / "a"), str(tmp_path / "nothing"), "-o", str(tmp_path / "tb")])
    assert result.exit_code == 2
    assert "already holds TensorBoard events" in result.stderr and "no such run folder" in result.stderr
    assert sorted((tmp_path / "tb" / "a").iterdir()) == before


def test_the_user_module_s_arguments_are_hparams_of_their_own() -> None:
    """A dict-valued field (model.args) is no hparam TensorBoard takes: each argument is one."""
    from engine.config.build import with_values
    from engine.config.presets import preset_config
    from engine.runs.tensorboard.scalars import config_hparams

    config = with_values(preset_config("circle"), {"model.kind": "module", "model.module": "net.py:MLP",
                                                   "model.args": {"hidden": 6, "sizes": [8, 8]}})
    hparams = config_hparams(config)
    assert hparams["model.args.hidden"] == 6 and hparams["model.args.sizes"] == "8,8"
    assert "model.args" not in hparams and "data.args" not in hparams
