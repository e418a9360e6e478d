"""The right-hand views as one table: each view has an id, a title and a widget factory, and
keys 1..N show it ([ and ] step through them). Below 140 columns one view shows at a time under a
one-line bar of their numbers and titles; from 140 on they form a grid, each titled with its key.
A later view (runs, network, LR finder) is one more VIEWS entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.widget import Widget

from engine.loop.events import RunStarted, Snapshot
from tui.widgets.epoch_log import EpochLog
from tui.widgets.loss_chart import LossChart
from tui.widgets.lr_finder_view import LrFinderView
from tui.widgets.model_summary import ModelSummary
from tui.widgets.network_view import NetworkView
from tui.widgets.output_view import OutputView
from tui.widgets.run_view import RunView
from tui.widgets.runs_view import RunsView


@dataclass(frozen=True)
class ViewKey:
    """A key of a view's own: it runs the app's `action_<action>` (the key bar shows it while the
    view is in sight)."""

    key: str
    action: str
    description: str


@dataclass(frozen=True)
class ViewSettings:
    """What the app tells every view it builds: how to draw, and where its runs are."""

    ascii_only: bool = False
    runs_folder: Path = field(default_factory=lambda: Path("runs"))  # the Runs view's (the app's RunHost's)


@dataclass(frozen=True)
class ViewSpec:
    """One view: `make(settings)` builds its widget (a RunView); `actions` are the app's keys that act on it
    (the key bar shows them while it is in sight); `keys` are keys the view brings (bound from here)."""

    id: str
    title: str
    make: Callable[[ViewSettings], RunView]
    actions: tuple[str, ...] = ()
    keys: tuple[ViewKey, ...] = ()

    @property
    def all_actions(self) -> tuple[str, ...]:
        return self.actions + tuple(key.action for key in self.keys)


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec("loss", "Loss", lambda settings: LossChart(settings.ascii_only), ("log_scale", "pick_tags")),
    ViewSpec("output", "Boundary", lambda settings: OutputView(settings.ascii_only),
             ("test_points", "discrete", "show_output")),
    ViewSpec("model", "Model", lambda settings: ModelSummary(settings.ascii_only)),
    ViewSpec("log", "Log", lambda settings: EpochLog()),
    ViewSpec("runs", "Runs", lambda settings: RunsView(settings.ascii_only, settings.runs_folder)),
    ViewSpec("lrfind", "LR finder", lambda settings: LrFinderView(settings.ascii_only),
             keys=(ViewKey("f", "lr_find", "Find lr"), ViewKey("a", "apply_lr", "Apply lr"))),
    ViewSpec("network", "Network", lambda settings: NetworkView(settings.ascii_only),
             ("pick_neuron(-1, 0)", "show_output")),
)


class ViewBar(Widget):
    """`[1 Loss]  2 Boundary  3 Model  4 Log`: the shown view bracketed and reversed, so it reads
    the same in colour, without it and in 7-bit text; a click on a title shows that view."""

    DEFAULT_CSS = "ViewBar { height: 1; }"

    def __init__(self, titles: list[str], **kwargs) -> None:
        super().__init__(**kwargs)
        self.titles = titles
        self.active = 0

    def parts(self) -> list[str]:
        """Each view's label as drawn: `[n Title]` for the shown one, ` n Title ` for the others; where
        they do not all fit, others keep only their number (` n `), from the last one back."""
        parts = [f"[{n} {title}]" if n - 1 == self.active else f" {n} {title} "
                 for n, title in enumerate(self.titles, start=1)]
        width = self.size.width or 1_000
        for index in reversed(range(len(parts))):  # the last titles go first
            if sum(map(len, parts)) <= width:
                break
            if index != self.active:
                parts[index] = f" {index + 1} "
        return parts

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="crop", end="")
        for index, part in enumerate(self.parts()):
            text.append(part, "reverse bold" if index == self.active else "dim")
        return text

    async def on_click(self, event) -> None:
        column = 0
        for index, part in enumerate(self.parts()):
            if column <= event.x < column + len(part):
                await self.app.run_action(f"show_view({index})")
                return
            column += len(part)


class ViewPanel(Vertical):
    """The bar and the views; `show(index)` brings one to the front and redraws it."""

    def __init__(self, settings: ViewSettings, views: tuple[ViewSpec, ...] = VIEWS, **kwargs) -> None:
        super().__init__(**kwargs)
        self.views = views
        self.settings = settings
        self.titles = [view.title for view in views]
        self.active = 0

    def compose(self) -> ComposeResult:
        yield ViewBar(self.titles, id="view-bar")
        with Container(id="views"):
            for index, view in enumerate(self.views):
                widget = view.make(self.settings)
                assert isinstance(widget, Widget)
                widget.id = f"{view.id}-view"
                widget.add_class("view")
                widget.set_class(index == self.active, "-active")
                widget.border_title = f"{index + 1} {view.title}"
                yield widget

    def widget(self, view_id: str) -> Widget:
        return self.query_one(f"#{view_id}-view")

    def view(self, view_id: str) -> RunView:
        """The view's widget, as the view it is."""
        widget = self.widget(view_id)
        assert isinstance(widget, RunView)
        return widget

    def all_views(self) -> list[RunView]:
        return [self.view(view.id) for view in self.views]

    @property
    def active_id(self) -> str:
        return self.views[self.active].id

    def show(self, index: int) -> None:
        """Bring view `index` to the front (a wide screen shows all: it is marked instead)."""
        self.active = index % len(self.views)
        for number, view in enumerate(self.views):
            self.widget(view.id).set_class(number == self.active, "-active")
        bar = self.query_one(ViewBar)
        bar.active = self.active
        bar.refresh()
        shown = self.view(self.active_id)
        self.call_after_refresh(shown.redraw)  # a hidden view was not drawn while hidden
        if shown.uses_keys:  # a view that is used with keys (the Runs list) gets them when shown
            self.call_after_refresh(shown.take_keys)
        elif self.screen.focused is not None and self in self.screen.focused.ancestors:
            self.screen.set_focus(None)  # another view's list gives the keys back (the arrows pick units)

    def begin(self, started: RunStarted) -> None:
        """A run began: every view is told."""
        for view in self.all_views():
            view.begin(started)

    def take(self, snapshot: Snapshot) -> None:
        """A snapshot came: every view takes what it shows of it."""
        for view in self.all_views():
            view.take(snapshot)

    def clear(self) -> None:
        """A different run is shown: every view forgets the last one's."""
        for view in self.all_views():
            view.clear()

    def redraw_due(self) -> None:
        """Redraw the views holding something new (`dirty`) that are in sight; a hidden one is
        drawn when it is shown."""
        for view in self.views:
            widget = self.view(view.id)
            if widget.dirty and self.in_sight(view.id):
                widget.redraw()

    def keys_owner(self, focused: Widget | None) -> RunView | None:
        """The view holding the focused widget (itself or its list), or None: its own keys
        (RunView.own_keys) take the key bar."""
        node: object = focused
        while isinstance(node, Widget) and not isinstance(node, RunView):
            node = node.parent
        return node if isinstance(node, RunView) else None

    def cycle(self, delta: int) -> None:
        self.show(self.active + delta)

    def set_title(self, view_id: str, title: str) -> None:
        """Rename a view (the output view is Boundary, Fit, Results or Images by the data)."""
        index = next(i for i, view in enumerate(self.views) if view.id == view_id)
        self.titles[index] = title
        self.widget(view_id).border_title = f"{index + 1} {title}"
        self.query_one(ViewBar).refresh()

    def offers(self, view_id: str, action: str) -> bool:
        """Whether a view's key means something now: the view is in sight and (where it says) has a use for it."""
        return self.in_sight(view_id) and self.view(view_id).offers(action)

    def in_sight(self, view_id: str) -> bool:
        """Whether the view is on screen now (the shown one, or any on a wide screen), its pane too."""
        node: Widget | None = self.widget(view_id)
        while isinstance(node, Widget):
            if not node.display:
                return False
            node = node.parent  # type: ignore[assignment]
        return True
