"""A long run's folder is read in bounded pieces: a listing takes its figures from one streamed
pass without the per-epoch history, and a watcher's first poll tells the trainer the epochs it
shows rather than one event per epoch, with the same figures as if told every epoch."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.errors import InputError
from engine.loop.events import EpochEnded
from engine.runs import epoch_backlog, metrics_summary
from engine.runs.metrics_file import load_metrics
from engine.runs.metrics_summary import MetricsSummary, summarize_metrics
from engine.runs.status import read_run
from engine.runs.watcher import RunWatcher
from tui.bridge import EventBridge
from tui.cli.main import app

EPOCHS = 12_000


@pytest.fixture(scope="module")
def long_run(tmp_path_factory) -> Path:
    """A 12,000-epoch circle run under a step schedule, whose best test loss came early (epoch 1000)."""
    folder = tmp_path_factory.mktemp("long") / "run"
    result = CliRunner().invoke(app, ["run", "-p", "circle", "--epochs", str(EPOCHS), "--log-interval", "500",
                                      "--schedule", "step", "--schedule-step-size", "1000", "--schedule-gamma", "0.9",
                                      "--save", str(folder)])
    assert result.exit_code == 0, result.output
    metrics = folder / "metrics.csv"
    rows = metrics.read_text().splitlines()
    epoch, train, _test, accuracy, lr = rows[1000].split(",")
    rows[1000] = ",".join([epoch, train, "1e-06", accuracy, lr])
    metrics.write_text("\n".join(rows) + "\n")
    return folder


def told_epochs(folder: Path) -> tuple[RunWatcher, list]:
    watcher = RunWatcher(folder)
    return watcher, [event for event in watcher.poll() if isinstance(event, EpochEnded)]


def test_the_first_poll_of_a_long_run_tells_a_bounded_number_of_epochs(long_run: Path):
    watcher, epochs = told_epochs(long_run)
    assert len(watcher.history) == EPOCHS
    assert len(epochs) <= epoch_backlog.TOLD_AT_ONCE + 100
    assert [e.epoch for e in epochs] == sorted(e.epoch for e in epochs) and epochs[-1].epoch == EPOCHS


def test_the_trainers_figures_from_a_long_first_poll_equal_those_told_every_epoch(long_run: Path, monkeypatch):
    bounded = EventBridge()
    for event in RunWatcher(long_run).poll():
        bounded(event)
    monkeypatch.setattr(epoch_backlog, "TOLD_AT_ONCE", 10 * EPOCHS)
    every = EventBridge()
    for event in RunWatcher(long_run).poll():
        every(event)
    assert bounded.figures == every.figures and bounded.figures.best_test == (1e-06, 1000)
    assert len(bounded.figures.lr_changes) == 11
    assert bounded.drain()[1] == every.drain()[1]  # the log's lines


def test_a_listing_reads_a_run_s_figures_without_its_history(long_run: Path):
    run = read_run(long_run)
    assert not run.deferred.read
    whole = MetricsSummary.of(load_metrics(long_run / "metrics.csv"))
    assert run.metrics == whole and run.best == (1e-06, 1000) and run.epochs_done == EPOCHS
    assert list(run.history.epochs) == list(range(1, EPOCHS + 1))  # read once a chart asks for it


def test_a_summary_takes_numbers_repr_would_not_write(tmp_path: Path):
    path = tmp_path / "metrics.csv"
    path.write_text("epoch,train_loss,test_loss,test_accuracy,lr\n1,0.5,,,0.1\n2, 0.4,0.3 ,0.75,1_0\n3,0.2,,,0.1\n")
    assert summarize_metrics(path) == MetricsSummary.of(load_metrics(path)) == MetricsSummary(3, 0.2, 0.3, 0.75,
                                                                                              (0.3, 2))


def test_a_summary_refuses_a_malformed_line_naming_it_as_the_history_does(tmp_path: Path):
    path = tmp_path / "metrics.csv"
    path.write_text("epoch,train_loss,test_loss,test_accuracy,lr\n1,0.5,,,0.1\n2,0.4,,0.1\n3,0.2,,,0.1\n")
    with pytest.raises(InputError, match="line 3: expected") as summarized:
        summarize_metrics(path)
    with pytest.raises(InputError) as loaded:
        load_metrics(path)
    assert str(summarized.value) == str(loaded.value)


def test_a_summary_leaves_a_torn_last_line_for_later(tmp_path: Path):
    path = tmp_path / "metrics.csv"
    path.write_text("epoch,train_loss,test_loss,test_accuracy,lr\n1,0.5,0.4,0.5,0.1\n2,0.4,0.1")
    assert summarize_metrics(path) == MetricsSummary(1, 0.5, 0.4, 0.5, (0.4, 1))
    path.write_text("epoch,train_l")
    assert summarize_metrics(path) == MetricsSummary()


def test_a_copy_of_a_long_run_lists_the_same(long_run: Path, tmp_path: Path, monkeypatch):
    """The figures do not depend on where the reading's chunks fall (read here in 4 KiB pieces)."""
    copy = tmp_path / "run"
    shutil.copytree(long_run, copy)
    whole = read_run(copy).metrics
    monkeypatch.setattr(metrics_summary, "READ_CHUNK", 4096)
    assert summarize_metrics(copy / "metrics.csv") == whole
