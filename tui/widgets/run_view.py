"""What every right-hand view can be told about the run it shows. The view panel tells all views
the same few things (a run began, a snapshot came, a fresh run clears them) and redraws the ones
holding something new, by calling these methods; a view overrides the ones it has a use for and
inherits a no-op for the rest, so the panel needs no names in strings, getattr or hasattr."""

from __future__ import annotations

from collections.abc import Sequence

from engine.loop.events import RunStarted, Snapshot


class RunView:
    """The base of the seven views (tui.widgets.views.VIEWS), mixed in before their Textual widget
    class: `class LossChart(RunView, Static)`. A plain class, so that each view keeps its widget's
    own styles."""

    dirty: bool = False  # holds something new not drawn yet (drawn when in sight: ViewPanel.redraw_due)
    uses_keys: bool = False  # takes the keys when shown (the Runs list: arrows, space, enter); others leave them

    def begin(self, started: RunStarted) -> None:
        """A run began: its data, model and setup are known."""

    def take(self, snapshot: Snapshot) -> None:
        """A snapshot of the model came (at a bounded rate while training, and at the end)."""

    def clear(self) -> None:
        """A different run is shown from now on (a reset, a watched or continued run): forget the last one's."""

    def redraw(self) -> None:
        """Draw what the view holds (it is shown, resized, or holds something new)."""

    def take_keys(self) -> None:
        """Shown, where it `uses_keys`: take them (focus its list)."""

    def own_keys(self) -> Sequence[tuple[str, str, str]]:
        """(key, what it does, this view's action) that the key bar shows, in place of the trainer's
        own, while the view has the keys."""
        return ()

    def offers(self, action: str) -> bool:
        """Whether one of the trainer's keys for this view (`action`) means something now."""
        return True
