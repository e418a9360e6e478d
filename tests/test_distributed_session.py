"""engine.loop.distributed's session on a process group of one rank, in this process (Gloo, a file
store): its stops are wishes that the epoch's all_reduce turns into a stop at the epoch's end, so
that no rank leaves the others waiting in a collective. (Several ranks: tests/test_torchrun_run.py.)"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import torch.distributed as dist

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop.distributed import DistributedSession
from engine.loop.events import RunFailed, RunStarted
from engine.loop.session import TrainingSession
from engine.runs.folder import load_run, save_session
from tests.helpers import Recorder


@pytest.fixture
def one_rank(tmp_path: Path):
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1)
    yield
    dist.destroy_process_group()


def _session(recorder: Recorder, **values) -> DistributedSession:
    config = with_values(preset_config("xor"), {"train.device": "cpu", "train.epochs": 1000, **values})
    return DistributedSession(config, recorder, snapshot_interval_s=None, eval_interval_s=None)


def _run_out(session: DistributedSession) -> None:
    """Start the session and wait for its end, then let go of the process group."""
    session.start()
    assert session.join(60)
    session.release()


def test_a_stop_wished_before_an_epoch_is_taken_at_its_end(one_rank) -> None:
    """A stop asked for before the first epoch lets that epoch run on every rank, then ends the
    run as stopped: the ranks learn of it in the epoch's all_reduce."""
    recorder = Recorder()
    session = _session(recorder)
    session.stop()
    _run_out(session)
    assert recorder.end.status == "stopped" and recorder.end.epoch == 1
    assert [e.epoch for e in recorder.epochs] == [1]


def test_a_run_left_alone_completes_its_epochs(one_rank) -> None:
    """Without a stop, the shared-out epochs run to the last, each reporting a finite loss."""
    recorder = Recorder()
    session = _session(recorder, **{"train.epochs": 5})
    _run_out(session)
    assert recorder.end.status == "completed" and recorder.end.epoch == 5
    assert all(0 < e.train_loss < 1 for e in recorder.epochs)


def test_its_start_tells_the_number_of_processes(one_rank) -> None:
    """The run's start names the process group's size, for the run folder's start record."""
    recorder = Recorder()
    session = _session(recorder, **{"train.epochs": 1})
    _run_out(session)
    assert recorder.of(RunStarted)[0].world_size == 1


def test_a_resume_on_another_number_of_processes_fails_as_bad_input_naming_both(one_rank, tmp_path: Path) -> None:
    """A run recorded on 2 processes, resumed on a group of 1 (a range of machines that met with
    fewer): every rank refuses it before its first epoch, saying both numbers."""
    folder = tmp_path / "run"
    config = with_values(preset_config("xor"), {"train.device": "cpu", "train.epochs": 3})
    done = TrainingSession(config, Recorder(), snapshot_interval_s=None, eval_interval_s=None)
    done.start()
    assert done.join(60)
    save_session(folder, done)
    saved = replace(load_run(folder), world_size=2)
    recorder = Recorder()
    session = DistributedSession(with_values(config, {"train.epochs": 6}), recorder, snapshot_interval_s=None,
                                 eval_interval_s=None, resume=saved)
    _run_out(session)
    assert isinstance(recorder.end, RunFailed) and recorder.end.bad_input and not recorder.epochs
    assert "trained on 2 processes and this resume has 1" in recorder.end.error
