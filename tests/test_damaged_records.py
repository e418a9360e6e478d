"""A run folder whose events.jsonl holds records that parse but carry a field of the wrong type
(an older or a foreign writer, a hand edit, a disk error inside a value) is still listed and
watched: the damaged record is skipped, or the damaged field read as absent, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from engine.loop.events import EpochEnded
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
