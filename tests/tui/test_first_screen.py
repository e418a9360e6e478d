"""Before a run, the trainer's first screen says the lr that run will start with: the metrics
panel reads it from the configuration (a schedule's first lr under onecycle), and the form's lr
row scrolls into sight when it is reached. Checked as a person sees it too, in tmux."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid

import pytest

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.rules import start_lr
from tests.tui.conftest import STEADY, run_async, wait_for
from tui.app import make_app
from tui.bridge import RunFigures
from tui.widgets.metrics import metrics_text


def test_before_a_run_the_metrics_show_the_lr_it_will_start_with() -> None:
    text = metrics_text("idle", "", RunFigures(), 3_000_000, upcoming=(0.05, "none")).plain
    assert "best test -  lr 0.05\n" in text


def test_under_onecycle_the_first_lr_is_the_warm_up_s_and_the_schedule_is_named() -> None:
    config = with_values(preset_config("moons"), {"train.schedule": "onecycle", "train.lr": 0.1})
    text = metrics_text("idle", "", RunFigures(), 100, upcoming=(start_lr(config), "onecycle")).plain
    assert "lr 0.004 onecycle" in text


@run_async
async def test_the_form_s_lr_row_scrolls_into_sight_when_reached() -> None:
    config = with_values(preset_config("circle"), {"train.lr": 0.05, "train.epochs": 3_000_000})
    app = make_app(config, session_options=STEADY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "lr 0.05" in str(app.query_one("#metrics").render())
        field = app.query_one("#field-train-lr")
        field.focus()
        form = app.query_one("#form")
        await wait_for(lambda: form.scrollable_content_region.contains_region(field.region), timeout=5)


def _screen(size: tuple[int, int], *args: str, timeout: float = 40.0, want: str = "lr 0.05") -> str:
    """The trainer's screen in a tmux window of `size` once it shows `want` (or the timeout)."""
    socket = f"nntui-test-{uuid.uuid4().hex[:8]}"
    tmux = ["tmux", "-L", socket]
    command = " ".join([sys.executable, "-m", "tui.cli", "tui", *args])
    subprocess.run([*tmux, "new-session", "-d", "-x", str(size[0]), "-y", str(size[1]), command], check=True)
    try:
        end = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < end:
            screen = subprocess.run([*tmux, "capture-pane", "-p"], capture_output=True, text=True).stdout
            if want in screen:
                break
            time.sleep(0.3)  # a poll of the tmux window
        return screen
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
def test_in_tmux_the_first_screen_shows_the_lr_given(size: tuple[int, int]) -> None:
    """`nntui tui --preset circle --lr 0.05 --epochs 3000000` (issue 26): `lr -` before the fix."""
    screen = _screen(size, "--preset", "circle", "--lr", "0.05", "--epochs", "3000000")
    assert "best test -  lr 0.05" in screen, screen
