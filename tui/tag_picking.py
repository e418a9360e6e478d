"""g in the Loss view of a watched TensorBoard run: a list of the pairs of its tags (a train tag
with its test tag, paired by name, or one tag alone) opens over the chart, and the pair picked is
drawn from then on. For nntui's own runs the key says there is nothing to pick."""

from __future__ import annotations

from collections.abc import Callable

from textual.geometry import Region

from tui.run_controller import RunController
from tui.screens.choice_menu import ChoiceMenu


def pick_tags(controller: RunController, show_chart: Callable[[], None]) -> None:
    """Open the list of tag pairs over the Loss view (`show_chart` brings it in front), or say why
    there is none to pick."""
    app, listing = controller.app, controller.tag_listing()
    if listing is None:
        app.notify("Only a watched TensorBoard run has tags to pick; this run draws its own losses.", title="Tags",
                   timeout=4)
        return
    if len(listing.pairs) < 2:
        app.notify(f"This run has no other tags to draw ({listing.drawn.label or 'none yet'}).", title="Tags",
                   timeout=4)
        return
    show_chart()  # the Loss view, whose tags these are, in front (at any width)
    by_label = {pair.label: pair for pair in listing.pairs}
    chart = controller.panels.chart
    region = chart.content_region
    under = Region(region.x, region.y, max(region.width // 2, 20), 1)

    def picked(label: str | None) -> None:
        pair = by_label.get(label or "")
        if pair is not None and pair != listing.drawn:
            controller.choose_tags(pair)

    app.push_screen(ChoiceMenu(list(by_label), listing.drawn.label, under), picked)
