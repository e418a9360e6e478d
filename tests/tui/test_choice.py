"""The form's choosers and the keys line: keyboard, mouse and what they show."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import OptionList

from engine.config.presets import preset_config
from tests.tui.conftest import STEADY, circle_app, run_async
from tui.app import make_app
from tui.screens.choice_menu import ChoiceMenu
from tui.screens.help import HelpScreen
from tui.widgets.choice import Choice
from tui.widgets.key_bar import KeyBar

OPTIONS = ("relu", "tanh", "sigmoid")


class ChoiceApp(App):
    """One chooser below an empty row, recording what it announces."""

    def __init__(self, **choice) -> None:
        super().__init__()
        self.choice_args = choice
        self.announced: list[str | None] = []

    def compose(self) -> ComposeResult:
        yield Choice(OPTIONS, "relu", id="act", **self.choice_args)

    def on_choice_changed(self, event: Choice.Changed) -> None:
        self.announced.append(event.value)


@run_async
async def test_enter_opens_the_list_under_the_field_at_the_current_value():
    app = ChoiceApp()
    async with app.run_test(size=(40, 20)) as pilot:
        app.query_one(Choice).focus()
        await pilot.press("enter")
        menu = app.screen
        assert isinstance(menu, ChoiceMenu)
        listing = menu.query_one(OptionList)
        assert listing.highlighted == 0
        assert listing.region.y == app.screen_stack[0].query_one(Choice).region.bottom


@run_async
async def test_picking_from_the_list_sets_and_announces_the_value():
    app = ChoiceApp()
    async with app.run_test(size=(40, 20)) as pilot:
        app.query_one(Choice).focus()
        await pilot.press("enter", "down", "down", "enter")
        assert app.query_one(Choice).value == "sigmoid"
        assert app.announced == ["sigmoid"]


@run_async
async def test_escape_closes_the_list_and_keeps_the_value():
    app = ChoiceApp()
    async with app.run_test(size=(40, 20)) as pilot:
        app.query_one(Choice).focus()
        await pilot.press("enter", "down", "escape")
        assert not isinstance(app.screen, ChoiceMenu)
        assert app.query_one(Choice).value == "relu" and app.announced == []


@run_async
async def test_left_and_right_step_through_the_options_and_wrap():
    app = ChoiceApp()
    async with app.run_test(size=(40, 20)) as pilot:
        app.query_one(Choice).focus()
        await pilot.press("right", "right", "right", "left")
        assert app.announced == ["tanh", "sigmoid", "relu", "sigmoid"]


@run_async
async def test_a_click_opens_the_list_and_a_click_on_an_option_picks_it():
    app = ChoiceApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.click(Choice)
        assert isinstance(app.screen, ChoiceMenu)
        await pilot.click(OptionList, offset=(2, 1 + 1))  # inside the border: the second option
        assert app.query_one(Choice).value == "tanh"
        assert not isinstance(app.screen, ChoiceMenu)


@run_async
async def test_a_click_beside_the_list_keeps_the_value():
    app = ChoiceApp()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.click(Choice)
        await pilot.click(offset=(35, 15))
        assert not isinstance(app.screen, ChoiceMenu)
        assert app.query_one(Choice).value == "relu"


@run_async
async def test_near_the_bottom_the_list_opens_above_the_field():
    app = ChoiceApp()
    async with app.run_test(size=(40, 8)) as pilot:
        chooser = app.query_one(Choice)
        chooser.styles.offset = (0, 6)
        await pilot.pause()
        chooser.focus()
        await pilot.press("enter")
        listing = app.screen.query_one(OptionList)
        assert listing.region.bottom == chooser.region.y


@run_async
async def test_a_blank_chooser_shows_its_prompt_until_chosen():
    app = ChoiceApp()
    async with app.run_test(size=(40, 20)) as pilot:
        chooser = app.query_one(Choice)
        chooser.allow_blank, chooser.prompt = True, "pick one"
        chooser.value = None
        await pilot.pause()
        assert str(chooser.render()).startswith("pick one")
        chooser.focus()
        await pilot.press("right")
        assert chooser.value == "relu"


def test_a_value_outside_the_options_is_refused_with_them_listed():
    with pytest.raises(ValueError, match="relu, tanh, sigmoid"):
        Choice(OPTIONS, "softmax")


@run_async
async def test_the_keys_line_names_every_shown_key_from_the_first_frame():
    app = circle_app()
    async with app.run_test(size=(200, 30)):
        text = str(app.query_one(KeyBar).render())
        # at 200 columns every view is in sight: all of their keys, but the Network view's, which
        # act only once there is a network drawn (the arrows) and a unit picked (o), and the Loss
        # view's g, offered only for a watched TensorBoard run (it has tags to pick)
        shown = [b for b in app.BINDINGS
                 if b.show and b.action not in ("pick_neuron(-1, 0)", "show_output", "pick_tags")]
        assert all(f" {app.get_key_display(b)} {b.description} " in text + " " for b in shown)


@run_async
async def test_a_click_on_a_key_runs_its_action():
    app = circle_app()
    async with app.run_test(size=(200, 30)) as pilot:
        bar = app.query_one(KeyBar)
        text = str(bar.render())
        await pilot.click(KeyBar, offset=(text.index("Help"), 0))
        assert isinstance(app.screen, HelpScreen)


@pytest.mark.parametrize(("field_y", "rows", "screen", "expected"), [
    (3, 6, 24, (4, 6)),  # fits below
    (20, 6, 24, (14, 6)),  # fits above only
    (10, 14, 24, (11, 13)),  # fits neither: the roomier side, below, cut
    (14, 14, 24, (0, 14)),  # fits neither: above is roomier
])
def test_the_list_goes_where_it_fits(field_y: int, rows: int, screen: int, expected: tuple[int, int]) -> None:
    from textual.geometry import Region

    from tui.screens.choice_menu import placement

    assert placement(Region(12, field_y, 16, 1), rows, screen) == expected


@run_async
async def test_a_long_list_stays_on_an_80x24_screen_and_shows_the_highlight():
    """The data set chooser at 80x24: the list is cut to the screen, and its last option, once
    highlighted, is scrolled into view."""
    app = circle_app()
    async with app.run_test(size=(80, 24)) as pilot:
        chooser = app.query_one("#field-data-dataset", Choice)
        chooser.focus()
        await pilot.press("enter")
        listing = app.screen.query_one(OptionList)
        assert 0 <= listing.region.y and listing.region.bottom <= 24
        await pilot.press("end")
        await pilot.pause()
        highlighted_row = listing.highlighted - listing.scroll_offset.y
        assert 0 <= highlighted_row < listing.scrollable_content_region.height


@run_async
async def test_the_preset_chooser_ignores_left_and_right():
    """A stray arrow must not refill the whole form with another preset."""
    app = make_app(preset_config("circle"), session_options=STEADY)
    async with app.run_test(size=(100, 30)) as pilot:
        chooser = app.query_one("#preset", Choice)
        chooser.focus()
        await pilot.press("right", "left")
        assert chooser.value == "circle"


@run_async
async def test_at_80_columns_every_key_shows_on_two_lines():
    app = circle_app()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(KeyBar)
        lines = str(bar.render()).split("\n")
        assert len(lines) == 2 and bar.size.height == 2
        assert all(len(line) <= 80 for line in lines)
        shown = app.key_items()
        assert all(f" {item.key} {item.description} " in "\n".join(lines) + " " for item in shown)
        row = next(number for number, line in enumerate(lines) if "Help" in line)
        await pilot.click(KeyBar, offset=(lines[row].index("Help"), row))
        assert isinstance(app.screen, HelpScreen)


@run_async
async def test_a_letter_in_the_list_jumps_to_the_next_option_starting_with_it():
    app = ChoiceApp()
    async with app.run_test(size=(40, 20)) as pilot:
        app.query_one(Choice).focus()
        await pilot.press("enter", "s")
        assert app.screen.query_one(OptionList).highlighted == 2
        await pilot.press("t", "enter")
        assert app.query_one(Choice).value == "tanh"
