"""Sweeps on Optuna: a sweep file is checked key by key; trials are recorded runs; two worker
processes share one journal file; the pruner stops poor trials as `pruned`; best.toml trains to
the reported metric; another process joins the same study; an interrupted sweep continues."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.runs.status import read_run
from engine.sweep.spec import SweepError, parse_sweep
from tests.helpers import assert_one_line_exit
from tui.cli.main import app

optuna = pytest.importorskip("optuna")

NNTUI = [sys.executable, "-m", "tui.cli"]
runner = CliRunner()

TINY = """\
[sweep]
base = "moons"
trials = {trials}
metric = "test_loss"
sampler = "random"
pruner = "median"
seed = {seed}
[fields]
"train.epochs" = {epochs}
"train.log_interval" = 2
"data.samples" = 120
[space]
"train.lr" = [0.05, 0.00001]
"model.hidden" = [[8], [4]]
"""


def sweep_file(tmp_path: Path, trials: int = 8, epochs: int = 10, seed: int = 3, hidden: bool = True) -> Path:
    path = tmp_path / "tiny.toml"
    text = TINY.format(trials=trials, epochs=epochs, seed=seed)
    if not hidden:
        text = text.replace('"model.hidden" = [[8], [4]]\n', "")
    path.write_text(text)
    return path


def sweep(tmp_path: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*NNTUI, "sweep", *args, "--runs-dir", str(tmp_path / "runs")], capture_output=True,
                          text=True, timeout=timeout)


def trials_so_far(tmp_path: Path, name: str = "tiny") -> list:
    """The trials, or none while the journal exists but holds no study yet (the sweep is creating it)."""
    try:
        return trials_of(tmp_path, name)
    except KeyError:
        return []


def trials_of(tmp_path: Path, name: str = "tiny") -> list:
    from engine.sweep.study import JOURNAL, storage_for

    return optuna.load_study(study_name=name, storage=storage_for(str(tmp_path / "runs" / name / JOURNAL))).trials


def test_workers_of_a_sweep_based_on_a_config_file_beside_it_run_from_another_folder(tmp_path: Path) -> None:
    """`base = "base.toml"` is read beside the sweep file; the workers, started elsewhere, take the
    base kept in the study's storage rather than looking for base.toml in their own folder."""
    from engine.config.build import with_values
    from engine.config.presets import preset_config
    from engine.config.toml_file import save_config

    folder = tmp_path / "sub"
    folder.mkdir()
    save_config(with_values(preset_config("moons"), {"data.samples": 120, "train.epochs": 4}), folder / "base.toml")
    path = folder / "filed.toml"
    path.write_text('[sweep]\nbase = "base.toml"\ntrials = 2\nsampler = "random"\npruner = "none"\n'
                    '[space]\n"train.lr" = [0.01, 0.02]\n')
    done = sweep(tmp_path, str(path), "--jobs", "2")
    assert done.returncode == 0, done.stderr
    states = [t.state for t in trials_of(tmp_path, "filed")]  # (two workers may overshoot by one trial)
    assert len(states) >= 2 and set(states) == {optuna.trial.TrialState.COMPLETE}


