"""Every kind of live run shows viewers the one Session face (engine.loop.live_run): a run trained
here, a run watched through its folder, and a TensorBoard run another program writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.config.schema import RunConfig
from engine.loop.live_run import Session
from engine.loop.run_state import RunState, RunStatus, is_live
from engine.loop.session import TrainingSession
from engine.runs.remote import RemoteSession
from tui.cli.main import app


def state_after_join(session: Session) -> RunState:
    """What a viewer typed against the Protocol reads: mypy checks the sessions passed here."""
    session.join(5)
    return session.state


def test_a_session_trained_here_is_a_session(quick_circle: RunConfig) -> None:
    """A TrainingSession has every member of Session and finishes as RunState.FINISHED."""
    session = TrainingSession(quick_circle, snapshot_interval_s=None)
    assert isinstance(session, Session) and session.state is RunState.IDLE
    session.start()
    assert state_after_join(session) is RunState.FINISHED and session.state == "finished"


def test_a_run_watched_through_its_folder_is_a_session(tmp_path: Path) -> None:
    """A RemoteSession on a recorded run has every member of Session and reads it as finished."""
    folder = tmp_path / "run"
    assert CliRunner().invoke(app, ["run", "-p", "circle", "--epochs", "3", "--save", str(folder)]).exit_code == 0
    watched = RemoteSession(folder)
    try:
        assert isinstance(watched, Session) and watched.state is RunState.FINISHED
        assert watched.status == "completed" and len(watched.history) == 3
    finally:
        watched.close()


def test_a_tensorboard_run_watched_is_a_session(tmp_path: Path) -> None:
    """A RemoteSession on another program's TensorBoard events has every member of Session."""
    pytest.importorskip("tensorboard")
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(tmp_path / "tb"))
    for step in range(1, 3):
        writer.add_scalar("Loss/train", 1.0 / step, step)
    writer.close()
    watched = RemoteSession(tmp_path / "tb")
    try:
        assert isinstance(watched, Session) and watched.foreign and watched.state is RunState.RUNNING
    finally:
        watched.close()


@pytest.mark.parametrize("word", [*RunState, *RunStatus, "loading"])
def test_a_run_is_live_while_running_or_paused_whichever_word_names_it(word: str) -> None:
    """A session's state, a folder's status and the trainer's shown phase agree on what is live."""
    assert is_live(word) == (str(word) in ("running", "paused"))
