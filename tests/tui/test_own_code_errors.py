"""The trainer's error dialog tells an error raised inside the user's own module by the user's own
frames (their file, line and source line, as pytest lists them), not nntui's or torch's."""

from __future__ import annotations

from pathlib import Path

from engine.config.build import with_values
from engine.config.presets import preset_config
from tests.own_code.files import write
from tests.tui.conftest import STEADY, run_async, settle
from tui.app import make_app
from tui.run_host import RunHost
from tui.screens.error import ErrorScreen

RAISING = """
import torch
from torch import nn


class Net(nn.Module):
    def __init__(self, after: int = 0):
        super().__init__()
        self.fc = nn.Linear(2, 1)
        self.calls, self.after = 0, after

    def forward(self, x):
        self.calls += 1
        return self.fc(self.check(x))

    def check(self, x):
        if self.calls > self.after:
            raise ValueError("my forward gave up")
        return x
"""


def _app(after: int):
    config = with_values(preset_config("circle"), {
        "train.epochs": 30, "train.loss": "bce_logits", "model.output_activation": "none",
        "model.kind": "module", "model.module": "net.py:Net", "model.args": {"after": after}})
    return make_app(config, session_options=STEADY, host=RunHost(record=False))


async def _dialog_text(pilot, app) -> str:
    await pilot.press("space")
    await settle(pilot, app)
    assert isinstance(app.screen, ErrorScreen)
    return str(app.screen.query_one("#error-message").render())


@run_async
async def test_a_forward_raising_on_the_first_batch_is_shown_by_the_user_s_frames(tmp_path: Path,
                                                                                  monkeypatch) -> None:
    """The dry run's refusal reaches the dialog as the message, then net.py's lines, outermost first."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "net.py", RAISING)
    app = _app(after=0)
    async with app.run_test(size=(110, 40)) as pilot:
        text = await _dialog_text(pilot, app)
    lines = text.splitlines()
    assert lines[0].startswith("model.module: net.py:Net's forward raised on the first batch: ValueError: "
                               "my forward gave up")
    assert lines[1:] == ["  net.py:14, in forward", "    return self.fc(self.check(x))",
                         "  net.py:18, in check", '    raise ValueError("my forward gave up")']
    assert "engine" not in text and "torch" not in text


@run_async
async def test_a_forward_raising_in_the_middle_of_training_is_shown_by_the_user_s_frames(tmp_path: Path,
                                                                                         monkeypatch) -> None:
    """A forward that passes the dry run and raises epochs later still shows net.py's lines, not the loop's."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "net.py", RAISING)
    app = _app(after=10)
    async with app.run_test(size=(110, 40)) as pilot:
        text = await _dialog_text(pilot, app)
        assert app.session.result.epoch > 0
    assert text.splitlines() == ["Your code raised ValueError: my forward gave up",
                                 "  net.py:14, in forward", "    return self.fc(self.check(x))",
                                 "  net.py:18, in check", '    raise ValueError("my forward gave up")']


@run_async
async def test_an_error_in_the_middle_of_training_points_at_the_code_not_a_marked_field(tmp_path: Path,
                                                                                       monkeypatch) -> None:
    """No form field is at fault when the user's forward raises epochs in: the dialog says to fix the
    code, not that a field is marked."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "net.py", RAISING)
    app = _app(after=10)
    async with app.run_test(size=(110, 40)) as pilot:
        await _dialog_text(pilot, app)
        advice = str(app.screen.query_one("#error-next").render())
    assert "field at fault" not in advice and advice.startswith("Fix your code")
