"""The form as a person meets it: focus they can see, no invisible Tab stop, letters on a chooser
that never fire commands, locked fields that look locked, a refused lr that goes back, labels in
one style with room before their values, errors on their own line, keys in plain words, and
Ctrl+O completing paths from the last saved run."""

from __future__ import annotations

from textual.widgets import Input, Label, Static

from engine.config.fields import SPECS
from tests.tui.conftest import circle_app, run_async, screen_text, settle, trained_and_saved
from tui.screens.path_dialog import PathDialog
from tui.widgets.choice import Choice
from tui.widgets.config_form import ConfigForm
from tui.widgets.form_fields import label_text
from tui.widgets.key_bar import KeyBar


def label_of(app, path: str) -> Label:
    return app.query_one(f"#field-{path.replace('.', '-')}-row").query_one(Label)


@run_async
async def test_tab_goes_straight_to_a_field_and_its_label_shows_it():
    """The form's scroll container takes no Tab stop; the focused field's label is reversed, which
    shows without colour too."""
    app = circle_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("tab")
        assert app.focused is app.query_one("#preset", Choice)
        await pilot.press("tab")
        assert app.focused is app.query_one("#field-model-hidden", Input)
        await pilot.pause()
        assert label_of(app, "model.hidden").rich_style.reverse
        assert not label_of(app, "model.activation").rich_style.reverse


@run_async
async def test_letters_on_a_chooser_pick_a_choice_and_fire_no_command():
    """On the activation chooser, s picks sigmoid (it does not stop a run) and r relu (no reset)."""
    app = circle_app(epochs=100_000)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        await settle(pilot, app, "paused")
        chooser = app.query_one("#field-model-activation", Choice)
        chooser.focus()
        await pilot.press("s")
        await pilot.pause()
        assert chooser.value == "sigmoid" and app.session.state == "paused"
        await pilot.press("r")
        await pilot.pause()
        assert chooser.value == "relu" and len(app.session.history) == 1


@run_async
async def test_locked_fields_look_locked_while_training():
    """While training a locked chooser loses its arrow and its row is marked locked; lr stays open."""
    app = circle_app(epochs=100_000)
    async with app.run_test(size=(100, 32)) as pilot:
        chooser = app.query_one("#field-model-activation", Choice)
        assert str(chooser.render()).endswith("▼")
        app.session.start()
        app.tick()
        await pilot.pause()
        assert not str(chooser.render()).rstrip().endswith("▼")
        assert app.query_one("#field-model-activation-row").has_class("-locked")
        assert label_of(app, "model.activation").rich_style.dim
        assert not app.query_one("#field-train-lr-row").has_class("-locked")
        app.session.stop()


@run_async
async def test_a_refused_lr_goes_back_to_the_one_in_use():
    """During a run, lr 0 is marked while typed; leaving the field puts back the lr the run uses."""
    app = circle_app(epochs=100_000)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        await settle(pilot, app, "paused")
        lr = app.query_one("#field-train-lr", Input)
        lr.focus()
        lr.value = "0"
        await pilot.pause()
        assert lr.has_class("-invalid")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        assert lr.value == "0.1" and not lr.has_class("-invalid")
        assert app.query_one(ConfigForm).config_or_none() is not None


def test_labels_are_words_that_leave_room_for_the_value():
    """`batch size`, not `batch_size`; every label is shorter than its column, so `decay0.0` cannot happen."""
    assert label_text(SPECS["data.batch_size"]) == "batch size"
    assert label_text(SPECS["data.drop_last"]) == "drop last"
    assert all(len(label_text(spec)) < 12 and "_" not in label_text(spec) for spec in SPECS.values())


@run_async
async def test_a_label_never_runs_into_its_value_at_80_columns():
    """At 80x24 every form row has a blank between label and value."""
    app = circle_app()
    async with app.run_test(size=(80, 24)):
        text = screen_text(app)
        assert "decay0" not in text and "weight decay0" not in text
        for row in app.query(".field-row"):
            label = row.query_one(Label)
            assert label.size.width > len(str(label.render()))


@run_async
async def test_a_field_error_has_a_line_of_its_own():
    """A bad value's reason is the next line, marked with `!`, not joined to the help text."""
    app = circle_app()
    async with app.run_test(size=(100, 32)) as pilot:
        app.query_one("#field-train-lr", Input).value = "0"
        await pilot.pause()
        error = app.query_one("#field-train-lr-error", Static)
        assert str(error.render()).startswith("! must be > 0")
        assert error.region.y == app.query_one("#field-train-lr-row").region.y + 1


@run_async
async def test_keys_are_named_in_plain_words():
    """The key bar says log scale, test points, hard classes and command."""
    app = circle_app()
    async with app.run_test(size=(200, 30)):
        text = str(app.query_one(KeyBar).render())
        for words in (" l Log scale ", " t Test points ", " d Hard classes ", " c Command "):
            assert words in text


@run_async
async def test_ctrl_o_offers_the_last_saved_run_and_completes_paths(tmp_path):
    """After a save, Ctrl+O starts at that run's config.toml, and typing completes .toml names."""
    (tmp_path / "other.toml").write_text("")
    app = circle_app(epochs=3)
    async with app.run_test(size=(100, 32)) as pilot:
        await trained_and_saved(pilot, app, tmp_path / "run")
        await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, PathDialog)
        path = app.screen.query_one("#path", Input)
        assert path.value == str(tmp_path / "run" / "config.toml")
        assert await path.suggester.get_suggestion(f"{tmp_path}/oth") == f"{tmp_path}/other.toml"
