"""Snapshots of the main screen after a finished circle run, at 80x24 and 120x40, and at 80x24
under --ascii (every character of which must be 7-bit)."""

from __future__ import annotations

import pytest

from tests.tui.conftest import circle_app, screen_text
from tui.bridge import EventBridge


def finished_circle(ascii_only: bool = False):
    """A completed 20-epoch circle run with the timing figures pinned, so the picture is stable."""
    app = circle_app(epochs=20, ascii_only=ascii_only)

    async def run_before(pilot) -> None:
        app.session.start()
        assert app.session.join(30)  # every event is in the bridge once the thread has ended
        await app.workers.wait_for_complete()
        figures = app.bridge.figures
        figures.latest = EventBridge.pinned(figures.latest)
        app.tick()
        app.chart.redraw()
        app.output.redraw()
        await pilot.pause()

    return app, run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_finished_circle_run(snap_compare, size):
    """The main screen after a circle run: form, metrics, chart (and boundary when wide)."""
    app, run_before = finished_circle()
    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_finished_circle_run_in_ascii(snap_compare):
    """--ascii at 80x24 after a run: the same screen in 7-bit characters, not one above 127."""
    app, run_before = finished_circle(ascii_only=True)

    async def run_and_check(pilot) -> None:
        await run_before(pilot)
        assert all(ord(c) < 128 for c in screen_text(app))

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_and_check)
