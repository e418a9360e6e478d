"""Fixtures for the trainer's tests: small runs, and helpers that wait on the engine."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from engine.config.build import with_values
from engine.config.presets import preset_config
from tui.app import NNTuiApp, make_app
from tui.run_host import RunHost
from tui.widgets.output_view import OutputView

# Deterministic sessions: test evaluation and snapshots only on log epochs and at the end.
STEADY = {"eval_interval_s": None, "snapshot_interval_s": None, "boundary_size": (40, 20)}


@pytest.fixture(autouse=True)
def state_home(tmp_path, monkeypatch):
    """The trainer's log file goes to a folder of the test's own, not the user's ~/.local/state."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


def circle_app(epochs: int = 20, ascii_only: bool = False, record: bool = True, **session) -> NNTuiApp:
    """The circle preset cut to `epochs`; its runs recorded (under the test's NNTUI_RUNS_DIR) unless
    `record` is False, as `nntui tui --no-save` would."""
    config = with_values(preset_config("circle"), {"train.epochs": epochs, "train.log_interval": 5})
    return make_app(config, ascii_only=ascii_only, session_options={**STEADY, **session}, host=RunHost(record=record))


async def wait_for(condition, timeout: float = 30.0, seen=lambda: "") -> None:
    """Wait until `condition()` holds (a watched run's epochs arriving), failing after `timeout`
    with what `seen()` says."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, f"timed out {seen()}".strip()
        await asyncio.sleep(0.02)  # a poll, not a wait for time to pass


async def settle(pilot, app: NNTuiApp, until: str = "finished", timeout: float = 30.0) -> None:
    """Wait until the session reaches `until` with its thread held between epochs or gone: every
    event it reported is in the bridge then. Drain the bridge, let the UI handle what that posted,
    and let any worker it started (a view's refresh, the lr plan) end and be drawn."""
    await wait_for(lambda: app.session.state == until and app.session.wait_until_held(0), timeout,
                   lambda: f"(session is {app.session.state}, wanted {until})")
    app.tick()
    await pilot.pause()
    await drained(pilot, app)


async def drained(pilot, app: NNTuiApp) -> None:
    """Let the app's thread workers end, then drain what they reported and draw it."""
    await app.workers.wait_for_complete()
    app.tick()
    await pilot.pause()


async def train_and_show_output(pilot, app: NNTuiApp) -> OutputView:
    """Train to the end, then bring the output view (boundary, fit or images) to the front."""
    await pilot.press("space")
    await settle(pilot, app)
    await pilot.press("2")
    await pilot.pause()
    return app.query_one(OutputView)


def run_async(test):
    """Run an async test on a fresh event loop (the project does not use pytest-asyncio)."""
    import functools

    @functools.wraps(test)
    def wrapper(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return wrapper


def screen_text(app: NNTuiApp) -> str:
    """What the terminal shows now, as plain text: every cell of the screen (dialogs included)."""
    import io

    from rich.console import Console

    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
                      force_terminal=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text()


async def answer_path_dialog(pilot, app: NNTuiApp, path) -> None:
    """Type `path` into the open path dialog, accept it and wait for the save (or load) to end."""
    from textual.widgets import Input

    from tui.screens.path_dialog import PathDialog

    assert isinstance(app.screen, PathDialog)
    app.screen.query_one("#path", Input).value = str(path)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def trained_and_saved(pilot, app: NNTuiApp, folder) -> None:
    """Train the app's run to its end and save it into `folder` with Ctrl+S."""
    await pilot.press("space")
    await settle(pilot, app)
    await pilot.press("ctrl+s")
    await pilot.pause()
    await answer_path_dialog(pilot, app, folder)


def break_the_engine(monkeypatch, message: str) -> None:
    """Make building the next run raise RuntimeError(message), as a failure inside torch would."""
    import engine.loop.trainer

    def broken(self, config, *rest):
        raise RuntimeError(message)

    monkeypatch.setattr(engine.loop.trainer.Trainer, "__init__", broken)


@dataclass(frozen=True)
class Notice:
    """One notification the app raised (a toast), as it raised it."""

    message: str
    title: str
    severity: str


def record_notices(app: NNTuiApp) -> list[Notice]:
    """The list every later `app.notify` call is added to (through the public method, not
    Textual's private store of toasts)."""
    said: list[Notice] = []
    original = app.notify

    def notify(message, *, title: str = "", severity: str = "information", **options):
        said.append(Notice(str(message), title, severity))
        return original(message, title=title, severity=severity, **options)

    app.notify = notify  # type: ignore[method-assign]
    return said
