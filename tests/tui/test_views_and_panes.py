"""The views by keyboard (1-5, [ and ]) and, below 70 columns, the form and the views taking turns."""

from __future__ import annotations

from tests.tui.conftest import circle_app, run_async, screen_text
from tui.widgets.config_form import ConfigForm
from tui.widgets.key_bar import KeyBar


def shown_view(app) -> str:
    return next(view for view in ("loss", "output", "model", "log", "network") if app.query_one(f"#{view}-view").display)


@run_async
async def test_number_keys_show_each_view():
    """1 to 5 bring Loss, Boundary, Model, Log and Network to the front, without a single Tab."""
    app = circle_app()
    async with app.run_test(size=(100, 32)) as pilot:
        for key, view in (("2", "output"), ("4", "log"), ("5", "network"), ("3", "model"), ("1", "loss")):
            await pilot.press(key)
            assert shown_view(app) == view


@run_async
async def test_brackets_step_through_the_views_and_wrap():
    """] shows the next view and [ the previous one, round the ends."""
    app = circle_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("right_square_bracket")
        assert shown_view(app) == "output"
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert shown_view(app) == "network"


@run_async
async def test_the_bar_and_the_key_bar_say_how_to_switch():
    """The view bar numbers the views and marks the shown one; the key bar names 1-5 and [ ]."""
    app = circle_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("3")
        text = screen_text(app)
        assert " 1 Loss  2 Boundary [3 Model] 4 Log  5 Network " in text
        assert " 1-5 [ ] Views " in str(app.query_one(KeyBar).render())


@run_async
async def test_below_70_columns_the_form_and_the_views_take_turns():
    """At 40x12 the views fill the width; 0 shows the form (the keys in its first field), 1 the views again."""
    app = circle_app()
    async with app.run_test(size=(40, 12)) as pilot:
        form, right = app.query_one(ConfigForm), app.query_one("#right")
        assert not form.display and right.display and right.size.width == 40
        await pilot.press("0")
        await pilot.pause()
        assert form.display and not right.display and form.size.width == 40
        assert app.focused is not None and form in app.focused.ancestors
        await pilot.press("escape", "1")
        assert not form.display and right.display and shown_view(app) == "loss"
        assert " 0 Form " in str(app.query_one(KeyBar).render())


@run_async
async def test_a_small_screen_keeps_the_essential_keys():
    """At 40x12 the key bar keeps run, stop, the panes, help and quit, on at most two lines."""
    app = circle_app()
    async with app.run_test(size=(40, 12)):
        lines = str(app.query_one(KeyBar).render()).split("\n")
        assert len(lines) <= 2 and all(len(line) <= 40 for line in lines)
        for key in (" space Run/pause ", " s Stop ", " 0 Form ", " 1-5 [ ] Views ", " ? Help ", " q Quit "):
            assert key in "\n".join(lines) + " "


@run_async
async def test_a_views_own_keys_show_only_where_they_act():
    """l shows with the Loss view; t and d with a boundary, not with linreg's Fit view."""
    from engine.config.presets import preset_config
    from tests.tui.conftest import STEADY
    from tui.app import make_app

    app = make_app(preset_config("linreg"), session_options=STEADY)
    async with app.run_test(size=(100, 32)) as pilot:
        assert " l Log scale " in str(app.query_one(KeyBar).render())
        await pilot.press("2")
        keys = str(app.query_one(KeyBar).render())
        assert " l Log scale " not in keys and " t Test points " not in keys and " d Hard classes " not in keys
