"""The Network view: every unit of an MLP on a 2-D set as a thumbnail of its output over the input
plane, layer by layer, live at the snapshot rate (tui.render.network_cells draws it). Arrow keys
pick a unit: up and down change the layer, left and right the unit; the app shows the picked unit
large in the Boundary view."""

from __future__ import annotations

from textual.widgets import Static

from engine.loop.events import RunStarted, Snapshot
from engine.loop.network_events import NeuronMaps
from tui.widgets.run_view import RunView

WAITING = ("Each unit of the network drawn over the input plane shows here once training starts: "
           "for MLPs on the 2-D data sets.")
NOT_HERE = "The Network view draws MLPs on the 2-D data sets (circle, xor, moons, spiral, blobs, linear, plane, gauss)."


class NetworkView(RunView, Static):
    """Keeps the latest neuron maps and the picked unit; `redraw` turns them into text."""

    def __init__(self, ascii_only: bool = False, **kwargs) -> None:
        super().__init__(WAITING, **kwargs)
        self.ascii_only = ascii_only
        self.maps: NeuronMaps | None = None
        self.epoch = 0
        self.picked: tuple[int, int] | None = None
        self.dirty = False
        self._shown: tuple[int, ...] = ()  # units drawn per layer in the last frame (a narrow view draws fewer)
        self.not_drawn = ""  # why this run's model is not drawn, where the engine said

    def begin(self, started: RunStarted) -> None:
        self.maps, self.dirty = None, True
        self.not_drawn = started.network  # (own-code: why a user's module is not drawn, in the engine's words)

    def clear(self) -> None:
        self.maps, self.picked, self.dirty, self._shown = None, None, False, ()
        self.update(WAITING)

    def take(self, snapshot: Snapshot) -> None:
        self.maps, self.epoch, self.dirty = snapshot.neurons, snapshot.epoch, True

    def offers(self, action: str) -> bool:
        """The arrows pick where there is a network drawn; `o` where a unit is picked."""
        if action == "show_output":
            return self.picked is not None
        return self.maps is not None

    def move(self, layers: int, units: int) -> tuple[int, int] | None:
        """Pick the unit `layers` rows down and `units` to the right of the picked one (the first
        hidden layer's first unit when none is picked yet); returns the pick."""
        shown = self._shown or (tuple(len(layer.maps) for layer in self.maps.layers) if self.maps else ())
        if not shown:
            return self.picked
        if self.picked is None:
            self.picked = (min(1, len(shown) - 1), 0)
        else:
            layer = min(max(self.picked[0] + layers, 0), len(shown) - 1)
            self.picked = (layer, min(max(self.picked[1] + units, 0), shown[layer] - 1))
        self.redraw()
        return self.picked

    def unpick(self) -> None:
        self.picked = None
        self.redraw()

    def redraw(self) -> None:
        self.dirty = False
        maps = self.maps
        if maps is None:
            self.update((self.not_drawn or NOT_HERE) if self.epoch else WAITING)
            return
        from tui.render.boundary_cells import BoundaryStyle  # numpy: at the first drawing
        from tui.render.network_cells import network_layout, network_text

        width, height = self.content_region.size
        layout = network_layout(maps, width, height)
        self._shown = layout.shown if layout is not None else ()
        style = BoundaryStyle(color=not self.app.no_color, ascii_only=self.ascii_only)
        self.update(network_text(maps, width, height, self.picked, style), layout=False)

    def on_resize(self) -> None:
        self.redraw()
