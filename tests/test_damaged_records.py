"""A run folder whose events.jsonl holds records that parse but carry a field of the wrong type
(an older or a foreign writer, a hand edit, a disk error inside a value) is still listed and
watched: the damaged record is skipped, or the damaged field read as absent, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.loop.events import EpochEnded, Held, LrChanged, RunFailed, RunFinished, RunStarted
from engine.runs.status import read_run
from engine.runs.watcher import RunWatcher
from tui.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recorded") / "run"
    assert runner.invoke(app, ["run", "-p", "circle", "--epochs", "3", "--save", str(folder)]).exit_code == 0
    return folder


def _records(folder: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()]


def _copy_with(recorded: Path, tmp_path: Path, records: list[dict[str, Any]]) -> Path:
    """The recorded run's folder with `records` as its events.jsonl."""
    folder = tmp_path / "runs" / "run"
    folder.mkdir(parents=True)
    for path in recorded.iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    (folder / "events.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return folder


def _changed(recorded: Path, tmp_path: Path, event: str, **fields: Any) -> Path:
    """The recorded run with the fields of its (last) `event` record replaced."""
    records = _records(recorded)
    index = max(i for i, r in enumerate(records) if r["event"] == event)
    records[index] = {**records[index], **fields}
    return _copy_with(recorded, tmp_path, records)


@pytest.mark.parametrize("event", ["start", "end"])
def test_a_record_whose_time_is_not_a_number_is_skipped_as_damaged(recorded: Path, tmp_path: Path,
                                                                   event: str) -> None:
    folder = _changed(recorded, tmp_path, event, time="noon")
    listed = runner.invoke(app, ["runs", str(folder.parent)])
    assert listed.exit_code == 0, listed.output
    assert "run" in listed.stdout and "skipped 1 damaged line" in listed.stderr
    assert read_run(folder).damaged == 1
    watcher = RunWatcher(folder)
    epochs = [e.epoch for e in watcher.poll() if isinstance(e, EpochEnded)]
    assert watcher.events.damaged == 1 and epochs == ([1, 2, 3] if event == "end" else [])


@pytest.mark.parametrize(("key", "value", "read"), [
    ("parameter_count", "many", 0), ("parameter_count", -3, 0), ("train_samples", [400], 0),
    ("test_samples", {"n": 1}, 0), ("dropped_rows", "x", 0), ("resumed_at", "x", 0), ("resumed_at", True, 0),
    ("warnings", 5, ()), ("warnings", ["ok", 7], ("ok",)), ("labels", 5, ()), ("train_points", [1, 2], ()),
    ("test_points", "x", ()), ("train_points", [[0.5, 0.25, 1], [1], "p"], ((0.5, 0.25, 1),)),
    ("reference", [1, 2], None)])
def test_a_start_record_field_of_the_wrong_type_reads_as_absent(recorded: Path, tmp_path: Path, key: str,
                                                                 value: Any, read: Any) -> None:
    folder = _changed(recorded, tmp_path, "start", **{key: value})
    events = RunWatcher(folder).poll()
    started = next(e for e in events if isinstance(e, RunStarted))
    assert getattr(started, key) == read
    assert [e.epoch for e in events if isinstance(e, EpochEnded)] == [1, 2, 3]


@pytest.mark.parametrize(("fields", "epoch", "losses"), [
    ({"epoch": "three"}, 0, None), ({"train_loss": "low", "test_accuracy": [1]}, 3, (None, None)),
    ({"status": "failed", "epoch": {"n": 3}}, 0, None)])
def test_an_end_record_field_of_the_wrong_type_reads_as_absent(recorded: Path, tmp_path: Path,
                                                               fields: dict[str, Any], epoch: int,
                                                               losses: tuple | None) -> None:
    folder = _changed(recorded, tmp_path, "end", **fields)
    end = next(e for e in RunWatcher(folder).poll() if isinstance(e, (RunFinished, RunFailed)))
    assert end.epoch == epoch
    if losses is not None:
        assert isinstance(end, RunFinished) and (end.train_loss, end.test_accuracy) == losses


def test_pause_and_lr_records_with_damaged_numbers_read_as_absent(recorded: Path, tmp_path: Path) -> None:
    records = _records(recorded)
    when = records[0]["time"]
    records[1:1] = [{"event": "pause", "time": when, "epoch": "two"},
                    {"event": "lr", "time": when, "epoch": [2], "lr": 0.01, "previous": "big"}]
    events = RunWatcher(_copy_with(recorded, tmp_path, records)).poll()
    assert Held(0) in events and LrChanged(0, 0.01, 0.0) in events