@pytest.mark.parametrize(("text", "words"), [
    ("[sweep]\ntrials = 0\n[space]\n\"train.lr\" = [0.1]\n", "sweep.trials: must be a whole number from 1"),
    ("[sweep]\nmetric = \"speed\"\n[space]\n\"train.lr\" = [0.1]\n", "sweep.metric: must be one of test_loss"),
    ("[sweep]\nbase = \"nope\"\n[space]\n\"train.lr\" = [0.1]\n", "sweep.base: must be a preset"),
    ("[sweep]\n[space]\n\"train.learning\" = [0.1]\n", "space.train.learning: not a configuration field"),
    ("[sweep]\n[space]\n\"train.lr\" = { low = 1, high = 0.1 }\n", "space.train.lr: low (1.0) must be below high"),
    ("[sweep]\n[space]\n\"train.lr\" = { low = -1, high = 0.1, log = true }\n", "low and high must be"),
    ("[sweep]\n[space]\n\"model.hidden\" = [[0]]\n", "space.model.hidden: layer sizes must be from 1 to 4096"),
    ("[sweep]\n[space]\n\"train.optimizer\" = { low = 1, high = 2 }\n", "a range needs a number field"),
    ("[sweep]\nsampler = \"grid\"\n[space]\n\"train.lr\" = { low = 0.1, high = 1 }\n", "a grid needs choices or a step"),
    ("[sweep]\n", "space: name at least one field"),
    ("[sweep]\nbogus = 1\n[space]\n\"train.lr\" = [0.1]\n", "sweep.bogus: unknown key"),
])
def test_a_bad_sweep_file_is_refused_naming_the_key(text: str, words: str) -> None:
    with pytest.raises(SweepError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_sweep(text)


@pytest.mark.parametrize(("text", "words"), [
    ('[sweep]\nbase = "moons"\n[space]\n"data.dataset" = ["moons", "plane"]\n',
     "space: data.dataset = plane cannot run: train.loss: bce_logits needs class labels"),
    ('[sweep]\nbase = "moons"\n[space]\n"train.schedule" = ["none", "cosine"]\n"train.schedule_min_lr" = '
     '{ low = 0.0, high = 0.1 }\n', "space: train.schedule = cosine, train.schedule_min_lr = 0.1 cannot run"),
    ('[sweep]\nbase = "moons"\nmetric = "test_accuracy"\n[fields]\n"data.dataset" = "gauss"\n"train.loss" = "mse"\n'
     '[space]\n"train.lr" = [0.01, 0.1]\n', "sweep.metric: test_accuracy needs classes, and data set 'gauss' is "
     "regression: use test_loss or rmse"),
    ('[sweep]\nbase = "linreg"\nmetric = "test_accuracy"\n[space]\n"data.features" = [["x1"], ["x1^2"]]\n',
     "sweep.metric: test_accuracy needs classes, and data set 'linear' is regression"),
    ('[sweep]\nbase = "moons"\nmetric = "rmse"\n[space]\n"train.lr" = [0.01, 0.1]\n',
     "sweep.metric: rmse needs a numeric target, and data set 'moons' is classification"),
    ('[sweep]\nbase = "xor"\nmetric = "rmse"\n[fields]\n"train.loss" = "mse"\n"data.dataset" = "plane"\n'
     '[space]\n"data.dataset" = ["plane", "xor"]\n', "data set 'xor' is classification: use test_loss or "
     "test_accuracy (with data.dataset = xor)"),
])
def test_a_space_whose_trials_cannot_run_or_be_ranked_is_refused(text: str, words: str) -> None:
    """Searched values that make a configuration fail, or a metric the data set does not measure,
    refuse the sweep when it is read, naming the values."""
    with pytest.raises(SweepError, match=words.replace("(", r"\(").replace(")", r"\)")):
        parse_sweep(text)


def test_a_space_of_features_and_regression_sets_that_can_all_run_is_taken() -> None:
    """Input features and the 2-D regression sets searched with a metric each one measures."""
    spec = parse_sweep('[sweep]\nbase = "linreg"\nmetric = "rmse"\n[space]\n"data.features" = [["x1", "x2"], '
                       '["x1^2", "x1*x2"]]\n"data.dataset" = ["linear", "plane", "gauss"]\n')
    assert [d.path for d in spec.space] == ["data.features", "data.dataset"]


def test_the_cli_refuses_a_space_with_an_unrunnable_choice_in_one_line(tmp_path: Path) -> None:
    """No worker starts and no traceback is printed: exit 2 with the values and the field."""
    path = tmp_path / "mixed.toml"
    path.write_text('[sweep]\nbase = "moons"\n[space]\n"data.dataset" = ["moons", "plane"]\n')
    assert_one_line_exit(runner.invoke(app, ["sweep", str(path), "--runs-dir", str(tmp_path / "runs")]), 2,
                         "data.dataset = plane")
    assert not (tmp_path / "runs" / "mixed" / "trial-0000").exists()


def test_the_cli_answers_a_bad_sweep_file_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[sweep]\ntrials = -3\n[space]\n\"train.lr\" = [0.1]\n")
    assert_one_line_exit(runner.invoke(app, ["sweep", str(path), "--runs-dir", str(tmp_path / "runs")]), 2,
                         "sweep.trials")


def test_two_workers_record_every_trial_prune_some_and_best_toml_trains_to_the_metric(tmp_path: Path) -> None:
    """Seeded first with two good trials (so the median is a good run's), the other trials with the
    tiny lr are pruned; every trial is a run folder; best.toml reproduces the best trial's metric.
    The space is the lr alone: every good trial trains the same run to the same losses, so whatever
    order the workers finish in, a good trial ties the median (not pruned) and a tiny-lr one is
    worse than it (a second field that changes the loss would let the pruner stop the worse of
    two good runs, depending on which finished first)."""
    from engine.sweep.spec import load_sweep
    from engine.sweep.study import JOURNAL, open_study, storage_for

    path = sweep_file(tmp_path, hidden=False)
    spec = load_sweep(path)
    folder = tmp_path / "runs" / "tiny"
    study = open_study(spec, storage_for(str(folder / JOURNAL)))
    for _ in range(2):
        study.enqueue_trial({"train.lr": 0.05})
    done = sweep(tmp_path, str(path), "--jobs", "2", "--json")
    assert done.returncode == 0, done.stderr
    trials = trials_of(tmp_path)
    states = [t.state for t in trials]
    assert states.count(optuna.trial.TrialState.COMPLETE) + states.count(optuna.trial.TrialState.PRUNED) >= 8
    pruned = [t for t in trials if t.state == optuna.trial.TrialState.PRUNED]
    assert pruned and all(t.params["train.lr"] == 0.00001 for t in pruned)
    for trial in trials:
        run = read_run(Path(trial.user_attrs["folder"]))
        assert run.status == ("pruned" if trial in pruned else "completed")
    assert len({t.user_attrs["worker"] for t in trials}) == 2
    finished = json.loads(done.stdout.splitlines()[-1])
    best = subprocess.run([*NNTUI, "run", "--config", str(folder / "best.toml"), "--json", "--no-save"],
                          capture_output=True, text=True)
    assert json.loads(best.stdout.splitlines()[-1])["test_loss"] == finished["best"]["value"]


