"""The trainer's panels: each owns its drawing and is fed plain values by the app. They import
Textual, `tui.render`, the screens and the engine; never the app, the launcher, the run controls
or the command line (an import-linter contract), so that each can be mounted and tested alone.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from tui.widgets.choice import Choice
    from tui.widgets.code_suggester import CodeSuggester
    from tui.widgets.config_form import ConfigForm
    from tui.widgets.epoch_log import EpochLog
    from tui.widgets.feature_toggles import FeatureToggles
    from tui.widgets.key_bar import KeyBar
    from tui.widgets.loss_chart import LossChart
    from tui.widgets.lr_finder_view import LrFinderView
    from tui.widgets.lr_plan import LrPlan
    from tui.widgets.metrics import MetricsPanel
    from tui.widgets.model_summary import ModelSummary
    from tui.widgets.output_view import OutputView
    from tui.widgets.path_suggester import PathSuggester
    from tui.widgets.run_view import RunView
    from tui.widgets.runs_view import RunsView

__all__ = [
    "Choice", "CodeSuggester", "ConfigForm", "EpochLog", "FeatureToggles", "KeyBar", "LossChart",
    "LrFinderView", "LrPlan", "MetricsPanel", "ModelSummary", "OutputView", "PathSuggester", "RunsView",
    "RunView",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
