"""Picking a unit in the Network view: the view marks it, the Boundary view draws it large, and
the engine is told to send that unit on its finer grid (asked for at once, off the UI's thread,
when no snapshot is coming: a paused or ended run). The arrows act only while the Network view is
in sight and no form field has the keys."""

from __future__ import annotations

from typing import Any


def apply_pick(app: Any, picked: tuple[int, int] | None) -> None:
    """Show `picked` (layer, unit) everywhere it matters; None gives the Boundary view the output back."""
    app.session.picked_neuron = picked
    app.output.pick(picked)
    app.keys.refresh(layout=True)
    if picked is not None and app.session.state in ("paused", "finished"):
        refresh = getattr(app.session, "refresh_views", None)  # a watched run's session has none
        if refresh is not None:
            app.run_worker(refresh, thread=True, group="views", exit_on_error=False)


def picking_allowed(app: Any, action: str) -> bool:
    """Whether the arrows (pick_neuron) or o (show_output) act now."""
    if app.focused is not None and app.focused is not app.network:
        return False  # a field has the keys: its own arrows
    if action == "show_output":
        return app.views.offers("network", action) or app.views.offers("output", action)
    return app.views.offers("network", "pick_neuron(-1, 0)")
