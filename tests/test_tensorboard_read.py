"""TensorBoard log folders written by other programs, read as runs: `nntui runs`, `nntui compare`,
the watcher that feeds `nntui watch`, and event files that are cut, damaged or not event files."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.loop.events import EpochEnded, RunStarted
from engine.runs.remote import RemoteSession
from engine.runs.tensorboard.tags import column_tags
from engine.runs.tensorboard.watcher import TensorBoardWatcher
from tui.cli.main import app

pytest.importorskip("tensorboard")
from torch.utils.tensorboard import SummaryWriter  # noqa: E402
from torch.utils.tensorboard.summary import hparams  # noqa: E402

runner = CliRunner()


def write_run(folder: Path, steps: int = 20, lr: float = 0.1, new_style: bool = False, **hparam) -> Path:
    """A plain SummaryWriter script's run: Loss/train and Loss/test per step, hparams at the start."""
    writer = SummaryWriter(str(folder))
    for summary in hparams({"lr": lr, **hparam}, {"hp_metric": 0.0}):
        writer.file_writer.add_summary(summary)
    for step in range(1, steps + 1):
        writer.add_scalar("Loss/train", 1.0 / step, step, new_style=new_style)
        writer.add_scalar("Loss/test", 2.0 / step, step, new_style=new_style)
    writer.close()
    return next(folder.glob("events.out.tfevents.*"))


def write_lightning_run(folder: Path, epochs: int, lr: float) -> None:
    """What Lightning's TensorBoardLogger leaves: per-step and per-epoch train loss, val_loss and
    val_acc, the epoch number, hp_metric and the hparams plugin's summaries, plus hparams.yaml."""
    writer = SummaryWriter(str(folder))
    for summary in hparams({"lr": lr, "batch_size": 32}, {"hp_metric": -1}):
        writer.file_writer.add_summary(summary)
    step = 0
    for epoch in range(epochs):
        for _ in range(4):
            step += 1
            writer.add_scalar("train_loss_step", 1.0 / step, step)
        writer.add_scalar("train_loss_epoch", 1.0 / step, step)
        writer.add_scalar("val_loss", 1.5 / step, step)
        writer.add_scalar("val_acc", 0.5 + epoch / 100, step)
        writer.add_scalar("epoch", epoch, step)
    writer.close()
    (folder / "hparams.yaml").write_text(f"lr: {lr}\nbatch_size: 32\n")


