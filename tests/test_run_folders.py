"""Run folders: a run records itself live (config, metrics rows, events, view, checkpoints), holds
its folder against a second writer, answers control requests through it, and can be read back,
listed and compared by anyone, while it runs or after it crashed."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.errors import InputError
from engine.loop.events import EpochEnded, RunFinished, RunStarted, Snapshot
from engine.loop.session import TrainingSession
from engine.runs.controls import send_control
from engine.runs.event_log import read_events
from engine.runs.lock import RunLock
from engine.runs.metrics_file import parse_metrics
from engine.runs.recorder import RunRecorder
from engine.runs.status import read_run
from engine.runs.watcher import RunWatcher
from tests.helpers import assert_one_line_exit
from tui.cli.main import app

runner = CliRunner()


def _session(epochs: int = 40, **changes) -> TrainingSession:
    config = with_values(preset_config("circle"), {"train.epochs": epochs, "train.log_interval": 10, **changes})
    return TrainingSession(config, snapshot_interval_s=0.05, eval_interval_s=None)


def _record(folder: Path, session: TrainingSession, **options) -> RunRecorder:
    return RunRecorder(folder, session, title="circle", **options).open()


def _finish(session: TrainingSession, recorder: RunRecorder) -> None:
    assert session.join(60), "the run did not end"
    assert recorder.close(30), "the recorder did not finish"
    assert recorder.errors == []


def test_a_recorded_run_leaves_every_file_of_the_format(tmp_path: Path) -> None:
    """config.toml, metrics.csv (one row per epoch), events.jsonl (start ... end), view.json,
    checkpoint.pt and model.pt, preprocess.json; and no lock once it ended."""
    session = _session()
    recorder = _record(tmp_path / "run", session)
    session.start()
    _finish(session, recorder)
    folder = tmp_path / "run"
    assert sorted(p.name for p in folder.iterdir()) == ["checkpoint.pt", "config.toml", "events.jsonl",
                                                        "metrics.csv", "model.pt", "preprocess.json", "view.json"]
    history, torn = parse_metrics((folder / "metrics.csv").read_text(), "metrics.csv")
    assert list(history.epochs) == list(range(1, 41)) and not torn
    kinds = [r["event"] for r in read_events(folder / "events.jsonl").records]
    assert kinds[0] == "start" and kinds[-1] == "end" and "checkpoint" in kinds
    assert read_run(folder).status == "completed"
    assert torch.load(folder / "checkpoint.pt", weights_only=True)["epoch"] == 40


def test_the_recorded_history_equals_the_session_s_to_the_last_digit(tmp_path: Path) -> None:
    session = _session()
    recorder = _record(tmp_path / "run", session)
    session.start()
    _finish(session, recorder)
    history = read_run(tmp_path / "run").history
    assert list(history.train_loss) == list(session.history.train_loss)
    assert list(history.lr) == list(session.history.lr)


def test_a_second_writer_is_refused_naming_the_pid(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    held = RunLock(folder).acquire()
    try:
        with pytest.raises(InputError, match=f"pid {os.getpid()}"):
            _record(folder, _session())
    finally:
        held.release()


def test_a_second_nntui_run_on_a_held_folder_exits_2_and_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    assert runner.invoke(app, ["run", "-p", "circle", "--epochs", "3", "--save", str(folder)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    held = RunLock(folder).acquire()
    try:
        result = runner.invoke(app, ["run", "-p", "circle", "--epochs", "3", "--save", str(folder), "--overwrite"])
    finally:
        held.release()
    assert_one_line_exit(result, 2, "another nntui is writing this run", f"pid {os.getpid()}")
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_a_run_that_is_refused_before_it_starts_writes_nothing(tmp_path: Path) -> None:
    """Input refused in the engine thread (a CSV without data rows) leaves no half-made run."""
    table = tmp_path / "empty.csv"
    table.write_text("a,b\n")
    folder = tmp_path / "run"
    result = runner.invoke(app, ["run", "--data", str(table), "--save", str(folder)])
    assert result.exit_code == 2
    assert not folder.exists() or list(folder.iterdir()) == []


def test_pause_and_lr_reach_a_run_through_its_folder(tmp_path: Path) -> None:
    """Requests in control.jsonl are applied within a second and answered in the event log."""
    session = _session(epochs=10_000_000, **{"train.log_interval": 1000})
    recorder = _record(tmp_path / "run", session)
    session.start()
    try:
        send_control(tmp_path / "run", "lr", 0.05)
        send_control(tmp_path / "run", "pause")
        deadline = time.monotonic() + 10
        while session.state != "paused" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert session.state == "paused"
        assert session.wait_until_held(10)
        assert session.trainer.lr == 0.05
    finally:
        session.stop()
        _finish(session, recorder)
    records = read_events(tmp_path / "run" / "events.jsonl").records
    answers = [(r["action"], r["applied"]) for r in records if r["event"] == "control"]
    assert answers == [("lr", True), ("pause", True)]
    assert any(r["event"] == "pause" for r in records) and any(r["event"] == "lr" for r in records)
    assert read_run(tmp_path / "run").status == "stopped"


def test_a_control_request_to_a_finished_run_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    assert runner.invoke(app, ["run", "-p", "circle", "--epochs", "3", "--save", str(folder)]).exit_code == 0
    from engine.runs.remote import RemoteSession

    watched = RemoteSession(folder)
    try:
        with pytest.raises(InputError, match="the run is completed"):
            watched.stop()
    finally:
        watched.close()
    assert not (folder / "control.jsonl").exists()


def test_the_event_log_survives_a_reader_racing_the_writer(tmp_path: Path) -> None:
    """A reader polling while a run writes never sees a torn or out-of-order record, and ends
    with every epoch and the end, as the writer wrote them."""
    session = _session(epochs=3000, **{"train.log_interval": 100})
    recorder = _record(tmp_path / "run", session)
    session.start()
    while not (tmp_path / "run" / "config.toml").exists():
        time.sleep(0.01)
    watcher = RunWatcher(tmp_path / "run")
    seen: list = []
    stop_at = time.monotonic() + 60
    while time.monotonic() < stop_at:
        seen += watcher.poll()
        if any(isinstance(e, RunFinished) for e in seen):
            break
        time.sleep(0.002)
    _finish(session, recorder)
    seen += watcher.poll()
    epochs = [e.epoch for e in seen if isinstance(e, EpochEnded)]
    assert epochs == list(range(1, 3001))
    assert isinstance(seen[0], RunStarted) and isinstance(seen[-1], RunFinished)
    assert watcher.events.damaged == 0
    assert any(isinstance(e, Snapshot) for e in seen)


def test_a_damaged_event_line_is_skipped_and_counted(tmp_path: Path) -> None:
    folder = tmp_path / "run"
    assert runner.invoke(app, ["run", "-p", "circle", "--epochs", "3", "--save", str(folder)]).exit_code == 0
    with open(folder / "events.jsonl", "a") as log:
        log.write("{not json}\n{\"event\": \"pause\", \"ti")  # a damaged line, then a torn one
    events = read_events(folder / "events.jsonl")
    assert events.damaged == 1 and events.torn
    assert read_run(folder).status == "completed"
    listed = runner.invoke(app, ["runs", str(tmp_path)])
    assert listed.exit_code == 0 and "completed" in listed.stdout
    assert listed.stderr.count("\n") == 1 and "skipped 1 damaged line and a truncated last line" in listed.stderr


def test_runs_lists_runs_newest_first_with_their_figures(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    for preset, epochs in (("circle", 20), ("moons", 5)):
        assert runner.invoke(app, ["run", "-p", preset, "--epochs", str(epochs), "--runs-dir", str(runs)]).exit_code == 0
        time.sleep(0.01)
    result = runner.invoke(app, ["runs", str(runs)])
    lines = result.stdout.splitlines()
    assert lines[0].split()[:6] == ["run", "status", "data", "model", "epochs", "best"]
    assert "moons" in lines[1] and "5/5" in lines[1] and "completed" in lines[1]
    assert "circle" in lines[2] and "20/20" in lines[2] and "mlp 4" in lines[2]
    listed = [json.loads(line) for line in runner.invoke(app, ["runs", str(runs), "--json"]).stdout.splitlines()]
    assert [run["source"] for run in listed] == ["moons", "circle"]
    assert listed[1]["epochs_done"] == 20 and listed[1]["best_epoch"] in range(1, 21)


def test_compare_shows_only_the_fields_that_differ_and_the_final_figures(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert runner.invoke(app, ["run", "-p", "circle", "--epochs", "10", "--save", str(a)]).exit_code == 0
    assert runner.invoke(app, ["run", "-p", "circle", "--epochs", "10", "--lr", "0.3", "--save", str(b)]).exit_code == 0
    result = runner.invoke(app, ["compare", str(a), str(b)])
    assert result.exit_code == 0, result.output
    fields = [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()]
    assert fields[0] == "train.lr" and "model.hidden" not in fields
    data = json.loads(runner.invoke(app, ["compare", str(a), str(b), "--json"]).stdout)
    assert data["differences"] == {"train.lr": [0.1, 0.3]}
    assert [f["epochs"] for f in data["figures"]] == [10, 10]
    plot = runner.invoke(app, ["compare", str(a), str(b), "--plot", "--ascii"]).stdout
    assert "Loss per epoch" in plot and "a  " in plot and all(ord(c) < 128 for c in plot)


def test_compare_shows_a_regression_runs_fit_instead_of_an_accuracy(tmp_path: Path) -> None:
    """Two plane runs compare on their test RMSE, MAE and R², with no empty accuracy row."""
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, lr in ((a, "0.01"), (b, "0.03")):
        assert runner.invoke(app, ["run", "--dataset", "plane", "--hidden", "", "--lr", lr, "--epochs", "20",
                                   "--save", str(folder)]).exit_code == 0
    rows = {line.split()[0]: line.split()[1:] for line in runner.invoke(app, ["compare", str(a), str(b)]).stdout
            .splitlines() if line.strip()}
    assert {"rmse", "mae", "r2"} <= set(rows) and "test_accuracy" not in rows
    figures = json.loads(runner.invoke(app, ["compare", str(a), str(b), "--json"]).stdout)["figures"]
    assert all(isinstance(f["rmse"], float) and f["test_accuracy"] is None for f in figures)


@pytest.mark.parametrize("args,words", [
    (["runs", "{tmp}/nowhere"], "no such runs folder"),
    (["compare", "{tmp}", "{tmp}"], "not a run folder"),
    (["watch", "{tmp}"], "not a run folder"),
])
def test_a_folder_that_is_not_a_run_is_refused_in_one_line(args: list[str], words: str, tmp_path: Path) -> None:
    result = runner.invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert_one_line_exit(result, 2, words)


def test_a_reader_sees_a_live_run_and_its_crash(tmp_path: Path) -> None:
    """While the writer holds the lock the run reads as running; a lock left by a process that is
    gone (kill -9) reads as crashed."""
    folder = tmp_path / "run"
    assert runner.invoke(app, ["run", "-p", "circle", "--epochs", "3", "--save", str(folder)]).exit_code == 0
    lines = (folder / "events.jsonl").read_text().splitlines()
    (folder / "events.jsonl").write_text("\n".join(line for line in lines if '"end"' not in line) + "\n")
    lock = RunLock(folder).acquire()
    try:
        assert read_run(folder).status == "running"
    finally:
        lock.release()
    (folder / "lock").write_text(json.dumps({"pid": 2**22 + 17, "host": os.uname().nodename, "started": 0}))
    assert read_run(folder).status == "crashed"


def test_a_checkpoint_is_written_while_the_run_goes(tmp_path: Path) -> None:
    """Every checkpoint_every_s, between epochs, not only at the end."""
    session = _session(epochs=10_000_000, **{"train.log_interval": 100_000})
    recorder = RunRecorder(tmp_path / "run", session, checkpoint_every_s=0.2).open()
    session.start()
    try:
        deadline = time.monotonic() + 20
        epochs = set()
        while len(epochs) < 3 and time.monotonic() < deadline:
            path = tmp_path / "run" / "checkpoint.pt"
            if path.exists():
                epochs.add(torch.load(path, weights_only=True)["epoch"])
            time.sleep(0.1)
        assert len(epochs) >= 3
    finally:
        session.stop()
        _finish(session, recorder)


def test_no_checkpoint_of_non_finite_weights_replaces_a_finite_one(tmp_path: Path) -> None:
    """A run that diverges keeps its last finite checkpoint and model."""
    folder = tmp_path / "run"
    result = runner.invoke(app, ["run", "-p", "linreg", "--lr", "50", "--save", str(folder)])
    assert result.exit_code == 1
    state = torch.load(folder / "checkpoint.pt", weights_only=True)
    assert all(torch.isfinite(t).all() for t in state["model"].values())
    assert read_run(folder).status == "diverged"


def test_a_save_that_fails_exits_1_and_keeps_the_previous_files(tmp_path: Path, monkeypatch) -> None:
    """A full disk while the end of the run is written (torch wraps ENOSPC in a RuntimeError): exit 1
    with the reason in one line, the checkpoint, model and config from before kept together, and no
    temporary file left."""
    real_save = torch.save
    calls = {"n": 0}

    def fills_the_disk(obj, handle, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 2:  # the start's model.pt and checkpoint.pt go through
            raise RuntimeError("[enforce fail at inline_container.cc:626] . unexpected pos 64 vs 0: "
                               "No space left on device")
        return real_save(obj, handle, *args, **kwargs)

    monkeypatch.setattr(torch, "save", fills_the_disk)
    folder = tmp_path / "run"
    session = _session(epochs=2000, **{"train.log_interval": 500})
    recorder = _record(folder, session)
    while not (folder / "checkpoint.pt").exists():
        session.start() if session.state == "idle" else time.sleep(0.02)
    assert session.join(60) and recorder.close(30)
    assert recorder.errors and "No space left on device" in recorder.errors[0] and "checkpoint.pt" in recorder.errors[0]
    monkeypatch.setattr(torch, "save", real_save)
    state = torch.load(folder / "checkpoint.pt", weights_only=True)
    model = torch.load(folder / "model.pt", weights_only=True)
    assert state["epoch"] < 2000 and all(torch.equal(model[k], state["model"][k]) for k in model)
    assert not list(folder.glob(".*.tmp"))


def test_nntui_run_whose_save_fails_exits_1_naming_the_reason(tmp_path: Path, monkeypatch) -> None:
    real_save = torch.save

    def fills_the_disk(obj, handle, *args, **kwargs):
        # Every checkpoint fails (however many the writer's timing makes), the model's weights are written.
        if isinstance(obj, dict) and "format" in obj:
            raise RuntimeError("unexpected pos 64 vs 0: No space left on device")
        return real_save(obj, handle, *args, **kwargs)

    monkeypatch.setattr(torch, "save", fills_the_disk)
    result = runner.invoke(app, ["run", "-p", "circle", "--epochs", "300", "--save", str(tmp_path / "run")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"nntui: cannot write checkpoint.pt in {tmp_path / 'run'}: unexpected pos 64 vs 0: No space left on device"]


def test_a_run_whose_metrics_could_not_be_written_ends_failed_not_completed(tmp_path: Path, monkeypatch) -> None:
    """A full disk that takes metrics.csv's rows but leaves room for the end record must not leave
    a folder reading `completed` with epochs missing (issue 26's 2 MB tmpfs probe)."""
    from engine.runs.metrics_file import MetricsAppender

    def full(self, sync: bool = False) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(MetricsAppender, "flush", full)
    session = _session()
    recorder = _record(tmp_path / "run", session)
    session.start()
    assert session.join(60) and recorder.close(30)
    assert any(error.startswith("cannot write metrics.csv") for error in recorder.errors)
    info = read_run(tmp_path / "run")
    assert info.status == "failed"
    assert "the run ended completed, but its record is incomplete" in info.end["message"]


def test_reading_a_long_metrics_file_holds_no_list_of_its_lines() -> None:
    """A 3M-epoch run's metrics.csv took 1.3 GB to list when every line and row was held at once;
    read row by row into the arrays, the peak stays near the text and the arrays themselves."""
    import tracemalloc

    from engine.runs.metrics_file import HEADER

    text = HEADER + "\n" + "".join(f"{e},0.{e % 997},0.5,0.25,0.1\n" for e in range(1, 200_001))
    tracemalloc.start()
    try:
        history, torn = parse_metrics(text, "metrics.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(history) == 200_000 and not torn and history.epochs[-1] == 200_000
    assert peak < 2 * len(text), f"peak {peak:,} bytes for a {len(text):,}-byte file"
