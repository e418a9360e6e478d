"""The Network view in the trainer (its number key): every unit over the plane after a run, arrows picking a
unit that the Boundary view then draws large (on the engine's finer grid, asked for once the run
has ended), o going back to the output, arrows left to the form while a field has the keys; and
what else this issue put on screen: the input-feature toggles, the 2-D regression Fit view with
RMSE and R² in the metrics, and model health in the Model view."""

from __future__ import annotations

from engine.config.build import with_values
from engine.config.presets import preset_config
from tests.tui.conftest import STEADY, circle_app, drained, run_async, screen_text, settle
from tui.app import make_app
from tui.widgets.feature_toggles import FeatureToggles
from tui.widgets.views import VIEWS

NETWORK_KEY = str(1 + [view.id for view in VIEWS].index("network"))


async def _trained_on_network(pilot, app) -> None:
    await pilot.press("space")
    await settle(pilot, app)
    await pilot.press(NETWORK_KEY)
    await pilot.pause()


@run_async
async def test_the_network_view_draws_every_layer_after_a_run():
    """After a circle run, the Network key shows rows in, h1 and out, and the key bar offers the arrows."""
    app = circle_app(epochs=5)
    async with app.run_test(size=(100, 32)) as pilot:
        await _trained_on_network(pilot, app)
        text = screen_text(app)
        assert "arrows pick a unit" in text
        assert all(f" {label} " in text for label in ("in", "h1", "out"))
        assert "arrows Pick unit" in str(app.keys.render())


@run_async
async def test_arrows_pick_a_unit_that_the_boundary_view_draws_large():
    """An arrow picks the first hidden unit, right the next; the Boundary view draws it from the engine's
    finer grid (asked for after the run), and o brings the output back."""
    app = circle_app(epochs=5)
    async with app.run_test(size=(100, 32)) as pilot:
        await _trained_on_network(pilot, app)
        await pilot.press("down", "right")
        await drained(pilot, app)  # the views' refresh, a thread worker
        assert app.network.picked == (1, 1) and app.session.picked_neuron == (1, 1)
        assert "h1 unit 2/4 relu" in screen_text(app) and "o Output" in str(app.keys.render())
        await pilot.press("2")
        await pilot.pause()
        assert app.output.snapshot.focus is not None and (app.output.snapshot.focus.unit, app.output.picked) == (1, (1, 1))
        assert "Epoch 5: h1 unit 2/4 relu" in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert app.output.picked is None and app.session.picked_neuron is None
        assert "class 0" in screen_text(app)  # the boundary's legend again


@run_async
async def test_the_network_key_takes_the_arrows_back_from_the_runs_list():
    """On a wide screen, after the Runs view took the keys for its list, the Network key gives the
    arrows back to picking units."""
    app = circle_app(epochs=5)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("5")
        await pilot.pause()
        await pilot.press(NETWORK_KEY, "down")
        await drained(pilot, app)  # the views' refresh, a thread worker
        assert app.network.picked == (1, 0)


@run_async
async def test_arrows_stay_with_a_form_field_that_has_the_keys():
    """While a field is being edited, up and down do not move the pick."""
    app = circle_app(epochs=5)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        app.form.editors["train.lr"].focus()
        await pilot.pause()
        await pilot.press("up", "down")
        assert app.network.picked is None


@run_async
async def test_without_colour_and_in_ascii_the_network_is_shades():
    """Under --ascii the Network view is 7-bit shades, the picked unit framed with bars."""
    app = circle_app(epochs=5, ascii_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await _trained_on_network(pilot, app)
        await pilot.press("right")
        await pilot.pause()
        text = screen_text(app)
        assert text.isascii() and "h1 unit 1/4 relu" in text and "|" in text


@run_async
async def test_feature_toggles_edit_the_features():
    """Space on the toggles adds the feature under the cursor; the planned model widens to match."""
    app = circle_app()
    async with app.run_test(size=(120, 40)) as pilot:
        toggles = app.form.editors["data.features"]
        assert isinstance(toggles, FeatureToggles) and "[x1]" in str(toggles.render())
        toggles.focus()
        await pilot.press("right", "right", "space")
        await pilot.pause()
        assert app.form.config().data.features == ["x1", "x2", "x1^2"]
        await pilot.press("3")
        await pilot.pause()
        assert "3 -> 4 -> 1" in screen_text(app) and "inputs: x1, x2, x1²" in screen_text(app)
        toggles.focus()
        await pilot.press("left", "left", "space", "right", "space")
        await pilot.pause()
        assert app.form.config().data.features == ["x1^2"]


@run_async
async def test_a_2d_regression_run_shows_its_surface_and_fit_in_the_metrics():
    """gauss: the Fit view draws the prediction over the plane; the metrics give RMSE and R²."""
    config = with_values(preset_config("moons"), {"data.dataset": "gauss", "train.loss": "mse", "train.epochs": 4})
    app = make_app(config, session_options=STEADY)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("2")
        await pilot.pause()
        text = screen_text(app)
        assert "prediction over the plane" in text and "RMSE" in text and "R²" in text
        assert "2 Fit" in text


@run_async
async def test_the_model_view_shows_each_layers_health():
    """After a run the Model view tables |W|, |grad| and dead units per layer."""
    app = circle_app(epochs=5)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("3")
        await pilot.pause()
        text = screen_text(app)
        assert "Health at epoch 5" in text and "|grad|" in text and "dead: ReLU units" in text
