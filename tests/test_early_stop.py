"""Early stopping and the best weights: a run stops at the epoch Keras' rule gives, ends on the
best epoch's weights under restore_best, writes them to best.pt under keep_best, and reports
the best epoch (the end record, --json, `nntui predict --best`)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from typer.testing import CliRunner

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.schema import RunConfig
from engine.loop.session import TrainingSession
from engine.runs.recorder import RunRecorder
from engine.runs.status import read_run
from tests.helpers import assert_one_line_exit, train
from tui.cli.main import app

runner = CliRunner()


# Noisy moons, few points, a wide net: the test loss reaches its low near epoch 11, then overfits.
OVERFIT = {"data.noise": 0.35, "data.samples": 100, "model.hidden": [64, 64], "data.batch_size": 16}
OVERFIT_ARGS = ["--preset", "moons", "--noise", "0.35", "--samples", "100", "--hidden", "64,64", "--batch-size", "16"]


def moons(**values) -> RunConfig:
    return with_values(preset_config("moons"), {**OVERFIT, "train.epochs": 60, **values})


def expected_stop(losses: list[float], patience: int, delta: float) -> int:
    """Keras' EarlyStopping, written out: the epoch at which `patience` epochs have passed since the
    test loss last fell by more than `delta`; 0 when that never happens."""
    reference, waited = math.inf, 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < reference - delta:
            reference, waited = loss, 0
        else:
            waited += 1
        if waited >= patience:
            return epoch
    return 0


def trained(config: RunConfig) -> TrainingSession:
    """A session that has run `config` to its end."""
    session = TrainingSession(config, snapshot_interval_s=None, eval_interval_s=None)
    session.start()
    assert session.join(60)
    return session


def weights(session: TrainingSession) -> dict[str, list]:
    return {name: tensor.tolist() for name, tensor in session.trainer.model.state_dict().items()}


def weights_after(config: RunConfig, epochs: int) -> dict[str, list]:
    """The weights of the same run trained for `epochs` epochs, without the toolkit."""
    plain = with_values(config, {"train.epochs": epochs, "train.early_stop": 0, "train.restore_best": False,
                                 "train.keep_best": False})
    return weights(trained(plain))


def test_early_stopping_stops_at_the_epoch_keras_rule_gives() -> None:
    """With patience 6, the run ends early-stopped where 6 epochs have passed without a lower test loss."""
    run = train(moons(**{"train.early_stop": 6}))
    losses = [e.test_loss for e in run.epochs]
    stop = expected_stop(losses, 6, 0.0)
    assert 10 < stop < 60
    assert (run.end.status, run.end.epoch) == ("early-stopped", stop)
    assert run.epochs[-1].logged  # the stopping epoch has its line


def test_a_minimum_delta_makes_small_falls_not_count() -> None:
    """With early_stop_delta, only falls larger than it reset the count: the run stops sooner."""
    run = train(moons(**{"train.early_stop": 6, "train.early_stop_delta": 0.01}))
    losses = [e.test_loss for e in run.epochs]
    assert run.end.epoch == expected_stop(losses, 6, 0.01)
    assert run.end.epoch < train(moons(**{"train.early_stop": 6})).end.epoch


def test_the_test_set_is_measured_every_epoch_while_early_stopping_is_on() -> None:
    """Each epoch has its test loss, not only the logged ones."""
    assert all(e.test_loss is not None for e in train(moons(**{"train.early_stop": 6})).epochs)


def test_an_early_stopped_run_ends_on_its_best_weights_under_restore_best() -> None:
    """The final weights are those of the best epoch (as a run of that length leaves them), the
    message names the epoch, and the final test loss is the best one."""
    config = moons(**{"train.early_stop": 6, "train.restore_best": True})
    session = trained(config)
    end = session.result
    assert end.status == "early-stopped" and end.best_epoch < end.epoch
    assert weights(session) == weights_after(config, end.best_epoch)
    assert f"the best was {end.best_test_loss:.4f} at epoch {end.best_epoch}, whose weights were restored" in end.message
    assert end.test_loss == end.best_test_loss


def test_a_completed_run_ends_on_its_best_weights_under_restore_best() -> None:
    """Without early stopping, restore_best still ends the run on its best epoch's weights."""
    config = moons(**{"train.epochs": 25, "train.restore_best": True})
    session = trained(config)
    end = session.result
    assert end.status == "completed" and end.best_epoch < 25
    assert weights(session) == weights_after(config, end.best_epoch)
    assert end.message.startswith(f"Restored the weights of epoch {end.best_epoch}")