def runs_json(folder: Path) -> tuple[list[dict], str]:
    result = runner.invoke(app, ["runs", str(folder), "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def test_a_summary_writer_log_folder_is_listed_run_by_run_with_its_tags(tmp_path) -> None:
    """`nntui runs LOGDIR`: each event-file folder a run, its steps, and min/max/last per tag."""
    write_run(tmp_path / "logs" / "a", steps=20)
    write_run(tmp_path / "logs" / "b", steps=7)
    runs, stderr = runs_json(tmp_path / "logs")
    assert stderr == ""
    by_name = {run["name"]: run for run in runs}
    assert by_name["a"]["epochs_done"] == 20 and by_name["b"]["epochs_done"] == 7
    assert by_name["a"]["tags"]["Loss/train"] == {"points": 20, "first_step": 1, "last_step": 20,
                                                 "minimum": pytest.approx(0.05), "maximum": 1.0,
                                                 "last": pytest.approx(0.05)}
    assert by_name["a"]["best_test_loss"] == pytest.approx(0.1)  # Loss/test paired as the test loss
    table = runner.invoke(app, ["runs", str(tmp_path / "logs")])
    assert "tensorboard" in table.stdout and table.stdout.count("\n") == 3


def test_tensor_scalars_are_read_as_simple_values_are(tmp_path) -> None:
    """Scalars written as one-value tensors (tf.summary's way, SummaryWriter new_style) read the same."""
    write_run(tmp_path / "logs" / "t", steps=5, new_style=True)
    runs, _ = runs_json(tmp_path / "logs")
    assert runs[0]["tags"]["Loss/train"]["points"] == 5 and runs[0]["tags"]["Loss/train"]["last"] == pytest.approx(0.2)


def test_a_lightning_log_folder_is_listed_and_compared(tmp_path) -> None:
    """lightning_logs/version_N: listed; compare shows the differing hparam and every tag's figures."""
    logs = tmp_path / "lightning_logs"
    write_lightning_run(logs / "version_0", epochs=3, lr=0.01)
    write_lightning_run(logs / "version_1", epochs=5, lr=0.1)
    runs, _ = runs_json(logs)
    assert sorted(run["name"] for run in runs) == ["version_0", "version_1"]
    assert {run["name"]: run["hparams"]["lr"] for run in runs} == {"version_0": 0.01, "version_1": 0.1}
    result = runner.invoke(app, ["compare", str(logs / "version_0"), str(logs / "version_1"), "--json"])
    assert result.exit_code == 0, result.output
    compared = json.loads(result.stdout)
    assert compared["differences"] == {"lr": [0.01, 0.1]}  # batch_size is the same: not shown
    assert set(compared["tags"]) == {"train_loss_step", "train_loss_epoch", "val_loss", "val_acc", "epoch"}
    assert compared["figures"][1]["epochs"] == 20 and compared["figures"][1]["test_accuracy"] == pytest.approx(0.54)


def test_tags_pair_into_train_and_test_columns_by_name() -> None:
    """Loss/train and Loss/test, Lightning's epoch-level loss over its per-step one, val_acc, lr-Adam."""
    assert column_tags(["Loss/train", "Loss/test", "lr"]) == {"train_loss": "Loss/train", "test_loss": "Loss/test",
                                                               "lr": "lr"}
    assert column_tags(["train_loss_step", "train_loss_epoch", "val_loss", "val_acc", "lr-Adam", "epoch"]) == {
        "train_loss": "train_loss_epoch", "test_loss": "val_loss", "test_accuracy": "val_acc", "lr": "lr-Adam"}
    assert column_tags(["hparam/test_loss", "hp_metric", "loss"]) == {"train_loss": "loss"}
    assert column_tags(["loss", "my/loss"], chosen={"train_loss": "my/loss"})["train_loss"] == "my/loss"


def test_a_truncated_event_file_is_read_up_to_its_last_whole_record(tmp_path) -> None:
    """A script killed mid-write: one warning line, its whole records shown, the other runs too."""
    cut = write_run(tmp_path / "logs" / "cut", steps=10)
    cut.write_bytes(cut.read_bytes()[:-7])
    write_run(tmp_path / "logs" / "whole", steps=3)
    old = time.time() - 600
    os.utime(cut, (old, old))  # written long ago: not a file still being written
    runs, stderr = runs_json(tmp_path / "logs")
    assert {run["name"]: run["epochs_done"] for run in runs} == {"cut": 10, "whole": 3}
    assert runs[[r["name"] for r in runs].index("cut")]["tags"]["Loss/test"]["last_step"] == 9
    lines = stderr.splitlines()
    assert len(lines) == 1 and "truncated last record" in lines[0] and str(cut) in lines[0]


def test_a_crc_mismatch_stops_that_file_with_one_line(tmp_path) -> None:
    """A damaged record: what precedes it is shown, the line says so, the other runs are listed."""
    damaged = write_run(tmp_path / "logs" / "bad", steps=10)
    data = bytearray(damaged.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged.write_bytes(bytes(data))
    write_run(tmp_path / "logs" / "good", steps=4)
    runs, stderr = runs_json(tmp_path / "logs")
    assert len(runs) == 2 and "damaged record (CRC mismatch)" in stderr and len(stderr.splitlines()) == 1
    assert 0 < {run["name"]: run["epochs_done"] for run in runs}["bad"] < 10


def test_a_file_named_like_an_event_file_that_is_not_one(tmp_path) -> None:
    """Text, and a FIFO, under an event file's name: one line each, no hang, the real run listed."""
    write_run(tmp_path / "logs" / "real", steps=2)
    (tmp_path / "logs" / "text").mkdir()
    (tmp_path / "logs" / "text" / "events.out.tfevents.123.host").write_text("hello, not a record\n" * 10)
    (tmp_path / "logs" / "pipe").mkdir()
    os.mkfifo(tmp_path / "logs" / "pipe" / "events.out.tfevents.456.host")
    runs, stderr = runs_json(tmp_path / "logs")
    assert {run["name"] for run in runs} == {"real", "text", "pipe"}
    lines = stderr.splitlines()
    assert len(lines) == 2
    assert any("not a TensorBoard event file" in line for line in lines)
    assert any("not a regular file" in line for line in lines)


def test_an_empty_log_folder_lists_no_runs(tmp_path) -> None:
    """An empty folder is no error: the usual `No runs` line, exit 0."""
    (tmp_path / "logs").mkdir()
    result = runner.invoke(app, ["runs", str(tmp_path / "logs")])
    assert result.exit_code == 0 and "No runs in" in result.stdout


def test_many_runs_are_listed_without_hanging(tmp_path) -> None:
    """A log folder of 300 small runs is listed whole, in a few seconds."""
    one = write_run(tmp_path / "seed", steps=3)
    for n in range(300):
        folder = tmp_path / "logs" / f"run{n:04d}"
        folder.mkdir(parents=True)
        (folder / one.name).write_bytes(one.read_bytes())
    began = time.monotonic()
    runs, _ = runs_json(tmp_path / "logs")
    assert len(runs) == 300 and time.monotonic() - began < 30


def test_the_watcher_passes_a_step_on_once_a_later_one_is_written(tmp_path) -> None:
    """While a script writes, the newest step waits (its test loss may follow); then every step arrives."""
    folder = tmp_path / "live"
    writer = SummaryWriter(str(folder))
    for step in (1, 2, 3):
        writer.add_scalar("loss/train", 1.0 / step, step)
    writer.flush()
    watcher = TensorBoardWatcher(folder)
    first = watcher.poll()
    assert isinstance(first[0], RunStarted)
    assert [e.epoch for e in first if isinstance(e, EpochEnded)] == [1, 2]
    writer.add_scalar("loss/test", 0.5, 3)
    writer.add_scalar("loss/train", 0.25, 4)
    writer.flush()
    arrived = [e for e in watcher.poll() if isinstance(e, EpochEnded)]
    assert [(e.epoch, e.test_loss) for e in arrived] == [(3, 0.5)]
    writer.close()
    time.sleep(1.1)
    assert [e.epoch for e in watcher.poll() if isinstance(e, EpochEnded)] == [4]
    assert list(watcher.history.epochs) == [1, 2, 3, 4]


def test_a_watched_tensorboard_run_refuses_every_control(tmp_path) -> None:
    """Pause, stop, lr: each refused with a sentence saying a foreign run cannot be controlled."""
    write_run(tmp_path / "run", steps=3)
    session = RemoteSession(tmp_path / "run")
    try:
        assert "cannot be controlled" in (session.control_problem() or "")
        for control in (session.pause, session.stop, lambda: session.set_lr(0.1)):
            with pytest.raises(Exception, match="cannot be controlled"):
                control()
        deadline = time.monotonic() + 10
        while len(session.history) < 3:  # the last step, once the file has been still for a second
            assert time.monotonic() < deadline, "the last step never arrived"
            time.sleep(0.05)
    finally:
        session.close()


def test_the_c_checksum_gives_the_tensorboard_package_own_checksums() -> None:
    """With google-crc32c in use, every record checksum is what the package's pure-Python one gives."""
    pytest.importorskip("google_crc32c")
    from tensorboard.compat.tensorflow_stub import pywrap_tensorflow as stub

    from engine.runs.tensorboard.fast_crc import use_fast_crc

    assert use_fast_crc()
    for data in (b"", b"123456789", bytes(range(256)) * 40):
        pure = stub.crc_finalize(stub.crc_update(stub.CRC_INIT, data))
        assert stub.crc32c(data) == pure
