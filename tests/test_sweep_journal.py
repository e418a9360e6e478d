"""A damaged sweep journal (a record torn mid-write, a garbage line, an unknown record, a FIFO or a
directory in its place) is refused by `nntui sweep` and `nntui sweep --join` in one line naming
the file and the line, without blocking, and the file is left exactly as it was."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import assert_one_line_exit
from tui.cli.main import app

optuna = pytest.importorskip("optuna")

runner = CliRunner()
SWEEP = """\
[sweep]
name = "tiny"
base = "moons"
trials = 3
metric = "test_loss"
sampler = "random"
[fields]
"train.epochs" = 2
[space]
"train.lr" = [0.05, 0.01]
"""


def recorded_sweep(tmp_path: Path) -> tuple[Path, Path]:
    """A sweep file and its journal holding the study and one finished trial (no training)."""
    from engine.sweep.spec import load_sweep
    from engine.sweep.study import open_study, storage_for

    file = tmp_path / "tiny.toml"
    file.write_text(SWEEP)
    journal = tmp_path / "runs" / "tiny" / "journal.log"
    study = open_study(load_sweep(file), storage_for(str(journal)))
    study.add_trial(optuna.trial.create_trial(params={"train.lr": 0.05}, value=0.5,
                                              distributions={"train.lr": optuna.distributions.CategoricalDistribution(
                                                  [0.05, 0.01])}))
    return file, journal


def command(file: Path, journal: Path, how: str) -> list[str]:
    start = [str(file)] if how == "sweep" else ["--join", str(journal)]
    return ["sweep", *start, "--runs-dir", str(file.parent / "runs")]


@pytest.mark.parametrize("how", ["sweep", "join"])
def test_a_journal_torn_in_the_middle_of_its_last_record_is_refused_naming_the_line(tmp_path: Path, how: str) -> None:
    file, journal = recorded_sweep(tmp_path)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-1]) + lines[-1][: len(lines[-1]) // 2])
    assert_one_line_exit(runner.invoke(app, command(file, journal, how)), 2, str(journal), f"line {len(lines)}",
                         "middle of a record")


@pytest.mark.parametrize("how", ["sweep", "join"])
def test_a_garbage_line_inside_the_journal_is_refused_naming_it(tmp_path: Path, how: str) -> None:
    file, journal = recorded_sweep(tmp_path)
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(lines[0] + b"not json at all\n" + b"".join(lines[1:]))
    assert_one_line_exit(runner.invoke(app, command(file, journal, how)), 2, "line 2", "not a JSON record")


def test_a_json_line_that_is_no_optuna_record_is_refused(tmp_path: Path) -> None:
    file, journal = recorded_sweep(tmp_path)
    with journal.open("ab") as out:
        out.write(b'{"op_code": 99}\n')
    assert_one_line_exit(runner.invoke(app, command(file, journal, "join")), 2, "no known op_code")


def test_a_refused_journal_is_left_byte_for_byte(tmp_path: Path) -> None:
    file, journal = recorded_sweep(tmp_path)
    with journal.open("ab") as out:
        out.write(b'{"op_code": 4, "worker_id": "w", "study_id"')  # torn
    before = journal.read_bytes()
    runner.invoke(app, command(file, journal, "sweep"))
    assert journal.read_bytes() == before


def test_a_directory_in_place_of_the_journal_is_refused(tmp_path: Path) -> None:
    file, journal = recorded_sweep(tmp_path)
    journal.unlink()
    journal.mkdir()
    assert_one_line_exit(runner.invoke(app, command(file, journal, "sweep")), 2, "is a directory")


@pytest.mark.parametrize("how", ["sweep", "join"])
def test_a_fifo_in_place_of_the_journal_is_refused_rather_than_read_forever(tmp_path: Path, how: str) -> None:
    file, journal = recorded_sweep(tmp_path)
    journal.unlink()
    os.mkfifo(journal)
    done = subprocess.run([sys.executable, "-m", "tui.cli", *command(file, journal, how)], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "is a FIFO" in done.stderr


def test_a_journal_damaged_while_the_sweep_runs_ends_it_in_one_line_per_process(tmp_path: Path) -> None:
    """A garbage line appended under a running trial: the worker and the command each say so in
    one line naming the line, exit 1, no traceback."""
    file = tmp_path / "tiny.toml"
    file.write_text(SWEEP.replace('"train.epochs" = 2', '"train.epochs" = 3000').replace('trials = 3', 'trials = 2'))
    journal = tmp_path / "runs" / "tiny" / "journal.log"
    sweep = subprocess.Popen([sys.executable, "-m", "tui.cli", "sweep", str(file), "--runs-dir", str(tmp_path / "runs")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    while not (journal.parent / "trial-0000").is_dir() and time.monotonic() < deadline:
        time.sleep(0.1)
    with journal.open("ab") as out:
        out.write(b"garbage under a running sweep\n")
    _, stderr = sweep.communicate(timeout=120)
    assert sweep.returncode == 1 and "Traceback" not in stderr, stderr
    assert [line for line in stderr.splitlines() if "is not a JSON record" in line], stderr
