"""What the model has learned, drawn as it learns: the decision boundary for 2-D classifiers,
the fit for regression, the confusion matrix and a row of test images for image classifiers.
The engine computes a grid the size this view asks for."""

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
from tui.render.regression_text import parameter_table, prediction_plot, scores_text

WAITING = "What the model learns shows here once training starts (space, or n for one epoch)."


class OutputView(Static):
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
        """The boundary's keys (test points, hard classes) mean something only over a boundary."""
        return self.boundary

    def begin(self, started: RunStarted) -> None:
        self.started, self.snapshot, self.dirty = started, None, True

    def clear(self) -> None:
        self.started, self.snapshot, self.dirty = None, None, False
        self.update(WAITING)

    def take(self, snapshot: Snapshot) -> None:
        self.snapshot, self.dirty = snapshot, True

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
        if snapshot.images is not None:
            self.update(report_text(snapshot.images, started.labels, width, height, not self.app.no_color,
                                    self.ascii_only), layout=False)
        elif grid is not None:
            style = self.style()
            cells = boundary_cells(grid.probabilities, grid.x_range, grid.y_range, started.train_points,
                                   started.test_points, style)
            classes = len(grid.probabilities) or 2
            self.update(Group(legend(classes, style), cells), layout=False)
        elif started.reference and snapshot.parameters:
            title = Text(f"Epoch {snapshot.epoch}: learned vs true parameters\n", "bold")
            self.update(Group(title, parameter_table(snapshot.parameters, started.reference), self._scores(snapshot)),
                        layout=False)
        else:
            title = Text(f"Epoch {snapshot.epoch}: test predictions (up) against targets (across)", "bold")
            plot = prediction_plot(snapshot.predictions, width, height - 2, self.ascii_only, not self.app.no_color)
            self.update(Group(title, self._scores(snapshot), plot), layout=False)

    def _scores(self, snapshot: Snapshot) -> Text:
        """The test errors in the target's own unit, on one line (empty without a test set)."""
        if snapshot.scores is None:
            return Text("")
        return Text(scores_text(snapshot.scores, self.ascii_only, prefix="test "), "dim")

    def on_resize(self) -> None:
        self.redraw()
