"""A run of your own code watched from its folder tells the views what its own process told them:
why the Network view does not draw the module, and the failure told by the user's frames (and the
field at fault); a folder written before these fields reads as it did."""

from __future__ import annotations

import pytest

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop.events import RunFailed, RunStarted
from engine.loop.session import TrainingSession
from engine.runs.recorder import RunRecorder
from engine.runs.records import finished_from, started_from
from engine.runs.watcher import RunWatcher
from tests.helpers import Recorder
from tests.own_code.files import write

SKIPPING = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, after: int = 0):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(2, 2), nn.Linear(2, 1)
        self.calls, self.after = 0, after

    def forward(self, x):
        self.calls += 1
        if self.calls > self.after:
            raise ValueError("my forward gave up")
        return self.fc2(torch.relu(self.fc1(x)) + x)
"""


@pytest.fixture(scope="module")
def failed_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recorder, list]:
    """A recorded circle run of net.py:Net (a skip connection: not a plain stack) whose forward raises
    on its 11th call: what its listener heard, and what a watcher reads from its folder afterwards."""
    folder = tmp_path_factory.mktemp("own")
    write(folder, "net.py", SKIPPING)
    config = with_values(preset_config("circle"), {
        "train.epochs": 30, "train.loss": "bce_logits", "model.output_activation": "none",
        "model.kind": "module", "model.module": f"{folder}/net.py:Net", "model.args": {"after": 10}})
    heard = Recorder()
    session = TrainingSession(config, heard, snapshot_interval_s=None, eval_interval_s=None)
    recorder = RunRecorder(folder / "run", session).open()
    session.start()
    assert session.join(60) and recorder.close(30)
    return heard, RunWatcher(folder / "run").poll()


def test_a_watched_run_says_why_the_network_view_does_not_draw_the_module(failed_run) -> None:
    heard, watched = failed_run
    live = heard.of(RunStarted)[0].network
    assert live.startswith("The Network view draws a stack of Linear layers")
    assert [e.network for e in watched if isinstance(e, RunStarted)] == [live]


def test_a_failed_run_watched_later_shows_the_user_s_frames(failed_run) -> None:
    heard, watched = failed_run
    live = heard.end
    assert isinstance(live, RunFailed) and "net.py" in live.report
    ends = [e for e in watched if isinstance(e, RunFailed)]
    assert [(e.error, e.report, e.field) for e in ends] == [(live.error, live.report, live.field)]


def test_records_from_before_the_network_and_report_fields_still_read() -> None:
    """A start record without `network` and a failed end without `report` or `field` read as ""."""
    start = started_from({"task": "binary", "train_samples": 8}, preset_config("circle"))
    end = finished_from({"status": "failed", "epoch": 2, "message": "boom", "bad_input": False})
    assert (start.task, start.network) == ("binary", "")
    assert isinstance(end, RunFailed) and (end.error, end.report, end.field) == ("boom", "", "")


def test_a_damaged_network_or_report_field_reads_as_none_given() -> None:
    """A field of the wrong type is dropped rather than shown as the note or the frames."""
    start = started_from({"network": ["x"]}, preset_config("circle"))
    end = finished_from({"status": "failed", "message": "boom", "report": 3, "field": None})
    assert start.network == "" and (end.report, end.field) == ("", "")
