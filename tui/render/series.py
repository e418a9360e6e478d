"""The loss chart's two curves, one look each wherever they are drawn (the trainer, in colour or
not, and `nntui run --plot`): train is a cyan line, or braille dots, or `*`; test an orange
line, or bullets, or `+`."""

from __future__ import annotations

from collections.abc import Sequence

from tui.render.loss_chart import Curve

TRAIN_COLOUR, TEST_COLOUR = 45, 208  # 256-colour codes: plotext and rich read them alike

Series = tuple[Sequence[float], Sequence[float]]  # (epochs, losses)


def loss_curves(train: Series, test: Series, names: tuple[str, str] = ("train", "test")) -> list[Curve]:
    """The train and the test curve, in that order (named otherwise for a TensorBoard run's tags)."""
    return [Curve(names[0], *train, TRAIN_COLOUR, plain_marker="braille", ascii_marker="*"),
            Curve(names[1], *test, TEST_COLOUR, plain_marker="dot", ascii_marker="+")]
