"""Run folders of your own code: the imported files copied with their SHA-256 beside config.toml;
--resume and predict import the copies and say so, refuse a file changed since unless
--use-current-code; and a run stopped by Ctrl+C or killed with -9 resumes to exactly the
parameters of an uninterrupted one."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from engine.runs.controls import send_control
from engine.runs.status import read_run
from tests.helpers import assert_one_line_exit
from tests.own_code.files import DATA, NET, write
from tui.cli.main import app

runner = CliRunner()
NNTUI = [sys.executable, "-m", "tui.cli"]


@pytest.fixture
def code(tmp_path: Path) -> Path:
    write(tmp_path, "net.py", NET)
    write(tmp_path, "data.py", DATA)
    return tmp_path


def own_code(folder: Path) -> list[str]:
    """Options training net.py:Net on data.py:Points in minibatches."""
    return ["--module", f"{folder}/net.py:Net", "--module-arg", "hidden=6", "--data-module",
            f"{folder}/data.py:Points", "--data-arg", "size=96", "--loss", "bce_logits", "--batch-size", "16"]


def recorded(folder: Path, code: Path, epochs: int = 5) -> Path:
    run = folder / "run"
    result = runner.invoke(app, ["run", *own_code(code), "--epochs", str(epochs), "--save", str(run)])
    assert result.exit_code == 0, result.output
    return run


def test_a_run_records_the_files_it_imported_with_their_hashes(tmp_path: Path, code: Path) -> None:
    """code.json names each import field's file and SHA-256; code/ holds the bytes that ran."""
    run = recorded(tmp_path, code)
    files = {entry["field"]: entry for entry in json.loads((run / "code.json").read_text())["files"]}
    for field, name in (("model.module", "net.py"), ("data.module", "data.py")):
        source = (code / name).read_bytes()
        assert files[field]["sha256"] == hashlib.sha256(source).hexdigest()
        assert (run / files[field]["copy"]).read_bytes() == source
    assert "pickle" not in str(torch.load(run / "checkpoint.pt", weights_only=True).keys())


def test_resume_imports_the_recorded_copy_and_says_so(tmp_path: Path, code: Path) -> None:
    """An unchanged file: --resume names the copy it imports, and trains on."""
    run = recorded(tmp_path, code)
    result = runner.invoke(app, ["run", "--resume", str(run), "--epochs", "8"])
    assert result.exit_code == 0, result.output
    assert "importing" in result.stderr and "recorded copy" in result.stderr


def test_a_changed_file_refuses_resume_and_predict(tmp_path: Path, code: Path) -> None:
    """An edit to net.py after the run: --resume and predict refuse in one line, exit 2."""
    run = recorded(tmp_path, code)
    (code / "net.py").write_text(NET + "\n# edited\n")
    resume = runner.invoke(app, ["run", "--resume", str(run), "--epochs", "8"])
    assert_one_line_exit(resume, 2, "net.py (model.module) changed since the run was recorded", "--use-current-code")
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0.1,0.2\n")
    predict = runner.invoke(app, ["predict", str(run), str(rows)])
    assert_one_line_exit(predict, 2, "changed since the run was recorded")


def test_use_current_code_goes_on_with_the_changed_file(tmp_path: Path, code: Path) -> None:
    """--use-current-code imports the file as it is now, and says so."""
    run = recorded(tmp_path, code)
    (code / "net.py").write_text(NET + "\n# edited\n")
    result = runner.invoke(app, ["run", "--resume", str(run), "--epochs", "8", "--use-current-code"])
    assert result.exit_code == 0, result.output
    assert "as it is now (--use-current-code)" in result.stderr


def test_predict_answers_from_the_recorded_copy_when_the_file_is_gone(tmp_path: Path, code: Path) -> None:
    """The user's net.py deleted: predict still rebuilds Net from the run's copy."""
    run = recorded(tmp_path, code)
    (code / "net.py").unlink()
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0.1,0.2\n0.9,0.9\n")
    result = runner.invoke(app, ["predict", str(run), str(rows), "--json"])
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 2 and all(a["label"] in ("0", "1") for a in answers)
    assert "recorded copy" in result.stderr


def _start(folder: Path, code: Path) -> subprocess.Popen:
    process = subprocess.Popen([*NNTUI, "run", *own_code(code), "--epochs", "100000000", "--log-interval", "50",
                                "--save", str(folder)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.stdout.readline().startswith("Epoch [150/"):
            return process
    process.kill()
    pytest.fail("the run printed no epochs")


def _resume_equals_uninterrupted(folder: Path, done: int, code: Path, tmp_path: Path) -> None:
    total = done + 20
    finished = []
    for args in (["--resume", str(folder)], [*own_code(code), "--save", str(tmp_path / "whole")]):
        ran = subprocess.run([*NNTUI, "run", *args, "--epochs", str(total), "--json"], capture_output=True, text=True,
                             timeout=300)
        assert ran.returncode == 0, ran.stderr
        finished.append(json.loads(ran.stdout.splitlines()[-1]))
    assert finished[0]["epoch"] == finished[1]["epoch"] == total
    a = torch.load(folder / "model.pt", weights_only=True)
    b = torch.load(tmp_path / "whole" / "model.pt", weights_only=True)
    assert a.keys() == b.keys() and all(torch.equal(a[name], b[name]) for name in b)


def test_ctrl_c_then_resume_equals_an_uninterrupted_run(tmp_path: Path, code: Path) -> None:
    """SIGINT stops at an epoch boundary and saves; the resumed run ends bit for bit as a whole one."""
    folder = tmp_path / "run"
    process = _start(folder, code)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGINT, err
    _resume_equals_uninterrupted(folder, read_run(folder).epochs_done, code, tmp_path)


def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path: Path, code: Path) -> None:
    """Killed after a paused checkpoint: --resume continues from it, ending as an uninterrupted run."""
    folder = tmp_path / "run"
    process = _start(folder, code)
    send_control(folder, "pause")
    deadline = time.monotonic() + 30
    while read_run(folder).status != "paused" and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the pause's checkpoint is committed right after the pause record
    paused_at = torch.load(folder / "checkpoint.pt", weights_only=True)["epoch"]
    send_control(folder, "resume")
    while read_run(folder).status != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)
    assert read_run(folder).status == "crashed"
    _resume_equals_uninterrupted(folder, paused_at, code, tmp_path)