def test_best_pt_holds_the_weights_of_the_best_epoch(tmp_path: Path) -> None:
    """keep_best writes best.pt, the state dict of the epoch with the lowest test loss (not the last)."""
    config = moons(**{"train.epochs": 25, "train.keep_best": True})
    session = TrainingSession(config, snapshot_interval_s=None, eval_interval_s=None)
    recorder = RunRecorder(tmp_path / "run", session).open()
    session.start()
    assert session.join(60) and recorder.close(60) and not recorder.errors
    best_epoch = session.result.best_epoch
    assert best_epoch < 25
    saved = torch.load(tmp_path / "run" / "best.pt", weights_only=True)
    assert {k: v.tolist() for k, v in saved.items()} == weights_after(config, best_epoch)


def test_an_early_stopped_run_is_recorded_with_its_status_and_best_epoch(tmp_path: Path) -> None:
    """The folder's end record says early-stopped and the best epoch; `nntui runs` reads the status."""
    result = runner.invoke(app, ["run", *OVERFIT_ARGS, "--epochs", "60", "--early-stop", "6",
                                 "--save", str(tmp_path / "run")])
    assert result.exit_code == 0, result.output
    assert "Run early-stopped after" in result.output
    end = [json.loads(line) for line in (tmp_path / "run" / "events.jsonl").read_text().splitlines()][-1]
    assert end["event"] == "end" and end["status"] == "early-stopped" and end["best_epoch"] < end["epoch"]
    assert read_run(tmp_path / "run").status == "early-stopped"


def test_the_finished_json_names_the_best_epoch_and_loss() -> None:
    """--json's finished object gains best_epoch and best_test_loss."""
    result = runner.invoke(app, ["run", *OVERFIT_ARGS, "--epochs", "60", "--early-stop", "6", "--log-interval", "1",
                                 "--json", "--no-save"])
    assert result.exit_code == 0, result.output
    objects = [json.loads(line) for line in result.output.splitlines()]
    losses = {o["epoch"]: o["test_loss"] for o in objects if o["event"] == "epoch"}
    finished = objects[-1]
    assert finished["status"] == "early-stopped"
    assert finished["best_test_loss"] == min(losses.values()) == losses[finished["best_epoch"]]


def test_predict_best_answers_with_the_best_epoch_s_weights(tmp_path: Path) -> None:
    """`nntui predict --best` uses best.pt: it answers as a run stopped at the best epoch does."""
    kept = tmp_path / "kept"
    assert runner.invoke(app, ["run", *OVERFIT_ARGS, "--epochs", "25", "--keep-best", "--save", str(kept)]).exit_code == 0
    best_epoch = read_run(kept).best[1]
    short = tmp_path / "short"
    assert runner.invoke(app, ["run", *OVERFIT_ARGS, "--epochs", str(best_epoch), "--save", str(short)]).exit_code == 0
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0.5,0.25\n-0.8,0.6\n1.9,0.1\n0.2,-0.3\n")
    best = runner.invoke(app, ["predict", str(kept), str(rows), "--best", "--proba"])
    assert best.exit_code == 0 and best.output == runner.invoke(app, ["predict", str(short), str(rows),
                                                                        "--proba"]).output


def test_predict_best_without_best_pt_says_how_to_get_one(tmp_path: Path) -> None:
    """A run recorded without keep_best has no best.pt: --best is refused naming the option that writes it."""
    assert runner.invoke(app, ["run", "--preset", "circle", "--epochs", "2", "--save", str(tmp_path / "r")]).exit_code == 0
    (tmp_path / "rows.csv").write_text("x1,x2\n0.1,0.2\n")
    result = runner.invoke(app, ["predict", str(tmp_path / "r"), str(tmp_path / "rows.csv"), "--best"])
    assert_one_line_exit(result, 2, "best.pt: missing", "--keep-best")


def test_early_stopping_without_a_test_set_is_refused() -> None:
    """Early stopping watches the test loss: with no test set it is refused, naming the option."""
    result = runner.invoke(app, ["run", "--preset", "circle", "--early-stop", "5", "--test-fraction", "0", "--no-save"])
    assert_one_line_exit(result, 2, "--early-stop", "data.test_fraction is 0")
