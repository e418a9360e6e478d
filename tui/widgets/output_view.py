"""What the model has learned, drawn as it learns: the decision boundary for 2-D classifiers,
the fit for regression (a heatmap of the prediction over the plane for 2-D sets), the confusion
matrix and a row of test images for image classifiers; or, while the Network view has a unit
picked, that unit's output over the plane, large. The engine computes a grid the size this view
asks for."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from engine.config.catalog import DATASETS
from engine.config.schema import RunConfig
from engine.loop.events import RunStarted, Snapshot

if TYPE_CHECKING:
    from tui.render.boundary_cells import BoundaryStyle
    from tui.render.heatmap import Scale
from tui.render.regression_text import parameter_table, prediction_plot, scores_text
from tui.widgets.run_view import RunView

WAITING = "What the model learns shows here once training starts (space, or n for one epoch)."


class OutputView(RunView, Static):
    """Keeps the run's points and the latest snapshot; `redraw` turns them into text."""

    def __init__(self, ascii_only: bool = False, **kwargs) -> None:
        super().__init__(WAITING, **kwargs)
        self.ascii_only = ascii_only
        self.started: RunStarted | None = None
        self.snapshot: Snapshot | None = None
        self.show_test = True
        self.discrete = False
        self.dirty = False
        self.boundary = True  # the data makes a decision boundary (the app says, from the configuration)
        self.picked: tuple[int, int] | None = None  # the Network view's picked unit, drawn instead of the output

    @property
    def grid_size(self) -> tuple[int, int]:
        """(columns, rows) of probabilities to ask the engine for: two rows per line. A view in a
        hidden tab has no size of its own; it would get its tab's place, the views' area."""
        width, height = (self.content_region if self.display or self.parent is None else
                         self.parent.content_region).size
        return max(width, 8), max(2 * (height - 1), 4)

    @staticmethod
    def title(config: RunConfig) -> str:
        """The view's tab label for a configuration's data."""
        info = DATASETS[config.data.dataset]
        if info.kind == "table":  # a fit or a confusion matrix: the target column decides
            return "Results"
        return "Images" if info.images else "Fit" if info.kind == "regression" else "Boundary"

    def offers(self, action: str) -> bool:
        """The boundary's keys (test points, hard classes) mean something only over a boundary;
        `o` (back to the output) while a unit is drawn instead."""
        if action == "show_output":
            return self.picked is not None
        if action == "discrete" and self.picked is not None:
            return False  # a unit's output has no classes to harden
        return self.boundary

    def begin(self, started: RunStarted) -> None:
        self.started, self.snapshot, self.dirty = started, None, True

    def clear(self) -> None:
        self.started, self.snapshot, self.dirty, self.picked = None, None, False, None
        self.update(WAITING)

    def take(self, snapshot: Snapshot) -> None:
        self.snapshot, self.dirty = snapshot, True

    def pick(self, picked: tuple[int, int] | None) -> None:
        """Draw this unit (layer, unit) of the Network view instead of the output; None: the output."""
        self.picked = picked
        self.redraw()

    def toggle_test(self) -> None:
        self.show_test = not self.show_test
        self.redraw()

    def toggle_discrete(self) -> None:
        self.discrete = not self.discrete
        self.redraw()

    def style(self) -> BoundaryStyle:
        from tui.render.boundary_cells import BoundaryStyle

        return BoundaryStyle(color=not self.app.no_color, ascii_only=self.ascii_only, discrete=self.discrete,
                             show_test=self.show_test)

    def redraw(self) -> None:
        self.dirty = False
        started, snapshot = self.started, self.snapshot
        if started is None or snapshot is None:
            return
        # numpy comes with these renderers: imported at the first drawing, not before the first screen
        from tui.render.boundary_cells import boundary_cells, legend
        from tui.render.image_report import report_text

        width, height = self.content_region.size
        grid = snapshot.boundary
        if self.picked is not None and snapshot.neurons is not None:
            self.update(self._neuron(started, snapshot, width, height), layout=False)
        elif snapshot.images is not None:
            self.update(report_text(snapshot.images, started.labels, width, height, not self.app.no_color,
                                    self.ascii_only), layout=False)
        elif grid is not None:
            style = self.style()
            cells = boundary_cells(grid.probabilities, grid.x_range, grid.y_range, started.train_points,
                                   started.test_points, style)
            classes = len(grid.probabilities) or 2
            self.update(Group(legend(classes, style, width), cells), layout=False)
        elif snapshot.surface is not None and not started.reference:
            self.update(self._surface(started, snapshot, width, height), layout=False)
        elif started.reference and snapshot.parameters:
            title = Text(f"Epoch {snapshot.epoch}: learned vs true parameters\n", "bold")
            self.update(Group(title, parameter_table(snapshot.parameters, started.reference), self._scores(snapshot)),
                        layout=False)
        else:
            title = Text(f"Epoch {snapshot.epoch}: test predictions (up) against targets (across)", "bold")
            plot = prediction_plot(snapshot.predictions, width, height - 2, self.ascii_only, not self.app.no_color)
            self.update(Group(title, self._scores(snapshot), plot), layout=False)

    def _points(self, started: RunStarted) -> list[tuple[tuple[float, float, float], bool]]:
        test = [(p, True) for p in started.test_points] if self.show_test else []
        return [(p, False) for p in started.train_points] + test

    def _neuron(self, started: RunStarted, snapshot: Snapshot, width: int, height: int) -> Group:
        """The picked unit over the plane, on its finer grid when the engine sent one, the points on top."""
        import numpy as np

        from tui.render.heatmap import Scale, heatmap, scale_legend
        from tui.render.network_cells import picked_words

        maps, (layer, unit) = snapshot.neurons, self.picked
        if maps is None or layer >= len(maps.layers) or unit >= len(maps.layers[layer].maps):
            return Group(Text("(that unit is not in this network)", "dim"))
        focus = snapshot.focus
        values = focus.values if focus is not None and (focus.layer, focus.unit) == self.picked else \
            maps.layers[layer].maps[unit]
        scale = Scale.symmetric(np.asarray(values, dtype=np.float64))
        style = self.style()
        points = self._point_scale(started)
        words = picked_words(maps, self.picked, self.ascii_only)
        epoch = f"Epoch {snapshot.epoch}: "  # left out where it would push the unit's figures off the line
        title = Text(epoch + words if len(epoch + words) <= width else words, "bold", no_wrap=True, overflow="crop")
        legend = scale_legend(scale, style)
        legend.append("  o: back to the output", "dim")
        return Group(title, legend, heatmap(values, maps.x_range, maps.y_range, max(height - 2, 1), width, scale,
                                            self._points(started), style, points))

    def _point_scale(self, started: RunStarted) -> Scale | None:
        """Regression points take the colour of their target on the targets' scale; class points their class's."""
        if started.task != "regression" or not started.train_points:
            return None
        from tui.render.heatmap import Scale

        targets = [value for _, _, value in started.train_points]
        return Scale(min(targets), max(targets))

    def _surface(self, started: RunStarted, snapshot: Snapshot, width: int, height: int) -> Group:
        """2-D regression: the prediction over the plane on the training targets' scale, points on top."""
        from tui.render.heatmap import heatmap, scale_legend

        surface, style = snapshot.surface, self.style()
        scale = self._point_scale(started)
        title = Text(f"Epoch {snapshot.epoch}: prediction over the plane", "bold", no_wrap=True, overflow="crop")
        key = Text(no_wrap=True, overflow="crop")
        if scale is not None:  # the points' colours are their targets, on the training targets' scale
            key = scale_legend(scale, style)
            key.append("  points: their target", "dim")
        scores = self._scores(snapshot)
        scores.no_wrap, scores.overflow = True, "crop"
        return Group(title, key, scores, heatmap(surface.values, surface.x_range, surface.y_range,
                                                 max(height - 3, 1), width, scale, self._points(started), style,
                                                 scale))

    def _scores(self, snapshot: Snapshot) -> Text:
        """The test errors in the target's own unit, on one line (empty without a test set)."""
        if snapshot.scores is None:
            return Text("")
        return Text(scores_text(snapshot.scores, self.ascii_only, prefix="test "), "dim")

    def on_resize(self) -> None:
        self.redraw()
