"""The trainer and its terminal: shrinking the window to 40x12 and back, and a dropped SSH
connection (SIGHUP) ending the process, engine thread and all."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.widgets import Input

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.toml_file import save_config
from tests.tui.conftest import circle_app, run_async, settle
from tui.widgets.config_form import ConfigForm
from tui.widgets.loss_chart import LossChart


@run_async
async def test_the_trainer_survives_40x12_and_is_whole_again_at_full_size():
    app = circle_app(epochs=30)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        for width, height in ((60, 20), (40, 12), (41, 13), (40, 12), (100, 32)):
            await pilot.resize_terminal(width, height)
            app.tick()
            await pilot.pause()
            assert app.size == (width, height) and app.is_running
        chart = app.query_one(LossChart)
        assert chart.seen == 30 and chart.size.width > 0 and chart.size.height > 0
        assert app.query_one(ConfigForm).query(Input).first().size.width > 0


def _read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    seen = b""
    end = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs a pty and /proc")
def test_sighup_while_training_ends_the_process(tmp_path: Path) -> None:
    """A dropped connection sends SIGHUP: the process, with its training thread, is gone at once."""
    import fcntl
    import pty
    import struct
    import termios

    config = tmp_path / "long.toml"
    save_config(with_values(preset_config("moons"), {"train.epochs": 100_000}), config)
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    nntui = Path(sys.executable).with_name("nntui")
    command = [str(nntui)] if nntui.exists() else [sys.executable, "-m", "tui.cli"]
    process = subprocess.Popen([*command, "--config", str(config)], stdin=terminal,
                               stdout=terminal, stderr=terminal, start_new_session=True,
                               env={**os.environ, "TERM": "xterm-256color"})
    os.close(terminal)
    try:
        assert b"Run/pause" in _read_until(controller, b"Run/pause", 30), "the trainer never drew its screen"
        idle = _threads(process.pid)
        os.write(controller, b" ")
        deadline = time.monotonic() + 30
        while _threads(process.pid) <= idle and time.monotonic() < deadline:  # the engine thread is up
            _read_until(controller, b"\x00", 0.2)
        assert _threads(process.pid) > idle, "training never started"
        process.send_signal(signal.SIGHUP)
        os.close(controller)
        process.wait(timeout=5)
        assert not Path(f"/proc/{process.pid}").exists()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _threads(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("Threads:")[1].split()[0])
