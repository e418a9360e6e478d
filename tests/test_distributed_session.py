"""engine.loop.distributed's session on a process group of one rank, in this process (Gloo, a file
store): its stops are wishes that the epoch's all_reduce turns into a stop at the epoch's end, so
that no rank leaves the others waiting in a collective. (Several ranks: tests/test_torchrun_run.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch.distributed as dist

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop.distributed import DistributedSession
from tests.helpers import Recorder


@pytest.fixture
def one_rank(tmp_path: Path):
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1)
    yield
    dist.destroy_process_group()


def _session(recorder: Recorder, **values) -> DistributedSession:
    config = with_values(preset_config("xor"), {"train.device": "cpu", "train.epochs": 1000, **values})
    return DistributedSession(config, recorder, snapshot_interval_s=None, eval_interval_s=None)


def test_a_stop_wished_before_an_epoch_is_taken_at_its_end(one_rank) -> None:
    """A stop asked for before the first epoch lets that epoch run on every rank, then ends the
    run as stopped: the ranks learn of it in the epoch's all_reduce."""
    recorder = Recorder()
    session = _session(recorder)
    session.stop()
    session.start()
    assert session.join(60)
    session.release()
    assert recorder.end.status == "stopped" and recorder.end.epoch == 1
    assert [e.epoch for e in recorder.epochs] == [1]


def test_a_run_left_alone_completes_its_epochs(one_rank) -> None:
    """Without a stop, the shared-out epochs run to the last, each reporting a finite loss."""
    recorder = Recorder()
    session = _session(recorder, **{"train.epochs": 5})
    session.start()
    assert session.join(60)
    session.release()
    assert recorder.end.status == "completed" and recorder.end.epoch == 5
    assert all(0 < e.train_loss < 1 for e in recorder.epochs)
