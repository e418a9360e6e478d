"""Help that can be read to its end from the keyboard at 80x24, and every way out asking while a
run is not saved, with save-and-quit offered."""

from __future__ import annotations

from textual.containers import VerticalScroll

from tests.tui.conftest import answer_path_dialog, circle_app, run_async, screen_text, settle, trained_and_saved
from tui.screens.confirm import ConfirmQuit
from tui.screens.help import HelpScreen


@run_async
async def test_help_scrolls_to_its_end_from_the_keyboard_at_80x24():
    """? opens the help; End (or PgDn) scrolls it to its last line, which says how to close it."""
    app = circle_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        scroll = app.screen.query_one("#help-scroll", VerticalScroll)
        assert scroll.max_scroll_y > 0 and "Escape closes this help." not in screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        assert "Escape closes this help." in screen_text(app)


@run_async
async def test_help_explains_choosers_lr_views_and_symbols():
    """The help names the chooser keys, the lr rule, the view keys, the point symbols and Escape."""
    app = circle_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        for words in ("chooser", "learning rate", "Keys 1-5 show a view", "filled train, hollow test", "Escape"):
            assert words in text, words
        assert isinstance(app.screen, HelpScreen)


@run_async
async def test_ctrl_q_asks_while_a_run_is_not_saved():
    """Ctrl+Q, like q, asks first during a run; n stays and the run goes on."""
    app = circle_app(epochs=100_000)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        await settle(pilot, app, "paused")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit) and app.is_running
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmQuit) and app.session.state == "paused"


@run_async
async def test_a_finished_unsaved_run_asks_before_quitting():
    """q after a run that finished but was never saved asks too: the run would be lost."""
    app = circle_app(epochs=5)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmQuit) and "epoch 5 of 5" in screen_text(app)


@run_async
async def test_nothing_to_lose_quits_at_once():
    """With no run trained, q leaves without a question."""
    app = circle_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


@run_async
async def test_save_and_quit_saves_the_run_then_leaves(tmp_path):
    """s in the quit question asks for a folder, saves the run there and then quits."""
    app = circle_app(epochs=5)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("q")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        await answer_path_dialog(pilot, app, tmp_path / "kept")
        assert not app.is_running
    assert {"model.pt", "checkpoint.pt", "metrics.csv"} <= {p.name for p in (tmp_path / "kept").iterdir()}


@run_async
async def test_a_saved_run_quits_without_asking(tmp_path):
    """Once the run is saved at its last epoch, q leaves at once."""
    app = circle_app(epochs=5)
    async with app.run_test(size=(100, 32)) as pilot:
        await trained_and_saved(pilot, app, tmp_path / "run")
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
