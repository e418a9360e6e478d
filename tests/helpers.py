"""Test helpers: run a configuration to the end on the engine, collecting its events; start a
command and wait for a line of its output."""

from __future__ import annotations

import subprocess
import time

from engine.config.schema import RunConfig
from engine.loop.events import EpochEnded, RunFailed, RunFinished
from engine.loop.session import TrainingSession


class Recorder:
    """A listener that keeps every event."""

    def __init__(self) -> None:
        self.events: list = []

    def __call__(self, event) -> None:
        self.events.append(event)

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    @property
    def epochs(self) -> list[EpochEnded]:
        return self.of(EpochEnded)

    @property
    def end(self) -> RunFinished | RunFailed:
        return self.of((RunFinished, RunFailed))[-1]


def train(config: RunConfig, **session_options) -> Recorder:
    """Run `config` to the end on a TrainingSession and return what it reported."""
    recorder = Recorder()
    options = {"snapshot_interval_s": None, "eval_interval_s": None, **session_options}
    session = TrainingSession(config, recorder, **options)
    session.start()
    assert session.join(120), "the run did not end"
    return recorder


ONE_LINE_PREFIX = {1: "nntui: run failed: ", 2: "nntui: error: "}


def assert_one_line_exit(result, code: int, *words: str) -> None:
    """A CLI result that ended with `code` and exactly one line on stderr, holding `words`, and no
    traceback: exit 2 for refused input, 1 for a run that failed."""
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(ONE_LINE_PREFIX[code]), result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def start_until(command: list[str], prefix: str, timeout: float = 120, **popen) -> subprocess.Popen:
    """Start `command` (text pipes for stdout and stderr) and return it once it has printed a line
    starting with `prefix`; the test fails (and the process is killed) if none comes in `timeout`."""
    import pytest

    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith(prefix):
            return process
        if not line and process.poll() is not None:
            break
    process.kill()
    pytest.fail(f"no line starting {prefix!r} from {command}")