def test_a_second_process_joins_the_same_study(tmp_path: Path) -> None:
    path = sweep_file(tmp_path, trials=6, epochs=600)
    first = subprocess.Popen([*NNTUI, "sweep", str(path), "--runs-dir", str(tmp_path / "runs")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    journal = tmp_path / "runs" / "tiny" / "journal.log"
    deadline = time.monotonic() + 120
    while not journal.exists() or not trials_so_far(tmp_path):
        assert time.monotonic() < deadline and first.poll() is None, "the sweep never started a trial"
        time.sleep(0.2)
    joined = sweep(tmp_path, "--join", str(journal))
    assert joined.returncode == 0, joined.stderr
    assert first.wait(timeout=300) == 0
    workers = {t.user_attrs["worker"] for t in trials_of(tmp_path) if t.state.is_finished()}
    assert len(workers) == 2


def test_an_interrupted_sweep_continues_where_it_stopped(tmp_path: Path) -> None:
    """Ctrl+C stops the trial in hand at an epoch boundary (recorded as stopped, not counted);
    the same command again runs trials until the sweep has its number."""
    path = sweep_file(tmp_path, trials=5, epochs=3000)  # long enough that the trial in hand is still training
    process = subprocess.Popen([*NNTUI, "sweep", str(path), "--runs-dir", str(tmp_path / "runs")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    folder = tmp_path / "runs" / "tiny"
    deadline = time.monotonic() + 120
    while not any((folder / f"trial-{n:04d}" / "metrics.csv").exists() for n in range(1, 3)):
        assert time.monotonic() < deadline and process.poll() is None, "no second trial started"
        time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=120) == 130
    before = trials_of(tmp_path)
    interrupted = [t for t in before if t.state == optuna.trial.TrialState.FAIL]
    assert interrupted and read_run(Path(interrupted[0].user_attrs["folder"])).status == "stopped"
    again = sweep(tmp_path, str(path))
    assert again.returncode == 0, again.stderr
    after = trials_of(tmp_path)
    counted = [t for t in after if t.state in (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)]
    assert len(counted) >= 5 and len(after) > len(before)
    assert (folder / "best.toml").exists()


def test_the_sweep_view_ranks_trials_by_the_metric(tmp_path: Path) -> None:
    """`nntui watch` on a sweep's folder opens the Sweep view: trials with the metric and the searched
    fields, best first; o turns to newest first and back."""
    import asyncio

    from tests.tui.conftest import run_async
    from tui.app import make_app
    from tui.run_host import RunHost
    from tui.widgets.runs_view import RunsView

    done = sweep(tmp_path, str(sweep_file(tmp_path, trials=4, epochs=10, seed=5)))
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "runs" / "tiny"
    best = json.loads(subprocess.run([*NNTUI, "sweep", str(tmp_path / "tiny.toml"), "--runs-dir", str(tmp_path / "runs"),
                                      "--json"], capture_output=True, text=True).stdout.splitlines()[-1])["best"]

    @run_async
    async def check() -> None:
        from engine.config.presets import preset_config

        app = make_app(preset_config("circle"), host=RunHost(folder))
        async with app.run_test(size=(140, 40)) as pilot:
            view = app.query_one(RunsView)
            while len(view.runs) < 4:
                await asyncio.sleep(0.05)
            assert app.views.titles[app.views.active] == "Sweep"
            values = [run.final("test_loss") for run in view.runs]
            assert view.runs[0].folder == Path(best["folder"])
            scored = [v for v in values if v is not None]
            assert scored == sorted(scored)
            view.query_one("#runs-table").focus()
            await pilot.press("o")
            assert [run.started for run in view.runs] == sorted((run.started for run in view.runs), reverse=True)

    check()
