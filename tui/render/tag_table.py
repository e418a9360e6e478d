"""A TensorBoard run's scalar tags as the Loss view lists them under its chart: each tag's last,
minimum and maximum value and its steps, the two drawn marked with their curve's swatch, so the
figures of every tag are in sight and the key that picks the drawn pair is named. Pure: a listing
in, text out."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from engine.runs.tensorboard.foreign_run import TagFigures
from engine.runs.tensorboard.tags import TagPair
from tui.render.figures import figure
from tui.render.loss_chart import Curve, swatch

NUMBER = 10  # the width of each figure's column
PICK_KEY = "g"


def tag_table(figures: dict[str, TagFigures], drawn: TagPair, curves: Sequence[Curve], width: int, rows: int,
              ascii_only: bool = False, color: bool = True) -> Text:
    """A header and a line a tag in `rows` lines of `width` (the last line saying how many more
    where they do not fit); `curves` are the train and the test curve, whose swatches mark the
    tags `drawn` as them."""
    marks = {tag: curve for tag, curve in zip((drawn.train, drawn.test), curves) if tag}
    name_width = max(8, min(max(map(len, figures), default=8), width - 4 - 3 * NUMBER - 12))
    text = Text(no_wrap=True, overflow="crop", end="")
    text.append(f"   {'tag'.ljust(name_width)} {'last':>{NUMBER}}{'min':>{NUMBER}}{'max':>{NUMBER}}  steps",
                style="dim")
    tags = list(figures)
    shown = tags if len(tags) <= rows - 1 else tags[:max(rows - 2, 0)]
    for tag in shown:
        text.append("\n")
        curve = marks.get(tag)
        if curve is not None:
            text.append(swatch(curve, color, ascii_only), style=f"color({curve.color})" if color else "")
            text.append(" ")
        else:
            text.append("   ")
        numbers = figures[tag]
        name = tag if len(tag) <= name_width else tag[:name_width - 1] + ("~" if ascii_only else "…")
        text.append(f"{name.ljust(name_width)} {figure(numbers.last):>{NUMBER}}{figure(numbers.minimum):>{NUMBER}}"
                    f"{figure(numbers.maximum):>{NUMBER}}  {numbers.first_step}..{numbers.last_step}")
    hidden = len(tags) - len(shown)
    if hidden and rows >= 2:
        text.append(f"\n   ... and {hidden} more tag{'s' if hidden != 1 else ''} ({PICK_KEY} picks the drawn pair)",
                    style="dim")
    return text
