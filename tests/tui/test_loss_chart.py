"""The loss chart as a person reads it: whole-number epochs, an axis that belongs to the current
run, and a legend that matches the lines in colour, without colour and in ASCII."""

from __future__ import annotations

import re

from rich.color import Color

from tests.tui.conftest import circle_app, run_async, settle
from tui.render.loss_chart import legend, loss_chart
from tui.render.series import TEST_COLOUR, TRAIN_COLOUR, loss_curves
from tui.widgets.loss_chart import LossChart


def _curves(epochs: int):
    xs = list(range(1, epochs + 1))
    return loss_curves((xs, [1 / x for x in xs]), (xs, [1.2 / x for x in xs]))


def tick_labels(chart_text: str) -> list[str]:
    """The labels under the chart's frame (the line after the one with the corner └)."""
    lines = chart_text.splitlines()
    below = next(i for i, line in enumerate(lines) if "└" in line or line.lstrip().startswith("+-"))
    return lines[below + 1].split()


def test_epoch_ticks_are_whole_numbers() -> None:
    """However many epochs, the axis is labelled with whole epochs at round steps."""
    for epochs in (7, 100, 18883, 37757):
        labels = tick_labels(loss_chart(_curves(epochs), 70, 16).plain)
        assert labels and all(re.fullmatch(r"\d+", label) for label in labels), labels
        assert int(labels[-1]) <= epochs and labels[0] == "1"


def test_the_legend_is_drawn_in_the_colours_of_the_lines() -> None:
    """The train and test swatches carry the very 256-colour codes the lines are drawn in."""
    curves = _curves(40)
    swatches = [span for span in legend(curves, False, False).spans if "color(" in str(span.style)]
    assert [str(span.style) for span in swatches] == [f"color({TRAIN_COLOUR})", f"color({TEST_COLOUR})"]
    drawn = {span.style.color for span in loss_chart(curves, 60, 14).spans if span.style.color is not None}
    assert {Color.parse(f"color({TRAIN_COLOUR})"), Color.parse(f"color({TEST_COLOUR})")} <= drawn


def test_without_colour_train_and_test_have_their_own_markers() -> None:
    """Under NO_COLOR the train curve is braille and the test curve bullets, and the legend says so."""
    curves = _curves(40)
    chart = loss_chart(curves, 60, 14, color=False).plain
    assert "•" in chart and any("\u2801" <= c <= "\u28ff" for c in chart)
    assert legend(curves, False, False, color=False).plain.startswith("⠿⠿ train  •• test")
    assert legend(curves, False, False, ascii_only=True, color=False).plain.startswith("** train  ++ test")


@run_async
async def test_the_axis_follows_the_current_run_after_a_reset():
    """A 60-epoch run, then r and a 5-epoch run: the axis spans 1 to 5, not the old run's 60."""
    app = circle_app(epochs=60)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        app.query_one("#field-train-epochs").value = "5"
        await pilot.pause()
        await pilot.press("r")
        await pilot.press("space")
        await settle(pilot, app)
        chart = app.query_one(LossChart)
        chart.redraw()
        labels = tick_labels(chart.content.renderables[1].plain)  # Group(legend, chart)
        assert labels[0] == "1" and int(labels[-1]) == 5, labels


def test_a_diverged_epoch_s_infinite_loss_is_left_out_of_the_chart() -> None:
    """A run that diverged has inf among its losses: the chart draws the finite epochs, linear or log."""
    xs = [1, 2, 3, 4]
    curves = loss_curves((xs, [1.0, 0.5, 2e30, float("inf")]), (xs, [float("-inf"), 0.6, float("nan"), 0.7]))
    for log_y in (False, True):
        labels = tick_labels(loss_chart(curves, 60, 12, log_y=log_y).plain)
        assert labels[0] == "1" and labels[-1] == "4"
