"""The trainer watching a TensorBoard run that a plain SummaryWriter script writes in another
process: new steps arrive while it writes, and the control keys say the run cannot be controlled."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine.config.schema import RunConfig
from tests.tui.conftest import record_notices, run_async, wait_for
from tui.app import make_app
from tui.run_host import RunHost

pytest.importorskip("tensorboard")

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "examples" / "tensorboard_script.py"


@run_async
async def test_a_summary_writer_script_is_watched_live_and_cannot_be_controlled(tmp_path: Path):
    """Steps keep arriving in the trainer's history as the script writes them; space says the
    foreign run cannot be paused, and nothing is written into the script's folder."""
    folder = tmp_path / "logs" / "demo"
    process = subprocess.Popen([sys.executable, str(SCRIPT), str(folder), "100000"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not list(folder.glob("events.out.tfevents.*")):
            assert time.monotonic() < deadline and process.poll() is None, "the script never started writing"
            time.sleep(0.1)  # a poll of the script's folder
        app = make_app(RunConfig(), host=RunHost(tmp_path / "runs"), watch=folder)
        said = record_notices(app)
        async with app.run_test(size=(100, 32)) as pilot:
            await wait_for(lambda: len(app.session.history) >= 3)
            seen = int(app.session.history.epochs[-1])
            await wait_for(lambda: int(app.session.history.epochs[-1]) > seen + 2)  # live: new steps arrive
            history = app.session.history
            assert list(history.epochs) == list(range(1, len(history) + 1))
            assert all(test == test for test in history.test_loss)  # Loss/test paired with Loss/train
            await pilot.press("space")
            await pilot.pause()
            assert any("cannot be controlled" in notice.message for notice in said)
            assert app.session.state == "running"
        assert process.poll() is None, "the script was stopped by the trainer"
    finally:
        process.kill()
        process.wait(timeout=10)
    assert sorted(path.name.split(".")[0] for path in folder.iterdir()) == ["events", "events"]
