"""Pure rendering: engine values in, text out (Rich `Text` and plain lines), shared by the trainer
and the command line. No app, no terminal, testable on its own: imports the engine and Rich,
never Textual, a widget, a screen or the command line (an import-linter contract).

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from tui.render.boundary_cells import BoundaryStyle
    from tui.render.boundary_text import boundary_lines
    from tui.render.image_report import report_text
    from tui.render.loss_chart import Curve
    from tui.render.lr_find_plot import lr_find_chart
    from tui.render.network_cells import network_text
    from tui.render.progress import progress_bar
    from tui.render.run_text import epoch_line, start_lines
    from tui.render.runs_chart import run_colour, runs_legend

__all__ = [
    "BoundaryStyle", "boundary_lines", "report_text", "Curve", "lr_find_chart", "network_text",
    "progress_bar", "epoch_line", "start_lines", "run_colour", "runs_legend",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
