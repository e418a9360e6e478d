"""When the Network view's keys act: the arrows pick a unit (drawn large in the Boundary view:
RunController.pick) and o gives the Boundary view the output back, only while the Network view is
in sight and no form field has the keys."""

from __future__ import annotations

from textual.widget import Widget

from tui.panels import Panels


def picking_allowed(focused: Widget | None, panels: Panels, action: str) -> bool:
    """Whether the arrows (pick_neuron) or o (show_output) act now, `focused` having the keys."""
    if focused is not None and focused is not panels.network:
        return False  # a field has the keys: its own arrows
    views = panels.views
    if action == "show_output":
        return views.offers("network", action) or views.offers("output", action)
    return views.offers("network", "pick_neuron(-1, 0)")
