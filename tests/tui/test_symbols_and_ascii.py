"""One symbol per meaning (a point's shape is its class, filled for train, hollow for test) in
colour, without it, in 7-bit text and in `nntui run`'s boundary; and an --ascii trainer that
puts nothing but 7-bit characters on the screen."""

from __future__ import annotations

import pytest

from engine.export.boundary import MARKERS
from tests.tui.conftest import circle_app, record_notices, run_async, screen_text, settle
from tui.render.boundary_cells import BoundaryStyle, boundary_cells
from tui.render.boundary_text import boundary_lines
from tui.render.symbols import ASCII_SHAPES
from tui.screens.confirm import ConfirmQuit

GRID = [[[0.9] * 4] * 4, [[0.1] * 4] * 4]  # class 0 everywhere, 4x4 (two lines of cells)
TRAIN, TEST = [(0.1, 0.9, 1)], [(0.9, 0.1, 1)]  # one class-1 point of each kind, top left and bottom right


def drawn(style: BoundaryStyle) -> tuple[str, str]:
    """The characters of the class-1 train point and the class-1 test point."""
    lines = boundary_cells(GRID, (0, 1), (0, 1), TRAIN, TEST, style).plain.split("\n")
    return lines[0][0], lines[-1][-1]


def test_a_point_looks_the_same_with_and_without_colour() -> None:
    """Class 1 is a square in colour and without it: filled for train, hollow for test."""
    assert drawn(BoundaryStyle(color=True)) == drawn(BoundaryStyle(color=False)) == ("■", "□")


def test_ascii_points_are_letters_lower_for_train_upper_for_test() -> None:
    """In 7-bit text class 1 is s for a training point and S for a test point."""
    assert drawn(BoundaryStyle(color=False, ascii_only=True)) == ("s", "S")


def test_the_cli_boundary_uses_the_trainers_symbols() -> None:
    """`nntui run`'s boundary draws a class-1 training point as the trainer does, and the exported
    script's boundary uses the same letters."""
    assert boundary_lines(GRID, (0, 1), (0, 1), TRAIN)[0][0] == "■"
    assert boundary_lines(GRID, (0, 1), (0, 1), TRAIN, ascii_only=True)[0][0] == "s"
    assert MARKERS == ASCII_SHAPES


def non_ascii(text: str) -> set[str]:
    return {c for c in text if ord(c) >= 128}


@pytest.mark.parametrize("size", [(80, 24), (40, 12)])
@run_async
async def test_an_ascii_trainer_screen_is_seven_bit(size):
    """--ascii: the idle screen, a finished run's four views, a notice, the help, a chooser's list
    and the quit question hold only 7-bit characters (arrows, divider, view bar, scroll bar included)."""
    app = circle_app(epochs=10, ascii_only=True, record=False)  # unrecorded: quitting asks
    notices = record_notices(app)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert not non_ascii(screen_text(app)), "idle"
        await pilot.press("space")
        await settle(pilot, app)
        for key in ("1", "2", "3", "4"):
            await pilot.press(key)
            await pilot.pause()
            assert not non_ascii(screen_text(app)), f"view {key}"
        await pilot.press("0", "question_mark")
        await pilot.pause()
        assert not non_ascii(screen_text(app)), "help"
        await pilot.press("escape")
        app.query_one("#field-model-activation").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not non_ascii(screen_text(app)), "chooser list"
        await pilot.press("escape", "escape", "q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit) and not non_ascii(screen_text(app)), "quit question"
        await pilot.press("n", "r")  # stay; reset, and a notice pops up
        await pilot.pause()
        assert notices and not non_ascii(screen_text(app)), "notice"
