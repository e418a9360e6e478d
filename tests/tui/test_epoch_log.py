"""The epoch log shows the newest lines, scrolls back on request, and holds still while new lines
arrive under a reader; it never changes size, so new lines cost no layout of the screen."""

from __future__ import annotations

from contextlib import asynccontextmanager

from textual.app import App, ComposeResult

from tests.tui.conftest import run_async
from tui.widgets.epoch_log import MAX_LINES, EpochLog


class LogApp(App):
    CSS = "EpochLog { height: 10; }"

    def compose(self) -> ComposeResult:
        yield EpochLog()


def numbered(start: int, stop: int) -> list[str]:
    return [f"line {i}" for i in range(start, stop)]


@asynccontextmanager
async def log_holding(lines: list[str]):
    """A focused 10-line log that has been given `lines`, and the pilot driving it."""
    app = LogApp()
    async with app.run_test(size=(40, 12)) as pilot:
        log = app.query_one(EpochLog)
        log.add(lines)
        log.focus()
        await pilot.pause()
        yield pilot, log


@run_async
async def test_the_newest_lines_fill_the_view():
    async with log_holding(numbered(0, 100)) as (_, log):
        assert log.visible() == numbered(90, 100)


@run_async
async def test_scrolling_back_holds_the_view_while_lines_arrive():
    async with log_holding(numbered(0, 100)) as (pilot, log):
        for _ in range(5):
            await pilot.press("up")
        assert log.visible()[:9] == numbered(85, 94)
        assert log.visible()[-1] == "-- 5 newer lines below (End) --"
        log.add(numbered(100, 103))
        assert log.visible()[:9] == numbered(85, 94)
        await pilot.press("end")
        assert log.visible() == numbered(93, 103)


@run_async
async def test_the_log_keeps_its_size_and_its_last_lines_only():
    async with log_holding(numbered(0, 5)) as (pilot, log):
        size = log.size
        log.add(numbered(5, MAX_LINES + 50))
        await pilot.pause()
        assert log.size == size and len(log.lines) == MAX_LINES and log.lines[0] == "line 50"
        await pilot.press("home")
        assert log.visible()[0] == "line 50"


@run_async
async def test_a_line_wider_than_the_log_wraps_instead_of_being_cut():
    """At 80 columns the log is narrow: 'Test Accuracy: 100.00%' must not read as '10'."""
    line = "Epoch [100/100], Loss: 0.0001, Test Accuracy: 100.00%"
    async with log_holding(["first", line]) as (_, log):
        rows = log.visible()
        assert rows[0] == "first" and " ".join(r.strip() for r in rows[1:]) == line and all(len(r) <= 40 for r in rows)


@run_async
async def test_a_wrapped_line_breaks_between_words():
    """A long line goes on at a word boundary, indented, so no word is cut in two."""
    line = "Epoch [100/100], Loss: 0.0001, Test Accuracy: 100.00%"
    async with log_holding([line]) as (_, log):
        assert log.visible() == ["Epoch [100/100], Loss: 0.0001, Test", "  Accuracy: 100.00%"]
