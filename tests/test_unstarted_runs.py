"""A run killed while starting (after it took its folder's lock, before it recorded anything)
leaves a folder holding only its lock: it is no run, and every reader says so in one line."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.runs.lock import RunLock
from engine.runs.unstarted import unstarted_run
from tests.helpers import assert_one_line_exit
from tui.cli.main import app

runner = CliRunner()

SLOW_DATA = '''
import time

def points():
    time.sleep(120)  # a start-up that lasts: the run holds its folder's lock and has written nothing else
'''


@pytest.fixture(scope="module")
def killed_start(tmp_path_factory) -> Path:
    """A run folder whose `nntui run` was killed with SIGKILL while loading its data."""
    work = tmp_path_factory.mktemp("killed")
    (work / "slow.py").write_text(SLOW_DATA)
    folder = work / "run"
    process = subprocess.Popen([sys.executable, "-m", "tui.cli", "run", "--data-module", "slow.py:points",
                                "--loss", "bce_logits", "--save", str(folder)], cwd=work,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not (folder / "lock").exists():
            assert time.monotonic() < deadline and process.poll() is None, "the run never took its folder"
            time.sleep(0.02)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert sorted(path.name for path in folder.iterdir()) == ["lock"]
    return folder


@pytest.fixture
def left_folder(killed_start: Path, tmp_path: Path) -> Path:
    """A copy of the killed start's folder, under a runs folder of the test's own."""
    folder = tmp_path / "runs" / "2026-12-07-020000-points"
    shutil.copytree(killed_start, folder)
    return folder


def test_resume_of_a_killed_start_says_nothing_was_recorded(left_folder: Path):
    result = runner.invoke(app, ["run", "--resume", str(left_folder)])
    assert_one_line_exit(result, 2, "--resume", "killed while starting", f"--save {left_folder}")
    assert sorted(path.name for path in left_folder.iterdir()) == ["lock"]


def test_watch_of_a_killed_start_says_nothing_was_recorded(left_folder: Path):
    assert_one_line_exit(runner.invoke(app, ["watch", str(left_folder)]), 2, "killed while starting")


def test_runs_leaves_a_killed_start_out_and_warns_of_it(left_folder: Path):
    result = runner.invoke(app, ["runs", str(left_folder.parent)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("No runs in")
    assert result.stderr.splitlines() == [f"nntui: warning: {unstarted_run(left_folder)}"]


def test_a_fresh_run_takes_a_killed_start_without_overwrite(left_folder: Path):
    result = runner.invoke(app, ["run", "-p", "circle", "--epochs", "2", "--save", str(left_folder)])
    assert result.exit_code == 0, result.output
    assert (left_folder / "config.toml").exists() and not (left_folder / "lock").exists()


def test_a_start_under_way_is_told_from_a_killed_one(tmp_path: Path):
    """While the process that took the lock lives, the folder is a run starting, named by its pid."""
    lock = RunLock(tmp_path).acquire()
    try:
        unstarted = unstarted_run(tmp_path)
        assert unstarted is not None and not unstarted.killed
        assert f"a run is starting in it (pid {os.getpid()})" in str(unstarted)
    finally:
        lock.release()
    assert unstarted_run(tmp_path) is None  # released: no lock, no run
