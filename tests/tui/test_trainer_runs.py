"""The trainer and run folders: its runs are recorded; it watches a run another process trains and
controls it through the folder; it continues a stopped run from its checkpoint; the Runs view
overlays picked runs; and a dropped connection (SIGHUP) leaves the run recorded, resumable exactly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.toml_file import save_config
from engine.runs.event_log import read_events
from engine.runs.layout import run_folders
from engine.runs.metrics_summary import DeferredHistory
from engine.runs.status import read_run
from tests.tui.conftest import STEADY, circle_app, run_async, screen_text, settle, wait_for
from tui.app import make_app
from tui.run_host import RunHost
from tui.widgets.runs_view import RunsView

NNTUI = [sys.executable, "-m", "tui.cli"]


@run_async
async def test_the_trainer_records_each_run_in_a_folder_of_its_own(tmp_path: Path):
    app = make_app(with_values(preset_config("circle"), {"train.epochs": 20}), session_options=STEADY,
                   host=RunHost(tmp_path / "runs"))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        folder = app.host.folder or run_folders(tmp_path / "runs")[0]
        await wait_for(lambda: read_run(folder).status == "completed")
    run = read_run(folder)
    assert run.source == "circle" and folder.name.endswith("-circle") and run.epochs_done == 20
    assert (folder / "checkpoint.pt").exists()


@run_async
async def test_a_headless_run_in_another_process_is_watched_and_controlled(tmp_path: Path):
    """Its epochs arrive in the trainer; pause and an lr change reach it through the folder, and
    its own event log records both."""
    folder = tmp_path / "headless"
    process = subprocess.Popen([*NNTUI, "run", "-p", "moons", "--epochs", "100000000", "--log-interval", "100",
                                "--save", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not (folder / "events.jsonl").exists() or read_run(folder).epochs_done < 5:
            assert time.monotonic() < deadline and process.poll() is None, "the headless run never started"
            time.sleep(0.1)  # a poll of the run's folder
        app = make_app(preset_config("moons"), host=RunHost(tmp_path / "runs"), watch=folder)
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for(lambda: len(app.session.history) >= 5)
            seen = len(app.session.history)
            await wait_for(lambda: len(app.session.history) > seen)  # epochs keep arriving, live
            await pilot.press("space")  # pause, through control.jsonl
            await wait_for(lambda: app.session.status == "paused")
            app.controller.control(app.session.set_lr, 0.003)
            await wait_for(lambda: any(r["event"] == "lr" for r in read_events(folder / "events.jsonl").records))
            app.tick()
            await pilot.pause()
            assert app.session.state == "paused"
            await pilot.press("s")  # stop it
            await wait_for(lambda: app.session.status == "stopped")
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    records = read_events(folder / "events.jsonl").records
    answered = [(r["action"], r["applied"]) for r in records if r["event"] == "control"]
    assert ("pause", True) in answered and ("lr", True) in answered and ("stop", True) in answered
    assert [r["lr"] for r in records if r["event"] == "lr"] == [0.003]


@run_async
async def test_space_on_a_stopped_run_continues_it_exactly(tmp_path: Path):
    """A run stopped after 40 of 100 epochs, opened in the trainer and continued with space, ends
    with the parameters of an uninterrupted 100-epoch run."""
    folder = tmp_path / "stopped"
    base = ["-p", "moons", "--epochs", "100", "--log-interval", "10"]
    stopped = subprocess.run([*NNTUI, "run", *base, "--save", str(folder), "--epochs", "40"], capture_output=True)
    assert stopped.returncode == 0
    config = folder / "config.toml"
    config.write_text(config.read_text().replace("epochs = 40", "epochs = 100"))  # as if stopped at 40 of 100
    lines = (folder / "events.jsonl").read_text().splitlines()
    (folder / "events.jsonl").write_text("\n".join(line.replace('"completed"', '"stopped"') for line in lines) + "\n")
    app = make_app(preset_config("moons"), session_options=STEADY, host=RunHost(tmp_path / "runs"), watch=folder)
    async with app.run_test(size=(100, 32)) as pilot:
        assert app.session.state == "finished"
        await pilot.press("space")
        await wait_for(lambda: getattr(app.session, "trainer", None) is not None)
        await settle(pilot, app)
        await wait_for(lambda: read_run(folder).status == "completed")
    whole = subprocess.run([*NNTUI, "run", *base, "--json", "--no-save"], capture_output=True, text=True)
    expected = json.loads(whole.stdout.splitlines()[-1])["parameters"]
    saved = torch.load(folder / "model.pt", weights_only=True)
    assert {name: value.tolist() for name, value in saved.items()} == expected
    assert read_run(folder).epochs_done == 100


@run_async
async def test_a_continued_run_keeps_its_best_test_from_before_the_stop(tmp_path: Path):
    """A stopped run whose best test loss came at epoch 10 of its first 40, continued to 60 in the
    trainer, still shows that epoch as its best: the continued epochs are compared with it."""
    folder = tmp_path / "stopped"
    stopped = subprocess.run([*NNTUI, "run", "-p", "moons", "--epochs", "40", "--log-interval", "10", "--save",
                              str(folder)], capture_output=True)
    assert stopped.returncode == 0
    metrics = folder / "metrics.csv"
    rows = metrics.read_text().splitlines()
    epoch, train, _test, accuracy, lr = rows[10].split(",")
    rows[10] = ",".join([epoch, train, "1e-06", accuracy, lr])  # epoch 10: a test loss no later epoch reaches
    metrics.write_text("\n".join(rows) + "\n")
    config = folder / "config.toml"
    config.write_text(config.read_text().replace("epochs = 40", "epochs = 60"))  # as if stopped at 40 of 60
    app = make_app(preset_config("moons"), session_options=STEADY, host=RunHost(tmp_path / "runs"), watch=folder)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await wait_for(lambda: getattr(app.session, "trainer", None) is not None)
        await settle(pilot, app)
        assert read_run(folder).epochs_done == 60
        assert app.bridge.figures.best_test == (1e-06, 10)
        assert "best test 1e-06 @ 10" in screen_text(app)


def record_circle_runs(runs: Path, epochs: int, lrs: tuple[str, ...] = ()) -> None:
    """`nntui run` of circle for `epochs` into the runs folder `runs`: once, or once per lr in `lrs`
    (a second apart: run folders are named by the second they started)."""
    for index, lr_args in enumerate([["--lr", lr] for lr in lrs] or [[]]):
        if index:
            time.sleep(1.1)
        assert subprocess.run([*NNTUI, "run", "-p", "circle", "--epochs", str(epochs), *lr_args, "--runs-dir", str(runs)],
                              capture_output=True).returncode == 0


def runs_app(runs: Path):
    """The trainer listing the runs folder `runs` in its Runs view."""
    app = circle_app()
    app.host.runs_folder = runs
    return app


@run_async
async def test_the_runs_view_overlays_picked_runs_and_shows_what_differs(tmp_path: Path):
    record_circle_runs(tmp_path / "runs", 15, lrs=("0.1", "0.3"))
    app = runs_app(tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        view = app.query_one(RunsView)
        await wait_for(lambda: len(view.runs) == 2)
        view.query_one("#runs-table").focus()
        await pilot.press("space", "down", "space")
        await pilot.pause()
        assert len(view.picked) == 2
        shown = screen_text(app)
        legend = next(line for line in shown.splitlines() if "train: line, test: dots" in line)
        assert all(run.name in legend for run in view.runs)
        differences = str(view.query_one("#runs-diff").render())
        assert "train.lr" in differences and "0.1" in differences and "0.3" in differences
        assert "model.hidden" not in differences


@run_async
async def test_a_click_on_the_runs_views_pick_key_in_the_key_bar_picks_the_run(tmp_path: Path):
    """The key bar's "space Pick", shown while the Runs list has the keys, runs the view's own pick."""
    record_circle_runs(tmp_path / "runs", 3)
    app = runs_app(tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        view = app.query_one(RunsView)
        await wait_for(lambda: len(view.runs) == 1)
        await pilot.pause()
        assert any(item.action == "view_key('pick')" for item in app.key_items())
        await app.run_action("view_key('pick')")
        assert view.picked == [view.runs[0].folder]


@run_async
async def test_the_runs_view_reads_a_long_history_off_the_ui_thread_and_then_draws_it(tmp_path: Path, monkeypatch):
    """A run whose metrics.csv is too long to read at once is charted once a worker has read it."""
    record_circle_runs(tmp_path / "runs", 15)
    monkeypatch.setattr(DeferredHistory, "QUICK_BYTES", 0)  # every history counts as long
    app = runs_app(tmp_path / "runs")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        view = app.query_one(RunsView)
        await wait_for(lambda: len(view.runs) == 1)
        await wait_for(lambda: view.runs[0].deferred.read)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "train: line, test: dots" in screen_text(app)


@run_async
async def test_the_runs_view_names_a_user_module_run_by_its_module(tmp_path: Path, monkeypatch):
    """A run of examples/net.py:MLP is listed as that module, not as the form's hidden MLP sizes
    (`mlp 4`) that it never used."""
    monkeypatch.chdir(Path(__file__).parents[2])
    config = with_values(preset_config("circle"), {"train.epochs": 3, "train.loss": "bce_logits",
                                                   "model.kind": "module", "model.module": "examples/net.py:MLP"})
    app = make_app(config, session_options=STEADY, host=RunHost(tmp_path / "runs"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("5")
        view = app.query_one(RunsView)
        await wait_for(lambda: len(view.runs) == 1 and view.runs[0].status == "completed")
        await pilot.pause()
        row = next(line for line in screen_text(app).splitlines() if view.runs[0].folder.name in line)
    assert "net.py:MLP" in row and "mlp 4" not in row


@run_async
async def test_the_key_bar_offers_the_runs_lists_keys_while_it_has_them():
    """In the Runs view space picks a run, and the key bar says so (not Run/pause); another view
    gives space back to running."""
    app = circle_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        bar = str(app.keys.render())
        assert "space Pick" in bar and "enter Open" in bar and "Run/pause" not in bar
        await pilot.press("1")
        await pilot.pause()
        bar = str(app.keys.render())
        assert "space Run/pause" in bar and "Pick" not in bar

@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a pty")
def test_sighup_records_the_run_stopped_and_it_resumes_exactly(tmp_path: Path) -> None:
    """A dropped connection while the trainer trains: out within 2 s with 129, the run recorded as
    stopped at an epoch boundary with its checkpoint, and --resume ends where an uninterrupted run does."""
    import fcntl
    import pty
    import struct
    import termios

    from tests.tui.test_terminal import _read_until

    config = tmp_path / "long.toml"
    save_config(with_values(preset_config("moons"), {"train.epochs": 100_000}), config)
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    runs = tmp_path / "runs"
    process = subprocess.Popen([*NNTUI, "tui", "--config", str(config), "--runs-dir", str(runs)], stdin=terminal,
                               stdout=terminal, stderr=terminal, start_new_session=True,
                               env={**os.environ, "TERM": "xterm-256color"})
    os.close(terminal)
    try:
        assert b"Run/pause" in _read_until(controller, b"Run/pause", 30), "the trainer never drew its screen"
        os.write(controller, b" ")
        deadline = time.monotonic() + 60
        while not run_folders(runs) or read_run(run_folders(runs)[0]).epochs_done < 30:
            assert time.monotonic() < deadline, "training never started"
            _read_until(controller, b"\x00", 0.2)
        sent = time.monotonic()
        process.send_signal(signal.SIGHUP)
        code = process.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        os.close(controller)
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 128 + signal.SIGHUP and took < 2.0, (code, took)
    folder = run_folders(runs)[0]
    run = read_run(folder)
    assert run.status == "stopped"
    done = torch.load(folder / "checkpoint.pt", weights_only=True)["epoch"]
    assert done == run.epochs_done
    total = str(done + 20)
    resumed = subprocess.run([*NNTUI, "run", "--resume", str(folder), "--epochs", total, "--json"],
                             capture_output=True, text=True)
    whole = subprocess.run([*NNTUI, "run", "--config", str(config), "--epochs", total, "--json", "--no-save"],
                           capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    last = [json.loads(output.splitlines()[-1]) for output in (resumed.stdout, whole.stdout)]
    assert last[0]["epoch"] == last[1]["epoch"] and last[0]["parameters"] == last[1]["parameters"]
